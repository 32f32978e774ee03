"""Engines for the store: SQLite today (WAL, busy timeout, immediate write locks), any
SQLAlchemy URL (PostgreSQL for a club) tomorrow, without the store's callers changing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..errors import StoreError
from .locations import newest_backup

__all__ = [
    "BUSY_TIMEOUT_MS",
    "make_engine",
    "read_connection",
    "translate_errors",
    "write_connection",
]

#: How long a save waits for another process's save to finish before giving up.
BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode, a busy timeout and foreign keys."""
    if not url.startswith("sqlite"):
        return create_engine(url)
    # NullPool: each store call opens and closes its connection, so a killed kernel never leaves
    # a pooled connection holding a lock and two notebooks never share one.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control from pysqlite so that writes can BEGIN IMMEDIATE (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a save the user saw acknowledged survives a crash or power cut, not only a kill.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write takes the write lock up front; a deferred BEGIN that later upgrades can fail
        # with "database is locked" at once instead of waiting for the busy timeout.
        write = conn.get_execution_options().get("hipknee_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# What SQLite says when a file went bad while open (as opposed to busy or full): restore advice helps.
_DAMAGE_WORDS = ("malformed", "not a database", "disk I/O error", "corrupt")


@contextmanager
def translate_errors(where: Path | str | None) -> Iterator[None]:
    """Turn database driver errors into :class:`StoreError` naming the file."""
    try:
        yield
    except (SQLAlchemyError, sqlite3.Error) as exc:
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        backup = None
        if isinstance(where, Path) and any(word in str(orig) for word in _DAMAGE_WORDS):
            backup = newest_backup(where)
        raise StoreError(where, f"the database could not be used ({orig})", backup=backup) from exc


@contextmanager
def write_connection(engine: Engine, where: Path | str | None) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with translate_errors(where), engine.connect() as conn:
        conn.execution_options(hipknee_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine, where: Path | str | None) -> Iterator[Connection]:
    """A read-only connection; a consistent snapshot for the duration of the block."""
    with translate_errors(where), engine.connect() as conn, conn.begin():
        yield conn
