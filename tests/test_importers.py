"""Importing files, folders, .gz files, zips and a Strava export into the real store: only runs
become runs, re-imports and the same run from another app are not added twice, and bad files are
reported without stopping the others. Also ``hipknee import`` end to end."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import (
    START,
    fit_bytes,
    gpx_bytes,
    gz,
    local,
    strava_export,
    strava_row,
    tcx_bytes,
    zipped,
)
from backends import cli_location
from fit_tool.profile.profile_type import Sport, SubSport

import hipknee
from hipknee.cli import main
from hipknee.importers import import_paths

pytestmark = pytest.mark.both_backends

DAY = timedelta(days=1)


def write(folder: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_folder_of_every_format_and_wrapping(store: hipknee.Store, tmp_path: Path) -> None:
    gpx = gpx_bytes(START, km=6.0, minutes=30.0)
    write(tmp_path / "watch", {
        "a/morning.gpx": gpx,
        "b/long.fit.gz": gz(fit_bytes(START + DAY, km=21.1, minutes=115.0, timer_minutes=110.0, hr=148)),
        "c/track.tcx": tcx_bytes(START + 2 * DAY),
        "d/week.zip": zipped({"runs/easy.gpx.gz": gz(gpx_bytes(START + 3 * DAY, km=8.0, minutes=44.0)),
                              "runs/readme.txt": b"ignored inside zips"}),
        "notes.txt": b"ignored inside folders",
    })
    summary = import_paths(store, [tmp_path / "watch"])
    assert (len(summary.imported), summary.duplicates, summary.skipped, summary.failed) == (4, [], [], [])
    runs = store.runs()
    assert runs["source"].tolist() == ["gpx", "fit", "tcx", "gpx"]
    assert runs["when"].tolist() == [local(START + n * DAY) for n in range(4)]
    assert runs["distance_km"].tolist() == pytest.approx([6.0, 21.1, 6.0, 8.0], rel=1e-3)
    long = runs.iloc[1]
    assert (long.duration_min, long.moving_min, long.avg_hr) == (115.0, 110.0, 148.0)
    assert runs["athlete"].tolist() == ["Ana"] * 4
    # The hash is of the uncompressed file: the same GPX gzipped is the same file.
    assert runs.iloc[0].source_hash == hashlib.sha256(gpx).hexdigest()
    assert runs.iloc[0].note == "Morning Run; imported from morning.gpx"
    assert "4 runs imported, 0 duplicates, 0 skipped, 0 failed" in str(summary)


def test_reimport_is_a_no_op(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {"one.gpx": gpx_bytes(), "two.fit": fit_bytes(START + DAY)})
    assert len(import_paths(store, paths).imported) == 2
    (tmp_path / "one.gpx.gz").write_bytes(gz(gpx_bytes()))
    again = import_paths(store, [*paths, tmp_path / "one.gpx.gz"])
    assert again.imported == [] and len(again.duplicates) == 3
    assert all("already imported (run " in d.reason for d in again.duplicates)
    assert store.count("run") == 2


def test_deleted_import_stays_deleted(store: hipknee.Store, tmp_path: Path) -> None:
    [path] = write(tmp_path, {"one.gpx": gpx_bytes()})
    [first] = import_paths(store, [path]).imported
    store.delete("run", first.id)
    [duplicate] = import_paths(store, [path]).duplicates
    assert f"store.undelete('run', {first.id})" in duplicate.reason
    assert store.count("run") == 0


def test_same_run_from_another_app_is_a_duplicate(store: hipknee.Store, tmp_path: Path) -> None:
    # The watch's FIT and the app's GPX of one run: 40 s apart at the start, 1.5% apart in distance.
    fit = write(tmp_path, {"watch.fit": fit_bytes(START, km=10.0, minutes=50.0)})
    import_paths(store, fit)
    near = write(tmp_path, {
        "app.gpx": gpx_bytes(START + timedelta(seconds=40), km=10.15, minutes=50.0),
        "app.tcx": tcx_bytes(START - timedelta(seconds=90), laps=((9.9, 50.0, 150),)),
        # Not the same run: 3 min later, or 5% longer.
        "later.gpx": gpx_bytes(START + timedelta(minutes=3), km=10.0, minutes=50.0),
        "longer.gpx": gpx_bytes(START + timedelta(seconds=10), km=10.5, minutes=52.0),
    })
    summary = import_paths(store, near)
    assert [d.label for d in summary.duplicates] == [str(near[0]), str(near[1])]
    assert all("the same run as run 1" in d.reason for d in summary.duplicates)
    assert [r.label for r in summary.imported] == [str(near[2]), str(near[3])]
    assert store.count("run") == 3


def test_same_run_twice_in_one_import(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {"a.fit": fit_bytes(START, km=8.0, minutes=40.0),
                             "b.gpx": gpx_bytes(START + timedelta(seconds=5), km=8.05, minutes=40.0)})
    summary = import_paths(store, paths)
    assert (len(summary.imported), len(summary.duplicates)) == (1, 1)
    assert store.runs()["source"].tolist() == ["fit"]


def test_other_sports_are_skipped_with_the_reason(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {
        "ride.fit": fit_bytes(START, km=40.0, minutes=80.0, sport=Sport.CYCLING),
        "swim.gpx": gpx_bytes(START + DAY, km=2.0, minutes=40.0, sport="swimming"),
        "bike.tcx": tcx_bytes(START + 2 * DAY, sport="Biking"),
        # No sport in the file: 40 km in an hour is no run; 10 km in an hour is.
        "fast.gpx": gpx_bytes(START + 3 * DAY, km=40.0, minutes=60.0, sport=None),
        "steady.gpx": gpx_bytes(START + 4 * DAY, km=10.0, minutes=60.0, sport=None),
        "treadmill.fit": fit_bytes(START + 5 * DAY, km=5.0, minutes=30.0, sub_sport=SubSport.TREADMILL),
    })
    summary = import_paths(store, paths)
    assert [(Path(s.label).name, s.reason) for s in summary.skipped] == [
        ("ride.fit", "cycling is not running"),
        ("swim.gpx", "swimming is not running"),
        ("bike.tcx", "biking is not running"),
        ("fast.gpx", "the file names no sport, and 40 km/h on average is faster than running"),
    ]
    runs = store.runs()
    assert runs["sport"].tolist() == ["running", "treadmill running"]
    assert runs["surface"].isna().iloc[0] and runs["surface"].iloc[1] == "treadmill"


def test_bad_files_fail_alone_and_leave_nothing_behind(store: hipknee.Store, tmp_path: Path) -> None:
    good = fit_bytes(START, km=7.0, minutes=35.0)
    paths = write(tmp_path, {
        "1-empty.fit": b"",
        "2-cut.fit": good[: len(good) // 2],
        "3-cut.gpx": gpx_bytes(START + DAY)[:500],
        "4-noise.fit": b"x" * 200,
        "5-notes.txt": b"just notes",
        "6-cut.tcx.gz": gz(tcx_bytes(START + 2 * DAY))[:-20],
        "7-cut.zip": zipped({"a.gpx": gpx_bytes(START + 3 * DAY)})[:-30],
        "8-good.fit": good,
    })
    summary = import_paths(store, [*paths, tmp_path / "missing.gpx"])
    reasons = {Path(str(e.path)).name: e.reason.split(" ")[0] for e in summary.failed}
    assert reasons == {"1-empty.fit": "empty", "2-cut.fit": "truncated", "3-cut.gpx": "truncated",
                       "4-noise.fit": "corrupt", "5-notes.txt": "unknown", "6-cut.tcx.gz": "truncated",
                       "7-cut.zip": "truncated", "missing.gpx": "no"}
    assert all(isinstance(e, hipknee.ImportFileError) for e in summary.failed)
    assert [Path(r.label).name for r in summary.imported] == ["8-good.fit"]
    assert store.count("run") == 1
    assert not summary.ok
    assert "failed     " + str(paths[1]) + ": truncated" in str(summary)


def test_one_athlete_of_several_must_be_named(store: hipknee.Store, tmp_path: Path) -> None:
    paths = write(tmp_path, {"a.gpx": gpx_bytes()})
    store.add(hipknee.Athlete(name="Ben"))
    with pytest.raises(hipknee.ValidationError, match="Ana, Ben"):
        import_paths(store, paths)
    with pytest.raises(hipknee.ValidationError, match="athlete.name"):
        import_paths(store, paths, "")
    assert store.count("run") == 0
    import_paths(store, paths, "Ben")
    assert store.runs()["athlete"].tolist() == ["Ben"]
    # The same file for another athlete is not a duplicate (two runners, one group run).
    assert len(import_paths(store, paths, "Ana").imported) == 1


def strava_zip() -> bytes:
    first, second, third, fourth, fifth = (START + n * DAY for n in range(5))
    rows = [
        strava_row(101, first, "Run", "Easy run", "activities/101.fit.gz", 6.0, 1800, 1750, 150),
        strava_row(102, second, "Ride", "Commute", "activities/102.gpx", 15.0, 2700, 2600),
        strava_row(103, third, "Trail Run", "Hills", "activities/103.tcx.gz", 6.0, 1800, 1800, 153),
        strava_row(104, fourth, "Run", "Treadmill, typed in", "", 5.0, 1500, 1500, ""),
        strava_row(105, fifth, "Yoga", "Stretching", "", 0.0, 1200, 1200),
    ]
    files = {
        # The watch said "generic"; the runner told Strava it was a run: the list decides.
        "activities/101.fit.gz": gz(fit_bytes(first, km=6.0, minutes=30.0, sport=Sport.GENERIC)),
        "activities/102.gpx": gpx_bytes(second, km=15.0, minutes=45.0, sport="cycling"),
        "activities/103.tcx.gz": gz(tcx_bytes(third)),
        "media/photo.jpg": b"\xff\xd8 not an activity",
    }
    return strava_export(rows, files)


def test_strava_bulk_export(store: hipknee.Store, tmp_path: Path) -> None:
    [export] = write(tmp_path, {"export_12345.zip": strava_zip()})
    summary = import_paths(store, [export])
    assert [r.label.split(":")[-1] for r in summary.imported] == [
        "activities/101.fit.gz", "activities/103.tcx.gz", "activities.csv activity 104"]
    assert [(s.label.split(":")[-1], s.reason) for s in summary.skipped] == [
        ("activities/102.gpx", "ride is not running"),
        ("activities.csv activity 105", "yoga is not running"),
    ]
    assert summary.failed == []
    runs = store.runs()
    assert runs["source"].tolist() == ["strava"] * 3
    assert runs["sport"].tolist() == ["run", "trail run", "run"]
    assert runs["surface"].tolist()[1] == "trail"
    assert runs["when"].tolist() == [local(START), local(START + 2 * DAY), local(START + 3 * DAY)]
    typed_in = runs.iloc[2]
    assert (typed_in.distance_km, typed_in.duration_min, typed_in.moving_min) == (5.0, 25.0, 25.0)
    assert runs.iloc[0].note == "Easy run; imported from 101.fit.gz"
    # The same export again, and the watch's own files beside it: nothing new.
    write(tmp_path, {"watch/101.fit": fit_bytes(START, km=6.0, minutes=30.0, sport=Sport.GENERIC),
                     "watch/103.tcx": tcx_bytes(START + 2 * DAY)})
    again = import_paths(store, [export, tmp_path / "watch"])
    assert again.imported == [] and len(again.duplicates) == 5
    assert store.count("run") == 3


def test_cli_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Athlete(name="Ana"))
    paths = write(tmp_path / "in", {"a.gpx": gpx_bytes(), "b.fit.gz": gz(fit_bytes(START + DAY)),
                                    "c.fit": fit_bytes(START + 2 * DAY)[:100]})
    assert main(["import", str(paths[0]), str(paths[1]), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 runs imported, 0 duplicates, 0 skipped, 0 failed\n")
    assert main(["import", str(tmp_path / "in"), "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("0 runs imported, 2 duplicates, 0 skipped, 1 failed\n")
    assert f"failed     {paths[2]}: truncated" in out
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Athlete(name="Ben"))
    assert main(["import", str(paths[0]), "--data", str(data)]) == 2
    assert "athlete" in capsys.readouterr().err
    assert main(["import", str(paths[0]), "--data", str(data), "--athlete", "Ben"]) == 0
    with hipknee.Store.open(data) as st:
        assert sorted(st.runs()["athlete"]) == ["Ana", "Ana", "Ben"]


def test_progress_bar_for_many_files(store: hipknee.Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(tmp_path, {f"{n:02}.gpx": gpx_bytes(START + n * DAY, points=5) for n in range(12)})
    seen: list[tuple[int, int]] = []
    summary = import_paths(store, paths, on_progress=lambda done, total: seen.append((done, total)))
    assert len(summary.imported) == 12 and len(summary.lines()) == summary.LIST_IMPORTED + 1
    assert seen[-1] == (12, 12)
    assert "12/12" in capsys.readouterr().err


def test_an_unforeseen_library_error_is_one_failed_file(store: hipknee.Store, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from hipknee.importers import source

    def broken(data: bytes, name: str = "", budget: object = None) -> list:
        raise RuntimeError("parser blew up")

    monkeypatch.setitem(source.FORMATS, "gpx", broken)
    paths = write(tmp_path, {"a.gpx": gpx_bytes(), "b.fit": fit_bytes(START + DAY)})
    summary = import_paths(store, paths)
    [failed] = summary.failed
    assert failed.reason == "corrupt (unreadable: RuntimeError: parser blew up)"
    assert [Path(r.label).name for r in summary.imported] == ["b.fit"]


def test_one_path_as_text_and_a_store_without_runners(tmp_path: Path) -> None:
    [path] = write(tmp_path, {"a.gpx": gpx_bytes()})
    with hipknee.Store.open(tmp_path / "empty") as st:
        with pytest.raises(hipknee.ValidationError, match="no runner yet"):
            import_paths(st, str(path))
        st.add(hipknee.Athlete(name="Cleo"))
        summary = import_paths(st, str(path))
        assert repr(summary).startswith("1 run imported, 0 duplicates, 0 skipped, 0 failed\n  imported   ")


def test_a_store_failure_stops_the_import_and_says_so(store: hipknee.Store, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    paths = write(tmp_path, {f"{n}.gpx": gpx_bytes(START + n * DAY, points=5) for n in range(3)})
    save = store.add_imported_runs
    calls: list[int] = []

    def failing_second(runs):
        calls.append(1)
        if len(calls) == 2:
            raise hipknee.StoreError(store.path, "the disk is full")
        return save(runs)

    monkeypatch.setattr(store, "add_imported_runs", failing_second)
    with pytest.raises(hipknee.StoreError, match="the disk is full"):
        import_paths(store, paths)
    # Files saved before the failure stay (each is whole); the second file's run was never written.
    saved = store.runs()["when"].tolist()
    assert local(START) in saved and local(START + DAY) not in saved


# -- file names and links -----------------------------------------------------------------------
def test_a_file_name_that_is_not_utf8_is_imported(store: hipknee.Store, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import os

    folder = tmp_path / "watch"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"morning-\xff\xfe.gpx"), "wb") as out:  # Latin-1 bytes, say
        out.write(gpx_bytes())
    summary = import_paths(store, [folder])
    assert summary.failed == [] and len(summary.imported) == 1
    assert store.runs()["note"].tolist() == ["Morning Run; imported from morning-\ufffd\ufffd.gpx"]
    # The command line shows the name's bytes escaped.
    assert main(["import", str(folder), *cli_location(store)]) == 0
    assert "morning-\\xff\\xfe.gpx" in capsys.readouterr().out


def test_control_characters_in_an_imported_title_do_not_refuse_the_run(store: hipknee.Store, tmp_path: Path) -> None:
    rows = [strava_row(201, START, "Run", "Red\x1b[31m run\r\nsecond line\x00", "", 5.0, 1500, 1500)]
    [export] = write(tmp_path, {"export.zip": strava_export(rows, {})})
    summary = import_paths(store, [export])
    assert summary.failed == [] and len(summary.imported) == 1
    assert store.runs()["note"].tolist() == [
        "Red\ufffd[31m run\nsecond line\ufffd; imported from export.zip:activities.csv activity 201"]


def test_a_broken_link_in_a_folder_is_listed_with_its_reason(store: hipknee.Store, tmp_path: Path) -> None:
    folder = tmp_path / "watch"
    [good] = write(folder, {"good.gpx": gpx_bytes()})
    (folder / "gone.fit").symlink_to(tmp_path / "elsewhere" / "gone.fit")
    summary = import_paths(store, [folder])
    assert len(summary.imported) == 1
    assert [(Path(e.path).name, e.reason) for e in summary.failed] == [
        ("gone.fit", f"a broken link: {tmp_path / 'elsewhere' / 'gone.fit'} is not there")]


def test_an_app_list_that_names_no_sport_leaves_the_files_own(store: hipknee.Store, tmp_path: Path) -> None:
    rows = [strava_row(201, START, "Other", "Lunch", "activities/201.fit", 6.0, 1800, 1800),
            strava_row(202, START + DAY, "Other", "Stroll", "activities/202.fit", 2.0, 3600, 3600)]
    files = {"activities/201.fit": fit_bytes(START, km=6.0, minutes=30.0, sub_sport=SubSport.TRAIL),
             "activities/202.fit": fit_bytes(START + DAY, km=2.0, minutes=60.0, sport=Sport.WALKING)}
    [export] = write(tmp_path, {"export.zip": strava_export(rows, files)})
    summary = import_paths(store, [export])
    assert store.runs()["sport"].tolist() == ["trail running"]
    assert [s.reason for s in summary.skipped] == ["walking is not running"]
