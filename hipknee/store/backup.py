"""Backups of the store, made with SQLite's online backup API so a notebook saving at the same
moment never yields a half-copied file.

One is made automatically on the first open of each day (once the runner has logged something)
and always before a schema migration; they live in ``DATA/backups/`` as single self-contained
files, ``hipknee-YYYYMMDD-HHMMSS-ffffff-REASON.db``, and the newest :data:`KEEP_BACKUPS` are kept
(``$HIPKNEE_KEEP_BACKUPS`` to change it). :func:`restore` first backs up the file it replaces.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

from ..errors import StoreError, ValidationError
from .engine import BUSY_TIMEOUT_MS
from .files import checked_today, file_problem, inspect_file, note_sound, read_only
from .locations import BACKUP_DIR, backups, backups_dir, db_path, list_backups, newest_backup
from .schema import SCHEMA_VERSION

__all__ = ["BACKUP_DIR", "KEEP_BACKUPS", "back_up", "before_open", "list_backups", "newest_backup", "restore"]

#: How many backups are kept when ``$HIPKNEE_KEEP_BACKUPS`` does not say otherwise.
KEEP_BACKUPS = 7
KEEP_ENV_VAR = "HIPKNEE_KEEP_BACKUPS"
_REASON = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_PARTIAL_SUFFIX = ".partial"
# A partial file this old belongs to a backup that was interrupted (a killed kernel), not a running one.
_STALE_PARTIAL_S = 3600


def keep_backups() -> int:
    """How many backups to keep: ``$HIPKNEE_KEEP_BACKUPS`` or :data:`KEEP_BACKUPS`."""
    value = os.environ.get(KEEP_ENV_VAR, "").strip()
    if not value:
        return KEEP_BACKUPS
    try:
        keep = int(value)
    except ValueError:
        keep = 0
    if keep < 1:
        raise ValidationError(KEEP_ENV_VAR, value, "a whole number of backups to keep, 1 or more")
    return keep


def back_up(data: str | os.PathLike[str] | None = None, *, reason: str = "manual") -> Path:
    """Back up the store in the data directory ``data`` now; returns the backup file."""
    if not isinstance(reason, str) or not _REASON.fullmatch(reason):
        raise ValidationError("reason", reason, "a word or two in lower case joined by '-', e.g. 'before-trip'")
    db = db_path(data)
    if not db.is_file():
        raise ValidationError("data", str(db.parent), "a data directory holding a store (hipknee.db)")
    _checked(db)
    return _back_up_file(db, reason)


def _checked(db: Path) -> int | None:
    """The schema version of ``db`` after checking it; :class:`StoreError` naming the newest backup if damaged."""
    try:
        return inspect_file(db).version
    except StoreError as exc:
        raise StoreError(db, exc.problem, backup=newest_backup(db)) from None


def _back_up_file(db: Path, reason: str, *, prune: bool = True) -> Path:
    folder = backups_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(folder)
    target = folder / f"hipknee-{datetime.now():%Y%m%d-%H%M%S-%f}-{reason}.db"
    _copy(db, target)
    if prune:
        for old in backups(db)[keep_backups():]:
            old.unlink(missing_ok=True)
    return target


def _copy(source: Path, target: Path) -> None:
    """Copy the database ``source`` to ``target`` with the backup API; ``target`` appears only when
    complete and checked (written under a partial name first, then renamed)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}{_PARTIAL_SUFFIX}")
    try:
        with read_only(source) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # A backup is one self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
            found = [str(r[0]) for r in dst.execute("PRAGMA integrity_check").fetchall()]
        if found != ["ok"]:
            raise StoreError(source, "its backup did not pass SQLite's integrity check (" + "; ".join(found[:3]) + ")")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise StoreError(source, f"it could not be backed up to {target.parent} ({exc})") from exc
    except OSError as exc:
        raise StoreError(source, f"it could not be backed up to {target.parent} ({exc.strerror or exc})") from exc
    finally:
        partial.unlink(missing_ok=True)


