"""Charts plot exactly what the analyses computed, each quantity on its own axis, on one time axis
bounded by the season, in one palette, and never raise on little data."""

from __future__ import annotations

import io
import re

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import hipknee
from hipknee.analyses import thresholds as T
from hipknee.analyses.balance import weekly_lsi, weekly_test_lsi
from hipknee.analyses.pain_monitoring import weekly_status
from hipknee.analyses.pain_trend import daily_pain
from hipknee.analyses.running_load import acwr, weekly_load
from hipknee.views.chart_parts import broken_line
from hipknee.views.charts import NO_DATA, balance_chart, dashboard, load_chart, pain_chart
from hipknee.views.palette import SIDE_COLOURS, STATUS_COLOURS

CENTRE = pd.Timedelta(days=3.5)  # weekly values sit in the middle of their week


def line(fig: Figure, gid: str):
    found = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} lines"
    return found[0]


def collection(fig: Figure, gid: str):
    found = [c for ax in fig.axes for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} collections"
    return found[0]


def axes_of(fig: Figure, gid: str):
    return next(ax for ax in fig.axes for artist in [*ax.get_lines(), *ax.collections] if artist.get_gid() == gid)


def dates(values) -> list[pd.Timestamp]:
    return [pd.Timestamp(mdates.num2date(v).replace(tzinfo=None)) if isinstance(v, (float, np.floating))
            else pd.Timestamp(v) for v in values]


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def same_colour(a, b) -> bool:
    return mcolors.to_hex(a) == mcolors.to_hex(b)


def test_balance_chart_plots_each_side_and_the_lsi_on_its_own_axis(demo_frames) -> None:
    fig = balance_chart(demo_frames)
    want = weekly_test_lsi(demo_frames.tests, demo_frames.athletes).sort_values("week")
    centres = [w + CENTRE for w in want["week"]]
    for side, sign in (("left", -1), ("right", 1)):
        got = line(fig, side)
        shifted = [d - sign * pd.Timedelta(hours=10) for d in dates(got.get_xdata())]
        assert [d.round("h") for d in shifted] == centres  # side by side around the week's middle
        assert np.allclose(got.get_ydata(), want[side])
        assert same_colour(got.get_color(), SIDE_COLOURS[side])
    assert np.allclose(line(fig, "lsi").get_ydata(), want["lsi_pct"])
    sides_ax, lsi_ax = axes_of(fig, "left"), axes_of(fig, "lsi")
    assert sides_ax is not lsi_ax  # the LSI and its target band never shade the newton axis
    assert "(N)" in sides_ax.get_ylabel() and "LSI (%)" in lsi_ax.get_ylabel()
    assert not sides_ax.patches and len(lsi_ax.patches) == 1  # the 90% band lives on the LSI axis only
    band = lsi_ax.patches[0]
    assert band.get_patch_transform().transform(band.get_path().vertices)[:, 1].min() == pytest.approx(T.LSI_TARGET_PCT)
    rings = collection(fig, "weaker")
    weaker = np.where(want["weaker_side"] == "left", want["left"], want["right"])
    assert np.allclose(rings.get_offsets()[:, 1], weaker[want["weaker_side"].isin(["left", "right"])])
    assert "right (painful side)" in [t.get_text() for t in sides_ax.get_legend().get_texts()]


def test_balance_chart_marks_the_start_and_now_the_summary_speaks_of(demo_frames) -> None:
    fig = balance_chart(demo_frames)
    summary = hipknee.season_summary(demo_frames)
    start, now = collection(fig, "lsi-start"), collection(fig, "lsi-now")
    assert start.get_offsets()[0, 1] == pytest.approx(summary.lsi_start)
    assert now.get_offsets()[0, 1] == pytest.approx(summary.lsi_now)
    assert dates([start.get_offsets()[0, 0]])[0].normalize() == summary.lsi_start_week + pd.Timedelta(days=3)


def test_balance_chart_for_an_exercise(demo_frames) -> None:
    lsi = weekly_lsi(demo_frames.sets, demo_frames.athletes)
    fig = balance_chart(demo_frames, exercise="single-leg deadlift")
    want = lsi[lsi["item"] == "single-leg deadlift"].sort_values("week")
    assert np.allclose(line(fig, "right").get_ydata(), want["right"])
    assert np.allclose(line(fig, "lsi").get_ydata(), want["lsi_pct"])
    assert "load x reps (kg)" in axes_of(fig, "right").get_ylabel()


def test_a_dynamometer_test_per_kg_of_body_mass(demo_frames) -> None:
    mass = float(demo_frames.athletes["body_mass_kg"].iloc[0])
    raw = line(balance_chart(demo_frames), "left").get_ydata()
    fig = balance_chart(demo_frames, per_kg=True)
    assert np.allclose(line(fig, "left").get_ydata(), np.asarray(raw) / mass)
    assert "(N/kg)" in axes_of(fig, "left").get_ylabel()
    assert np.allclose(line(fig, "lsi").get_ydata(), line(balance_chart(demo_frames), "lsi").get_ydata())


