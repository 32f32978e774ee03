"""What one imported file may cost, named once: bytes read, track points and seconds.

Every file is read against its own :class:`Budget`. Bytes are counted as they arrive, after gzip
and zip have inflated them (never what a header claims), so a small compressed file that inflates
past :data:`MAX_FILE_BYTES` is stopped there. Parsers count points (GPX and TCX track points, FIT
records) and check the clock as they stream, so memory stays a small multiple of the byte budget
and no single file can stall an import. A file over budget is refused by name (``too large: over
64 MB``); the other files still import.
"""

from __future__ import annotations

import time
from typing import Protocol

from .reasons import Unreadable

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LIST_ACTIVITIES",
    "MAX_LIST_BYTES",
    "MAX_POINTS",
    "MAX_SECONDS",
    "READ_CHUNK",
    "Budget",
    "megabytes",
    "read_bounded",
    "too_large",
]

#: Bytes of one activity file, counted after gzip or zip inflate it (a 24 h run recorded every
#: second as GPX with heart rate is about 25 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Track points (GPX, TCX) or records (FIT) in one file: 69 h at one a second.
MAX_POINTS = 250_000
#: Seconds spent reading and parsing one file.
MAX_SECONDS = 30.0
#: Bytes of a Strava export's ``activities.csv`` ...
MAX_LIST_BYTES = 32 * 1024 * 1024
#: ... and activities listed in it.
MAX_LIST_ACTIVITIES = 50_000
#: Bytes read (or inflated) at a time.
READ_CHUNK = 1024 * 1024

_MB = 1024 * 1024


def too_large(what: str) -> str:
    """The reason for a file over budget: 'too large: over 64 MB', '... over 250,000 points'."""
    return f"too large: over {what}"


def megabytes(limit: int) -> str:
    """64 MB for a byte count."""
    return f"{limit / _MB:g} MB"


class Budget:
    """The allowance of one file: ``points`` counted by its parser, seconds since it was made."""

    def __init__(self, max_points: int = MAX_POINTS, max_seconds: float = MAX_SECONDS) -> None:
        self.max_points = max_points
        self.max_seconds = max_seconds
        self.points = 0
        self._deadline = time.monotonic() + max_seconds

    def add_points(self, count: int = 1) -> None:
        """Count points read; raises :class:`Unreadable` past :attr:`max_points`."""
        self.points += count
        if self.points > self.max_points:
            raise Unreadable(too_large(f"{self.max_points:,} points"))

    def check_time(self) -> None:
        """Raises :class:`Unreadable` once the file has taken more than :attr:`max_seconds`."""
        if time.monotonic() > self._deadline:
            raise Unreadable(f"too slow to read: over {self.max_seconds:g} s")


class Readable(Protocol):
    """A binary stream: a file, a zip member, a gzip stream."""

    def read(self, size: int = ..., /) -> bytes: ...


def read_bounded(stream: Readable, limit: int = MAX_FILE_BYTES, budget: Budget | None = None) -> bytes:
    """All of ``stream``, read a chunk at a time; raises :class:`Unreadable` ('too large: over
    64 MB') as soon as more than ``limit`` bytes have come out of it."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise Unreadable(too_large(megabytes(limit)))
        chunks.append(chunk)
        if budget is not None:
            budget.check_time()
    return b"".join(chunks)
