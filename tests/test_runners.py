"""Runners from the command line (``runner add``, ``runner list``, ``runner set``), an import that
names a runner the store does not have yet (command line, Python and the notebook's form), and
``import --dry-run``, which says what would happen and writes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, gpx_bytes, settings_fit
from fit_tool.profile.profile_type import Sport
from test_importers_form import uploaded

import hipknee
from hipknee.cli import main
from hipknee.importers import import_paths

DAY = timedelta(days=1)


def write(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def athletes(data: Path) -> list[dict]:
    with hipknee.Store.open(data) as st:
        frame = st.athletes()
    return [{k: (None if v != v else v) for k, v in row.items() if k not in ("id", "uid", "updated_at")}
            for row in frame.to_dict("records")]


# -- runner add / list / set ---------------------------------------------------------------------
def test_add_list_and_change_runners(tmp_path: Path, capsys: pytest.CaptureFixture[str], machine_zone) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    machine_zone("Asia/Tokyo")
    assert main(["runner", "add", "Maria", "--painful-side", "right", "--body-mass", "61.5",
                 "--timezone", "Europe/Berlin", "--data", str(data)]) == 0
    assert capsys.readouterr().out == (
        "added runner Maria (painful side: right, body mass: 61.5 kg, time zone: Europe/Berlin)\n")
    assert main(["runner", "add", "Ben", "--data", str(data)]) == 0
    assert capsys.readouterr().out == "added runner Ben (painful side: not set, body mass: not set, time zone: Asia/Tokyo)\n"
    assert athletes(data) == [
        {"name": "Maria", "body_mass_kg": 61.5, "involved_side": "right", "timezone": "Europe/Berlin"},
        {"name": "Ben", "body_mass_kg": None, "involved_side": None, "timezone": "Asia/Tokyo"},
    ]
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Run(when="2026-03-02T18:00", athlete="Maria", distance_km=5, duration_min=30))
    assert main(["runner", "list", "--data", str(data)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "RUNNER  PAINFUL SIDE  BODY MASS  TIME ZONE      RUNS",
        "Maria   right         61.5 kg    Europe/Berlin  1",
        "Ben                              Asia/Tokyo     0",
    ]
    assert main(["runner", "set", "Maria", "--painful-side", "none", "--body-mass", "60",
                 "--timezone", "America/New_York", "--name", "Mia", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("runner Mia: painful side: not set, body mass: 60 kg, time zone: America/New_York\n")
    assert "times already in the log stay as they are" in out
    assert athletes(data)[0] == {"name": "Mia", "body_mass_kg": 60.0, "involved_side": None, "timezone": "America/New_York"}
    with hipknee.Store.open(data) as st:
        assert st.runs()["athlete"].tolist() == ["Mia"]


def test_an_empty_log_says_how_to_add_a_runner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runner", "list", "--data", str(tmp_path)]) == 0
    assert "hipknee runner add NAME" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "field"), [
    (["runner", "add", "Ana", "--painful-side", "up"], "athlete.involved_side: got 'up'"),
    (["runner", "add", "Ana", "--body-mass", "heavy"], "athlete.body_mass_kg: got 'heavy'"),
    (["runner", "add", "Ana", "--body-mass", "700"], "athlete.body_mass_kg: got 700.0"),
    (["runner", "add", "Ana", "--timezone", "Mars/Olympus"], "athlete.timezone: got 'Mars/Olympus'"),
    (["runner", "add", "Ana", "--timezone", "../../etc/passwd"], "athlete.timezone: got '../../etc/passwd'"),
    (["runner", "add", "Cleo"], "athlete.name: got 'Cleo'"),
    (["runner", "add", ""], "athlete.name: got ''"),
    (["runner", "set", "Zoe", "--body-mass", "60"], "runner.name: got 'Zoe'; allowed: a runner in the store: Cleo"),
    (["runner", "set", "Cleo"], "runner set.options"),
    (["runner", "set", "Cleo", "--timezone", "Nowhere"], "athlete.timezone: got 'Nowhere'"),
])
def test_bad_runner_input_is_one_line_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          args: list[str], field: str) -> None:
    with hipknee.Store.open(tmp_path) as st:
        st.add(hipknee.Athlete(name="Cleo", timezone="Europe/Paris"))
    before = athletes(tmp_path)
    assert main([*args, "--data", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("hipknee: error: " + field)
    assert athletes(tmp_path) == before


# -- an import that names a new runner -----------------------------------------------------------
def test_an_import_from_python_adds_the_runner_it_names(store: hipknee.Store, tmp_path: Path, machine_zone) -> None:  # noqa: ANN001
    machine_zone("Australia/Sydney")
    paths = write(tmp_path, {"a.gpx": gpx_bytes()})
    summary = import_paths(store, paths, "Zoe")
    assert summary.added_athlete and str(summary).splitlines()[1] == "  added runner Zoe (time zone Australia/Sydney)"
    assert store.athlete_names() == ["Ana", "Zoe"]
    # Sydney is 11 hours ahead of UTC in March: her run is shown at her time.
    assert store.runs(athlete="Zoe")["when"].tolist() == [(START + timedelta(hours=11)).replace(tzinfo=None)]
    again = import_paths(store, paths, "Zoe")
    assert not again.added_athlete and "added runner" not in str(again)


def test_the_import_form_adds_a_runner_typed_in(store: hipknee.Store) -> None:
    form = hipknee.ImportForm(store)
    assert form.athlete.value == "Ana"
    form.athlete.value = "Noor"
    form.upload.value = uploaded({"morning.gpx": gpx_bytes(), "settings.fit": settings_fit()})
    form.import_button.click()
    assert store.athlete_names() == ["Ana", "Noor"]
    assert store.runs(athlete="Noor")["distance_km"].tolist() == pytest.approx([6.0], rel=1e-3)
    assert "1 run imported, 0 duplicates, 0 skipped, 1 not an activity, 0 failed" in form.message.value
    assert "added runner Noor (time zone " in form.message.value
    assert "not an activity settings.fit: a FIT settings file" in form.message.value
    assert "#1b5e20" in form.message.value  # not an activity is no failure
    assert form.athlete.options == ("Ana", "Noor")


# -- a dry run ------------------------------------------------------------------------------------
def files_on_disk(data: Path) -> dict[str, str]:
    """Every file of the data folder but the backups, by name and content hash."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir() if p.is_file()}


