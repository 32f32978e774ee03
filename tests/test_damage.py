"""A damaged store is refused with an error naming the file and the newest backup, and is left
byte for byte as it was; the backup it names brings the log back."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import hipknee
from hipknee.cli import main
from hipknee.store.backup import back_up, list_backups

PAGE = 4096


def _rewrite(db: Path, change: Callable[[bytes], bytes]) -> None:
    db.write_bytes(change(db.read_bytes()))


def _sql(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _garbage(n: int) -> bytes:
    return random.Random(n).randbytes(n)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated to half": lambda db: _rewrite(db, lambda b: b[: len(b) // 2]),
    "truncated to a page": lambda db: _rewrite(db, lambda b: b[:PAGE]),
    "truncated inside the header": lambda db: _rewrite(db, lambda b: b[:50]),
    "overwritten with garbage": lambda db: _rewrite(db, lambda b: _garbage(len(b))),
    "garbage over its middle pages": lambda db: _rewrite(
        db, lambda b: b[: 2 * PAGE] + _garbage(len(b) - 4 * PAGE) + b[-2 * PAGE :]
    ),
    "a spreadsheet, not a database": lambda db: db.write_text("when,km\n2026-03-02,8.0\n"),
    "another program's database": lambda db: (db.unlink(), _sql(db, "CREATE TABLE photos (id INTEGER, jpeg BLOB)")),
    "tables missing": lambda db: _sql(db, "DROP TABLE pain_entries"),
    "a column missing": lambda db: _sql(db, "ALTER TABLE runs DROP COLUMN avg_hr"),
    "a newer schema": lambda db: _sql(db, "UPDATE hipknee_meta SET value = '99' WHERE key = 'schema_version'"),
    "an unreadable schema version": lambda db: _sql(db, "UPDATE hipknee_meta SET value = 'two' WHERE key = 'schema_version'"),
    "schema 0": lambda db: _sql(db, "UPDATE hipknee_meta SET value = '0' WHERE key = 'schema_version'"),
    "emptied": lambda db: db.write_bytes(b""),
}


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    """A data folder whose store holds a month of pain entries and two backups."""
    folder = tmp_path / "data"
    with hipknee.Store.open(folder) as st:
        st.add(hipknee.Athlete(name="Ana", involved_side="left"))
        st.add_many(
            [dict(when=f"2026-03-{d:02d}T07:00", athlete="Ana", knee="left", nrs=d % 11, context="next_morning",
                  note="stiff on the stairs " * 20) for d in range(1, 29)],
            kind="pain",
        )
        st.add(dict(when="2026-03-02T18:00", athlete="Ana", distance_km=8.0, duration_min=48.0, avg_hr=150), kind="run")
    back_up(folder)
    back_up(folder)
    return folder


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_store_is_refused_and_left_as_it_was(logged: Path, damage: str) -> None:
    db = logged / "hipknee.db"
    assert db.stat().st_size > 8 * PAGE
    DAMAGE[damage](db)
    damaged = db.read_bytes()
    newest = list_backups(logged)[0]

    for _ in range(2):  # and not quietly repaired by the first attempt
        with pytest.raises(hipknee.StoreError) as info:
            hipknee.Store.open(logged)
        assert info.value.path == db and info.value.backup == newest
        assert str(db) in str(info.value) and f"hipknee restore {newest}" in str(info.value)
        assert db.read_bytes() == damaged


def test_the_error_says_what_is_wrong(logged: Path) -> None:
    db = logged / "hipknee.db"
    expected = {
        "truncated to half": "truncated",
        "overwritten with garbage": "not a SQLite database",
        "garbage over its middle pages": "damaged",
        "another program's database": "not a hipknee store",
        "a column missing": "runs.avg_hr",
        "a newer schema": "newer hipknee",
    }
    pristine = db.read_bytes()
    for damage, words in expected.items():
        db.write_bytes(pristine)
        DAMAGE[damage](db)
        with pytest.raises(hipknee.StoreError, match=words):
            hipknee.Store.open(logged)


def test_the_named_backup_brings_the_log_back(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = logged / "hipknee.db"
    DAMAGE["garbage over its middle pages"](db)
    damaged = db.read_bytes()
    with pytest.raises(hipknee.StoreError) as info:
        hipknee.Store.open(logged)
    assert main(["restore", str(info.value.backup), "--data", str(logged)]) == 0
    assert "kept as" in capsys.readouterr().out
    with hipknee.Store.open(logged) as st:
        assert len(st.pain()) == 28 and st.runs()["avg_hr"].tolist() == [150.0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    # The damaged file was kept, byte for byte, out of the way of the backups.
    kept = [p for p in (logged / "backups").iterdir() if p.name.startswith("damaged-") and p.suffix == ".db"]
    assert [p.read_bytes() == damaged for p in kept] == [True]
    assert all(not p.name.startswith("damaged-") for p in list_backups(logged))


def test_a_damaged_store_without_backups_says_so(tmp_path: Path) -> None:
    db = tmp_path / "hipknee.db"
    db.write_bytes(b"\x00" * 5000)
    with pytest.raises(hipknee.StoreError, match="no backup of it was found") as info:
        hipknee.Store.open(tmp_path)
    assert info.value.backup is None and db.read_bytes() == b"\x00" * 5000


def test_cli_reports_a_damaged_store_in_one_line(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    DAMAGE["overwritten with garbage"](logged / "hipknee.db")
    assert main(["backup", "--data", str(logged)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "not a SQLite database" in err and str(list_backups(logged)[0]) in err


def test_damage_found_while_open_names_the_backup_too(logged: Path) -> None:
    with hipknee.Store.open(logged) as st:
        DAMAGE["garbage over its middle pages"](logged / "hipknee.db")
        with pytest.raises(hipknee.StoreError, match="malformed") as info:
            st.pain()
    assert info.value.backup == list_backups(logged)[0]
