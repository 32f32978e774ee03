"""Migrations: a store written by schema 1 (built here with plain SQL, as schema 1 made it, on
SQLite and on PostgreSQL) opens with today's code, every row kept (a SQLite file backed up
first); the steps run in one transaction, so a failing step changes nothing."""

from __future__ import annotations

import contextlib
import sqlite3
import types
from pathlib import Path

import pytest
from backends import Backend

import hipknee
from hipknee.store import migrations
from hipknee.store.backup import list_backups
from hipknee.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.both_backends

# Schema 1 exactly as `Store.open` created it (SQLAlchemy's DDL for SQLite).
SCHEMA_1 = """
CREATE TABLE hipknee_meta ("key" VARCHAR(64) NOT NULL, value TEXT NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE athletes (id INTEGER NOT NULL, name VARCHAR(80) NOT NULL, body_mass_kg FLOAT, involved_side VARCHAR(8),
    created_at DATETIME NOT NULL, deleted_at DATETIME, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE exercises (id INTEGER NOT NULL, name VARCHAR(80) NOT NULL, measure VARCHAR(8) NOT NULL,
    per_side BOOLEAN NOT NULL, dose_sets INTEGER, dose_reps INTEGER, dose_seconds FLOAT, target TEXT NOT NULL,
    how TEXT NOT NULL, builtin BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deleted_at DATETIME,
    PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE strength_sets (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL,
    exercise_id INTEGER NOT NULL, side VARCHAR(8) NOT NULL, reps INTEGER, duration_s FLOAT, hold_s FLOAT,
    load_kg FLOAT, band VARCHAR(16), rpe FLOAT, session VARCHAR(64), note TEXT NOT NULL, note_private BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL, deleted_at DATETIME, PRIMARY KEY (id),
    FOREIGN KEY(athlete_id) REFERENCES athletes (id), FOREIGN KEY(exercise_id) REFERENCES exercises (id));
CREATE INDEX ix_sets_session ON strength_sets (session);
CREATE INDEX ix_sets_athlete_at ON strength_sets (athlete_id, at);
CREATE TABLE strength_tests (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL,
    test VARCHAR(80) NOT NULL, side VARCHAR(8) NOT NULL, value FLOAT NOT NULL, unit VARCHAR(8) NOT NULL,
    note TEXT NOT NULL, note_private BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deleted_at DATETIME,
    PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_tests_athlete_at ON strength_tests (athlete_id, at);
CREATE TABLE runs (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL, distance_km FLOAT NOT NULL,
    duration_min FLOAT NOT NULL, moving_min FLOAT, rpe FLOAT, surface VARCHAR(16), avg_hr FLOAT,
    sport VARCHAR(40) NOT NULL, source VARCHAR(16) NOT NULL, source_hash VARCHAR(128), note TEXT NOT NULL,
    note_private BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deleted_at DATETIME, PRIMARY KEY (id),
    FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_runs_source_hash ON runs (source_hash);
CREATE INDEX ix_runs_athlete_at ON runs (athlete_id, at);
CREATE TABLE pain_entries (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL,
    knee VARCHAR(8) NOT NULL, nrs INTEGER NOT NULL, context VARCHAR(16) NOT NULL, note TEXT NOT NULL,
    note_private BOOLEAN NOT NULL, created_at DATETIME NOT NULL, deleted_at DATETIME, PRIMARY KEY (id),
    FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_pain_athlete_at ON pain_entries (athlete_id, at);
CREATE TABLE outcome_scores (id INTEGER NOT NULL, at DATETIME NOT NULL, athlete_id INTEGER NOT NULL,
    instrument VARCHAR(16) NOT NULL, score INTEGER NOT NULL, note TEXT NOT NULL, note_private BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL, deleted_at DATETIME, PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_outcomes_athlete_at ON outcome_scores (athlete_id, at);
"""

