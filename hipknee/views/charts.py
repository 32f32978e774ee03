"""Charts of the season: left/right balance, knee pain, running load, and the dashboard of them all.

Every chart takes a store or the frames of a log and returns a matplotlib ``Figure`` (object API,
no pyplot state). Each quantity has a panel and axis of its own (the LSI's target band never
shades newtons, the ACWR's band never shades kilometres), panels share one time axis spanning the
season's weeks and no more, legends stand outside the data, and the points a sentence of the
summary speaks of ("start", "now", "latest", two-week means) are marked on the chart, taken from
the same :func:`~hipknee.analyses.season.season_summary`. Too little data draws a panel saying
"Not enough data yet" and what is missing, never an error.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analyses import thresholds as T
from ..analyses.balance import lsi_choice
from ..analyses.pain_trend import daily_pain
from ..analyses.season import SeasonSummary, season_summary
from ..analyses.verdicts import season_analyses
from ..frames import LogFrames, as_frames
from ..records.words import in_words
from ..store import Store
from .chart_parts import (
    NO_DATA,
    broken_line,
    day_bars,
    figure,
    legend_outside,
    no_data,
    plain,
    season_span,
    styled,
    time_axis,
)
from .palette import PALETTE, SIDE_COLOURS, STATUS_COLOURS

__all__ = ["NO_DATA", "balance_chart", "dashboard", "kujala_chart", "load_chart", "pain_chart"]

Span = tuple[pd.Timestamp, pd.Timestamp]
_DODGE = pd.Timedelta(hours=10)  # left and right drawn side by side, so equal values both show
_STATUS_TOP = 10.1  # the weekly pain-monitoring strip sits above the 0-10 scale
_DISCLAIMER = "hipknee informs, it does not diagnose: if pain persists, see a clinician."


# -- the charts ------------------------------------------------------------------------------
@styled
def balance_chart(data: Store | LogFrames, *, athlete: str | None = None, exercise: str | None = None,
                  per_kg: bool = False, summary: SeasonSummary | None = None) -> Figure:
    """Left and right per week for one exercise or strength test (default: the headline one, a
    strength test when there is one), and below it the LSI (%) with the 90 % target band, its start
    and now marked. ``per_kg``: a test in newtons per kg of body mass (N/kg), when it is known.
    ``summary``: the runner's :func:`~hipknee.season_summary`, when the caller has it already."""
    frames, name = _runner(data, athlete)
    fig, (sides, lsi) = figure([3.0, 2.2])
    _balance(sides, lsi, frames, name, summary or _summary(frames, name, exercise), exercise, per_kg)
    return fig


@styled
def pain_chart(data: Store | LogFrames, *, athlete: str | None = None, context: str | None = None,
               summary: SeasonSummary | None = None) -> Figure:
    """Knee pain (0-10 NRS) per knee, never averaged across knees, in one context (default: the one
    the summary judges, pain during activity when logged): daily values, the 7-day mean (broken
    over gaps), the pain-monitoring zones, each week's status in a strip with its key, and the
    summary's two-week means and latest entry marked (``summary``: as for :func:`balance_chart`)."""
    frames, name = _runner(data, athlete)
    fig, (ax,) = figure([3.4])
    _pain(ax, frames, name, summary or _summary(frames, name, None), context)
    return fig


@styled
def load_chart(data: Store | LogFrames, *, athlete: str | None = None) -> Figure:
    """Weekly distance (km) as bars, week-on-week jumps over 30 % hatched, and below it the daily
    ACWR of session-RPE load with the 0.8-1.3 band and spikes above 1.5 marked."""
    frames, name = _runner(data, athlete)
    fig, (km, ratio) = figure([2.6, 2.2])
    _load(km, ratio, frames, name)
    return fig