def test_equal_sides_both_stay_visible(store: hipknee.Store) -> None:
    for day in ("2026-03-02", "2026-03-09"):
        for side in ("left", "right"):
            store.add(hipknee.StrengthTest(when=day, athlete="Ana", test="hip abduction dynamometer", side=side,
                                           value=200, unit="N"))
    fig = balance_chart(store)
    left, right = line(fig, "left"), line(fig, "right")
    assert list(left.get_ydata()) == list(right.get_ydata())
    assert all(a != b for a, b in zip(left.get_xdata(), right.get_xdata(), strict=True))  # drawn side by side
    assert left.get_marker() != right.get_marker() and left.get_linestyle() != right.get_linestyle()
    # Neither side is weaker: no ring is drawn, and the legend does not list one.
    labels = [text.get_text() for ax in fig.axes if ax.get_legend() for text in ax.get_legend().get_texts()]
    assert "right" in labels and "weaker side that week" not in labels


def test_pain_chart_plots_each_knee_in_the_summarys_context(demo_frames) -> None:
    fig = pain_chart(demo_frames)
    summary = hipknee.season_summary(demo_frames)
    want = daily_pain(demo_frames.pain[demo_frames.pain["context"] == summary.pain_context])
    for knee in ("left", "right"):
        rows = want[want["knee"] == knee]
        got = line(fig, f"rolling-{knee}")
        values = np.asarray(got.get_ydata(), dtype=float)
        assert np.allclose(values[~np.isnan(values)], rows["rolling_7d"])  # every day, never both knees pooled
        assert same_colour(got.get_color(), SIDE_COLOURS[knee])
        dots = collection(fig, f"daily-{knee}")
        assert np.allclose(dots.get_offsets()[:, 1], rows["nrs"])
    ax = fig.axes[0]
    # 0 to 10 in view, a 0/10 drawn just above the axis line rather than on it.
    assert -1 < ax.get_ylim()[0] < 0 and 10 <= ax.get_ylim()[1] < 11 and "0-10 NRS" in ax.get_ylabel()
    assert "during a run or exercise" in ax.get_ylabel()
    assert {"0-2 fine", "3-5 acceptable", "above 5 too much"} <= {t.get_text() for t in ax.texts}
    assert len(fig.axes) == 1  # no second quantity on a twin axis


def test_pain_chart_one_context(demo_frames) -> None:
    fig = pain_chart(demo_frames, context="next_morning")
    want = daily_pain(demo_frames.pain[demo_frames.pain["context"] == "next_morning"])
    values = np.asarray(line(fig, "rolling-right").get_ydata(), dtype=float)
    assert np.allclose(values[~np.isnan(values)], want[want["knee"] == "right"]["rolling_7d"])


def test_pain_chart_shows_the_weekly_status_with_a_key(demo_frames) -> None:
    fig = pain_chart(demo_frames)
    want = weekly_status(demo_frames.pain)
    strip = next(c for c in fig.axes[0].collections if c.get_label() == "_weekly status")
    assert len(strip.get_paths()) == len(want)
    got = [mcolors.to_hex(colour) for colour in strip.get_facecolor()]
    assert got == [mcolors.to_hex(STATUS_COLOURS[s]) for s in want["status"]]
    key = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {f"pain monitoring: {s} week" for s in ("green", "amber", "red")} <= set(key)


