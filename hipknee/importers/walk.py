"""Turn what a runner points at (files, folders, ``.gz`` files, zips, a Strava export, uploaded
bytes) into a flat list of :class:`Source` to import, in a stable order."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from contextlib import ExitStack
from os import PathLike
from pathlib import Path

from . import reasons
from .source import ACTIVITY_SUFFIXES, Source, file_reader, member_reader
from .strava import export_sources, find_list

__all__ = ["sources_from_paths", "sources_from_upload"]

_FOLDER_SUFFIXES = ACTIVITY_SUFFIXES + (".zip",)


def sources_from_paths(paths: Iterable[str | PathLike[str]], stack: ExitStack) -> list[Source]:
    """Sources for files and folders (searched recursively for activity files and zips).

    Zips stay open on ``stack`` until the import is over. A file named explicitly is always tried;
    inside folders and zips only activity files (``.fit``, ``.gpx``, ``.tcx``, ``.gz`` of them) are.
    """
    sources: list[Source] = []
    for item in paths:
        path = Path(item).expanduser()
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if (p.is_file() or _broken_link(p))
                                and p.name.lower().endswith(_FOLDER_SUFFIXES)):
                sources += _from_file(found, stack)
        elif path.is_file():
            sources += _from_file(path, stack)
        else:
            sources.append(Source(str(path), path, problem="no such file or folder"))
    return sources


def sources_from_upload(name: str, content: bytes, stack: ExitStack) -> list[Source]:
    """Sources for one uploaded file (an activity file, a ``.gz`` of one, or a zip)."""
    path = Path(name)
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        return _from_zip(lambda: zipfile.ZipFile(io.BytesIO(content)), name, path, stack, content[:4])
    return [Source(name, path, read=lambda: content)]


def _from_file(path: Path, stack: ExitStack) -> list[Source]:
    if _broken_link(path):
        return [Source(str(path), path, problem=f"a broken link: {os.readlink(path)} is not there")]
    if path.stat().st_size and (path.name.lower().endswith(".zip") or zipfile.is_zipfile(path)):
        with path.open("rb") as head:
            magic = head.read(4)
        return _from_zip(lambda: zipfile.ZipFile(path), str(path), path, stack, magic)
    return [Source(str(path), path, read=file_reader(path))]


def _broken_link(path: Path) -> bool:
    return path.is_symlink() and not path.exists()


def _from_zip(open_zip, label: str, path: Path, stack: ExitStack, magic: bytes) -> list[Source]:
    try:
        archive = stack.enter_context(open_zip())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        # A zip starts with its first member and ends with its directory: a download cut short
        # keeps the start and loses the directory.
        problem = reasons.TRUNCATED if magic == b"PK\x03\x04" else reasons.corrupt(f"not a readable zip: {exc}")
        return [Source(label, path, problem=problem)]
    list_name = find_list(archive)
    if list_name is not None:
        return export_sources(archive, list_name, label, path)
    members = sorted(
        (info for info in archive.infolist() if not info.is_dir() and info.filename.lower().endswith(ACTIVITY_SUFFIXES)),
        key=lambda info: info.filename,
    )
    if not members:
        return [Source(label, path, problem=reasons.NO_ACTIVITY_FILES)]
    return [Source(f"{label}:{info.filename}", path, read=member_reader(archive, info)) for info in members]