@styled
def kujala_chart(data: Store | LogFrames, *, athlete: str | None = None) -> Figure:
    """The Kujala score (0-100, 100 = no problem) of each questionnaire over the season, with the
    smallest change that matters (8-10 points) shaded above and below the first score."""
    frames, name = _runner(data, athlete)
    fig, (ax,) = figure([3.2])
    _kujala(ax, frames, name)
    return fig


@styled
def dashboard(data: Store | LogFrames, *, athlete: str | None = None, exercise: str | None = None,
              start: Any = None, end: Any = None, per_kg: bool = False, words: bool = True,
              summary: SeasonSummary | None = None) -> Figure:
    """Balance, LSI, knee pain, distance and ACWR of one runner on one time axis, and (``words``)
    the season summary in words below; ``start``/``end`` narrow the season (dates); ``summary``:
    that season's :func:`~hipknee.season_summary`, when the caller has it already."""
    frames = as_frames(data)
    name = frames.athlete(athlete) if frames.names() or athlete is not None else None
    mine = frames.only(name, start, end) if name is not None else frames
    summary = summary or _summary(mine, name, exercise)
    lines = _wrapped(summary.lines() if summary is not None else ["Nothing logged yet."]) if words else []
    # Knee function gets a panel once a Kujala questionnaire is logged.
    kujala = name is not None and not mine.outcomes.empty
    fig, axes = figure([2.6, 1.9, 3.0, *([2.0] if kujala else []), 2.0, 1.9], width=12.0, title_space=0.5,
                       words=1.3 + 0.19 * (len(lines) + 2) if words else 0.0)
    demo = " (demo season)" if frames.is_demo else ""
    _balance(axes[0], axes[1], mine, name, summary, exercise, per_kg)
    _pain(axes[2], mine, name, summary, None)
    if kujala:
        _kujala(axes[3], mine, name)
    _load(axes[-3 if words else -2], axes[-2 if words else -1], mine, name)
    if words:
        _words(axes[-1], lines, fig.get_figheight())
    title = f"{plain(name)}: is the hip work helping the knee?" if name else "hipknee season dashboard"
    fig.suptitle(title + demo, fontsize=14, x=0.01, y=1 - 0.12 / fig.get_figheight(), ha="left", va="top")
    return fig


# -- the panels ------------------------------------------------------------------------------
def _runner(data: Store | LogFrames, athlete: str | None) -> tuple[LogFrames, str | None]:
    """The log of the runner to draw (the first when none is named; None for an empty log)."""
    frames = as_frames(data)
    if not frames.names() and athlete is None:
        return frames, None
    name = frames.athlete(athlete)
    return frames.only(name), name


def _summary(frames: LogFrames, name: str | None, item: str | None) -> SeasonSummary | None:
    return season_summary(frames, name, item=item) if name is not None else None


def _span(frames: LogFrames, name: str | None) -> Span | None:
    return season_span(frames.only(name)) if name is not None else None


def _balance(sides: Axes, lsi_ax: Axes, frames: LogFrames, name: str | None, summary: SeasonSummary | None,
             exercise: str | None, per_kg: bool) -> None:
    title = f"{name}: left vs right" if name else "Balance"
    span = _span(frames, name)
    analyses = season_analyses(frames.only(name)) if name is not None else None
    lsi = analyses.lsi if analyses is not None else pd.DataFrame()
    pick = (analyses.items if exercise is None else lsi_choice(lsi, exercise)) if analyses is not None else lsi
    if name is None or pick.empty:
        what = f"'{exercise}'" if exercise else "one exercise or strength test"
        no_data(sides, title, f"no week with both sides of {what} yet (balance compares the two sides "
                              "within one week).")
        no_data(lsi_ax, "LSI (%)", "no week with both sides yet.")
        _dates(lsi_ax, span)
        return
    item, metric = pick.iloc[0]["item"], pick.iloc[0]["metric"]
    rows = lsi[(lsi["item"] == item) & (lsi["metric"] == metric)].sort_values("week")
    _sides_panel(sides, rows, frames, name, item, metric, per_kg)
    _lsi_panel(lsi_ax, rows, summary)
    _dates(lsi_ax, span)


