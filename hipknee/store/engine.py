"""Engines for the store: a SQLite file (WAL, busy timeout, immediate write locks) or a club's
PostgreSQL server (psycopg 3), without the store's callers changing.

A server URL never carries its password into anything hipknee says: messages, ``repr`` and errors
show the URL with the password masked, and errors from below are re-raised without the URL. The
password itself belongs in ``~/.pgpass`` (or ``PGPASSFILE``, a service file, ``PGPASSWORD``), where
libpq finds it.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..errors import StoreError, ValidationError
from .locations import newest_backup

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CONNECT_TIMEOUT_S",
    "SERVER_DRIVER",
    "URL_ALLOWED",
    "is_server",
    "make_engine",
    "parse_url",
    "read_connection",
    "server_address",
    "shown_url",
    "translate_errors",
    "without_password",
    "write_connection",
]

#: How long a save waits for another process's save to finish before giving up.
BUSY_TIMEOUT_MS = 30_000
#: How long opening a connection to a server may take before it counts as unreachable (s).
CONNECT_TIMEOUT_S = 10
#: The SQLAlchemy driver for PostgreSQL: psycopg 3.
SERVER_DRIVER = "postgresql+psycopg"
URL_ALLOWED = (
    "a database URL: sqlite:///PATH, or postgresql+psycopg://USER@HOST:PORT/DATABASE "
    "(the password in ~/.pgpass or a service file, not in the URL)"
)

# scheme://user:PASSWORD@ and ...password=PASSWORD in a query: what is masked in text that did not parse.
_PASSWORD_IN_TEXT = (re.compile(r"(://[^/@:?#]*:)[^@/?#]*(@)"), re.compile(r"(password=)[^&#]*", re.IGNORECASE))


def _masked_text(text: str) -> str:
    for pattern in _PASSWORD_IN_TEXT:
        text = pattern.sub(r"\1***\2" if pattern.groups == 2 else r"\1***", text)
    return text


def parse_url(url: str | URL) -> URL:
    """``url`` as a SQLAlchemy URL for SQLite or PostgreSQL (``postgresql://`` means psycopg 3);
    :class:`ValidationError` (with the password masked) for anything else."""
    if isinstance(url, URL):
        parsed = url
    else:
        text = url.strip() if isinstance(url, str) else ""
        if not text:
            raise ValidationError("url", url if not isinstance(url, str) else text, URL_ALLOWED)
        try:
            parsed = make_url(text)
        except Exception:  # noqa: BLE001 - SQLAlchemy's message repeats the URL, password and all
            raise ValidationError("url", _masked_text(text), URL_ALLOWED) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    if backend in ("postgresql", "postgres") and parsed.drivername in ("postgresql", "postgres", SERVER_DRIVER):
        return parsed.set(drivername=SERVER_DRIVER)
    raise ValidationError("url", shown_url(parsed), URL_ALLOWED)


def shown_url(url: str | URL) -> str:
    """The URL as it may be shown: any password masked as ``***``."""
    if not isinstance(url, URL):
        try:
            url = make_url(str(url))
        except Exception:  # noqa: BLE001 - not a URL: mask what looks like a password
            return _masked_text(str(url))
    if "password" in url.query:
        url = url.update_query_dict({"password": "***"})
    return url.render_as_string(hide_password=True)


def without_password(url: URL) -> URL:
    """``url`` with no password at all (libpq then finds it in ``~/.pgpass`` or a service file)."""
    query = {k: v for k, v in url.query.items() if k != "password"}
    return URL.create(url.drivername, url.username, None, url.host, url.port, url.database, query)


def server_address(url: str | URL) -> str:
    """``HOST:PORT`` of a server URL (libpq's defaults when the URL leaves them out), or the
    service it names."""
    if not isinstance(url, URL):
        url = make_url(str(url))
    if url.host is None and "service" in url.query:
        return f"the service {url.query['service']!r} (pg_service.conf)"
    host = url.host or url.query.get("host") or "localhost"
    port = url.port or url.query.get("port") or 5432
    if isinstance(host, tuple):
        host = ",".join(host)
    if isinstance(port, tuple):
        port = ",".join(port)
    return f"{host}:{port}"


def is_server(engine: Engine) -> bool:
    """True when ``engine`` talks to a database server (PostgreSQL) rather than a SQLite file."""
    return engine.dialect.name != "sqlite"


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode, a busy timeout and foreign keys."""
    url = parse_url(url)
    if url.get_backend_name() != "sqlite":
        return _server_engine(url)
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


def _server_engine(url: URL) -> Engine:
    """A pooled psycopg 3 engine. A pooled connection is checked before use, so a notebook goes on
    saving after the server restarts; commits are the server's (durable once acknowledged)."""
    args: dict[str, Any] = {"application_name": "hipknee"}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    # hide_parameters: values (notes about a runner's health) stay out of error messages.
    return create_engine(url, pool_pre_ping=True, connect_args=args, hide_parameters=True)


# What SQLite says when a file went bad while open (as opposed to busy or full): restore advice helps.
_DAMAGE_WORDS = ("malformed", "not a database", "disk I/O error", "corrupt")


def _is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, (SQLAlchemyError, sqlite3.Error)):
        return True
    # psycopg is imported only when a server URL is used; no psycopg error can arise before that.
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip())


