"""Time zones: each runner has one; a run's ``when`` is her local wall time and its start is also
kept as a UTC instant (``start_utc``). Imported files are shown in the runner's zone, not the
machine's; a file that is only dated locally is read in her zone; one file is one live run of
hers, by the database's own constraint."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, relative_fit

import hipknee
from hipknee.importers import import_paths


@pytest.fixture
def berlin(tmp_path: Path):  # noqa: ANN201
    with hipknee.Store.open(tmp_path / "store") as st:
        st.add(hipknee.Athlete(name="Lea", timezone="Europe/Berlin"))
        st.add(hipknee.Athlete(name="Sam", timezone="America/Los_Angeles"))
        yield st


def start_utc(store: hipknee.Store, id: int) -> datetime:
    return store.runs(ids=[id])["start_utc"].iloc[0].to_pydatetime()


def test_a_logged_run_is_placed_in_its_runners_zone(berlin: hipknee.Store) -> None:
    winter = berlin.add(hipknee.Run(when="2026-03-02T18:00", athlete="Lea", distance_km=5, duration_min=30))
    summer = berlin.add(hipknee.Run(when="2026-07-01T18:00", athlete="Lea", distance_km=5, duration_min=30))
    assert start_utc(berlin, winter) == datetime(2026, 3, 2, 17, 0)  # CET, UTC+1
    assert start_utc(berlin, summer) == datetime(2026, 7, 1, 16, 0)  # CEST, UTC+2
    # A new time moves the instant; a note does not; another runner reads it in her own zone.
    berlin.update("run", winter, when=datetime(2026, 3, 2, 19, 30))
    assert start_utc(berlin, winter) == datetime(2026, 3, 2, 18, 30)
    berlin.update("run", winter, note="easy")
    assert start_utc(berlin, winter) == datetime(2026, 3, 2, 18, 30)
    berlin.update("run", winter, athlete="Sam")
    assert start_utc(berlin, winter) == datetime(2026, 3, 3, 3, 30)  # PST, UTC-8
    assert berlin.runs()["when"].tolist() == [datetime(2026, 3, 2, 19, 30), datetime(2026, 7, 1, 18, 0)]


def test_an_imported_file_is_shown_in_the_runners_zone_not_the_machines(
        berlin: hipknee.Store, tmp_path: Path, machine_zone) -> None:  # noqa: ANN001
    machine_zone("America/New_York")
    (tmp_path / "run.fit").write_bytes(fit_bytes(START))  # 17:00 UTC
    [imported] = import_paths(berlin, [tmp_path / "run.fit"], "Lea").imported
    assert imported.when == datetime(2026, 3, 2, 18, 0)
    assert start_utc(berlin, imported.id) == START.replace(tzinfo=None)
    [for_sam] = import_paths(berlin, [tmp_path / "run.fit"], "Sam").imported
    assert for_sam.when == datetime(2026, 3, 2, 9, 0)


def test_a_file_dated_only_by_its_name_is_read_in_the_runners_zone(berlin: hipknee.Store, tmp_path: Path) -> None:
    path = tmp_path / "2026-03-04-07-30-00.fit"
    path.write_bytes(relative_fit())
    [imported] = import_paths(berlin, [path], "Lea").imported
    assert imported.when == datetime(2026, 3, 4, 7, 30)
    assert start_utc(berlin, imported.id) == datetime(2026, 3, 4, 6, 30)


def test_a_new_zone_keeps_what_is_logged_and_a_reimport_is_still_a_duplicate(
        berlin: hipknee.Store, tmp_path: Path) -> None:
    (tmp_path / "run.fit").write_bytes(fit_bytes(START))
    import_paths(berlin, [tmp_path / "run.fit"], "Lea")
    lea = int(berlin.athletes(athlete="Lea")["id"].iloc[0])
    berlin.update("athlete", lea, timezone="Asia/Tokyo")  # she moved
    assert berlin.runs(athlete="Lea")["when"].tolist() == [datetime(2026, 3, 2, 18, 0)]
    again = import_paths(berlin, [tmp_path / "run.fit"], "Lea")
    assert again.imported == [] and "already imported (run 1)" in again.duplicates[0].reason


def test_one_file_is_one_live_run_of_a_runner(berlin: hipknee.Store) -> None:
    run = dict(when="2026-03-02T18:00", athlete="Lea", distance_km=5.0, duration_min=30.0, source="fit", source_hash="ab" * 32)
    first = berlin.add(run, kind="run")
    with pytest.raises(hipknee.ValidationError, match=f"run.source_hash: .*run {first} is from it"):
        berlin.add({**run, "when": "2026-03-05T18:00"}, kind="run")
    assert berlin.add({**run, "athlete": "Sam"}, kind="run")  # another runner's copy of a group run
    berlin.delete("run", first)
    second = berlin.add(run, kind="run")  # after a delete, the file may come back (by hand)
    with pytest.raises(hipknee.ValidationError, match=f"run {second} is from it"):
        berlin.undelete("run", first)
    # The database itself refuses a second live row, whoever writes it.
    conn = sqlite3.connect(berlin.path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute("INSERT INTO runs (at, athlete_id, distance_km, duration_min, sport, source, source_hash, note, "
                     "note_private, created_at) SELECT at, athlete_id, distance_km, duration_min, sport, source, "
                     "source_hash, note, note_private, created_at FROM runs WHERE id = ?", (second,))
    conn.close()
    assert berlin.count("run") == 2


def test_runs_without_a_distance_are_matched_on_time(berlin: hipknee.Store, tmp_path: Path) -> None:
    # A treadmill run from the watch (no distance) and the same run typed into an app's list.
    (tmp_path / "treadmill.fit").write_bytes(fit_bytes(START, km=None, minutes=40.0))
    (tmp_path / "again.fit").write_bytes(fit_bytes(START + timedelta(seconds=45), km=None, minutes=40.3))
    (tmp_path / "later.fit").write_bytes(fit_bytes(START + timedelta(seconds=60), km=None, minutes=50.0))
    summary = import_paths(berlin, [tmp_path / n for n in ("treadmill.fit", "again.fit", "later.fit")], "Lea")
    assert [Path(r.label).name for r in summary.imported] == ["treadmill.fit", "later.fit"]
    assert [Path(d.label).name for d in summary.duplicates] == ["again.fit"]
    assert summary.duplicates[0].reason == "the same run as run 1 (2026-03-02 18:00, distance unknown)"


def test_the_machines_zone_is_read_again_whenever_its_setting_changes(
        tmp_path: Path, machine_zone, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import tzlocal

    from hipknee.records import zones

    reads: list[str] = []
    real = tzlocal.reload_localzone

    def counted() -> object:
        reads.append("read")
        return real()

    monkeypatch.setattr(tzlocal, "reload_localzone", counted)
    setting = tmp_path / "timezone"  # one more file the zone is read from, which this test can change
    setting.write_text("a")
    monkeypatch.setattr(zones, "_ZONE_FILES", (*zones._ZONE_FILES, str(setting)))
    machine_zone("Europe/Berlin")
    assert zones.machine_zone() == "Europe/Berlin"
    assert zones.machine_zone() == "Europe/Berlin"
    assert len(reads) == (1 if zones.os.name == "posix" else 2)  # a form's every save asks: read once
    machine_zone("Asia/Tokyo")  # the laptop travelled
    assert zones.machine_zone() == "Asia/Tokyo"
    before = len(reads)
    setting.write_text("a longer setting")  # the system's setting changed (here: its size)
    assert zones.machine_zone() == "Asia/Tokyo"
    assert len(reads) == before + 1
