"""One thing to import: a file on disk, a member of a zip, or a line of an app's activity list.

Reading undoes gzip (by its magic bytes, whatever the name), refuses empty files and files over
the byte budget of :mod:`.limits` (counting what actually inflates), and tells the format by
content first and by file name second.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import reasons
from .activity import Activity
from .fit import looks_like_fit, read_fit
from .gpx import looks_like_gpx, read_gpx
from .limits import MAX_FILE_BYTES, Budget, megabytes, read_bounded, too_large
from .reasons import Unreadable
from .tcx import looks_like_tcx, read_tcx

__all__ = ["ACTIVITY_SUFFIXES", "FORMATS", "Source", "detect_format", "file_reader", "load", "member_reader", "parse"]

#: Format -> reader of its bytes (and its file name, which may date it) within a budget.
FORMATS: dict[str, Callable[[bytes, str, Budget], list[Activity]]] = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}
ACTIVITY_SUFFIXES = tuple(f".{fmt}" for fmt in FORMATS) + tuple(f".{fmt}.gz" for fmt in FORMATS)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Source:
    """Where one import comes from. ``label`` names it in the summary (``export.zip:activities/1.fit.gz``)."""

    label: str
    path: Path
    read: Callable[[], bytes] | None = None
    origin: str | None = None  # 'strava' for a Strava export, else the file's own format
    sport: str | None = None  # the sport an app's activity list gives
    title: str = ""
    listed: Activity | None = None  # an activity known only from the app's list (no file)
    key: str = ""  # stands in for the file's content when hashing a listed activity
    problem: str | None = None  # a reason found while walking (a missing path, a damaged zip)

    @property
    def name(self) -> str:
        return self.label.rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower()


def load(source: Source, budget: Budget | None = None) -> bytes:
    """The source's content, gunzipped; raises :class:`Unreadable` when empty, unreadable or over
    :data:`~.limits.MAX_FILE_BYTES` (read or inflated)."""
    if source.read is None:
        raise Unreadable(source.problem or reasons.EMPTY)
    try:
        raw = source.read()
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:  # an upload arrives whole
        raise Unreadable(too_large(megabytes(MAX_FILE_BYTES)))
    data = _gunzip(raw, budget) if raw[:2] == _GZIP_MAGIC else raw
    if not data.strip():
        raise Unreadable(reasons.EMPTY)
    return data


def _gunzip(raw: bytes, budget: Budget | None) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            return read_bounded(stream, MAX_FILE_BYTES, budget)
    except EOFError:
        raise Unreadable(reasons.TRUNCATED) from None
    except (OSError, zlib.error) as exc:
        raise Unreadable(reasons.corrupt(f"damaged gzip data: {exc}")) from None


def file_reader(path: Path) -> Callable[[], bytes]:
    """Reads a file on disk when called, refusing one over the byte budget before reading it."""

    def read() -> bytes:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Unreadable(too_large(megabytes(MAX_FILE_BYTES)))
        with path.open("rb") as stream:  # bounded too: the file may grow while it is read
            return read_bounded(stream, MAX_FILE_BYTES)

    return read


def detect_format(name: str, data: bytes) -> str:
    """'fit', 'gpx' or 'tcx' from the content, else from the name; else :class:`Unreadable`."""
    head = data[:4096]
    if looks_like_fit(head):
        return "fit"
    if looks_like_tcx(head):
        return "tcx"
    if looks_like_gpx(head):
        return "gpx"
    # A known name with unrecognised content: let its reader say whether it is cut short or damaged.
    stem = name.lower().removesuffix(".gz")
    for fmt in FORMATS:
        if stem.endswith(f".{fmt}"):
            return fmt
    raise Unreadable(reasons.UNKNOWN_FORMAT)


def parse(source: Source, data: bytes, budget: Budget | None = None) -> tuple[str, list[Activity]]:
    """The format and the activities of a loaded source, read within ``budget`` (a fresh one when None)."""
    fmt = detect_format(source.name, data)
    return fmt, FORMATS[fmt](data, source.name, budget or Budget())


def member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    """Reads one zip member when called, translating zip damage into :class:`Unreadable`.

    The member is inflated a chunk at a time and counted as it inflates: its header's sizes may lie.
    """

    def read() -> bytes:
        if info.file_size > MAX_FILE_BYTES:
            raise Unreadable(too_large(megabytes(MAX_FILE_BYTES)))
        try:
            with archive.open(info) as stream:
                return read_bounded(stream, MAX_FILE_BYTES)
        except EOFError:
            raise Unreadable(reasons.TRUNCATED) from None
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
            raise Unreadable(reasons.corrupt(f"damaged zip member: {exc}")) from None

    return read
