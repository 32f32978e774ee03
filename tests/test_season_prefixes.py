"""Every view works on every prefix of a season, as a real log grows from nothing: no exception, no
printed warning, "not enough data yet" (with what is missing) where that is so, and no time axis
running more than a week beyond the log's first and last day.

The seasons (tests/seasons.py): the demo and irregular ones built for the purpose, each cut at day
0 (nothing logged), 1, 2, 3, 6, 7, 8, 13, 14, 21 and 35.
"""

from __future__ import annotations

import contextlib
import html
import warnings
from collections.abc import Iterator
from pathlib import Path

import markupsafe
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import hipknee
from hipknee.analyses.balance import season_lsi
from hipknee.analyses.running_load import acwr
from hipknee.views.charts import NO_DATA, balance_chart, dashboard, load_chart, pain_chart
from hipknee.views.report import build_overview, build_report
from hipknee.widgets.dashboard import DashboardApp
from tests.seasons import CUTS, IRREGULAR, build_season, cut_season

SEASONS = ["demo", *IRREGULAR]
NOT_ENOUGH = "not enough data yet"


@pytest.fixture(scope="module")
def full_seasons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("seasons")
    return {name: build_season(name, root / name.replace(" ", "-").replace(",", "")) for name in SEASONS}


@contextlib.contextmanager
def quietly(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The block must neither warn nor print."""
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    out, err = capsys.readouterr()
    assert not [str(w.message) for w in caught], "warnings"
    assert out == "" and err == "", (out, err)


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def lines_of(fig: Figure) -> list[str]:
    """The summary sentences written on a dashboard, unwrapped."""
    text = next(t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "summary")
    out: list[str] = []
    for part in text.split("\n")[:-2]:  # the disclaimer closes the text
        if part.startswith("   "):
            out[-1] += " " + part.strip()
        else:
            out.append(part)
    return out


def check_time_axes(fig: Figure, first: pd.Timestamp | None, last: pd.Timestamp | None) -> None:
    """Every time axis spans the log's weeks, never more than a week beyond its first and last day;
    with nothing logged there is no time axis at all."""
    timed = [ax for ax in fig.axes if ax.axison and ax.xaxis.get_major_locator().__class__.__module__ == mdates.__name__]
    if first is None:
        assert not timed
        return
    assert timed
    for ax in timed:
        lo, hi = (pd.Timestamp(mdates.num2date(x).replace(tzinfo=None)) for x in ax.get_xlim())
        assert first - pd.Timedelta(days=7) <= lo <= first and last < hi <= last + pd.Timedelta(days=8), (lo, hi)


def facts(frames: hipknee.LogFrames, name: str) -> dict[str, bool]:
    """What the log of ``name`` holds, to know which views must say "not enough data yet"."""
    mine = frames.only(name)
    lsi = season_lsi(mine).dropna(subset=["lsi_pct"])
    ratio = acwr(mine.runs)
    return {"balance": len(lsi) > 0, "pain": len(mine.pain) > 0, "runs": len(mine.runs) > 0,
            "acwr": bool(ratio["ratio"].notna().any()) if len(ratio) else False}


#: Cuts already checked, by season and content: a cut holding the same rows as one checked before
#: (an irregular season logs on some days only) gives the same views, drawn once.
_CHECKED: dict[tuple[str, int], int] = {}


@pytest.mark.parametrize("days", CUTS)
@pytest.mark.parametrize("season", SEASONS)
def test_every_view_on_every_prefix(season: str, days: int, full_seasons: dict[str, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = cut_season(full_seasons[season], days, tmp_path / "cut")
    with hipknee.Store.open(folder) as store, quietly(capsys):
        frames = hipknee.read_frames(store)
        names = frames.names()
        content = hash(tuple(int(pd.util.hash_pandas_object(f, index=False).sum()) for f in frames.frames().values()))
        if (season, content) in _CHECKED:
            assert _CHECKED[season, content] < days  # the same log as an earlier cut: its views were checked
            return
        _CHECKED[season, content] = days
        check_summaries(frames)
        check_charts(frames, names[0])
        check_widgets(store, frames)
        check_reports(frames, store if days == CUTS[-1] else None, names)


def check_summaries(frames: hipknee.LogFrames) -> None:
    """Every runner's summary says "not enough data yet", and what is missing, exactly where so."""
    table = hipknee.summarise_all(frames)
    assert list(table["athlete"]) == frames.names()
    for name in frames.names():
        known = facts(frames, name)
        lines = hipknee.season_summary(frames, name).lines()
        # Knee function and adherence have lines of their own only once logged: find lines by what they speak of.
        said = {word: next(line for line in lines if line.startswith(word))
                for word in ("Balance", "Knee pain", "Running load", "Pain monitoring")}
        assert ("Balance: " + NOT_ENOUGH in said["Balance"]) is not known["balance"]
        assert ("Knee pain: " + NOT_ENOUGH in said["Knee pain"]) is not known["pain"]
        assert (NOT_ENOUGH + " for the ACWR" in said["Running load"]) is not known["acwr"]
        assert ("Pain monitoring: " + NOT_ENOUGH in said["Pain monitoring"]) is not known["pain"]


def check_charts(frames: hipknee.LogFrames, name: str) -> None:
    """The four charts behind ``hipknee plot``: no-data panels saying what is missing, time axes
    bounded by the runner's log, the dashboard's words the summary's."""
    summary = hipknee.season_summary(frames, name)
    known = facts(frames, name)
    first, last = _span_of(frames, name)
    for chart, needs, why in ((balance_chart, "balance", "no week with both sides"),
                              (pain_chart, "pain", "no knee pain logged"), (load_chart, "runs", "no runs logged")):
        fig = chart(frames, athlete=name, summary=summary) if chart is not load_chart else chart(frames, athlete=name)
        assert (why in texts(fig)) is not known[needs], (chart.__name__, texts(fig))
        assert (NO_DATA in texts(fig)) is (not known[needs] or (needs == "runs" and not known["acwr"]))
        check_time_axes(fig, first, last)
    if known["runs"] and not known["acwr"]:
        assert "ACWR: needs 4 weeks" in texts(load_chart(frames, athlete=name))
    fig = dashboard(frames, athlete=name, summary=summary)
    check_time_axes(fig, first, last)
    assert lines_of(fig) == [line.replace("$", r"\$") for line in summary.lines()]


def check_widgets(store: hipknee.Store, frames: hipknee.LogFrames) -> None:
    """The coach's page with the progress view inside it, and the logbook."""
    app = DashboardApp(store, frames=frames)
    view = app.progress
    assert view.summary.lines() == hipknee.season_summary(frames, view.athlete.value).lines()
    check_time_axes(view.figure, *_span_of(frames, view.athlete.value))
    assert b"<svg" in bytes(view.image.value)  # drawn as the notebook shows it
    for line in view.summary.lines():
        assert html.escape(line) in view.text.value
    assert set(app.squad.buttons) == set(frames.names())
    book = hipknee.LogBook(store)
    assert book.children  # every tab built


def check_reports(frames: hipknee.LogFrames, store: hipknee.Store | None, names: list[str]) -> None:
    """One runner's report and the squad overview (from the store too, as the command line builds
    them, given ``store``: its notes come with it)."""
    report = build_report(store if store is not None else frames, athlete=names[0])
    for line in hipknee.season_summary(frames, names[0]).lines()[1:]:
        assert str(markupsafe.escape(line)) in report
    overview = build_overview(frames, progress=False)
    assert all(f">{markupsafe.escape(name)}</a>" in overview for name in names)


def _span_of(frames: hipknee.LogFrames, name: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    mine = frames.only(name)
    logged = [pd.to_datetime(f["when"]) for f in (mine.sets, mine.tests, mine.runs, mine.pain) if len(f)]
    if not logged:
        return None, None
    return min(s.min() for s in logged).normalize(), max(s.max() for s in logged).normalize()


def test_the_cuts_hold_what_they_say(full_seasons: dict[str, Path], tmp_path: Path) -> None:
    """Day 0 is empty, day 1 holds the first day only, and every prefix grows."""
    sizes = []
    for days in CUTS:
        with hipknee.Store.open(cut_season(full_seasons["demo"], days, tmp_path / f"c{days}")) as st:
            frames = hipknee.read_frames(st)
            sizes.append(sum(len(f) for f in (frames.sets, frames.tests, frames.runs, frames.pain)))
            if days == 1:
                when = pd.concat([pd.to_datetime(f["when"]) for f in (frames.sets, frames.runs, frames.pain) if len(f)])
                assert when.dt.normalize().nunique() == 1
    assert sizes[0] == 0 and all(np.diff(sizes) >= 0) and sizes[-1] > sizes[1] > 0
