"""Schema migrations: a small ordered list of steps, each taking the schema from version N to N+1.

Why not Alembic: the store is one embedded file per runner, opened by notebooks that should just
work; a handful of plain, tested SQL steps run in one transaction is easier to read and to trust
than an Alembic environment shipped inside the package. Each step is written as frozen SQL (not
from today's tables in ``hipknee.schema``), so it keeps meaning what it meant when it was added.

Before any step runs, the file is checked without being written to (:func:`inspect_file`) and
backed up (``hipknee.backup``); the steps and the new version number commit together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .backend import file_problem, read_only, write_connection
from .errors import StoreError
from .schema import SCHEMA_VERSION, meta, metadata

if TYPE_CHECKING:
    from .store import Store

__all__ = ["MIGRATIONS", "StoredFile", "inspect_file", "upgrade"]


def _index_sets_by_exercise(conn: Connection) -> None:
    """1 -> 2: index strength sets by exercise (progress per exercise, foreign-key checks)."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_sets_exercise ON strength_sets (exercise_id)")


#: ``MIGRATIONS[n]`` upgrades a store at schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _index_sets_by_exercise,
}


@dataclass(frozen=True)
class StoredFile:
    """What :func:`inspect_file` found: the schema version (``None`` for a new, empty file) and
    whether the runner has logged anything yet (an athlete or an own exercise)."""

    version: int | None
    has_entries: bool


def inspect_file(path: Path) -> StoredFile:
    """Check the store file at ``path`` without writing to it; raise :class:`StoreError` naming
    what is wrong (damaged, not a database, not a hipknee store, a newer schema)."""
    if not path.exists() or path.stat().st_size == 0:
        return StoredFile(None, False)
    problem = file_problem(path)
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
    version = _as_version(row[0] if row else None)
    _check_version(path, version)
    columns = {name: {c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')} for name in names}
    problems = _structure_problems(columns, version)
    if problems:
        raise StoreError(path, f"its tables do not match hipknee's schema {version} ({problems})")
    has_entries = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM athletes) OR EXISTS (SELECT 1 FROM exercises WHERE NOT builtin)"
    ).fetchone()[0]
    return StoredFile(version, bool(has_entries))


def _as_version(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1


def _check_version(where: Path | str, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            where, f"it was written by a newer hipknee (schema {version}, this one knows {SCHEMA_VERSION}); upgrade hipknee"
        )
    if version < 1 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise StoreError(where, f"its schema version ({version}) is not one hipknee can upgrade")


def _structure_problems(columns: dict[str, set[str]], version: int) -> str:
    """Tables (and, at the current version, columns) the store lacks; empty when it has them all.

    Older versions are checked for tables only: their columns are checked again once migrated.
    """
    missing = [t.name for t in metadata.sorted_tables if t.name not in columns]
    if missing:
        return "missing tables: " + ", ".join(missing)
    if version == SCHEMA_VERSION:
        lacking = [f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.c if c.name not in columns[t.name]]
        if lacking:
            return "missing columns: " + ", ".join(lacking[:5])
    return ""


def _columns(conn: Connection, tables: Iterable[str]) -> dict[str, set[str]]:
    return {name: {c[1] for c in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')} for name in tables}


def upgrade(store: Store, version: int) -> None:
    """Bring ``store`` from ``version`` to :data:`SCHEMA_VERSION` in one transaction.

    The version is read again under the write lock: two notebooks opening an old store at once
    upgrade it once.
    """
    where = store.path or "the store"
    _check_version(where, version)
    try:
        with write_connection(store.engine, where) as conn:
            found = _as_version(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar())
            if found == SCHEMA_VERSION:
                return
            _check_version(where, found)
            for v in range(found, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            if conn.dialect.name == "sqlite":
                problems = _structure_problems(_columns(conn, metadata.tables), SCHEMA_VERSION)
                if problems:
                    raise StoreError(where, f"its tables do not match hipknee's schema {SCHEMA_VERSION} after upgrading ({problems})")
            conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
    except StoreError as exc:
        if store.path is None or exc.backup is not None:
            raise
        from .backup import newest_backup  # the backup module opens files through this one

        raise StoreError(store.path, exc.problem, backup=newest_backup(store.path)) from exc.__cause__
