"""Charts plot exactly what the analyses computed, in one palette, and never raise on little data."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import hipknee
from hipknee.analyses.balance import weekly_lsi, weekly_test_lsi
from hipknee.analyses.pain_trend import daily_pain
from hipknee.analyses.running_load import acwr, weekly_load
from hipknee.views.charts import (
    NO_DATA,
    balance_chart,
    dashboard,
    load_chart,
    pain_chart,
)
from hipknee.views.palette import SIDE_COLOURS


def line(fig: Figure, gid: str):
    found = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} lines"
    return found[0]


def dates(values) -> np.ndarray:
    import matplotlib.dates as mdates

    return np.array([mdates.num2date(v).replace(tzinfo=None) if isinstance(v, float) else pd.Timestamp(v).to_pydatetime()
                     for v in values])


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def same_colour(a, b) -> bool:
    return mcolors.to_hex(a) == mcolors.to_hex(b)


def test_balance_chart_plots_the_lsi(demo_frames) -> None:
    fig = balance_chart(demo_frames)
    want = weekly_test_lsi(demo_frames.tests, demo_frames.athletes).sort_values("week")
    for side in ("left", "right"):
        got = line(fig, side)
        assert list(dates(got.get_xdata())) == list(want["week"])
        assert np.allclose(got.get_ydata(), want[side])
        assert same_colour(got.get_color(), SIDE_COLOURS[side])
    assert np.allclose(line(fig, "lsi").get_ydata(), want["lsi_pct"])
    rings = next(c for ax in fig.axes for c in ax.collections if c.get_gid() == "weaker")
    weaker = np.where(want["weaker_side"] == "left", want["left"], want["right"])
    assert np.allclose(rings.get_offsets()[:, 1], weaker[want["weaker_side"].isin(["left", "right"])])
    labels = " ".join(ax.get_ylabel() for ax in fig.axes)
    assert "(N)" in labels and "LSI (%)" in labels
    assert "right (painful side)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_balance_chart_for_an_exercise(demo_frames) -> None:
    lsi = weekly_lsi(demo_frames.sets, demo_frames.athletes)
    fig = balance_chart(demo_frames, exercise="single-leg deadlift")
    want = lsi[lsi["item"] == "single-leg deadlift"].sort_values("week")
    assert np.allclose(line(fig, "right").get_ydata(), want["right"])
    assert np.allclose(line(fig, "lsi").get_ydata(), want["lsi_pct"])
    assert "load x reps (kg)" in fig.axes[0].get_ylabel()


def test_pain_chart_plots_the_rolling_mean(demo_frames) -> None:
    fig = pain_chart(demo_frames)
    want = daily_pain(demo_frames.pain, by_context=False)
    for knee in ("left", "right"):
        rows = want[want["knee"] == knee]
        got = line(fig, f"rolling-{knee}")
        assert np.allclose(got.get_ydata(), rows["rolling_7d"])
        assert list(dates(got.get_xdata())) == list(rows["date"])
        assert same_colour(got.get_color(), SIDE_COLOURS[knee])
        dots = next(c for c in fig.axes[0].collections if c.get_gid() == f"daily-{knee}")
        assert np.allclose(dots.get_offsets()[:, 1], rows["nrs"])
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0 and 10 <= ax.get_ylim()[1] < 11 and "0-10 NRS" in ax.get_ylabel()
    assert {"0-2 fine", "3-5 acceptable", "above 5 too much"} <= {t.get_text() for t in ax.texts}
    runs = next(p for a in fig.axes for p in a.patches if p.get_label() == "run (km)")
    bars = runs.get_path().vertices.reshape(-1, 5, 2)  # one rectangle per day with a run
    assert bars[:, 1, 1].sum() == pytest.approx(demo_frames.runs["distance_km"].sum())
    assert np.allclose(bars[:, 2, 0] - bars[:, 1, 0], 0.8) and (bars[:, 0, 1] == 0).all()


def test_pain_chart_one_context(demo_frames) -> None:
    fig = pain_chart(demo_frames, context="during")
    want = daily_pain(demo_frames.pain[demo_frames.pain["context"] == "during"])
    assert np.allclose(line(fig, "rolling-right").get_ydata(), want[want["knee"] == "right"]["rolling_7d"])


def test_load_chart_plots_km_and_acwr(demo_frames) -> None:
    fig = load_chart(demo_frames)
    weekly = weekly_load(demo_frames.runs)
    bars = {c.get_gid(): c for c in fig.axes[0].collections if c.get_gid() in ("km", "km-jumps")}
    # (left edge, height) of every bar; the weeks with a jump are the hatched ones.
    drawn = {gid: sorted((p.vertices[0, 0], p.vertices[1, 1]) for p in c.get_paths()) for gid, c in bars.items()}
    assert [h for _, h in sorted(drawn["km"] + drawn["km-jumps"])] == pytest.approx(weekly["km"].tolist())
    assert bars["km-jumps"].get_hatch() == "//" and bars["km"].get_hatch() is None
    jumped = sorted(drawn["km"] + drawn["km-jumps"])
    assert [bar in drawn["km-jumps"] for bar in jumped] == weekly["jump"].tolist() and len(drawn["km-jumps"]) == 1
    ratio = acwr(demo_frames.runs)
    got = line(fig, "acwr").get_ydata()
    assert np.allclose(got, ratio["ratio"], equal_nan=True)
    spikes = next(c for ax in fig.axes for c in ax.collections if c.get_gid() == "spikes")
    assert len(spikes.get_offsets()) == int((ratio["ratio"] > 1.5).sum()) > 0
    labels = " ".join(ax.get_ylabel() for ax in fig.axes)
    assert "km" in labels and "ACWR" in labels


def test_charts_draw_on_a_given_axes(demo_frames) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert balance_chart(demo_frames, ax=ax) is fig
    assert pain_chart(demo_frames, ax=fig.add_subplot(2, 1, 2)) is fig


@pytest.mark.parametrize("chart", [balance_chart, pain_chart, load_chart])
def test_too_little_data_says_so(chart, store: hipknee.Store) -> None:
    fig = chart(store)
    assert NO_DATA in texts(fig)
    store.add(hipknee.StrengthSet(when="2026-03-02", athlete="Ana", exercise="clamshell", side="left", reps=10))
    store.add(hipknee.Run(when="2026-03-02", athlete="Ana", distance_km=5, duration_min=30))
    assert NO_DATA in texts(balance_chart(store))  # one side only: no balance yet
    assert NO_DATA not in texts(load_chart(store))  # one week of runs: bars, no ACWR yet
    assert "ACWR: needs 4 weeks" in texts(load_chart(store))


def test_unknown_exercise_gives_a_panel(demo_frames) -> None:
    assert "no week with both sides of 'side plank'" in texts(balance_chart(demo_frames, exercise="side plank"))


def test_dashboard(demo_store: hipknee.Store) -> None:
    fig = dashboard(demo_store)
    assert len(fig.axes) >= 4
    words = texts(fig)
    assert "LSI" in words and "not proof" in words and NO_DATA not in words
    assert fig.get_suptitle().startswith("Maria")


def test_dashboard_of_an_empty_store(tmp_path) -> None:
    with hipknee.Store.open(tmp_path / "empty") as st:
        fig = dashboard(st)
    assert texts(fig).count(NO_DATA) == 4


def test_importing_hipknee_leaves_matplotlib_alone() -> None:
    import subprocess
    import sys

    code = "import sys, hipknee; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_pain_chart_shows_the_weekly_status(demo_frames) -> None:
    from hipknee.analyses.pain_monitoring import weekly_status
    from hipknee.views.palette import STATUS_COLOURS

    fig = pain_chart(demo_frames)
    want = weekly_status(demo_frames.pain)
    strip = next(c for c in fig.axes[0].collections if c.get_label() == "_weekly status")
    assert len(strip.get_paths()) == len(want)
    got = [mcolors.to_hex(colour) for colour in strip.get_facecolor()]
    assert got == [mcolors.to_hex(STATUS_COLOURS[s]) for s in want["status"]]


def test_balance_with_zero_on_both_sides_does_not_raise(store: hipknee.Store) -> None:
    for side in ("left", "right"):
        store.add(hipknee.StrengthSet(when="2026-03-02", athlete="Ana", exercise="clamshell", side=side, reps=0))
    fig = balance_chart(store)
    assert np.isnan(line(fig, "lsi").get_ydata()).all()
    fig.savefig(__import__("io").BytesIO(), format="png")
