"""`hipknee plot` writes real image files and answers bad input with one line."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from hipknee.cli import main


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_dashboard_png_through_the_real_command(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dash.png"
    done = subprocess.run([sys.executable, "-m", "hipknee", "plot", "dashboard", "--data", str(demo_dir),
                           "--out", str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "dashboard chart written to" in done.stdout
    width, height = png_size(out)
    assert width >= 1600 and height >= 1100
    assert 80_000 < out.stat().st_size < 3_000_000


@pytest.mark.parametrize("chart", ["balance", "pain", "load", "kujala"])
def test_each_chart(chart: str, demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "charts" / f"{chart}.png"
    assert main(["plot", chart, "--data", str(demo_dir), "--athlete", "Maria", "--out", str(out)]) == 0
    width, height = png_size(out)
    assert width >= 800 and height >= 400


def test_svg_for_a_chosen_exercise(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "balance.svg"
    assert main(["plot", "balance", "--data", str(demo_dir), "--exercise", "single-leg deadlift", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "single-leg deadlift" in text


@pytest.mark.parametrize(("args", "says"), [
    (["balance", "--athlete", "Bob"], "--athlete: got 'Bob'; allowed: a runner in the store: Maria"),
    (["balance", "--exercise", "jumping jacks"], "--exercise: got 'jumping jacks'"),
    (["load", "--exercise", "clamshell"], "only balance and dashboard take one"),
])
def test_bad_input_is_one_line(args: list[str], says: str, demo_dir: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    assert main(["plot", *args, "--data", str(demo_dir), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_bad_suffix_and_missing_store(demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", "pain", "--data", str(demo_dir), "--out", str(tmp_path / "x.jpg")]) == 2
    assert "a file name ending in .png or .svg" in capsys.readouterr().err
    nowhere = tmp_path / "nowhere"
    assert main(["plot", "pain", "--data", str(nowhere), "--out", str(tmp_path / "x.png")]) == 2
    assert "a data directory holding hipknee.db" in capsys.readouterr().err
    assert not nowhere.exists()  # plotting never creates a store
