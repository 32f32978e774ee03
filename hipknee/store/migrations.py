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
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    bindparam,
    column,
    inspect,
    select,
    table,
    text,
    update,
)
from sqlalchemy.engine import Connection

from ..errors import StoreError
from ..records.zones import machine_zone, utc_of
from . import club
from .engine import is_server, shown_url, write_connection
from .identity import builtin_uid, new_session, new_uid
from .locations import newest_backup
from .schema import SCHEMA_VERSION, meta, metadata

__all__ = ["MIGRATIONS", "as_version", "check_version", "column_names", "structure_problems", "table_names", "upgrade"]


def _index_sets_by_exercise(conn: Connection) -> None:
    """1 -> 2: index strength sets by exercise (progress per exercise, foreign-key checks)."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_sets_exercise ON strength_sets (exercise_id)")


# Tables as these steps found them, typed so that date-times are written as SQLAlchemy writes them.
_runs_v2 = table("runs", column("id", Integer), column("at", DateTime), column("start_utc", DateTime))
_runs_v3 = table("runs", column("id", Integer), column("at", DateTime), column("athlete_id", Integer),
                 column("distance_km", Float), column("source_hash", String), column("deleted_at", DateTime))


def _runner_time_zones(conn: Connection) -> None:
    """2 -> 3: every runner gets a time zone, every run its start as a UTC instant.

    The times already in the log were kept in this machine's local time, so this machine's zone
    is each runner's zone, and each run's instant is its time read in that zone.
    """
    zone = machine_zone()
    conn.exec_driver_sql("ALTER TABLE athletes ADD COLUMN timezone VARCHAR(64) NOT NULL DEFAULT 'UTC'")
    conn.execute(text("UPDATE athletes SET timezone = :zone"), {"zone": zone})
    conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN start_utc DATETIME" if conn.dialect.name == "sqlite"
                         else "ALTER TABLE runs ADD COLUMN start_utc TIMESTAMP WITHOUT TIME ZONE")
    rows = conn.execute(select(_runs_v2.c.id, _runs_v2.c.at)).all()
    if rows:
        conn.execute(
            update(_runs_v2).where(_runs_v2.c.id == bindparam("run_id")).values(start_utc=bindparam("instant")),
            [{"run_id": id, "instant": utc_of(at, zone)} for id, at in rows],
        )
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_runs_athlete_start ON runs (athlete_id, start_utc)")


# Schema 4's runs table as SQLAlchemy's DDL for SQLite makes it (distance_km may be NULL).
_RUNS_V4_SQLITE = """
CREATE TABLE runs_v4 (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL, distance_km FLOAT,
    duration_min FLOAT NOT NULL, moving_min FLOAT, rpe FLOAT, surface VARCHAR(16), avg_hr FLOAT,
    sport VARCHAR(40) NOT NULL, source VARCHAR(16) NOT NULL, source_hash VARCHAR(128), start_utc DATETIME,
    note TEXT NOT NULL, note_private BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deleted_at DATETIME,
    PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id))
