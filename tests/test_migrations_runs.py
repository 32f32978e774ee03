"""The upgrades for time zones and imports: a store written by schema 2 (built here with the plain
SQL schema 2 made) gets a time zone per runner (this machine's, the zone its times were kept in),
each run's start as a UTC instant, distances that may be unknown, and one live run per imported
file, with the rows two imports at once had doubled told apart. Every other value is kept."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from test_migrations import SCHEMA_1, columns_of, dump, indexes_of, version_of

import hipknee
from hipknee.store.schema import SCHEMA_VERSION

CREATED = "2026-03-20 08:00:00.000000"
HASH = "c0ffee" * 10 + "abcd"


def make_schema_2_store(folder: Path) -> Path:
    """Schema 2 as `Store.open` made it, with runs logged by hand and imported: one file imported
    twice by two imports at once (the same start and distance), and a file of two activities."""
    folder.mkdir(parents=True)
    db = folder / "hipknee.db"
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA_1 + "CREATE INDEX ix_sets_exercise ON strength_sets (exercise_id);")
    conn.execute("INSERT INTO hipknee_meta VALUES ('schema_version', '2')")
    conn.executemany("INSERT INTO athletes VALUES (?, ?, ?, ?, ?, ?)",
                     [(1, "Ana", 60.0, "left", CREATED, None), (2, "Ben", None, None, CREATED, None)])
    runs = [
        # id, at, athlete, km, source, hash, deleted
        (1, "2026-01-15 07:30:00.000000", 1, 5.0, "manual", None, None),   # winter: UTC+0 in Lisbon
        (2, "2026-07-15 07:30:00.000000", 1, 6.0, "manual", None, None),   # summer: UTC+1
        (3, "2026-03-02 18:00:00.000000", 1, 8.0, "fit", HASH, None),
        (4, "2026-03-02 18:00:00.000000", 1, 8.0, "fit", HASH, None),       # the same file, saved twice at once
        (5, "2026-03-03 18:00:00.000000", 1, 4.0, "tcx", "beef" * 16, None),
        (6, "2026-03-03 19:00:00.000000", 1, 3.0, "tcx", "beef" * 16, None),  # the file's second activity
        (7, "2026-03-02 18:00:00.000000", 2, 8.0, "fit", HASH, None),       # Ben ran it too: his own
        (8, "2026-03-04 18:00:00.000000", 1, 7.0, "gpx", "feed" * 16, CREATED),
        (9, "2026-03-04 18:00:00.000000", 1, 7.0, "gpx", "feed" * 16, None),  # deleted then imported again
    ]
    conn.executemany(
        "INSERT INTO runs VALUES (?, ?, ?, ?, 30.0, NULL, 4.0, NULL, NULL, 'running', ?, ?, '', 0, ?, ?)",
        [(id, at, who, km, source, digest, CREATED, deleted) for id, at, who, km, source, digest, deleted in runs],
    )
    conn.commit()
    conn.close()
    return db


def runs_of(db: Path) -> dict[int, tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, start_utc, source_hash, deleted_at IS NOT NULL FROM runs ORDER BY id").fetchall()
    conn.close()
    return {row[0]: row[1:] for row in rows}


def test_a_schema_2_store_gets_zones_instants_and_one_run_per_file(tmp_path: Path, machine_zone) -> None:  # noqa: ANN001
    machine_zone("Europe/Lisbon")
    db = make_schema_2_store(tmp_path / "old")
    before, old_columns = dump(db), columns_of(db)
    with hipknee.Store.open(tmp_path / "old") as st:
        assert st.schema_version == SCHEMA_VERSION
        assert st.athletes()["timezone"].tolist() == ["Europe/Lisbon", "Europe/Lisbon"]
        # The double is deleted (softly); the other runs are all there.
        assert st.runs()["id"].tolist() == [1, 3, 7, 5, 6, 9, 2]
        # A run without a distance can now be saved, and the unique file rule holds.
        st.add(hipknee.Run(when="2026-03-21T08:00", athlete="Ana", distance_km=None, duration_min=40))
        with pytest.raises(hipknee.ValidationError, match="run 3 is from it"):
            st.add({"when": "2026-03-21T09:00", "athlete": "Ana", "distance_km": 8.0, "duration_min": 30.0,
                    "source": "fit", "source_hash": HASH}, kind="run")
    assert version_of(db) == str(SCHEMA_VERSION)
    assert {"ux_runs_athlete_file", "ix_runs_athlete_start", "ix_runs_athlete_at", "ix_runs_source_hash"} <= indexes_of(db)

    runs = runs_of(db)
    assert runs[1][0] == "2026-01-15 07:30:00.000000"  # WET
    assert runs[2][0] == "2026-07-15 06:30:00.000000"  # WEST
    assert runs[3] == ("2026-03-02 18:00:00.000000", HASH, 0)
    assert runs[4] == ("2026-03-02 18:00:00.000000", HASH, 1)
    assert runs[5][1:] == ("beef" * 16, 0) and runs[6][1:] == ("beef" * 16 + "#2", 0)
    assert runs[7][1:] == (HASH, 0)
    assert runs[8][1:] == ("feed" * 16, 1) and runs[9][1:] == ("feed" * 16, 0)

    # Every value schema 2 held is kept, but the two that had to change.
    after = dump(db, old_columns)
    after["runs"] = after["runs"][:-1]  # the run added above
    changed = {4: 15, 6: 11}  # deleted_at of the double, source_hash of the second activity
    for row_before, row_after in zip(before["runs"], after["runs"]):
        column = changed.get(row_before[0])
        keep = [i for i in range(len(row_before)) if i != column]
        assert [row_before[i] for i in keep] == [row_after[i] for i in keep]
    assert {t: rows for t, rows in after.items() if t != "runs"} == {t: rows for t, rows in before.items() if t != "runs"}

    conn = sqlite3.connect(db)
    not_null = {c[1]: c[3] for c in conn.execute("PRAGMA table_info(runs)")}
    assert not_null["distance_km"] == 0 and not_null["duration_min"] == 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_a_store_made_today_has_the_same_tables_as_an_upgraded_one(tmp_path: Path) -> None:
    make_schema_2_store(tmp_path / "old")
    hipknee.Store.open(tmp_path / "old").close()
    hipknee.Store.open(tmp_path / "new").close()

    def shape(db: Path) -> dict[str, dict[str, tuple]]:
        conn = sqlite3.connect(db)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {t: {c[1]: (c[2], c[3]) for c in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
        found["indexes"] = {r[0]: (r[1],) for r in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        conn.close()
        return found

    old, new = shape(tmp_path / "old" / "hipknee.db"), shape(tmp_path / "new" / "hipknee.db")
    assert old.keys() == new.keys()
    for table in new:
        assert old[table].keys() == new[table].keys(), table
    assert {c: t for c, (t, _) in old["runs"].items()} == {c: t for c, (t, _) in new["runs"].items()}


def test_runs_read_from_an_upgraded_store_have_their_instants(tmp_path: Path, machine_zone) -> None:  # noqa: ANN001
    machine_zone("Europe/Lisbon")
    make_schema_2_store(tmp_path / "old")
    with hipknee.Store.open(tmp_path / "old") as st:
        runs = st.runs()
    assert runs.set_index("id").loc[2, "start_utc"] == datetime(2026, 7, 15, 6, 30)
    assert str(runs["start_utc"].dtype).startswith("datetime64")