def test_the_seven_day_mean_breaks_over_a_gap(store: hipknee.Store) -> None:
    days = [*pd.date_range("2026-03-02", periods=5), *pd.date_range("2026-03-30", periods=5)]  # a 3-week gap
    for day in days:
        store.add(hipknee.PainEntry(when=day, athlete="Ana", knee="left", nrs=3, context="during"))
    values = np.asarray(line(pain_chart(store), "rolling-left").get_ydata(), dtype=float)
    assert np.isnan(values).sum() == 1 and np.isfinite(values).sum() == len(days)
    x, y = broken_line(pd.Series(pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-20"])), pd.Series([1, 2, 3]), 7)
    assert np.isnan(y[2]) and len(x) == 4


def test_load_chart_plots_km_and_the_acwr_on_their_own_axes(demo_frames) -> None:
    fig = load_chart(demo_frames)
    weekly = weekly_load(demo_frames.runs)
    km_ax = axes_of(fig, "km")
    bars = {c.get_gid(): c for c in km_ax.collections if c.get_gid() in ("km", "km-jumps")}
    drawn = {gid: sorted((p.vertices[0, 0], p.vertices[1, 1]) for p in c.get_paths()) for gid, c in bars.items()}
    assert [h for _, h in sorted(drawn["km"] + drawn["km-jumps"])] == pytest.approx(weekly["km"].tolist())
    assert bars["km-jumps"].get_hatch() == "//" and bars["km"].get_hatch() is None
    jumped = sorted(drawn["km"] + drawn["km-jumps"])
    assert [bar in drawn["km-jumps"] for bar in jumped] == weekly["jump"].tolist() and len(drawn["km-jumps"]) == 1
    last = pd.to_datetime(demo_frames.pain["when"]).max().normalize()  # rest days to the end of the log count
    ratio = acwr(demo_frames.runs, until=max(last, pd.to_datetime(demo_frames.runs["when"]).max().normalize()))
    acwr_ax = axes_of(fig, "acwr")
    assert acwr_ax is not km_ax and not km_ax.patches  # the comfortable band never shades the km bars
    assert np.allclose(line(fig, "acwr").get_ydata(), ratio["ratio"], equal_nan=True)
    spikes = collection(fig, "spikes")
    assert len(spikes.get_offsets()) == int((ratio["ratio"] > 1.5).sum()) > 0
    assert "km" in km_ax.get_ylabel() and "ACWR" in acwr_ax.get_ylabel()


@pytest.mark.parametrize("chart", [balance_chart, pain_chart, load_chart])
def test_too_little_data_says_what_is_missing(chart, store: hipknee.Store) -> None:
    fig = chart(store)
    assert NO_DATA in texts(fig)
    store.add(hipknee.StrengthSet(when="2026-03-02", athlete="Ana", exercise="clamshell", side="left", reps=10))
    store.add(hipknee.Run(when="2026-03-02", athlete="Ana", distance_km=5, duration_min=30))
    assert "no week with both sides" in texts(balance_chart(store))  # one side only: no balance yet
    one_week = load_chart(store)
    assert len(collection(one_week, "km").get_paths()) == 1  # one week of runs: its bar ...
    assert "ACWR: needs 4 weeks" in texts(one_week)  # ... and why there is no ACWR yet


def test_unknown_exercise_gives_a_panel(demo_frames) -> None:
    assert "no week with both sides of 'side plank'" in texts(balance_chart(demo_frames, exercise="side plank"))


def test_dashboard_panels_share_one_time_axis_bounded_by_the_season(demo_store: hipknee.Store) -> None:
    fig = dashboard(demo_store)
    timed = [ax for ax in fig.axes if ax.axison]
    assert len(timed) == 6  # balance, LSI, pain, knee function (the demo has Kujala scores), distance, ACWR
    limits = {tuple(np.round(ax.get_xlim(), 6)) for ax in timed}
    assert len(limits) == 1  # aligned weeks
    lo, hi = dates(next(iter(limits)))
    first = pd.to_datetime(demo_store.pain()["when"]).min().normalize()
    last = pd.to_datetime(demo_store.pain()["when"]).max().normalize()
    assert first - pd.Timedelta(days=7) <= lo <= first and last < hi <= last + pd.Timedelta(days=8)
    for ax in timed:  # one quantity per axis: no twin axes, no stray label
        assert ax.get_ylabel() and all(other.get_position().bounds != ax.get_position().bounds
                                       for other in timed if other is not ax)
        legend = ax.get_legend()
        if legend is not None:  # legends sit right of the data, never over a note
            assert legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted()).x0 >= 1.0
    words = texts(fig)
    assert "LSI" in words and "not proof" in words and NO_DATA not in words
    assert fig.get_suptitle().startswith("Maria")


def test_dashboard_of_an_empty_store(tmp_path) -> None:
    with hipknee.Store.open(tmp_path / "empty") as st:
        fig = dashboard(st)
    assert texts(fig).count(NO_DATA) == 5


def test_dashboard_text_is_readable_in_a_notebook(demo_store: hipknee.Store) -> None:
    """Shown as SVG across a 1400 px wide JupyterLab (about 1200 px for the output), every text is
    at least 10 px tall."""
    import matplotlib as mpl

    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none"}):  # text as text, as the notebook views write it
        dashboard(demo_store).savefig(buf, format="svg")
    svg = buf.getvalue()
    width_pt = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert len(sizes) > 20 and min(sizes) * 1200 / width_pt >= 10


def test_user_text_is_plain_text(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Cash $5 and $10"))
    for side in ("left", "right"):
        store.add(hipknee.StrengthSet(when="2026-03-02", athlete="Cash $5 and $10", exercise="clamshell",
                                      side=side, reps=10))
    fig = dashboard(store, athlete="Cash $5 and $10")
    fig.savefig(io.BytesIO(), format="svg")  # mathtext would fail on the unpaired dollars
    assert "Cash $5 and $10" in fig.get_suptitle().replace("\\$", "$")


def test_importing_hipknee_leaves_matplotlib_alone() -> None:
    import subprocess
    import sys

    code = "import sys, hipknee; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_balance_with_zero_on_both_sides_does_not_raise(store: hipknee.Store) -> None:
    for side in ("left", "right"):
        store.add(hipknee.StrengthSet(when="2026-03-02", athlete="Ana", exercise="clamshell", side=side, reps=0))
    fig = balance_chart(store)
    assert np.isnan(line(fig, "lsi").get_ydata()).all()
    fig.savefig(io.BytesIO(), format="png")
