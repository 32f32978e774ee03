"""Schema migrations: a small ordered list of steps, each taking the schema from version N to N+1.

Why not Alembic: the store is one embedded file per runner, opened by notebooks that should just
work; a handful of plain, tested SQL steps run in one transaction is easier to read and to trust
than an Alembic environment shipped inside the package. Each step is written as frozen SQL (not
from today's tables in ``hipknee.schema``), so it keeps meaning what it meant when it was added.

Before any step runs, the file is checked without being written to (:mod:`.files`) and
backed up (:mod:`.backup`); the steps and the new version number commit together or not at all.
On PostgreSQL (a club) the same steps run in one transaction too (its DDL is transactional), by
the club's owner only; a club's access rules (:mod:`.club`) are laid again over the upgraded tables
in that same transaction. A step that needs a dialect of its own asks ``conn.dialect.name``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine, inspect, select, update
from sqlalchemy.engine import Connection

from ..errors import StoreError
from . import club
from .engine import is_server, shown_url, write_connection
from .locations import newest_backup
from .schema import SCHEMA_VERSION, meta, metadata

__all__ = ["MIGRATIONS", "as_version", "check_version", "column_names", "structure_problems", "table_names", "upgrade"]


def _index_sets_by_exercise(conn: Connection) -> None:
    """1 -> 2: index strength sets by exercise (progress per exercise, foreign-key checks)."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_sets_exercise ON strength_sets (exercise_id)")


#: ``MIGRATIONS[n]`` upgrades a store at schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _index_sets_by_exercise,
}


def as_version(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1


def check_version(where: Path | str, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            where, f"it was written by a newer hipknee (schema {version}, this one knows {SCHEMA_VERSION}); upgrade hipknee"
        )
    if version < 1 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise StoreError(where, f"its schema version ({version}) is not one hipknee can upgrade")


def structure_problems(columns: dict[str, set[str]], version: int) -> str:
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


def table_names(conn: Connection) -> set[str]:
    """The tables (and, on a server, views) that the connection's unqualified names reach."""
    if conn.dialect.name == "sqlite":
        return set(inspect(conn).get_table_names())
    # On PostgreSQL through the search path: a coach's views stand in for the tables they guard.
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND pg_catalog.pg_table_is_visible(c.oid)"
    )
    return {row[0] for row in rows}


def column_names(conn: Connection, tables: Iterable[str]) -> dict[str, set[str]]:
    """The columns of each table, as a query sees them (either dialect)."""
    return {name: set(conn.exec_driver_sql(f'SELECT * FROM "{name}" WHERE 1 = 0').keys()) for name in tables}


def _owns_tables(conn: Connection) -> bool:
    """On a server: may this login change the tables (the club's owner, or a superuser)?"""
    return bool(conn.exec_driver_sql(
        "SELECT pg_catalog.pg_has_role(c.relowner, 'USAGE') FROM pg_catalog.pg_class c "
        "WHERE c.oid = 'hipknee_meta'::regclass"
    ).scalar())


def upgrade(engine: Engine, version: int, path: Path | None = None) -> None:
    """Bring the store behind ``engine`` (its file ``path``, when it is one) from ``version`` to
    :data:`SCHEMA_VERSION` in one transaction.

    The version is read again under the write lock: two notebooks opening an old store at once
    upgrade it once.
    """
    where = path or shown_url(engine.url)
    check_version(where, version)
    try:
        with write_connection(engine, where) as conn:
            server = is_server(engine)
            if server and not _owns_tables(conn):
                raise StoreError(where, f"its tables are at schema {version} and this hipknee needs {SCHEMA_VERSION}; "
                                        "only the club's owner can upgrade them",
                                 advice="ask the owner to run `hipknee club init --url OWNER_URL` with this hipknee")
            # Under the write lock (SQLite) or the version row's lock (PostgreSQL).
            query = select(meta.c.value).where(meta.c.key == "schema_version")
            found = as_version(conn.execute(query.with_for_update() if server else query).scalar())
            if found == SCHEMA_VERSION:
                return
            check_version(where, found)
            guarded = server and club.installed(conn)
            if guarded:
                club.drop_views(conn)  # they depend on the columns the steps may change
            for v in range(found, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            problems = structure_problems(column_names(conn, table_names(conn)), SCHEMA_VERSION)
            if problems:
                raise StoreError(where, f"its tables do not match hipknee's schema {SCHEMA_VERSION} after upgrading ({problems})")
            if guarded:
                club.apply_access(conn)
            conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
    except StoreError as exc:
        if path is None or exc.backup is not None:
            raise
        raise StoreError(path, exc.problem, backup=newest_backup(path)) from exc.__cause__
