"""Looking at a store file without changing it: is it a sound SQLite database, a hipknee store,
and of which schema version. Nothing here writes to the store, so a damaged file stays exactly as
it was for a person (or a recovery tool) to look at.

SQLite's ``quick_check`` reads every page, seconds on a large store, so it is not run on every
open: it runs on the day's first open and whenever the file is not as hipknee last saw it sound
(another program wrote to it, or a process using it ended without closing it). A small note among
the backups (``backups/.hipknee.db.checked``: the day of the last check and the file's size, times and inode,
with its write-ahead log's) records that; the header and size checks run on every open.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import StoreError
from .engine import BUSY_TIMEOUT_MS
from .locations import backups_dir
from .migrations import as_version, check_version, structure_problems
from .schema import meta

__all__ = ["StoredFile", "checked_today", "file_problem", "inspect_file", "note_closed", "note_sound", "read_only"]

_HEADER = b"SQLite format 3\x00"
_HEADER_SIZE = 100


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that cannot change ``path`` (``mode=ro``): for checks and backups."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield conn
    finally:
        conn.close()


def file_problem(path: Path, *, thorough: bool = True) -> str | None:
    """What is wrong with the SQLite file at ``path``, or ``None`` when SQLite finds it sound.

    Reads only: the header, the size it promises, then (when ``thorough``) SQLite's
    ``quick_check``. Nothing is written, so a damaged file stays exactly as it was for a person (or
    a recovery tool) to look at.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEADER_SIZE)
    if len(head) < len(_HEADER) and _HEADER.startswith(head):
        return f"it is truncated ({size} bytes)"
    if not head.startswith(_HEADER):
        return "it is not a SQLite database (it holds other data, or garbage)"
    if len(head) < _HEADER_SIZE:
        return f"it is truncated ({size} bytes, shorter than a database header)"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_size_valid = head[24:28] == head[92:96] and pages > 0
    # Pages still in the write-ahead log may legitimately lie beyond the end of the main file.
    wal = path.with_name(path.name + "-wal")
    wal_holds_pages = wal.exists() and wal.stat().st_size > 32
    if header_size_valid and not wal_holds_pages and size < pages * page_size:
        return f"it is truncated ({size} bytes where its header promises {pages * page_size})"
    if not thorough:
        return None
    try:
        found = quick_check(path)
    except sqlite3.Error as exc:
        return f"it is damaged (SQLite: {exc})"
    if found != ["ok"]:
        return "it is damaged (SQLite's check found: " + "; ".join(found[:3]) + ")"
    return None


def quick_check(path: Path) -> list[str]:
    """SQLite's ``PRAGMA quick_check`` of the file: ``["ok"]``, or what it found wrong."""
    with read_only(path) as conn:
        return [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]


def _note(path: Path) -> Path:
    # Beside the backups: housekeeping, like them, not part of the runner's data folder.
    return backups_dir(path) / f".{path.name}.checked"


def _state(path: Path) -> list[int]:
    """What changes whenever the file or its write-ahead log is written or replaced. An empty
    log counts as no log: it holds nothing, and SQLite makes and removes one as connections come
    and go (the last one to close removes it, a reader that ends without closing leaves it), so
    telling them apart would only send sound files to a check again."""
    out: list[int] = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            st = part.stat()
        except FileNotFoundError:
            out.append(-1)
            continue
        if part is not path and st.st_size == 0:
            out.append(-1)
            continue
        out += [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    return out


def _read_note(path: Path) -> dict | None:
    try:
        found = json.loads(_note(path).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def checked_today(path: Path) -> bool:
    """Whether ``quick_check`` found the file sound today and it has not changed since but by
    hipknee stores that were closed cleanly."""
    found = _read_note(path)
    return found is not None and found.get("day") == date.today().isoformat() and found.get("state") == _state(path)


def note_sound(path: Path, day: str | None = None) -> None:
    """Note that the file, as it is now, was found sound on ``day`` (today)."""
    note = _note(path)
    partial = note.with_name(note.name + ".partial")
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({"day": day or date.today().isoformat(), "state": _state(path)}))
        os.replace(partial, note)
    except OSError:  # only a note: without it the next open checks again
        partial.unlink(missing_ok=True)


def note_closed(path: Path) -> None:
    """A store closed cleanly: its file as it is now carries over the day's check."""
    found = _read_note(path)
    if found is not None and isinstance(found.get("day"), str) and path.is_file():
        note_sound(path, found["day"])


@dataclass(frozen=True)
class StoredFile:
    """What :func:`inspect_file` found: the schema version (``None`` for a new, empty file) and
    whether the runner has logged anything yet (an athlete or an own exercise)."""

    version: int | None
    has_entries: bool


def inspect_file(path: Path, *, thorough: bool = True) -> StoredFile:
    """Check the store file at ``path`` without writing to it; raise :class:`StoreError` naming
    what is wrong (damaged, not a database, not a hipknee store, a newer schema). Without
    ``thorough``, SQLite's ``quick_check`` of every page is left out."""
    if not path.exists() or path.stat().st_size == 0:
        return StoredFile(None, False)
    problem = file_problem(path, thorough=thorough)
    if problem is None:
        try:
            with read_only(path) as conn:
                return _inspect_tables(path, conn)
        except sqlite3.Error as exc:
            problem = f"it is damaged (SQLite: {exc})"
    raise StoreError(path, problem)


def _inspect_tables(path: Path, conn: sqlite3.Connection) -> StoredFile:
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    names = [n for n in names if not n.startswith("sqlite_")]
    if not names:
        return StoredFile(None, False)
    if meta.name not in names:
        raise StoreError(path, "this file is not a hipknee store (it has other tables: " + ", ".join(sorted(names)[:5]) + ")")
    row = conn.execute(f"SELECT value FROM {meta.name} WHERE key = 'schema_version'").fetchone()
    version = as_version(row[0] if row else None)
    check_version(path, version)
    columns = {name: {c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')} for name in names}
    problems = structure_problems(columns, version)
    if problems:
        raise StoreError(path, f"its tables do not match hipknee's schema {version} ({problems})")
    has_entries = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM athletes) OR EXISTS (SELECT 1 FROM exercises WHERE NOT builtin)"
    ).fetchone()[0]
    return StoredFile(version, bool(has_entries))
