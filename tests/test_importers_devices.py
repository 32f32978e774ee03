"""What real watches and apps write, imported from an empty log: a new user's first import from
the command line, and one test per way such files went wrong (FIT field sizes, chained FIT
files, sports decided alike in every format, untyped GPX tracks, several tracks of one
recording, empty tracks and runs without distance, files without a date, the same run under
two machine time zones, a watch's non-activity files, and a summary written into a closed pipe).

Every file is written here (FIT with fit-tool, GPX with gpxpy, TCX as XML), shaped as those
devices write them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from activity_files import (
    START,
    fit_bytes,
    gpx_bytes,
    gpx_of_tracks,
    local,
    monitoring_fit,
    relative_fit,
    settings_fit,
    tcx_bytes,
    weight_fit,
    with_odd_field_size,
    workout_fit,
)
from fit_tool.profile.profile_type import Sport, SubSport

import hipknee
from hipknee.cli import main
from hipknee.importers import import_paths

DAY = timedelta(days=1)


def write(folder: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def names(outcomes) -> list[str]:  # noqa: ANN001
    return [Path(str(getattr(o, "label", getattr(o, "path", "")))).name for o in outcomes]


# -- a new user, from nothing ----------------------------------------------------------------------
def test_a_fresh_data_folder_imports_a_watch_folder_for_a_new_runner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "fresh"  # not even made yet
    folder = tmp_path / "my-runs"
    write(folder, {
        "2026-03-02-easy.fit": fit_bytes(START, km=6.0, minutes=33.0),
        "evening.gpx": gpx_bytes(START + DAY, km=8.0, minutes=44.0),
        "intervals.tcx": tcx_bytes(START + 2 * DAY),
        "commute.fit": fit_bytes(START + 3 * DAY, km=14.0, minutes=35.0, sport=Sport.CYCLING),
        "GARMIN/Settings/settings.fit": settings_fit(),
        "GARMIN/Workouts/tempo.fit": workout_fit(),
        "broken.fit": fit_bytes(START + 4 * DAY)[:90],
    })
    assert main(["import", str(folder), "--athlete", "Me", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "3 runs imported, 0 duplicates, 1 skipped, 2 not activities, 1 failed"
    assert "  added runner Me (time zone " in out
    assert "skipped    " + str(folder / "commute.fit") + ": cycling is not running" in out
    assert f"not an activity {folder / 'GARMIN/Settings/settings.fit'}: a FIT settings file" in out
    assert f"not an activity {folder / 'GARMIN/Workouts/tempo.fit'}: a FIT workout file" in out
    assert f"failed     {folder / 'broken.fit'}: truncated" in out
    with hipknee.Store.open(data) as st:
        assert st.athlete_names() == ["Me"]
        runs = st.runs()
        assert runs["athlete"].tolist() == ["Me"] * 3
        assert runs["distance_km"].tolist() == pytest.approx([6.0, 8.0, 6.0], rel=1e-3)

    # Without the broken file: exit code 0, everything already there.
    (folder / "broken.fit").unlink()
    assert main(["import", str(folder), "--athlete", "Me", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "0 runs imported, 3 duplicates, 1 skipped, 2 not activities, 0 failed"
    assert "added runner" not in out


# -- 1: field sizes that do not match their base type ------------------------------------------
def test_a_fit_file_whose_field_sizes_do_not_match_their_definitions_is_read(store: hipknee.Store, tmp_path: Path) -> None:
    odd = with_odd_field_size(fit_bytes(START, km=7.5, minutes=40.0, hr=151))
    paths = write(tmp_path, {"coros.fit": odd})
    summary = import_paths(store, paths)
    assert summary.failed == [] and len(summary.imported) == 1
    run = store.runs().iloc[0]
    assert (run.distance_km, run.duration_min, run.avg_hr) == (7.5, 40.0, 151.0)


# -- 2: an activity chained with a settings file ------------------------------------------------
def test_a_chained_fit_file_keeps_the_activity_inside(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {"chained.fit": fit_bytes(START, km=8.0, minutes=42.0) + settings_fit()})
    summary = import_paths(store, paths)
    assert (len(summary.imported), summary.skipped, summary.failed) == (1, [], [])
    assert store.runs()["distance_km"].tolist() == [8.0]


# -- 3: one rule for every format -----------------------------------------------------------------
def test_generic_fit_and_other_tcx_are_decided_by_the_same_rule(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {
        "1-generic-run.fit": fit_bytes(START, km=5.0, minutes=30.0, sport=Sport.GENERIC),
        "2-other-run.tcx": tcx_bytes(START + DAY, laps=((5.0, 30.0, 150),), sport="Other"),
        "3-generic-walk.fit": fit_bytes(START + 2 * DAY, km=2.5, minutes=60.0, sport=Sport.GENERIC),
        "4-other-walk.tcx": tcx_bytes(START + 3 * DAY, laps=((2.5, 60.0, 100),), sport="Other"),
    })
    summary = import_paths(store, paths)
    assert names(summary.imported) == ["1-generic-run.fit", "2-other-run.tcx"]
    assert names(summary.skipped) == ["3-generic-walk.fit", "4-other-walk.tcx"]
    fit_reason, tcx_reason = (s.reason for s in summary.skipped)
    assert fit_reason == tcx_reason == "the file names no sport, and 2.5 km/h on average is walking pace, not running"


# -- 4: untyped GPX tracks: hikes and a few metres are not runs ----------------------------------
def test_untyped_gpx_hikes_and_tracks_of_a_few_metres_are_not_runs(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {
        "1-hike.gpx": gpx_bytes(START, km=3.4, minutes=120.0, sport=None),         # 1.7 km/h
        "2-hike.gpx": gpx_bytes(START + DAY, km=5.6, minutes=120.0, sport=None),   # 2.8 km/h
        "3-metres.gpx": gpx_bytes(START + 2 * DAY, km=0.012, minutes=0.1, sport=None, points=4),
        "4-run.gpx": gpx_bytes(START + 3 * DAY, km=10.0, minutes=60.0, sport=None),
    })
    summary = import_paths(store, paths)
    assert names(summary.imported) == ["4-run.gpx"]
    assert [(n, s.reason) for n, s in zip(names(summary.skipped), summary.skipped)] == [
        ("1-hike.gpx", "the file names no sport, and 1.7 km/h on average is walking pace, not running"),
        ("2-hike.gpx", "the file names no sport, and 2.8 km/h on average is walking pace, not running"),
        ("3-metres.gpx", "too short for a run (12 m)"),
    ]
    assert store.runs()["distance_km"].tolist() == pytest.approx([10.0], rel=1e-3)


# -- 5: one recording with a track per pause is one run --------------------------------------------
def test_a_gpx_recording_with_a_track_per_pause_is_one_run(store: hipknee.Store, tmp_path: Path) -> None:
    lengths = [(0.03, 0.05), (1.9, 11.0), (1.2, 7.0), (0.8, 5.0), (1.5, 9.0), (0.6, 4.0)]  # (km, min)
    tracks, at = [], START
    for km, minutes in lengths:
        tracks.append((at, km, minutes))
        at += timedelta(minutes=minutes + 2)  # a 2-minute pause before the next track
    end = at - timedelta(minutes=2)
    paths = write(tmp_path, {"outing.gpx": gpx_of_tracks(tracks)})
    summary = import_paths(store, paths)
    assert (len(summary.imported), summary.skipped, summary.failed) == (1, [], [])
    run = store.runs().iloc[0]
    assert run.when == local(START)
    assert run.distance_km == pytest.approx(sum(km for km, _ in lengths), rel=1e-3)
    assert run.duration_min == pytest.approx((end - START).total_seconds() / 60)


# -- 6: nothing recorded is empty; a run without distance is still a run ---------------------------
def test_an_empty_track_is_skipped_and_a_treadmill_run_without_distance_is_kept(
        store: hipknee.Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(tmp_path, {
        "1-one-point.gpx": gpx_bytes(START, km=0.0, minutes=0.0, points=1),
        "2-treadmill.fit": fit_bytes(START + DAY, km=None, minutes=30.0, sub_sport=SubSport.TREADMILL),
    })
    summary = import_paths(store, paths)
    assert summary.ok and summary.failed == []
    [empty] = summary.skipped
    assert names([empty]) == ["1-one-point.gpx"] and empty.reason.startswith("empty")
    [imported] = summary.imported
    assert names([imported]) == ["2-treadmill.fit"]
    assert "distance unknown" in str(summary)
    run = store.runs().iloc[0]
    assert pd.isna(run.distance_km) and run.duration_min == 30.0
    assert (run.sport, run.surface) == ("treadmill running", "treadmill")


# -- 7: a Forerunner 70's file has no date of its own -----------------------------------------------
def test_a_file_with_device_relative_times_takes_its_date_from_its_creation_time_or_name(
        store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {
        "1-fr70.fit": relative_fit(km=5.0, minutes=30.0, created=START),
        "2026-03-04-07-30-00.fit": relative_fit(km=6.0, minutes=36.0),
        "3-undated.fit": relative_fit(km=7.0, minutes=42.0),
    })
    summary = import_paths(store, paths)
    assert names(summary.imported) == ["1-fr70.fit", "2026-03-04-07-30-00.fit"]
    runs = store.runs()
    assert runs["when"].tolist() == [local(START), datetime(2026, 3, 4, 7, 30)]
    assert runs["distance_km"].tolist() == [5.0, 6.0]
    assert runs["duration_min"].tolist() == [30.0, 36.0]
    [undated] = summary.failed
    assert names([undated]) == ["3-undated.fit"]
    assert not undated.reason.startswith("corrupt")
    assert undated.reason.startswith("undated") and "creation time" in undated.reason and "name" in undated.reason


# -- 8: the same run, imported under two machine time zones ----------------------------------------
def test_the_same_run_from_two_apps_is_one_run_whatever_the_machines_time_zone(
        tmp_path: Path, machine_zone) -> None:  # noqa: ANN001
    machine_zone("Europe/Berlin")
    paths = write(tmp_path, {
        "watch.fit": fit_bytes(START, km=10.0, minutes=50.0),
        "app.gpx": gpx_bytes(START + timedelta(seconds=20), km=10.05, minutes=50.0),
    })
    with hipknee.Store.open(tmp_path / "data") as st:
        st.add(hipknee.Athlete(name="Lea"))
        assert len(import_paths(st, paths[:1]).imported) == 1
    machine_zone("America/New_York")  # the laptop travelled
    with hipknee.Store.open(tmp_path / "data") as st:
        summary = import_paths(st, paths[1:])
        assert summary.imported == [] and names(summary.duplicates) == ["app.gpx"]
        runs = st.runs()
    # Shown in the runner's own time (Berlin, where she ran at 18:00), not the machine's.
    assert runs["when"].tolist() == [datetime(2026, 3, 2, 18, 0)]


# -- 9: a watch's folder is mostly not activities ---------------------------------------------------
def test_settings_workout_weight_and_monitoring_files_are_not_activities(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Athlete(name="Ana"))
    folder = tmp_path / "GARMIN"
    write(folder, {
        "Activity/run.fit": fit_bytes(START),
        "Settings/settings.fit": settings_fit(),
        "Workouts/tempo.fit": workout_fit(),
        "Weight/scale.fit": weight_fit(),
        "Monitor/day.fit": monitoring_fit(),
    })
    assert main(["import", str(folder), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "1 run imported, 0 duplicates, 0 skipped, 4 not activities, 0 failed"
    for name, kind in (("Settings/settings.fit", "settings"), ("Workouts/tempo.fit", "workout"),
                       ("Weight/scale.fit", "weight"), ("Monitor/day.fit", "monitoring")):
        assert f"not an activity {folder / name}: a FIT {kind} file" in out


# -- 10: the summary written into a closed pipe -----------------------------------------------------
def test_a_summary_written_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Athlete(name="Ana"))
    folder = tmp_path / "in"
    write(folder, {f"{n:02}.gpx": gpx_bytes(START + n * DAY, points=5) for n in range(15)})
    # As `hipknee import ... | head -1` when head has gone: the reading end is closed before the
    # summary is written.
    proc = subprocess.Popen([sys.executable, "-m", "hipknee", "import", str(folder), "--data", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err
    with hipknee.Store.open(data) as st:
        assert st.count("run") == 15
