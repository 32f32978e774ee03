"""Migrations: a store written by schema 1 (built here with plain SQL, as schema 1 made it) opens
with today's code, backed up first, every row kept; a failing step changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import hipknee
from hipknee.store import migrations
from hipknee.store.backup import list_backups
from hipknee.store.schema import SCHEMA_VERSION

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

T = "2026-03-{:02d} 18:00:00.000000"
CREATED = "2026-03-20 08:00:00.000000"
TABLES = ["hipknee_meta", "athletes", "exercises", "strength_sets", "strength_tests", "runs", "pain_entries", "outcome_scores"]


def make_schema_1_store(folder: Path) -> Path:
    """A store as schema 1 left it: two runners, a custom exercise and rows of every kind (one deleted)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "hipknee.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(SCHEMA_1)
        conn.execute("INSERT INTO hipknee_meta VALUES ('schema_version', '1')")
        conn.executemany(
            "INSERT INTO athletes VALUES (?, ?, ?, ?, ?, ?)",
            [(1, "Ana", 60.0, "left", CREATED, None), (2, "Ben", None, None, CREATED, CREATED)],
        )
        conn.executemany(
            "INSERT INTO exercises VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (1, "clamshell", "reps", 1, 3, 15, None, "glute medius", "lie on your side", 1, CREATED, None),
                (2, "side plank", "time", 1, 3, None, 30.0, "glute medius", "", 1, CREATED, None),
                (3, "monster walk", "time", 1, 2, None, 20.0, "", "", 0, CREATED, None),
            ],
        )
        conn.executemany(
            "INSERT INTO strength_sets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i, T.format(1 + i % 20), 1, 1 + i % 3, ("left", "right")[i % 2], 10 + i % 5 if i % 3 == 0 else None,
                 20.0 + i if i % 3 else None, None, 2.5 * (i % 4), "medium" if i % 2 else None, 5.0 + i % 4,
                 f"s{i // 2}", f"set {i}", i % 2, CREATED, CREATED if i == 7 else None)
                for i in range(1, 41)
            ],
        )
        conn.executemany(
            "INSERT INTO strength_tests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, T.format(i), 1, "hip abduction dynamometer", ("left", "right")[i % 2], 140.0 + i, "N", "", 0, CREATED, None)
             for i in range(1, 7)],
        )
        conn.executemany(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, T.format(i), 1, 5.0 + i / 3, 30.0 + i, None, 4.0 + i % 5, "road", 150.0, "running", "manual", None,
              "easy", 0, CREATED, None) for i in range(1, 16)],
        )
        conn.executemany(
            "INSERT INTO pain_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, T.format(i), 1, "left", i % 11, "next_morning", "private note", 1, CREATED, None) for i in range(1, 21)],
        )
        conn.executemany(
            "INSERT INTO outcome_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, T.format(1), 1, "kujala", 70, "", 0, CREATED, None), (2, T.format(15), 1, "kujala", 81, "", 0, CREATED, None)],
        )
    conn.close()
    return db


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


def test_a_schema_1_store_is_upgraded_with_every_row_kept(tmp_path: Path) -> None:
    db = make_schema_1_store(tmp_path / "old")
    before, old_columns = dump(db), columns_of(db)
    assert sum(map(len, before.values())) == 2 + 3 + 40 + 6 + 15 + 20 + 2

    with hipknee.Store.open(tmp_path / "old") as st:
        assert st.schema_version == SCHEMA_VERSION == 5
        # Read through the store too: deleted rows stay hidden, the rest are all there.
        assert st.athlete_names() == ["Ana"]
        assert len(st.sets()) == 39 and len(st.sets(include_deleted=True)) == 40
        assert st.pain()["nrs"].tolist() == [i % 11 for i in range(1, 21)]
        assert "monster walk" in st.exercise_names()
        st.add({"when": "2026-03-21", "athlete": "Ana", "knee": "left", "nrs": 1, "context": "rest"}, kind="pain")

    after = dump(db, old_columns)
    after["pain_entries"] = after["pain_entries"][:-1]
    assert after == before
    assert version_of(db) == str(SCHEMA_VERSION)
    assert "ix_sets_exercise" in indexes_of(db)

    # The backup was taken before the migration: schema 1, the same rows.
    backups = list_backups(tmp_path / "old")
    assert [b.name.endswith(f"-before-schema-{SCHEMA_VERSION}.db") for b in backups] == [True]
    assert version_of(backups[0]) == "1"
    assert dump(backups[0]) == before
    assert "ix_sets_exercise" not in indexes_of(backups[0])