"""
_RUNS_V4_COLUMNS = ("id, at, athlete_id, distance_km, duration_min, moving_min, rpe, surface, avg_hr, sport, source, "
                    "source_hash, start_utc, note, note_private, created_at, deleted_at")


def _one_run_per_file(conn: Connection) -> None:
    """3 -> 4: a run's distance may be unknown, and a file is imported once per runner.

    Runs that share a runner and a file hash (several activities of one file, or one file saved
    twice by two imports at once) are told apart first: a row with the same start and distance
    as an earlier one of its file is a double and is deleted (softly, it can be looked at);
    any other gets its activity's number after the hash (``<sha256>#2``), as imports now write it.
    """
    if conn.dialect.name == "sqlite":
        # SQLite cannot drop a NOT NULL: build the table anew and copy every row.
        conn.exec_driver_sql(_RUNS_V4_SQLITE)
        conn.exec_driver_sql(f"INSERT INTO runs_v4 ({_RUNS_V4_COLUMNS}) SELECT {_RUNS_V4_COLUMNS} FROM runs")
        conn.exec_driver_sql("DROP TABLE runs")
        conn.exec_driver_sql("ALTER TABLE runs_v4 RENAME TO runs")
        for statement in ("CREATE INDEX ix_runs_athlete_at ON runs (athlete_id, at)",
                          "CREATE INDEX ix_runs_source_hash ON runs (source_hash)",
                          "CREATE INDEX ix_runs_athlete_start ON runs (athlete_id, start_utc)"):
            conn.exec_driver_sql(statement)
    else:
        conn.exec_driver_sql("ALTER TABLE runs ALTER COLUMN distance_km DROP NOT NULL")
    runs = _runs_v3
    rows = conn.execute(
        select(runs.c.id, runs.c.athlete_id, runs.c.source_hash, runs.c.at, runs.c.distance_km)
        .where(runs.c.deleted_at.is_(None), runs.c.source_hash.is_not(None))
        .order_by(runs.c.athlete_id, runs.c.source_hash, runs.c.id)
    ).all()
    now = datetime.now()
    seen: dict[tuple[int, str], list[tuple[datetime, float | None]]] = {}
    for id, athlete_id, digest, at, km in rows:
        earlier = seen.setdefault((athlete_id, digest), [])
        if earlier:
            if (at, km) in earlier:
                conn.execute(update(runs).where(runs.c.id == id).values(deleted_at=now))
            else:
                conn.execute(update(runs).where(runs.c.id == id).values(source_hash=f"{digest}#{len(earlier) + 1}"))
        earlier.append((at, km))
    conn.exec_driver_sql(
        "CREATE UNIQUE INDEX ux_runs_athlete_file ON runs (athlete_id, source_hash) "
        "WHERE deleted_at IS NULL AND source_hash IS NOT NULL"
    )


# The record tables as schema 4 had them (frozen: not read from today's schema).
_SCHEMA_2_TABLES = ("athletes", "exercises", "strength_sets", "strength_tests", "runs", "pain_entries", "outcome_scores")
# Rows given their ids per statement batch: bounded memory on a coach's store of millions of rows.
_BATCH = 5000


def _give_records_global_ids(conn: Connection) -> None:
    """4 -> 5: every row gets a global id (``uid``) and an updated-at time; sets without a session
    get one, a session per runner and moment.

    Portable SQL (SQLite and PostgreSQL alike): the ids are made in Python and written in batches,
    never with a database's own UUID function. A row's updated-at is when it was deleted, else
    when it was created (the last change the store knew of). Built-in exercises get the uid of
    their name (:func:`.identity.builtin_uid`), the same in every store.
    """
    for name in _SCHEMA_2_TABLES:
        conn.execute(text(f"ALTER TABLE {name} ADD COLUMN uid VARCHAR(36)"))
        # The type SQLAlchemy's DDL gives a DateTime on each dialect, as a new store has it.
        stamp = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITHOUT TIME ZONE"
        conn.execute(text(f"ALTER TABLE {name} ADD COLUMN updated_at {stamp}"))
        conn.execute(text(f"UPDATE {name} SET updated_at = COALESCE(deleted_at, created_at)"))
        set_uid = text(f"UPDATE {name} SET uid = :uid WHERE id = :id")
        page = text(f"SELECT id FROM {name} WHERE id > :last ORDER BY id LIMIT {_BATCH}")
        last = -1
        while ids := [row[0] for row in conn.execute(page, {"last": last})]:
            conn.execute(set_uid, [{"uid": new_uid(), "id": id} for id in ids])
            last = ids[-1]
        conn.execute(text(f"CREATE UNIQUE INDEX ux_{name}_uid ON {name} (uid)"))
    builtins = conn.execute(text("SELECT id, name FROM exercises WHERE builtin = :yes"), {"yes": True}).all()
    if builtins:
        conn.execute(text("UPDATE exercises SET uid = :uid WHERE id = :id"),
                     [{"uid": builtin_uid(name), "id": id} for id, name in builtins])
    lone = conn.execute(text("SELECT DISTINCT athlete_id, at FROM strength_sets WHERE session IS NULL")).all()
    for first in range(0, len(lone), _BATCH):
        conn.execute(
            text("UPDATE strength_sets SET session = :session WHERE session IS NULL AND athlete_id = :athlete AND at = :at"),
            [{"session": new_session(), "athlete": athlete, "at": at} for athlete, at in lone[first:first + _BATCH]],
        )


# The Kujala items' columns as schema 6 added them (frozen: not read from today's table).
_KUJALA_V6 = ("limp", "support", "walking", "stairs", "squatting", "running", "jumping", "sitting", "pain",
              "swelling", "kneecap", "atrophy", "flexion")


def _kujala_answers(conn: Connection) -> None:
    """5 -> 6: an outcome keeps the answer to each of the Kujala questionnaire's 13 items (the
    answer's points); scores saved before stay bare scores, their answers empty."""
    for key in _KUJALA_V6:
        conn.exec_driver_sql(f"ALTER TABLE outcome_scores ADD COLUMN kujala_{key} INTEGER")


# Schema 7's prescriptions table as SQLAlchemy's DDL makes it on each dialect (frozen).
_PRESCRIPTIONS_V7 = """
CREATE TABLE prescriptions (id {serial} NOT NULL, at {stamp} NOT NULL, athlete_id INTEGER NOT NULL,
    exercise_id INTEGER NOT NULL, sets INTEGER NOT NULL, reps INTEGER, duration_s FLOAT, hold_s FLOAT, load_kg FLOAT,
    band VARCHAR(16), sessions_per_week INTEGER NOT NULL, programme VARCHAR(64), note TEXT NOT NULL,
    note_private BOOLEAN NOT NULL, created_at {stamp} NOT NULL, deleted_at {stamp}, uid VARCHAR(36), updated_at {stamp},
    PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id), FOREIGN KEY(exercise_id) REFERENCES exercises (id))
"""


#: Tables added after schema 1 -> the schema version that has them.
_TABLE_SINCE = {"prescriptions": 7}


def _programmes(conn: Connection) -> None:
    """6 -> 7: a runner's hip programme as dated records (one row per exercise), empty at first:
    until a physio sets one, the starter programme is in force."""
    sqlite = conn.dialect.name == "sqlite"
    conn.exec_driver_sql(_PRESCRIPTIONS_V7.format(serial="INTEGER" if sqlite else "SERIAL",
                                                  stamp="DATETIME" if sqlite else "TIMESTAMP WITHOUT TIME ZONE"))
    conn.exec_driver_sql("CREATE INDEX ix_prescriptions_athlete_at ON prescriptions (athlete_id, at)")
    conn.exec_driver_sql("CREATE UNIQUE INDEX ux_prescriptions_uid ON prescriptions (uid)")


#: ``MIGRATIONS[n]`` upgrades a store at schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _index_sets_by_exercise,
    2: _runner_time_zones,
    3: _one_run_per_file,
    4: _give_records_global_ids,
    5: _kujala_answers,
    6: _programmes,
}


def as_version(value: object) -> int:
    """The schema version a store's meta table holds (text, or a number), -1 when it is not one."""
    if not isinstance(value, (str, int)):
        return -1
    try:
        return int(value)
    except ValueError:
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

    Older versions are checked for tables only (those they had): their columns are checked again
    once migrated.
    """
    missing = [t.name for t in metadata.sorted_tables
               if t.name not in columns and version >= _TABLE_SINCE.get(t.name, 1)]
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