def _sides_panel(ax: Axes, rows: pd.DataFrame, frames: LogFrames, name: str, item: str, metric: str,
                 per_kg: bool) -> None:
    mass = _body_mass(frames, name)
    scale = 1.0 / mass if per_kg and metric == "N" and mass else 1.0
    unit = "N/kg" if scale != 1.0 else metric
    involved = frames.involved_side(name)
    centre = pd.to_datetime(rows["week"]) + pd.Timedelta(days=3.5)
    styles = {"left": dict(marker="o", ls="-", shift=-_DODGE), "right": dict(marker="s", ls="--", shift=_DODGE)}
    for side, style in styles.items():
        label = f"{side} (painful side)" if side == involved else side
        ax.plot(centre + style["shift"], rows[side] * scale, marker=style["marker"], ls=style["ls"],
                color=SIDE_COLOURS[side], lw=2, ms=7, mfc="white" if side == "right" else SIDE_COLOURS[side],
                mew=2, label=label, gid=side)
    weaker = rows[rows["weaker_side"].isin(["left", "right"])]
    shift = pd.to_timedelta(np.where(weaker["weaker_side"] == "left", -1, 1) * _DODGE.value)
    ax.scatter(pd.to_datetime(weaker["week"]) + pd.Timedelta(days=3.5) + shift.to_numpy(),
               np.where(weaker["weaker_side"] == "left", weaker["left"], weaker["right"]) * scale, s=220,
               facecolors="none", edgecolors="#000000", linewidths=1.2,
               label="weaker side that week" if len(weaker) else "_no weaker side",
               gid="weaker", zorder=4)
    top = float(rows[["left", "right"]].max().max()) * scale
    ax.set_ylim(0, top * 1.25 if top > 0 else 1.0)
    ax.set_ylabel(f"{plain(item)}\n({unit})")
    ax.set_title(f"{plain(name)}: {plain(item)}, left and right per week", loc="left")
    legend_outside(ax)


def _lsi_panel(ax: Axes, rows: pd.DataFrame, summary: SeasonSummary | None) -> None:
    centre = pd.to_datetime(rows["week"]) + pd.Timedelta(days=3.5)
    values = rows["lsi_pct"].to_numpy(dtype=float)
    top = max(110.0, float(np.nanmax(values)) + 5) if np.isfinite(values).any() else 110.0
    low = min(40.0, float(np.nanmin(values)) - 5) if np.isfinite(values).any() else 40.0
    ax.axhspan(T.LSI_TARGET_PCT, top, color=PALETTE["target"], alpha=0.15, lw=0,
               label=f"target: {T.LSI_TARGET_PCT:.0f}% or more")
    ax.plot(centre, values, color=PALETTE["lsi"], lw=1.8, marker="D", ms=5, label="LSI (%)", gid="lsi")
    known = rows.dropna(subset=["lsi_pct"])
    if len(known):
        for gid, row, word in (("lsi-start", known.iloc[0], "start"), ("lsi-now", known.iloc[-1], "now")):
            x = pd.Timestamp(row["week"]) + pd.Timedelta(days=3.5)
            ax.scatter([x], [row["lsi_pct"]], s=140, facecolors="none", edgecolors=PALETTE["lsi"], linewidths=2,
                       gid=gid, zorder=5, label=f"{word}: {row['lsi_pct']:.0f}%")
            if gid == "lsi-start" and len(known) == 1:
                break
    else:
        ax.text(0.01, 0.9, "LSI: the stronger side is 0 in every week", transform=ax.transAxes, va="top")
    ax.set_ylim(low, top)
    reference = summary.lsi_reference if summary is not None else None
    ref = "painful / other side" if reference == "involved/uninvolved" else "weaker / stronger"
    ax.set_ylabel(f"LSI (%)\n{ref}")
    ax.set_title("Limb symmetry index (LSI)", loc="left")
    legend_outside(ax)


