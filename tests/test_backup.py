"""Backups: one on the first open of a day (never of a brand-new store), the newest N kept, made
with the online backup API while another connection writes; restore is checked and undoable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import hipknee
from hipknee.cli import main
from hipknee.store import backup
from hipknee.store.backup import back_up, list_backups, restore


def _names(folder: Path) -> list[str]:
    with hipknee.Store.open(folder) as st:
        return st.athlete_names()


def test_no_backup_of_a_brand_new_store(tmp_path: Path) -> None:
    hipknee.Store.open(tmp_path).close()
    hipknee.Store.open(tmp_path).close()
    assert list_backups(tmp_path) == [] and not (tmp_path / "backups").exists()


def test_first_open_of_the_day_backs_up_once(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    assert list_backups(tmp_path) == []  # made while new: nothing to keep yet
    hipknee.Store.open(tmp_path).close()
    hipknee.Store.open(tmp_path).close()
    [daily] = list_backups(tmp_path)
    assert daily.name.endswith("-daily.db")

    # Yesterday's backup does not count for today.
    daily.rename(daily.with_name("hipknee-20200101-070000-000000-daily.db"))
    hipknee.Store.open(tmp_path).close()
    assert [p.name[:17] for p in list_backups(tmp_path)][1:] == ["hipknee-20200101-"]
    assert len(list_backups(tmp_path)) == 2


def test_the_newest_n_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPKNEE_KEEP_BACKUPS", "3")
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    made = [back_up(tmp_path) for _ in range(5)]
    assert list_backups(tmp_path) == made[::-1][:3]
    monkeypatch.delenv("HIPKNEE_KEEP_BACKUPS")
    assert backup.keep_backups() == backup.KEEP_BACKUPS == 7


@pytest.mark.parametrize("value", ["0", "-2", "seven", "2.5"])
def test_a_bad_keep_setting_is_a_validation_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    monkeypatch.setenv("HIPKNEE_KEEP_BACKUPS", value)
    with pytest.raises(hipknee.ValidationError, match="HIPKNEE_KEEP_BACKUPS"):
        back_up(tmp_path)


def test_backup_is_a_consistent_copy_while_another_connection_writes(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    writer = sqlite3.connect(tmp_path / "hipknee.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO athletes (name, created_at) VALUES ('Half', '2026-03-02 10:00:00')")
    made = back_up(tmp_path)  # does not wait for, nor copy, the open transaction
    writer.execute("COMMIT")
    writer.close()
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT name FROM athletes").fetchall() == [("Ana",)]
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchall() == [("delete",)]  # one self-contained file
    conn.close()
    assert _names(tmp_path) == ["Ana", "Half"]


def test_interrupted_backups_are_never_listed(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / ".hipknee-20261126-010000-000000-daily.db.123.partial").write_bytes(b"SQLite")
    (tmp_path / "backups" / "notes.txt").write_text("mine")
    made = back_up(tmp_path)
    assert list_backups(tmp_path) == [made]


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    made = back_up(tmp_path)
    with hipknee.Store.open(tmp_path) as open_notebook:
        open_notebook.add(hipknee.Athlete(name="Ben"))
        kept = restore(made.name, tmp_path)
        # A notebook that had the store open sees the restored log at its next call.
        assert open_notebook.athlete_names() == ["Ana"]
    assert kept is not None and kept.name.endswith("-before-restore.db")
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT name FROM athletes ORDER BY id").fetchall() == [("Ana",), ("Ben",)]
    conn.close()
    # ...and restoring that one undoes the restore.
    restore(kept, tmp_path)
    assert _names(tmp_path) == ["Ana", "Ben"]


def test_restore_into_an_empty_folder(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "a") as st:
        st.add(hipknee.Athlete(name="Ana"))
    made = back_up(tmp_path / "a")
    assert restore(made, tmp_path / "b") is None
    assert _names(tmp_path / "b") == ["Ana"]


def test_restore_of_a_bad_backup_changes_nothing(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    db = tmp_path / "hipknee.db"
    before = db.read_bytes()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    for given in [bad, tmp_path / "missing.db", "", db]:
        with pytest.raises(hipknee.ValidationError, match="backup"):
            restore(given, tmp_path)
    assert db.read_bytes() == before and list_backups(tmp_path) == []


def test_cli_backup_list_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    assert main(["backup", "--data", str(tmp_path)]) == 0
    made = list_backups(tmp_path)[0]
    assert f"backed up to {made}" in capsys.readouterr().out
    assert main(["backup", "--list", "--data", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(made)]
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ben"))
    assert main(["restore", made.name, "--data", str(tmp_path)]) == 0
    assert _names(tmp_path) == ["Ana"]
    assert main(["restore", "nothing-here.db", "--data", str(tmp_path)]) == 2
    assert "backup: got 'nothing-here.db'" in capsys.readouterr().err
    assert main(["backup", "--data", str(tmp_path / "nowhere")]) == 2


def test_a_backup_can_say_why_it_was_made(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Ana"))
    assert back_up(tmp_path, reason="before-trip").name.endswith("-before-trip.db")
    for reason in ["My trip", "", "../x", None]:
        with pytest.raises(hipknee.ValidationError, match="reason"):
            back_up(tmp_path, reason=reason)  # type: ignore[arg-type]
    assert len(list_backups(tmp_path)) == 1
