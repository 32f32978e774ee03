"""The coach dashboard's widgets, driven as a coach would: pick a runner, the charts change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import hipknee
from hipknee.views.squad_table import squad_table_html
from hipknee.widgets.dashboard import DashboardApp


@pytest.fixture(scope="module")
def squad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("squad3")
    with hipknee.Store.open(folder) as st:
        hipknee.make_demo(st, runners=3)
    return folder


def test_the_picker_starts_on_the_runner_needing_most_attention_and_changes_the_charts(
    squad_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(squad_dir, tmp_path / "s")
    with hipknee.Store.open(tmp_path / "s") as st:
        app = DashboardApp(st)
        first = app.overview["athlete"].iloc[0]
        assert app.athlete.value == first
        assert set(app.athlete.options) == {"Maria", "Anna", "Sofia"}
        before = bytes(app.progress.image.value)
        assert b"<svg" in before
        other = next(n for n in app.athlete.options if n != first)
        app.athlete.value = other  # as a coach picking another runner
        assert b"<svg" in bytes(app.progress.image.value)
        assert bytes(app.progress.image.value) != before
        assert other in app.progress.message.value
        # The squad table lists the runners in the order of need; clicking a name picks her.
        assert list(app.squad.buttons) == list(app.overview["athlete"])
        third = list(app.squad.buttons)[-1]
        app.squad.buttons[third].click()
        assert app.athlete.value == third and third in app.progress.message.value


def test_squad_table_escapes_names() -> None:
    overview = pd.DataFrame(
        [
            {
                "athlete": "<i>Jo</i>",
                "lsi_now": 80.0,
                "last_logged": pd.Timestamp("2026-06-21"),
                "pain_start": 5.0,
                "pain_recent": 2.0,
                "pain_now": 3.0,
                "pain_verdict": "better",
                "acwr": 1.0,
                "acwr_zone": "comfortable",
                "status": "green",
                "attention_points": 1,
                "attention": "watch",
            }
        ]
    )
    html = squad_table_html(overview)
    assert "&lt;i&gt;Jo&lt;/i&gt;" in html and "<i>Jo</i>" not in html
    assert "better (5.0 to 2.0/10, two-week means); now 3/10" in html
    assert "21 Jun 2026" in html and "keep an eye (1 point)" in html


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "empty") as st:
        app = DashboardApp(st)
        assert "No runner" in app.squad.children[0].value
        assert app.athlete.value is None


def test_the_whole_page_follows_a_save_and_the_reload_button(tmp_path: Path) -> None:
    """A save through the same store (another notebook cell) and the Reload button redraw the squad
    table and its header as well as the season view."""
    with hipknee.Store.open(tmp_path / "log") as st:
        st.add(hipknee.Athlete(name="Ana", involved_side="right"))
        app = DashboardApp(st)
        assert set(app.squad.buttons) == {"Ana"} and "1 runner;" in app.header.value
        st.add(hipknee.Athlete(name="Bea"))  # saved in this kernel: the page redraws
        assert set(app.squad.buttons) == {"Ana", "Bea"} and "2 runners;" in app.header.value
        assert app.squad in app.children and set(app.athlete.options) == {"Ana", "Bea"}
        with hipknee.Store.open(tmp_path / "log") as other:  # another process, say: only Reload sees it
            other.add(hipknee.Athlete(name="Cleo"))
        assert set(app.squad.buttons) == {"Ana", "Bea"}
        app.progress.reload_button.click()
        assert set(app.squad.buttons) == {"Ana", "Bea", "Cleo"} and "3 runners;" in app.header.value