def _pain(ax: Axes, frames: LogFrames, name: str | None, summary: SeasonSummary | None,
          context: str | None) -> None:
    title = f"{name}: knee pain" if name else "Knee pain"
    span = _span(frames, name)
    pain = frames.pain
    if name is None or pain.empty:
        no_data(ax, title, "no knee pain logged yet.")
        _dates(ax, span)
        return
    context = context or (summary.pain_context if summary is not None else None) or _most_logged(pain)
    daily = daily_pain(pain[pain["context"] == context])
    _zones(ax)
    for knee in ("left", "right"):
        rows = daily[daily["knee"] == knee]
        if rows.empty:
            continue
        ax.scatter(rows["date"] + pd.Timedelta(hours=12), rows["nrs"], s=16, color=SIDE_COLOURS[knee], alpha=0.5,
                   gid=f"daily-{knee}", zorder=3)
        x, y = broken_line(rows["date"] + pd.Timedelta(hours=12), rows["rolling_7d"], T.ROLLING_DAYS)
        ax.plot(x, y, color=SIDE_COLOURS[knee], lw=2.2, label=f"{knee} knee, {T.ROLLING_DAYS}-day mean",
                gid=f"rolling-{knee}", zorder=4)
    if summary is not None and summary.pain_context == context:
        _pain_marks(ax, summary)
    handles = ax.get_legend_handles_labels()[0] + _status_strip(ax, season_analyses(frames.only(name)).status)
    ax.set_ylim(-0.4, 10.6)  # a knee at 0/10 drawn above the axis line, not on it
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel(f"knee pain (0-10 NRS)\n{in_words('context', context)}")
    ax.set_title(f"{plain(name)}: knee pain {in_words('context', context)}, each knee", loc="left")
    legend_outside(ax, handles)
    _dates(ax, span)


def _pain_marks(ax: Axes, summary: SeasonSummary) -> None:
    """The summary's numbers on the chart: its knee's two-week means and its latest entry."""
    colour = SIDE_COLOURS[summary.pain_knee or "left"]
    if summary.pain_verdict != "not enough data":
        row = summary.pain_verdicts
        row = row[(row["knee"] == summary.pain_knee) & (row["context"] == summary.pain_context)].iloc[0]
        window = pd.Timedelta(days=T.PAIN_WINDOW_DAYS)
        first, last = pd.Timestamp(row["start"]), pd.Timestamp(row["end"]) + pd.Timedelta(days=1)
        for gid, lo, hi, value, word in (("pain-start-mean", first, first + window, summary.pain_start, "first"),
                                         ("pain-recent-mean", last - window, last, summary.pain_recent, "last")):
            ax.plot([lo, hi], [value, value], color=colour, lw=4, alpha=0.6, solid_capstyle="butt", gid=gid,
                    label=f"{summary.pain_knee} knee, {word} two weeks' mean: {value:.1f}")
    if summary.pain_now_date is not None:
        ax.scatter([summary.pain_now_date + pd.Timedelta(hours=12)], [summary.pain_now], s=150, facecolors="none",
                   edgecolors="#000000", linewidths=1.6, zorder=6, gid="pain-now", clip_on=False,
                   label=f"latest: {summary.pain_now:g}/10 on {summary.pain_now_date:%d %b}")


def _zones(ax: Axes) -> None:
    for (low, high, label), key in zip(T.PAIN_ZONES, ("fine", "acceptable", "too much"), strict=True):
        ax.axhspan(low, high, color=PALETTE[key], alpha=0.13, lw=0, zorder=0)
        ax.text(0.005, (low + high) / 2, label, transform=ax.get_yaxis_transform(), va="center", ha="left",
                fontsize=8, color="#333333", zorder=1)


