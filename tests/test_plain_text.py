"""Text from the log is drawn as typed in every chart: a `$` is a dollar sign, never maths (and
never a pyparsing error), and a control character saved before they were refused cannot break an
SVG. Checked where charts are made: `report`, `report --all`, `plot`, and the coach dashboard."""

from __future__ import annotations

import html
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import matplotlib
import pytest

import hipknee
from hipknee.cli import main
from hipknee.views.plain_text import plain_text
from hipknee.widgets.dashboard import DashboardApp

#: Runner names matplotlib would read as maths: the first fails to parse, the second renders "5 and ".
DOLLAR_NAMES = ["Bob $\\foo$", "Cash $5 and $10"]
#: A strength test name that is maths too, for the balance chart's axis label and title.
DOLLAR_TEST = "hip $x^2$ test"


@pytest.fixture(scope="module")
def dollar_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-runner demo squad whose runners and one strength test have `$` in their names."""
    folder = tmp_path_factory.mktemp("dollars")
    with hipknee.Store.open(folder) as st:
        hipknee.make_demo(st, runners=2)
        for id_, name in zip(st.athletes()["id"], DOLLAR_NAMES):
            st.update("athlete", int(id_), name=name)
        first = datetime(2026, 3, 3, 17)
        st.add_many([
            hipknee.StrengthTest(when=first + timedelta(weeks=w), athlete=DOLLAR_NAMES[0], test=DOLLAR_TEST,
                                 side=side, value=150.0 + 10 * w + (0 if side == "left" else 25), unit="N")
            for w in range(4) for side in ("left", "right")
        ])
    return folder


@pytest.fixture
def dollar_copy(dollar_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(dollar_dir, tmp_path / "d")
    return tmp_path / "d"


def svg_texts(svg: str) -> list[str]:
    """What the <text> elements of SVG markup (written with svg.fonttype 'none') say."""
    return [html.unescape(re.sub(r"<[^>]+>", "", inner)) for inner in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


def shown(texts: list[str], name: str) -> bool:
    return any(name in text for text in texts)


def test_plain_text_escapes_what_matplotlib_would_read() -> None:
    assert plain_text("Cash $5 and $10") == "Cash \\$5 and \\$10"
    assert plain_text("tab\tand\nline") == "tab\tand\nline"  # charts break their own lines
    assert plain_text("bell\x07 \x1b[31m") == "bell\\x07 \\x1b[31m"
    assert plain_text(None) == "None"


@pytest.mark.parametrize("chart", ["balance", "pain", "load", "dashboard"])
def test_plot_draws_dollar_names_as_typed(chart: str, dollar_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{chart}.svg"
    args = ["plot", chart, "--data", str(dollar_copy), "--athlete", DOLLAR_NAMES[0]]
    if chart in ("balance", "dashboard"):
        args += ["--exercise", DOLLAR_TEST]
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, so the test can read it
        assert main([*args, "--out", str(out)]) == 0
    texts = svg_texts(out.read_text(encoding="utf-8"))
    assert shown(texts, DOLLAR_NAMES[0])
    if chart in ("balance", "dashboard"):
        assert shown(texts, DOLLAR_TEST)
    if chart == "dashboard":  # maths is parsed when drawn, to PNG as to SVG
        png = tmp_path / f"{chart}.png"
        assert main([*args, "--out", str(png)]) == 0 and png.read_bytes().startswith(b"\x89PNG")


def test_report_draws_dollar_names_as_typed(dollar_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "bob.html"
    assert main(["report", "--data", str(dollar_copy), "--athlete", DOLLAR_NAMES[0], "--out", str(out)]) == 0
    texts = svg_texts(out.read_text(encoding="utf-8"))
    assert len([t for t in texts if DOLLAR_NAMES[0] in t]) >= 3  # the title of each of the three charts


def test_report_all_draws_dollar_names_as_typed(dollar_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "squad.html"
    assert main(["report", "--all", "--data", str(dollar_copy), "--out", str(out)]) == 0
    texts = svg_texts(out.read_text(encoding="utf-8"))
    for name in DOLLAR_NAMES:
        assert len([t for t in texts if name in t]) >= 3, name


def test_dashboard_draws_dollar_names_as_typed(dollar_copy: Path) -> None:
    with hipknee.Store.open(dollar_copy) as st:
        app = DashboardApp(st)  # opens on one runner; the coach then picks the other
        first = app.athlete.value
        for name in sorted(DOLLAR_NAMES, key=lambda n: n != first):
            app.athlete.value = name
            svg = bytes(app.progress.image.value).decode("utf-8")  # the SVG the page shows
            assert shown(svg_texts(svg), name), name


def test_a_control_character_saved_earlier_leaves_the_svg_valid(store: hipknee.Store, tmp_path: Path) -> None:
    import sqlite3

    store.add(hipknee.Run(when="2026-03-02T07:00", athlete="Ana", distance_km=5.0, duration_min=30.0))
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:  # as an older hipknee let it in
        conn.execute("UPDATE athletes SET name = ? WHERE name = 'Ana'", ("Ana\x01\x1b[31m",))
    conn.close()
    out = tmp_path / "load.svg"
    assert main(["plot", "load", "--data", str(store.path.parent), "--out", str(out)]) == 0
    ElementTree.parse(out)  # well-formed XML
    assert "\x01" not in out.read_text(encoding="utf-8")
