"""One thing to import: a file on disk, a member of a zip, or a line of an app's activity list.

Reading undoes gzip (by its magic bytes, whatever the name), refuses empty and oversized files,
and tells the format by content first and by file name second.
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
from .reasons import Unreadable
from .tcx import looks_like_tcx, read_tcx

__all__ = ["ACTIVITY_SUFFIXES", "FORMATS", "MAX_BYTES", "Source", "detect_format", "load", "member_reader", "parse"]

#: Format -> reader of its bytes (and its file name, which may date it).
FORMATS: dict[str, Callable[[bytes, str], list[Activity]]] = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}
ACTIVITY_SUFFIXES = tuple(f".{fmt}" for fmt in FORMATS) + tuple(f".{fmt}.gz" for fmt in FORMATS)
#: No single activity file comes near this; guards against zip and gzip bombs.
MAX_BYTES = 256 * 1024 * 1024
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


def load(source: Source) -> bytes:
    """The source's content, gunzipped; raises :class:`Unreadable` when empty or unreadable."""
    if source.read is None:
        raise Unreadable(source.problem or reasons.EMPTY)
    try:
        raw = source.read()
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    data = _gunzip(raw) if raw[:2] == _GZIP_MAGIC else raw
    if not data.strip():
        raise Unreadable(reasons.EMPTY)
    return data


def _gunzip(raw: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(MAX_BYTES + 1)
    except EOFError:
        raise Unreadable(reasons.TRUNCATED) from None
    except (OSError, zlib.error) as exc:
        raise Unreadable(reasons.corrupt(f"damaged gzip data: {exc}")) from None
    if len(data) > MAX_BYTES:
        raise Unreadable(reasons.TOO_LARGE)
    return data


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


def parse(source: Source, data: bytes) -> tuple[str, list[Activity]]:
    """The format and the activities of a loaded source."""
    fmt = detect_format(source.name, data)
    return fmt, FORMATS[fmt](data, source.name)


def member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    """Reads one zip member when called, translating zip damage into :class:`Unreadable`."""

    def read() -> bytes:
        if info.file_size > MAX_BYTES:
            raise Unreadable(reasons.TOO_LARGE)
        try:
            return archive.read(info)
        except EOFError:
            raise Unreadable(reasons.TRUNCATED) from None
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
            raise Unreadable(reasons.corrupt(f"damaged zip member: {exc}")) from None

    return read