def _status_strip(ax: Axes, status: pd.DataFrame) -> list[Any]:
    """Each week's pain-monitoring status as a band above the 0-10 scale; returns its key."""
    if status.empty:
        return []
    centre = pd.to_datetime(status["week"]) + pd.Timedelta(days=3.5)
    day_bars(ax, centre, np.full(len(centre), 0.45), 7, bottom=_STATUS_TOP,
             facecolors=status["status"].map(STATUS_COLOURS).tolist(), edgecolors="white", linewidths=0.8,
             label="_weekly status", gid="weekly-status", zorder=5)
    ax.set_yticks([0, 2, 4, 6, 8, 10, _STATUS_TOP + 0.225], ["0", "2", "4", "6", "8", "10", "week"])
    return [Patch(facecolor=colour, label=f"pain monitoring: {name} week") for name, colour in STATUS_COLOURS.items()]


def _kujala(ax: Axes, frames: LogFrames, name: str | None) -> None:
    """Each Kujala score (0-100) as a point, the first and latest marked, and the band of the
    smallest change that matters around the first score."""
    title = f"{name}: knee function (Kujala score)" if name else "Knee function (Kujala score)"
    span = _span(frames, name)
    scores = frames.outcomes
    if name is None or scores.empty:
        no_data(ax, title, "no Kujala questionnaire yet (fill one in monthly).")
        _dates(ax, span)
        return
    scores = scores.sort_values("when", kind="stable")
    when = pd.to_datetime(scores["when"]).dt.normalize() + pd.Timedelta(hours=12)
    score = scores["score"].to_numpy(dtype=float)
    first = score[0]
    for sign in (1, -1):
        ax.axhspan(first + sign * T.KUJALA_MCID_MIN, first + sign * T.KUJALA_MCID_MAX, color=PALETTE["target"],
                   alpha=0.2, lw=0, gid="kujala-mcid" if sign > 0 else "kujala-mcid-below",
                   label=(f"smallest change that matters:\n{T.KUJALA_MCID_MIN}-{T.KUJALA_MCID_MAX} points "
                          "from the first" if sign > 0 else "_below"))
    ax.axhline(first, color="#444444", lw=1, ls=":", label=f"first: {first:.0f}", gid="kujala-first")
    ax.plot(when, score, color=PALETTE["kujala"], lw=2, marker="o", ms=7, label="Kujala score (0-100)", gid="kujala")
    if len(score) > 1:
        ax.scatter([when.iloc[-1]], [score[-1]], s=150, facecolors="none", edgecolors="#000000", linewidths=1.6,
                   zorder=6, gid="kujala-latest", label=f"latest: {score[-1]:.0f} ({score[-1] - first:+.0f})")
    ax.set_ylim(max(0.0, min(score.min(), first - T.KUJALA_MCID_MAX) - 8),
                min(104.0, max(score.max(), first + T.KUJALA_MCID_MAX) + 8))
    ax.set_ylabel("Kujala score\n(0-100, 100 = no problem)")
    ax.set_title(f"{plain(name)}: knee function, Kujala anterior knee pain scale", loc="left")
    legend_outside(ax)
    _dates(ax, span)


def _load(km_ax: Axes, ratio_ax: Axes, frames: LogFrames, name: str | None) -> None:
    span = _span(frames, name)
    runs = frames.runs
    if name is None or runs.empty:
        no_data(km_ax, f"{name}: running" if name else "Running", "no runs logged yet.")
        no_data(ratio_ax, "Acute:chronic workload ratio (ACWR)", "no runs logged yet.")
        _dates(ratio_ax, span)
        return
    analyses = season_analyses(frames.only(name))
    weekly = analyses.load
    centre = pd.to_datetime(weekly["week"]) + pd.Timedelta(days=3.5)
    jump = weekly["jump"].to_numpy(dtype=bool)
    km = weekly["km"].to_numpy(dtype=float)
    bars = day_bars(km_ax, centre[~jump], km[~jump], 6, facecolors=PALETTE["km"], label="km per week", gid="km")
    day_bars(km_ax, centre[jump], km[jump], 6, facecolors=PALETTE["jump"], hatch="//", edgecolors="#000000",
             label="_km up on the week before", gid="km-jumps")
    handles: list[Any] = [bars]
    if jump.any():
        handles.append(Patch(facecolor=PALETTE["jump"], hatch="//", edgecolor="#000000",
                             label=f"distance up >{T.DISTANCE_JUMP_PCT:.0f}% on the week before"))
    top = float(np.nanmax(km)) if np.isfinite(km).any() else 0.0
    km_ax.set_ylim(0, top * 1.3 if top > 0 else 1)
    km_ax.set_ylabel("distance\n(km per week)")
    km_ax.set_title(f"{plain(name)}: running distance per week", loc="left")
    legend_outside(km_ax, handles)
    _acwr_panel(ratio_ax, analyses.acwr)
    _dates(ratio_ax, span)