def test_a_dry_run_lists_what_would_happen_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    folder = tmp_path / "watch"
    write(folder, {"1-known.fit": fit_bytes(START)})
    with hipknee.Store.open(data) as st:
        st.add(hipknee.Athlete(name="Ana"))
        import_paths(st, folder)
    write(folder, {
        "2-new.fit": fit_bytes(START + DAY, km=8.0, minutes=44.0),
        "3-same-run.gpx": gpx_bytes(START + DAY + timedelta(seconds=30), km=8.05, minutes=44.0),
        "4-ride.fit": fit_bytes(START + 2 * DAY, km=30.0, minutes=60.0, sport=Sport.CYCLING),
        "5-settings.fit": settings_fit(),
        "6-broken.fit": fit_bytes(START + 3 * DAY)[:100],
        "7-new.gpx": gpx_bytes(START + 4 * DAY, km=5.0, minutes=28.0),
    })
    before = files_on_disk(data)
    assert main(["import", str(folder), "--dry-run", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "dry run, nothing written: 2 runs to import, 2 duplicates, 1 skipped, 1 not an activity, 1 failed"
    assert f"to import  {folder / '2-new.fit'}: 2026-03-03 17:00, 8.00 km\n" in out
    assert f"duplicate  {folder / '1-known.fit'}: already imported (run 1)" in out
    assert f"duplicate  {folder / '3-same-run.gpx'}: the same run as {folder / '2-new.fit'}, earlier in this import" in out
    assert f"skipped    {folder / '4-ride.fit'}: cycling is not running" in out
    assert f"failed     {folder / '6-broken.fit'}: truncated" in out
    assert files_on_disk(data) == before
    with hipknee.Store.open(data) as st:
        assert st.count("run", include_deleted=True) == 1

    # The real import then does what the dry run said.
    assert main(["import", str(folder), "--data", str(data)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "2 runs imported, 2 duplicates, 1 skipped, 1 not an activity, 1 failed"


def test_a_dry_run_into_a_fresh_folder_makes_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "watch"
    write(folder, {"a.fit": fit_bytes(START), "b.gpx": gpx_bytes(START + DAY)})
    data = tmp_path / "fresh"
    assert main(["import", str(folder), "--athlete", "Me", "--dry-run", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["dry run, nothing written: 2 runs to import, 0 duplicates, 0 skipped, 0 failed",
                                    out.splitlines()[1]]
    assert out.splitlines()[1].startswith("  would add runner Me (time zone ")
    assert not data.exists()