# The same schema 1 on PostgreSQL (SQLAlchemy's DDL for PostgreSQL, as `Store.open` made it).
SCHEMA_1_POSTGRESQL = """
CREATE TABLE athletes (id SERIAL NOT NULL, name VARCHAR(80) NOT NULL, body_mass_kg FLOAT, involved_side VARCHAR(8),
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, deleted_at TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE exercises (id SERIAL NOT NULL, name VARCHAR(80) NOT NULL, measure VARCHAR(8) NOT NULL,
    per_side BOOLEAN NOT NULL, dose_sets INTEGER, dose_reps INTEGER, dose_seconds FLOAT, target TEXT NOT NULL,
    how TEXT NOT NULL, builtin BOOLEAN NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    deleted_at TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE hipknee_meta (key VARCHAR(64) NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key));
CREATE TABLE outcome_scores (id SERIAL NOT NULL, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, athlete_id INTEGER NOT NULL,
    instrument VARCHAR(16) NOT NULL, score INTEGER NOT NULL, note TEXT NOT NULL, note_private BOOLEAN NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, deleted_at TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id),
    FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_outcomes_athlete_at ON outcome_scores (athlete_id, at);
CREATE TABLE pain_entries (id SERIAL NOT NULL, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, athlete_id INTEGER NOT NULL,
    knee VARCHAR(8) NOT NULL, nrs INTEGER NOT NULL, context VARCHAR(16) NOT NULL, note TEXT NOT NULL,
    note_private BOOLEAN NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, deleted_at TIMESTAMP WITHOUT TIME ZONE,
    PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_pain_athlete_at ON pain_entries (athlete_id, at);
CREATE TABLE runs (id SERIAL NOT NULL, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, athlete_id INTEGER NOT NULL,
    distance_km FLOAT NOT NULL, duration_min FLOAT NOT NULL, moving_min FLOAT, rpe FLOAT, surface VARCHAR(16),
    avg_hr FLOAT, sport VARCHAR(40) NOT NULL, source VARCHAR(16) NOT NULL, source_hash VARCHAR(128), note TEXT NOT NULL,
    note_private BOOLEAN NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, deleted_at TIMESTAMP WITHOUT TIME ZONE,
    PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_runs_athlete_at ON runs (athlete_id, at);
CREATE INDEX ix_runs_source_hash ON runs (source_hash);
CREATE TABLE strength_sets (id SERIAL NOT NULL, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, athlete_id INTEGER NOT NULL,
    exercise_id INTEGER NOT NULL, side VARCHAR(8) NOT NULL, reps INTEGER, duration_s FLOAT, hold_s FLOAT, load_kg FLOAT,
    band VARCHAR(16), rpe FLOAT, session VARCHAR(64), note TEXT NOT NULL, note_private BOOLEAN NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, deleted_at TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id),
    FOREIGN KEY(athlete_id) REFERENCES athletes (id), FOREIGN KEY(exercise_id) REFERENCES exercises (id));
CREATE INDEX ix_sets_session ON strength_sets (session);
CREATE INDEX ix_sets_athlete_at ON strength_sets (athlete_id, at);
CREATE TABLE strength_tests (id SERIAL NOT NULL, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, athlete_id INTEGER NOT NULL,
    test VARCHAR(80) NOT NULL, side VARCHAR(8) NOT NULL, value FLOAT NOT NULL, unit VARCHAR(8) NOT NULL,
    note TEXT NOT NULL, note_private BOOLEAN NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    deleted_at TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id), FOREIGN KEY(athlete_id) REFERENCES athletes (id));
CREATE INDEX ix_tests_athlete_at ON strength_tests (athlete_id, at);
"""

T = "2026-03-{:02d} 18:00:00.000000"
CREATED = "2026-03-20 08:00:00.000000"
TABLES = ["hipknee_meta", "athletes", "exercises", "strength_sets", "strength_tests", "runs", "pain_entries", "outcome_scores"]
# Boolean columns by position, per table: SQLite stores 0/1, PostgreSQL wants true/false.
BOOLEANS = {"exercises": (3, 9), "strength_sets": (13,), "strength_tests": (8,), "runs": (13,), "pain_entries": (7,),
            "outcome_scores": (6,)}