def _acwr_panel(ax: Axes, ratio: pd.DataFrame) -> None:
    ax.set_title("Acute:chronic workload ratio (ACWR, session-RPE load)", loc="left")
    if not ratio["ratio"].notna().any():
        no_data(ax, "Acute:chronic workload ratio (ACWR)",
                f"the ACWR needs 4 weeks of runs ({T.CHRONIC_DAYS} days from the first run).")
        ax.text(0.5, 0.2, "ACWR: needs 4 weeks of runs", transform=ax.transAxes, ha="center", color="#444444")
        return
    ax.axhspan(T.ACWR_LOW, T.ACWR_HIGH, color=PALETTE["fine"], alpha=0.15, lw=0,
               label=f"comfortable {T.ACWR_LOW:g}-{T.ACWR_HIGH:g}")
    ax.axhline(T.ACWR_SPIKE, color=PALETTE["spike"], lw=1, ls=":", label=f"spike above {T.ACWR_SPIKE:g}")
    ax.plot(ratio["date"] + pd.Timedelta(hours=12), ratio["ratio"], color=PALETTE["acwr"], lw=2,
            label="ACWR (7-day / 28-day)", gid="acwr")
    spikes = ratio[ratio["ratio"] > T.ACWR_SPIKE]
    ax.scatter(spikes["date"] + pd.Timedelta(hours=12), spikes["ratio"], marker="X", s=60, color=PALETTE["spike"],
               zorder=5, label="ACWR spike", gid="spikes")
    ax.set_ylim(0, max(2.0, float(ratio["ratio"].max()) * 1.1))
    ax.set_ylabel("ACWR")
    legend_outside(ax)


def _wrapped(lines: list[str]) -> list[str]:
    """The summary's sentences wrapped to the width of the words panel."""
    return [part for line in lines for part in textwrap.wrap(plain(line), 125, subsequent_indent="   ")]


def _words(ax: Axes, lines: list[str], figure_height: float) -> None:
    ax.set_axis_off()
    inch = 1 / ax.get_position().height / figure_height  # one inch (figure_height in inches) in axes fraction
    ax.text(0.0, 1.0 - 0.25 * inch, "The season in words", transform=ax.transAxes, va="top", ha="left",
            fontsize=11)
    ax.text(0.0, 1.0 - 0.55 * inch, "\n".join([*lines, "", _DISCLAIMER]), transform=ax.transAxes, va="top",
            ha="left", fontsize=9.5, linespacing=1.35, gid="summary")


# -- small helpers ---------------------------------------------------------------------------
def _dates(ax: Axes, span: Span | None) -> None:
    if span is not None:
        time_axis(ax, span)
    else:
        ax.set_xticks([])


def _body_mass(frames: LogFrames, name: str) -> float | None:
    athletes = frames.athletes
    if "body_mass_kg" not in athletes:
        return None
    mass = athletes.loc[athletes["name"].astype(object) == name, "body_mass_kg"]
    return float(mass.iloc[0]) if len(mass) and pd.notna(mass.iloc[0]) and mass.iloc[0] > 0 else None


def _most_logged(pain: pd.DataFrame) -> str:
    return str(pain["context"].astype(object).mode().iloc[0])