def test_opening_again_does_not_migrate_or_back_up_twice(tmp_path: Path) -> None:
    make_schema_1_store(tmp_path / "old")
    hipknee.Store.open(tmp_path / "old").close()
    hipknee.Store.open(tmp_path / "old").close()
    assert len(list_backups(tmp_path / "old")) == 1


def test_a_failing_step_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_schema_1_store(tmp_path / "old")
    before = dump(db)

    def half_done(conn) -> None:
        migrations.MIGRATIONS[1].__wrapped__(conn)  # type: ignore[attr-defined]
        conn.exec_driver_sql("UPDATE pain_entries SET nrs = 0")
        conn.exec_driver_sql("ALTER TABLE no_such_table ADD COLUMN x")

    half_done.__wrapped__ = migrations.MIGRATIONS[1]  # type: ignore[attr-defined]
    monkeypatch.setitem(migrations.MIGRATIONS, 1, half_done)
    with pytest.raises(hipknee.StoreError) as info:
        hipknee.Store.open(tmp_path / "old")
    backup = list_backups(tmp_path / "old")[0]
    assert info.value.path == db and info.value.backup == backup
    assert str(db) in str(info.value) and str(backup) in str(info.value)
    assert version_of(db) == "1" and dump(db) == before
    assert "ix_sets_exercise" not in indexes_of(db)


def test_every_version_below_the_current_one_has_a_step() -> None:
    assert sorted(migrations.MIGRATIONS) == list(range(1, SCHEMA_VERSION))


def test_two_notebooks_opening_an_old_store_at_once_upgrade_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    db = make_schema_1_store(tmp_path / "old")
    before, old_columns = dump(db), columns_of(db)
    steps = []
    step = migrations.MIGRATIONS[1]
    monkeypatch.setitem(migrations.MIGRATIONS, 1, lambda conn: (steps.append(1), step(conn)))
    together = Barrier(2)

    def open_store(_: int) -> int:
        together.wait()
        with hipknee.Store.open(tmp_path / "old") as st:
            return st.schema_version

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(open_store, range(2))) == [SCHEMA_VERSION] * 2
    assert steps == [1] and dump(db, old_columns) == before
    assert version_of(db) == str(SCHEMA_VERSION)


# -- schema 5: global ids and updated-at times -----------------------------------------------------
def test_the_upgrade_gives_every_row_a_global_id_and_an_updated_at(tmp_path: Path) -> None:
    from hipknee.store.identity import builtin_uid, is_uid

    db = make_schema_1_store(tmp_path / "old")
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
    make_schema_1_store(tmp_path / "old")
    hipknee.Store.open(tmp_path / "old").close()
    hipknee.Store.open(tmp_path / "new").close()
    old, new = tmp_path / "old" / "hipknee.db", tmp_path / "new" / "hipknee.db"
    # The same columns (an added column comes last in an upgraded table: the order differs, by name nothing does).
    assert {t: sorted(c) for t, c in columns_of(old).items()} == {t: sorted(c) for t, c in columns_of(new).items()}
    assert indexes_of(old) - {i for i in indexes_of(old) if i.startswith("sqlite_")} == {
        i for i in indexes_of(new) if not i.startswith("sqlite_")
    }


def test_a_failing_global_id_step_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_schema_1_store(tmp_path / "old")
    before, old_columns = dump(db), columns_of(db)
    step = migrations.MIGRATIONS[2]

    def half_done(conn) -> None:
        step(conn)
        raise RuntimeError("the disk went away")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, half_done)
    with pytest.raises(RuntimeError):
        hipknee.Store.open(tmp_path / "old")
    assert version_of(db) == "1" and columns_of(db) == old_columns and dump(db) == before
