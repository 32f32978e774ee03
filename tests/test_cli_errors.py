"""The command line answers hostile input with one line naming the option and what is allowed
(exit code 2), never a traceback; what it prints never carries raw control bytes; library errors
name fields, and the command line shows them as its options."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import hipknee
from hipknee.cli import main
from hipknee.views.chart_files import plot_file


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hipknee"), err
    assert "Traceback" not in err
    return err


DATES = ["NaT", "nan", "-1", "inf", "1e309", "0", "5", "2026-02-30", "99999-01-01", "0000-00-00", "\x1b[31m", "now-ish"]


@pytest.mark.parametrize("value", DATES)
@pytest.mark.parametrize("option", ["--from", "--to"])
@pytest.mark.parametrize("who", [["--athlete", "Maria"], ["--all"]])
def test_report_dates_are_checked(option: str, value: str, who: list[str], demo_dir: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(demo_dir), *who, option, value, "--out", str(out)]) == 2
    err = one_line(capsys)
    assert err.startswith(f"hipknee: error: {option}: got ") and "allowed: a date" in err
    assert "\x1b" not in err
    assert not out.exists()


def test_a_date_with_a_time_zone_is_read_as_local_time(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(demo_dir), "--from", "2026-03-02T10:00+02:00", "--to", "2026-04-30",
                 "--out", str(out)]) == 0
    assert out.exists()


@pytest.mark.parametrize(("args", "option", "allowed"), [
    (["--seed", "-1"], "--seed", "a whole number 0 or more"),
    (["--runners", "-2"], "--runners", "a whole number of runners from 1 to"),
    (["--runners", "0"], "--runners", "a whole number of runners from 1 to"),
    (["--runners", "99999999999999999999"], "--runners", "a whole number of runners from 1 to"),
])
def test_demo_numbers_are_checked_before_anything_is_written(args: list[str], option: str, allowed: str,
                                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--data", str(tmp_path / "d"), *args]) == 2
    err = one_line(capsys)
    assert err.startswith(f"hipknee: error: {option}: got ") and allowed in err
    assert not (tmp_path / "d" / "hipknee.db").exists()  # no empty store left behind


@pytest.mark.parametrize(("args", "option"), [
    (["demo", "--seed", "0x10"], "--seed"),
    (["demo", "--seed", "1.5"], "--seed"),
    (["demo", "--runners", "many"], "--runners"),
    (["import", ""], "PATH"),
    (["export", "--format", "csv", "--out", ""], "--out"),
    (["report", "--out", ""], "--out"),
    (["backup", "--data", ""], "--data"),
])
def test_values_argparse_refuses_are_one_line_too(args: list[str], option: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*args, "--data", str(tmp_path / "d")] if "--data" not in args else args
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = one_line(capsys)
    assert option in err and "allowed" in err
    assert not any(tmp_path.iterdir())


def test_a_file_given_as_the_data_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    with pytest.raises(SystemExit) as info:
        main(["report", "--data", str(not_a_folder), "--out", str(tmp_path / "r.html")])
    assert info.value.code == 2
    assert "--data" in one_line(capsys)
    assert not_a_folder.read_text() == "mine"


@pytest.mark.parametrize("command", [["report", "--out", "r.html"], ["export", "--format", "csv", "--out", "e"],
                                     ["import", "x.gpx"]])
def test_reading_commands_never_make_an_empty_store(command: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "nothing-here"
    argv = [part if part not in ("r.html", "e", "x.gpx") else str(tmp_path / part) for part in command]
    assert main([*argv, "--data", str(data)]) == 2
    assert "--data" in one_line(capsys)
    assert not data.exists() and not (tmp_path / "e").exists()


def test_library_errors_name_fields_not_options(demo_store: hipknee.Store, tmp_path: Path) -> None:
    for kwargs, field in ((dict(athlete="Nobody"), "athlete"), (dict(exercise="moonwalk"), "exercise")):
        with pytest.raises(hipknee.ValidationError) as info:
            plot_file("balance", demo_store, tmp_path / "b.png", **kwargs)
        assert info.value.field == field
    with pytest.raises(hipknee.ValidationError) as info:
        plot_file("balance", demo_store, tmp_path / "b.gif")
    assert info.value.field == "out"
    with pytest.raises(hipknee.ValidationError) as info:
        hipknee.build_report(demo_store, start="NaT")
    assert info.value.field == "start"
    with pytest.raises(hipknee.ValidationError) as info:
        hipknee.make_demo(demo_store, seed=-1)
    assert info.value.field == "seed"


# -- what is printed ---------------------------------------------------------------------------
@pytest.fixture
def legacy_dir(demo_dir: Path) -> Path:
    """The demo season after an older hipknee let a runner's name hold terminal escapes."""
    with sqlite3.connect(demo_dir / "hipknee.db") as conn:
        conn.execute("UPDATE athletes SET name = ? WHERE name = 'Maria'", ("Maria\x1b]0;owned\x07\x1b[2J\x01",))
    conn.close()
    return demo_dir


def test_error_lines_show_escapes_not_raw_control_bytes(legacy_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data", str(legacy_dir), "--athlete", "Nobody\x1b[5m",
                 "--out", str(tmp_path / "r.html")]) == 2
    err = one_line(capsys)
    assert "Maria\\x1b]0;owned\\x07\\x1b[2J\\x01" in err and "Nobody\\x1b[5m" in err
    assert not any(ch in err[:-1] for ch in "\x1b\x07\x01\n")


def test_a_workbook_cannot_be_half_written_over_an_earlier_one(legacy_dir: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "season.xlsx"
    out.write_bytes(b"last week's workbook")
    assert main(["export", "--format", "xlsx", "--data", str(legacy_dir), "--out", str(out)]) == 1
    err = one_line(capsys)
    assert "athletes" in err and "U+001B" in err and "csv" in err and "\x1b" not in err
    assert out.read_bytes() == b"last week's workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "season.xlsx"]  # no partial file
    # CSV carries the text as it is (quoted), so that export still works.
    assert main(["export", "--format", "csv", "--data", str(legacy_dir), "--out", str(tmp_path / "csv")]) == 0


def test_import_summary_lines_show_file_names_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hipknee.Store.open(tmp_path / "d") as st:
        st.add(hipknee.Athlete(name="Ana"))
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "evil\x1b[2J.gpx").write_bytes(b"<gpx>not really")
    assert main(["import", str(folder), "--data", str(tmp_path / "d")]) == 1
    out = capsys.readouterr().out
    assert "evil\\x1b[2J.gpx" in out and "\x1b" not in out