def _remove_stale_partials(folder: Path) -> None:
    cutoff = time.time() - _STALE_PARTIAL_S
    for p in folder.glob(f".*{_PARTIAL_SUFFIX}"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass


def _backed_up_today(db: Path) -> bool:
    newest = newest_backup(db)
    return newest is not None and newest.name.startswith(f"hipknee-{datetime.now():%Y%m%d}-")


def before_open(db: Path) -> None:
    """What :meth:`hipknee.Store.open` does to a store file before using it.

    Refuses a damaged file (a :class:`StoreError` naming the newest backup; the file is left
    exactly as it was), backs it up before a migration, and on the first open of the day. Every
    page is checked on the day's first open and after any change not closed cleanly by hipknee
    (:func:`~.files.checked_today`); the header and size on every open.
    """
    if db.is_file() and db.stat().st_size == 0 and newest_backup(db) is not None:
        raise StoreError(db, "it is empty (0 bytes) although backups of it exist", backup=newest_backup(db))
    thorough = not checked_today(db)  # every page on the day's first open, or after a change
    try:
        found = inspect_file(db, thorough=thorough)
    except StoreError as exc:
        raise StoreError(db, exc.problem, backup=newest_backup(db)) from None
    if found.version is None:
        return
    if thorough and found.has_entries:  # an empty store checks in no time, and keeps no folder of notes
        note_sound(db)
    if found.version != SCHEMA_VERSION:
        _back_up_file(db, f"before-schema-{SCHEMA_VERSION}")
    elif found.has_entries and not _backed_up_today(db):
        _back_up_file(db, "daily")


def restore(backup: str | os.PathLike[str], data: str | os.PathLike[str] | None = None) -> Path | None:
    """Put the backup file ``backup`` (a path, or a name in ``DATA/backups``) back as the store in
    ``data``. The current file is backed up first (a damaged one is kept as a plain copy); the
    copy goes through SQLite's backup API and is checked before this returns. Returns where the
    replaced store was kept (``None`` when there was none)."""
    db = db_path(data)
    source = _backup_file(backup, db)
    db.parent.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    live = db.is_file() and db.stat().st_size > 0
    healthy = live and file_problem(db) is None
    if live:
        kept = _back_up_file(db, "before-restore", prune=False) if healthy else _keep_damaged(db)
    try:
        if healthy:
            # Into the live file, under SQLite's locks: a notebook that has it open sees the restored log.
            with read_only(source) as src, closing(sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000)) as dst:
                src.backup(dst)
        else:
            replacement = db.with_name(f".{db.name}.restoring")
            _copy(source, replacement)
            for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                leftover.unlink(missing_ok=True)
            os.replace(replacement, db)
    except sqlite3.Error as exc:
        raise StoreError(db, f"it could not be restored from {source} ({exc})", backup=kept) from exc
    problem = file_problem(db)
    if problem is not None:
        raise StoreError(db, f"after restoring {source.name}, {problem}", backup=kept)
    return kept


def _backup_file(backup: str | os.PathLike[str], db: Path) -> Path:
    """The backup the user named, checked to be a sound hipknee store; :class:`ValidationError` if not."""
    given = Path(backup).expanduser()
    source = given if given.is_file() else backups_dir(db) / given.name
    available = ", ".join(p.name for p in backups(db)[:5]) or "none yet"
    if not str(backup).strip() or not source.is_file():
        raise ValidationError("backup", str(backup), f"a backup file (the newest in {backups_dir(db)}: {available})")
    if source.resolve() == db.resolve():
        raise ValidationError("backup", str(backup), "a backup file, not the store itself")
    try:
        found = inspect_file(source)
    except StoreError as exc:
        raise ValidationError("backup", str(source), f"a hipknee backup in good order (this file: {exc.problem})") from None
    if found.version is None:
        raise ValidationError("backup", str(source), "a backup holding a hipknee store (this file is empty)")
    return source


def _keep_damaged(db: Path) -> Path:
    """Keep a damaged store byte for byte (with its -wal) beside the backups; never a backup itself."""
    folder = backups_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"damaged-{datetime.now():%Y%m%d-%H%M%S-%f}-{db.name}"
    shutil.copy2(db, target)
    wal = db.with_name(db.name + "-wal")
    if wal.is_file():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target
