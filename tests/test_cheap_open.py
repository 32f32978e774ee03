"""SQLite's page-by-page check runs on the day's first open of a store and whenever the file is not
as a clean close left it, not on every open; a damaged file is still never used."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import hipknee
from hipknee.store import files

PAGE = 4096


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files SQLite's quick_check reads from now on (the real check runs)."""
    seen: list[Path] = []
    real = files.quick_check

    def counted(path: Path) -> list[str]:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(files, "quick_check", counted)
    return seen


def _logged(folder: Path) -> Path:
    with hipknee.Store.open(folder) as st:
        st.add(hipknee.Athlete(name="Ana"))
        st.add(dict(when="2026-03-02T18:00", athlete="Ana", distance_km=8.0, duration_min=48.0), kind="run")
    return folder / "hipknee.db"


def test_a_store_closed_cleanly_is_not_checked_again_that_day(tmp_path: Path, checks: list[Path]) -> None:
    db = _logged(tmp_path)
    assert checks == []  # a new store: nothing to check yet
    for _ in range(3):
        with hipknee.Store.open(tmp_path) as st:
            st.add(dict(when="2026-03-03T18:00", athlete="Ana", distance_km=5.0, duration_min=30.0), kind="run")
    assert checks == [db]  # the day's first open only, although every store wrote
    assert len(hipknee.Store.open(tmp_path).runs()) == 4


def test_the_next_day_checks_again(tmp_path: Path, checks: list[Path]) -> None:
    db = _logged(tmp_path)
    hipknee.Store.open(tmp_path).close()
    note = db.parent / "backups" / ".hipknee.db.checked"
    found = json.loads(note.read_text())
    note.write_text(json.dumps({**found, "day": (date.today() - timedelta(days=1)).isoformat()}))
    hipknee.Store.open(tmp_path).close()
    assert checks == [db, db]


def test_a_store_left_open_by_a_killed_process_is_checked(tmp_path: Path, checks: list[Path]) -> None:
    db = _logged(tmp_path)
    hipknee.Store.open(tmp_path).close()
    assert checks == [db]
    code = ("import os, sys, hipknee; st = hipknee.Store.open(sys.argv[1]); "
            "st.add(dict(when='2026-03-04T18:00', athlete='Ana', distance_km=3.0, duration_min=20.0), kind='run'); "
            "os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=60)
    hipknee.Store.open(tmp_path).close()
    assert checks == [db, db]


def test_damage_after_a_clean_close_is_still_refused(tmp_path: Path, checks: list[Path]) -> None:
    db = _logged(tmp_path)
    hipknee.Store.open(tmp_path).close()
    data = db.read_bytes()
    assert len(data) > 4 * PAGE
    db.write_bytes(data[: 2 * PAGE] + bytes(len(data) - 3 * PAGE) + data[-PAGE:])  # same size, pages zeroed
    with pytest.raises(hipknee.StoreError, match="damaged"):
        hipknee.Store.open(tmp_path)
    assert checks == [db, db]


def test_an_empty_log_left_or_removed_by_another_reader_is_not_a_reason_to_check_again(
        tmp_path: Path, checks: list[Path]) -> None:
    """Another notebook reading the store while this one closes it: SQLite keeps an empty
    write-ahead log while any connection is open and removes it with the last one. Nothing was
    written, so the next open is not checked again."""
    db = _logged(tmp_path)
    hipknee.Store.open(tmp_path).close()
    assert checks == [db]
    other = sqlite3.connect(db)  # the other notebook's reader, open meanwhile
    try:
        assert other.execute("SELECT count(*) FROM athletes").fetchone() == (1,)
        with hipknee.Store.open(tmp_path) as store:
            assert len(store.runs()) == 1
        assert db.with_name("hipknee.db-wal").exists()
    finally:
        other.close()
    assert not db.with_name("hipknee.db-wal").exists()
    hipknee.Store.open(tmp_path).close()
    assert checks == [db]