def _server_error(where: str, exc: BaseException) -> StoreError:
    """What went wrong on a database server, in one line that names the server but not the password."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    said = _one_line(str(orig)) or type(orig).__name__
    sqlstate = getattr(orig, "sqlstate", None)
    address = server_address(where) if "://" in where else where
    # Insufficient privilege (row-level security included), or a write into a coach's read-only view.
    if sqlstate == "42501" or sqlstate == "0A000" and "view" in said:
        return StoreError(where, f"the database refused it ({said})",
                          advice="this login may not do that (a runner changes only her own entries, a coach "
                                 "only reads her runners' and sets their programmes); ask the club's owner")
    connecting = isinstance(exc, DBAPIError) and exc.statement is None and sqlstate is None
    if connecting or type(orig).__name__ == "OperationalError" and sqlstate is None:
        if "password" in said or "authentication" in said:
            advice = "check the user name, and the password in ~/.pgpass (or PGPASSFILE, the service file)"
        else:
            advice = "check that the server is running and that the URL (or HIPKNEE_URL) names its host and port"
        return StoreError(where, f"could not connect to the database server at {address} ({said})", advice=advice)
    return StoreError(where, f"the database could not be used ({said})",
                      advice="try again; if it persists, ask the club's owner")


@contextmanager
def translate_errors(where: Path | str | None) -> Iterator[None]:
    """Turn database driver errors into :class:`StoreError` naming the file (or the server)."""
    try:
        yield
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        if isinstance(where, str) and "://" in where:
            # The driver's exception is left out of the chain: nothing of the connection leaks below.
            raise _server_error(where, exc) from None
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        backup = None
        if isinstance(where, Path) and any(word in str(orig) for word in _DAMAGE_WORDS):
            backup = newest_backup(where)
        raise StoreError(where, f"the database could not be used ({orig})", backup=backup) from exc


def inserted_id(result: CursorResult[Any]) -> int:
    """The id the database gave the row ``result`` inserted."""
    key = result.inserted_primary_key
    if key is None:  # only for statements that are not single-row inserts: a mistake in hipknee
        raise TypeError("not the result of inserting one row")
    return int(key[0])


@contextmanager
def write_connection(engine: Engine, where: Path | str | None) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with translate_errors(where), engine.connect() as conn:
        conn.execution_options(hipknee_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine, where: Path | str | None) -> Iterator[Connection]:
    """A connection for reading. Each of the store's reads is one statement, so it sees one
    consistent snapshot (SQLite: the whole block; PostgreSQL: each statement)."""
    with translate_errors(where), engine.connect() as conn, conn.begin():
        yield conn