class OldStore:
    """A store as schema 1 left it, on either backend, read and written with plain SQL (the
    driver's own connection, not hipknee)."""

    def __init__(self, backend: Backend, folder: Path) -> None:
        self.backend = backend
        if backend.name == "sqlite":
            folder.mkdir(parents=True, exist_ok=True)
            self.place = str(folder)
            self.db: Path | None = folder / "hipknee.db"
        else:
            server = backend.server  # type: ignore[attr-defined]
            self.database = server.create_database("template0", prefix="old")
            self.place = server.url(self.database)
            self.db = None

    @contextlib.contextmanager
    def sql(self, db: Path | None = None):  # noqa: ANN201 - a DB-API connection
        if self.backend.name == "sqlite":
            conn = sqlite3.connect(db or self.db)
            try:
                with conn:
                    yield conn
            finally:
                conn.close()
        else:
            with self.backend.server.connect(self.database) as conn:  # type: ignore[attr-defined]
                yield conn

    def _rows(self, conn, sql: str) -> list[tuple]:  # noqa: ANN001
        return [tuple(r) for r in conn.execute(sql).fetchall()]

    def dump(self, db: Path | None = None, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
        """Every row of every hipknee table, by id (the schema version row aside): all its columns,
        or only ``columns`` (those an older schema had: later ones add columns)."""
        columns = columns or self.columns(db)
        with self.sql(db) as conn:
            return {t: self._rows(conn, f"SELECT {', '.join(cols)} FROM {t} ORDER BY 1") for t, cols in columns.items()}

    def columns(self, db: Path | None = None) -> dict[str, list[str]]:
        """Each hipknee table's columns, in the table's order."""
        query = ("SELECT name FROM pragma_table_info('{t}')" if self.backend.name == "sqlite" else
                 "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                 "AND table_name = '{t}' ORDER BY ordinal_position")
        with self.sql(db) as conn:
            return {t: [r[0] for r in conn.execute(query.format(t=t))] for t in TABLES if t != "hipknee_meta"}

    def version(self, db: Path | None = None) -> str:
        with self.sql(db) as conn:
            return conn.execute("SELECT value FROM hipknee_meta WHERE key = 'schema_version'").fetchone()[0]

    def indexes(self, db: Path | None = None) -> set[str]:
        query = ("SELECT name FROM sqlite_master WHERE type = 'index'" if self.backend.name == "sqlite"
                 else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        with self.sql(db) as conn:
            return {r[0] for r in conn.execute(query)}

    def open(self) -> hipknee.Store:
        return self.backend.open(self.place)


def make_schema_1_store(backend: Backend, folder: Path) -> OldStore:
    """A store as schema 1 left it: two runners, a custom exercise and rows of every kind (one deleted)."""
    old = OldStore(backend, folder)
    postgres = backend.name == "postgresql"

    def insert(conn, table: str, rows: list[tuple]) -> None:  # noqa: ANN001
        flags = BOOLEANS.get(table, ())
        rows = [tuple(bool(v) if i in flags and postgres else v for i, v in enumerate(r)) for r in rows]
        marks = ", ".join(["%s" if postgres else "?"] * len(rows[0]))
        cursor = conn.cursor()
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        if postgres and table != "hipknee_meta":  # as if the rows had been added one by one
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

    with old.sql() as conn:
        if postgres:
            conn.execute(SCHEMA_1_POSTGRESQL)
        else:
            conn.executescript(SCHEMA_1)
        insert(conn, "hipknee_meta", [("schema_version", "1")])
        insert(conn, "athletes", [(1, "Ana", 60.0, "left", CREATED, None), (2, "Ben", None, None, CREATED, CREATED)])
        insert(conn, "exercises", [
            (1, "clamshell", "reps", 1, 3, 15, None, "glute medius", "lie on your side", 1, CREATED, None),
            (2, "side plank", "time", 1, 3, None, 30.0, "glute medius", "", 1, CREATED, None),
            (3, "monster walk", "time", 1, 2, None, 20.0, "", "", 0, CREATED, None),
        ])
        insert(conn, "strength_sets", [
            (i, T.format(1 + i % 20), 1, 1 + i % 3, ("left", "right")[i % 2], 10 + i % 5 if i % 3 == 0 else None,
             20.0 + i if i % 3 else None, None, 2.5 * (i % 4), "medium" if i % 2 else None, 5.0 + i % 4,
             f"s{i // 2}", f"set {i}", i % 2, CREATED, CREATED if i == 7 else None)
            for i in range(1, 41)
        ])
        insert(conn, "strength_tests", [
            (i, T.format(i), 1, "hip abduction dynamometer", ("left", "right")[i % 2], 140.0 + i, "N", "", 0, CREATED, None)
            for i in range(1, 7)
        ])
        insert(conn, "runs", [
            (i, T.format(i), 1, 5.0 + i / 3, 30.0 + i, None, 4.0 + i % 5, "road", 150.0, "running", "manual", None,
             "easy", 0, CREATED, None) for i in range(1, 16)
        ])
        insert(conn, "pain_entries", [
            (i, T.format(i), 1, "left", i % 11, "next_morning", "private note", 1, CREATED, None) for i in range(1, 21)
        ])
        insert(conn, "outcome_scores", [
            (1, T.format(1), 1, "kujala", 70, "", 0, CREATED, None), (2, T.format(15), 1, "kujala", 81, "", 0, CREATED, None)
        ])
    return old


def test_a_schema_1_store_is_upgraded_with_every_row_kept(backend: Backend, tmp_path: Path) -> None:
    old = make_schema_1_store(backend, tmp_path / "old")
    before, old_columns = old.dump(), old.columns()
    assert sum(map(len, before.values())) == 2 + 3 + 40 + 6 + 15 + 20 + 2

    with old.open() as st:
        assert st.schema_version == SCHEMA_VERSION == 7
        # Read through the store too: deleted rows stay hidden, the rest are all there.
        assert st.athlete_names() == ["Ana"]
        assert len(st.sets()) == 39 and len(st.sets(include_deleted=True)) == 40
        assert st.pain()["nrs"].tolist() == [i % 11 for i in range(1, 21)]
        assert "monster walk" in st.exercise_names()
        st.add({"when": "2026-03-21", "athlete": "Ana", "knee": "left", "nrs": 1, "context": "rest"}, kind="pain")

    after = old.dump(columns=old_columns)
    assert after["pain_entries"][-1][0] == 21  # the new row took the next id
    after["pain_entries"] = after["pain_entries"][:-1]
    assert after == before
    assert old.version() == str(SCHEMA_VERSION)
    assert "ix_sets_exercise" in old.indexes()

    if old.db is not None:
        # The backup was taken before the migration: schema 1, the same rows. (A club's server
        # is backed up with `hipknee backup --url`, see test_club.py.)
        backups = list_backups(old.db.parent)
        assert [b.name.endswith(f"-before-schema-{SCHEMA_VERSION}.db") for b in backups] == [True]
        assert old.version(backups[0]) == "1"
        assert old.dump(backups[0]) == before
        assert "ix_sets_exercise" not in old.indexes(backups[0])


def test_opening_again_does_not_migrate_or_back_up_twice(backend: Backend, tmp_path: Path) -> None:
    old = make_schema_1_store(backend, tmp_path / "old")
    old.open().close()
    old.open().close()
    assert old.version() == str(SCHEMA_VERSION)
    if old.db is not None:
        assert len(list_backups(old.db.parent)) == 1


def test_a_failing_step_changes_nothing(backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = make_schema_1_store(backend, tmp_path / "old")
    before = old.dump()

    def half_done(conn) -> None:
        migrations.MIGRATIONS[1].__wrapped__(conn)  # type: ignore[attr-defined]
        conn.exec_driver_sql("UPDATE pain_entries SET nrs = 0")
        conn.exec_driver_sql("ALTER TABLE no_such_table ADD COLUMN x INTEGER")

    half_done.__wrapped__ = migrations.MIGRATIONS[1]  # type: ignore[attr-defined]
    monkeypatch.setitem(migrations.MIGRATIONS, 1, half_done)
    with pytest.raises(hipknee.StoreError) as info:
        old.open()
    if old.db is not None:
        backup = list_backups(old.db.parent)[0]
        assert info.value.path == old.db and info.value.backup == backup
        assert str(old.db) in str(info.value) and str(backup) in str(info.value)
    else:
        assert "no_such_table" in str(info.value) and old.database in str(info.value)
    assert old.version() == "1" and old.dump() == before
    assert "ix_sets_exercise" not in old.indexes()


def test_every_version_below_the_current_one_has_a_step() -> None:
    assert sorted(migrations.MIGRATIONS) == list(range(1, SCHEMA_VERSION))


def test_two_notebooks_opening_an_old_store_at_once_upgrade_it_once(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    old = make_schema_1_store(backend, tmp_path / "old")
    before, old_columns = old.dump(), old.columns()
    steps = []
    step = migrations.MIGRATIONS[1]
    monkeypatch.setitem(migrations.MIGRATIONS, 1, lambda conn: (steps.append(1), step(conn)))
    together = Barrier(2)

    def open_store(_: int) -> int:
        together.wait()
        with old.open() as st:
            return st.schema_version

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(open_store, range(2))) == [SCHEMA_VERSION] * 2
    assert steps == [1] and old.dump(columns=old_columns) == before and old.version() == str(SCHEMA_VERSION)


# -- a schema 1 SQLite file, read with plain sqlite3 (the upgrade tests of later schemas build on it) ----
def sqlite_schema_1_store(folder: Path) -> Path:
    """The SQLite file of :func:`make_schema_1_store`."""
    backend = types.SimpleNamespace(name="sqlite", open=lambda place: hipknee.Store.open(Path(place)))
    old = make_schema_1_store(backend, folder)  # type: ignore[arg-type] - only its name and open are used
    assert old.db is not None
    return old.db


def columns_of(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as conn:
        found = {t: [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')] for t in TABLES if t != "hipknee_meta"}
    conn.close()
    return found


def dump(db: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every hipknee table, by id (the schema version row aside): all its columns, or
    only ``columns`` (e.g. those an older schema had)."""
    columns = columns or columns_of(db)
    with sqlite3.connect(db) as conn:
        rows = {t: conn.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY 1").fetchall() for t in columns}
    conn.close()
    return rows


def version_of(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        value = conn.execute("SELECT value FROM hipknee_meta WHERE key = 'schema_version'").fetchone()[0]
    conn.close()
    return value


def indexes_of(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    return names


# -- schema 5: global ids and updated-at times -----------------------------------------------------
def test_the_upgrade_gives_every_row_a_global_id_and_an_updated_at(tmp_path: Path) -> None:
    from hipknee.store.identity import builtin_uid, is_uid

    db = sqlite_schema_1_store(tmp_path / "old")
    with sqlite3.connect(db) as conn:  # sets saved one by one (no session): two moments, three sets
        conn.execute("UPDATE strength_sets SET session = NULL WHERE id IN (2, 3, 5)")
        conn.execute("UPDATE strength_sets SET at = ? WHERE id IN (2, 3)", (T.format(2),))
    conn.close()
    with hipknee.Store.open(tmp_path / "old") as st:
        sets = st.sets(include_deleted=True).set_index("id")
        sessions = st.sessions(include_deleted=True)
    rows = dump(db)
    with sqlite3.connect(db) as conn:
        for table in TABLES[1:]:
            found = conn.execute(f"SELECT uid, updated_at, created_at, deleted_at FROM {table}").fetchall()
            assert all(is_uid(uid) for uid, *_ in found), table
            assert len({uid for uid, *_ in found}) == len(found) == len(rows[table]), table
            assert all(updated == (deleted or created) for _, updated, created, deleted in found), table
        builtins = conn.execute("SELECT name, uid FROM exercises WHERE builtin").fetchall()
        custom = conn.execute("SELECT uid FROM exercises WHERE NOT builtin").fetchone()[0]
    conn.close()
    assert builtins and all(uid == builtin_uid(name) for name, uid in builtins)
    assert custom not in {builtin_uid(n) for n in ("monster walk",)}
    # The lone sets got sessions: one for the two at the same moment, another for the third.
    assert sets.loc[2, "session"] == sets.loc[3, "session"] != sets.loc[5, "session"]
    assert sets["session"].notna().all() and sets.loc[2, "session"] not in {f"s{i}" for i in range(21)}
    assert set(sessions["session"]) == set(sets["session"])


def test_an_upgraded_store_has_the_tables_of_a_new_one(tmp_path: Path) -> None:
    sqlite_schema_1_store(tmp_path / "old")
    hipknee.Store.open(tmp_path / "old").close()
    hipknee.Store.open(tmp_path / "new").close()
    old, new = tmp_path / "old" / "hipknee.db", tmp_path / "new" / "hipknee.db"
    # The same columns (an added column comes last in an upgraded table: the order differs, by name nothing does).
    assert {t: sorted(c) for t, c in columns_of(old).items()} == {t: sorted(c) for t, c in columns_of(new).items()}
    assert indexes_of(old) - {i for i in indexes_of(old) if i.startswith("sqlite_")} == {
        i for i in indexes_of(new) if not i.startswith("sqlite_")
    }


def test_a_failing_global_id_step_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_schema_1_store(tmp_path / "old")
    before, old_columns = dump(db), columns_of(db)
    step = migrations.MIGRATIONS[2]

    def half_done(conn) -> None:
        step(conn)
        raise RuntimeError("the disk went away")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, half_done)
    with pytest.raises(RuntimeError):
        hipknee.Store.open(tmp_path / "old")
    assert version_of(db) == "1" and columns_of(db) == old_columns and dump(db) == before


# -- schema 6: the Kujala questionnaire's answers -----------------------------------------------------
def test_scores_saved_before_the_questionnaire_stay_bare_scores(backend: Backend, tmp_path: Path) -> None:
    from hipknee.records.kujala import KUJALA_FIELDS, KUJALA_ITEMS

    old = make_schema_1_store(backend, tmp_path / "old")
    with old.open() as st:
        scores = st.outcomes()
        assert scores["score"].tolist() == [70, 81]
        assert scores[list(KUJALA_FIELDS)].isna().all().all()
        st.add({"when": "2026-03-22", "athlete": "Ana", **{i.field: i.best for i in KUJALA_ITEMS}}, kind="outcome")
        assert st.outcomes()["score"].tolist() == [70, 81, 100]
    assert set(KUJALA_FIELDS) <= set(old.columns()["outcome_scores"])


# -- schema 7: programmes ------------------------------------------------------------------------------
def test_an_upgraded_store_takes_programmes(backend: Backend, tmp_path: Path) -> None:
    old = make_schema_1_store(backend, tmp_path / "old")
    with old.open() as st:
        assert st.programmes().empty
        st.set_programme("Ana", "2026-03-20", [{"exercise": "clamshell", "sets": 3, "reps": 15}], sessions_per_week=3)
        assert st.programmes()["exercise"].astype(object).tolist() == ["clamshell"]
    assert "ix_prescriptions_athlete_at" in old.indexes() and "ux_prescriptions_uid" in old.indexes()
