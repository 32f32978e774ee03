"""Charts of the season: left/right balance, knee pain, running load, and a dashboard.

Every chart takes a :class:`hipknee.Store` (or the frames a notebook holds, or the analysis output)
and an optional matplotlib ``Axes``, and returns the ``Figure``. Figures are built with the
object API (no pyplot state), so they work in tests, the CLI and notebooks alike. One
colour-blind-safe palette (Okabe-Ito) gives each side the same colour everywhere. Too little data
draws a "Not enough data yet" panel instead of raising.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analyses import thresholds as T
from ..analyses.balance import LSI_COLUMNS
from ..analyses.pain_monitoring import weekly_status
from ..analyses.pain_trend import daily_pain
from ..analyses.running_load import acwr, weekly_load
from ..analyses.season import headline_lsi_item, season_lsi, season_summary
from ..frames import LogFrames, log_frames

__all__ = [
    "CHARTS",
    "NO_DATA",
    "PALETTE",
    "SIDE_COLOURS",
    "balance_chart",
    "dashboard",
    "load_chart",
    "pain_chart",
    "plot_file",
]

#: Okabe-Ito colours: left blue, right orange, the same on every chart (knees too).
SIDE_COLOURS: dict[str, str] = {"left": "#0072B2", "right": "#E69F00", "both": "#7F7F7F"}
PALETTE: dict[str, str] = {
    "lsi": "#000000",
    "target": "#009E73",
    "fine": "#009E73",
    "acceptable": "#F0E442",
    "too much": "#D55E00",
    "km": "#C4C4C4",
    "jump": "#D55E00",
    "acwr": "#CC79A7",
    "spike": "#D55E00",
    "runs": "#BFBFBF",
}
NO_DATA = "Not enough data yet"


# -- plumbing ----------------------------------------------------------------------------------
def _figure(ax: Axes | None, size: tuple[float, float] = (9, 4.5)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _no_data(ax: Axes, title: str, why: str) -> None:
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.text(0.5, 0.5, f"{NO_DATA}\n{textwrap.fill(why, 60)}", transform=ax.transAxes, ha="center",
            va="center", fontsize=11, color="#444444", gid="no-data")


def _dates(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _frames(data: Any) -> LogFrames | None:
    """LogFrames when ``data`` is a store or frames; None when it is already an analysis output."""
    if isinstance(data, pd.DataFrame):
        return None
    return log_frames(data)


def _pick_athlete(names: list[str], athlete: str | None) -> str | None:
    if athlete is not None:
        return athlete
    return names[0] if names else None


def _involved(frames: LogFrames | None, athlete: str | None) -> str | None:
    if frames is None or frames.athletes.empty or "involved_side" not in frames.athletes:
        return None
    side = frames.athletes.loc[frames.athletes["name"].astype(object) == athlete, "involved_side"]
    return str(side.iloc[0]) if len(side) and side.iloc[0] in ("left", "right") else None


# -- balance -----------------------------------------------------------------------------------
def balance_chart(data: Any, *, athlete: str | None = None, exercise: str | None = None,
                  ax: Axes | None = None) -> Figure:
    """Left and right per week for one exercise or strength test (default: the headline one, a
    strength test when there is one), the LSI (%) on a second axis with the 90 % target band, and
    the weaker side ringed each week. ``data``: a Store, frames, or :func:`hipknee.weekly_lsi` output."""
    fig, ax = _figure(ax)
    frames = _frames(data)
    lsi = season_lsi(frames) if frames is not None else data
    names = frames.names() if frames is not None else list(pd.unique(lsi["athlete"])) if len(lsi) else []
    athlete = _pick_athlete(names, athlete)
    title = f"{athlete or 'Balance'}: left vs right"
    if athlete is None or lsi.empty or not set(LSI_COLUMNS) <= set(lsi.columns):
        _no_data(ax, title, "balance needs one week with both sides of the same exercise or test.")
        return fig
    mine = lsi[lsi["athlete"] == athlete]
    if exercise is None:
        pick = headline_lsi_item(mine)
        exercise = pick["item"].iloc[0] if len(pick) else None
    rows = mine[mine["item"] == exercise] if exercise is not None else mine.iloc[:0]
    if rows.empty:
        what = f"'{exercise}'" if exercise else "any exercise or test"
        _no_data(ax, title, f"no week with both sides of {what} for {athlete}.")
        return fig
    metric = rows.groupby("metric")["lsi_pct"].count().idxmax()
    rows = rows[rows["metric"] == metric].sort_values("week")
    involved = _involved(frames, athlete) or (rows["involved_side"].dropna().iloc[0]
                                              if rows["involved_side"].notna().any() else None)
    weeks = pd.to_datetime(rows["week"])
    for side, marker in (("left", "o"), ("right", "s")):
        label = f"{side} (painful side)" if side == involved else side
        ax.plot(weeks, rows[side], marker=marker, color=SIDE_COLOURS[side], lw=2, label=label, gid=side)
    weaker = rows[rows["weaker_side"].isin(["left", "right"])]
    ax.scatter(pd.to_datetime(weaker["week"]), np.where(weaker["weaker_side"] == "left", weaker["left"],
               weaker["right"]), s=160, facecolors="none", edgecolors="#000000", linewidths=1.2,
               label="weaker side that week", gid="weaker", zorder=4)
    ax.set_ylabel(f"{exercise}\n({metric})")
    ax.set_ylim(bottom=0, top=float(rows[["left", "right"]].max().max()) * 1.25 or 1.0)
    twin = ax.twinx()
    lsi_max, lsi_min = rows["lsi_pct"].max(), rows["lsi_pct"].min()  # NaN when both sides were 0
    top = max(110.0, float(lsi_max) + 5) if pd.notna(lsi_max) else 110.0
    twin.axhspan(T.LSI_TARGET_PCT, top, color=PALETTE["target"], alpha=0.12, lw=0,
                 label=f"LSI target {T.LSI_TARGET_PCT:.0f}% or more")
    twin.plot(weeks, rows["lsi_pct"], color=PALETTE["lsi"], lw=1.8, ls="--", marker="D", ms=4,
              label="LSI (%)", gid="lsi")
    twin.set_ylim(min(40.0, float(lsi_min) - 5) if pd.notna(lsi_min) else 40.0, top)
    ref = "painful / other side" if rows["reference"].iloc[-1] == "involved/uninvolved" else "weaker / stronger"
    twin.set_ylabel(f"LSI (%), {ref}")
    handles = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="lower right", fontsize=8, framealpha=0.9)
    ax.set_title(f"{athlete}: {exercise}, left vs right and LSI", loc="left", fontsize=11)
    _dates(ax)
    return fig


# -- pain --------------------------------------------------------------------------------------
def pain_chart(data: Any, *, athlete: str | None = None, context: str | None = None,
               ax: Axes | None = None) -> Figure:
    """Knee pain (0-10 NRS) per knee over the season: daily values as dots, the 7-day rolling mean
    as a line, the pain-monitoring zones shaded (0-2 / 3-5 / above 5), each week's status
    (green / amber / red) as a band on top, and runs (km) on a second axis. ``context`` picks one
    pain context; default: every context of a day pooled. ``data``: a Store, frames, or
    :func:`hipknee.daily_pain` output (then its most logged context, and no status or runs)."""
    fig, ax = _figure(ax)
    frames = _frames(data)
    if frames is not None:
        pain = frames.pain if context is None else frames.pain[frames.pain["context"] == context]
        daily = daily_pain(pain, by_context=context is not None)
        names = frames.names()
    else:
        daily = data
        names = list(pd.unique(daily["athlete"])) if len(daily) else []
    athlete = _pick_athlete(names, athlete)
    title = f"{athlete or 'Pain'}: knee pain"
    mine = daily[daily["athlete"] == athlete] if len(daily) else daily
    if athlete is None or mine.empty:
        _no_data(ax, title, "no knee pain logged yet.")
        return fig
    if "context" in mine and mine["context"].nunique() > 1:
        mine = mine[mine["context"] == mine["context"].mode().iloc[0]]
    for (low, high, label), key in zip(T.PAIN_ZONES, ("fine", "acceptable", "too much")):
        ax.axhspan(low, high, color=PALETTE[key], alpha=0.13, lw=0, zorder=0)
        ax.text(0.005, (low + high) / 2, label, transform=ax.get_yaxis_transform(), va="center",
                ha="left", fontsize=8, color="#333333", zorder=1)
    for knee in ("left", "right"):
        rows = mine[mine["knee"] == knee].sort_values("date")
        if rows.empty:
            continue
        ax.scatter(rows["date"], rows["nrs"], s=14, color=SIDE_COLOURS[knee], alpha=0.45,
                   gid=f"daily-{knee}", zorder=3)
        ax.plot(rows["date"], rows["rolling_7d"], color=SIDE_COLOURS[knee], lw=2.2,
                label=f"{knee} knee, {T.ROLLING_DAYS}-day mean", gid=f"rolling-{knee}", zorder=4)
    ax.set_ylim(0, 10.6)
    ax.set_yticks(range(0, 11, 2))
    if frames is not None:
        _status_strip(ax, weekly_status(frames.pain[frames.pain["athlete"].astype(object) == athlete]))
    what = "all contexts" if context is None else context.replace("_", " ")
    ax.set_ylabel(f"knee pain (0-10 NRS)\n({what})")
    if frames is not None:
        runs = frames.runs[frames.runs["athlete"].astype(object) == athlete]
        if not runs.empty:
            km = (runs.assign(date=pd.to_datetime(runs["when"]).dt.normalize())
                  .groupby("date")["distance_km"].sum())
            twin = ax.twinx()
            _day_bars(twin, km, facecolor=PALETTE["runs"], alpha=0.6, label="run (km)", gid="runs")
            twin.set_ylabel("run distance (km)")
            # Keep the bars in the lower third (runs of unknown distance alone have no height).
            twin.set_ylim(0, float(km.max()) * 3 or 1)
            ax.set_zorder(twin.get_zorder() + 1)
            ax.patch.set_visible(False)
            h1, l1 = ax.get_legend_handles_labels()
            h2, l2 = twin.get_legend_handles_labels()
            ax.legend(h1 + h2, l1 + l2, loc="upper right", bbox_to_anchor=(1, 0.94), fontsize=8, framealpha=0.9)
        else:
            ax.legend(loc="upper right", fontsize=8)
    else:
        ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{athlete}: knee pain over the season", loc="left", fontsize=11)
    _dates(ax)
    return fig


def _day_bars(ax: Axes, values: pd.Series, width: float = 0.8, **style: Any) -> Any:
    """Bars from 0 to each value, centred on its date (the index), ``width`` days wide, drawn as
    one path: several seasons of daily runs are thousands of bars, and one artist draws and writes
    (as SVG) them many times faster than a patch each."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    x = mdates.date2num(pd.DatetimeIndex(values.index))
    top = values.to_numpy(dtype=float)
    left, right, low = x - width / 2, x + width / 2, np.zeros_like(x)
    corners = np.stack([np.column_stack(c) for c in
                        ((left, low), (left, top), (right, top), (right, low), (left, low))], axis=1)
    codes = np.tile([MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY], len(x))
    patch = PathPatch(MplPath(corners.reshape(-1, 2), codes), edgecolor="none", linewidth=0, **style)
    ax.add_patch(patch)
    ax.autoscale_view()
    return patch


def _bars(ax: Axes, centre: Any, height: Any, width: float, bottom: float = 0, **style: Any) -> Any:
    """Bars centred on dates, ``width`` days wide, as one collection (one artist, not a patch per
    bar, which is what makes a season of weekly bars slow to draw); ``style``: PolyCollection's."""
    from matplotlib.collections import PolyCollection

    x = mdates.date2num(pd.DatetimeIndex(centre))
    top = bottom + np.asarray(height, dtype=float)
    left, right, low = x - width / 2, x + width / 2, np.full_like(x, bottom)
    verts = np.stack([np.column_stack(c) for c in ((left, low), (left, top), (right, top), (right, low))], axis=1)
    bars = PolyCollection(verts, **style)
    ax.add_collection(bars, autolim=True)
    ax.autoscale_view()
    return bars


STATUS_COLOURS = {"green": PALETTE["fine"], "amber": PALETTE["acceptable"], "red": PALETTE["too much"]}


def _status_strip(ax: Axes, status: pd.DataFrame) -> None:
    """Each week's pain-monitoring status as a band above the 0-10 scale, in the zones' colours."""
    if status.empty:
        return
    centre = pd.to_datetime(status["week"]) + pd.Timedelta(days=3.5)
    _bars(ax, centre, np.full(len(centre), 0.45), 7, bottom=10.1,
          facecolors=status["status"].map(STATUS_COLOURS).tolist(), edgecolors="white", linewidths=0.8,
          label="_weekly status", gid="weekly-status", zorder=5)
    ticks = [0, 2, 4, 6, 8, 10]
    ax.set_yticks(ticks + [10.325], [str(t) for t in ticks] + ["status"])


# -- running load ------------------------------------------------------------------------------
def load_chart(data: Any, *, athlete: str | None = None, ax: Axes | None = None) -> Figure:
    """Weekly distance (km) as bars, week-on-week jumps over 30 % marked, and the daily ACWR
    (session-RPE load) on a second axis with the 0.8-1.3 band and spikes above 1.5 marked.
    ``data``: a Store, frames, or :func:`hipknee.weekly_load` output (then no ACWR line)."""
    fig, ax = _figure(ax)
    frames = _frames(data)
    if frames is not None:
        weekly, ratio = weekly_load(frames.runs), acwr(frames.runs)
        names = frames.names()
    elif {"km", "jump"} <= set(data.columns):
        weekly, ratio = data, None
        names = list(pd.unique(weekly["athlete"])) if len(weekly) else []
    else:
        weekly, ratio = None, data
        names = list(pd.unique(ratio["athlete"])) if len(ratio) else []
    athlete = _pick_athlete(names, athlete)
    title = f"{athlete or 'Running'}: running load"
    wk = weekly[weekly["athlete"] == athlete] if weekly is not None else None
    ra = ratio[ratio["athlete"] == athlete] if ratio is not None else None
    if athlete is None or ((wk is None or wk.empty) and (ra is None or ra.empty)):
        _no_data(ax, title, "no runs logged yet.")
        return fig
    handles: list[Any] = []
    if wk is not None and not wk.empty:
        centre = pd.to_datetime(wk["week"]) + pd.Timedelta(days=3)
        jump = wk["jump"].to_numpy(dtype=bool)
        km = wk["km"].to_numpy(dtype=float)
        bars = _bars(ax, centre[~jump], km[~jump], 6, facecolors=PALETTE["km"], label="km per week", gid="km")
        _bars(ax, centre[jump], km[jump], 6, facecolors=PALETTE["jump"], hatch="//", edgecolors="#000000",
              label="_km up on the week before", gid="km-jumps")
        handles.append(bars)
        if wk["jump"].any():
            from matplotlib.patches import Patch

            handles.append(Patch(facecolor=PALETTE["jump"], hatch="//", edgecolor="#000000",
                                 label=f"distance up >{T.DISTANCE_JUMP_PCT:.0f}% on the week before"))
        ax.set_ylim(0, float(wk["km"].max()) * 1.3 or 1)
    ax.set_ylabel("distance (km per week)")
    if ra is not None and ra["ratio"].notna().any():
        twin = ax.twinx()
        twin.axhspan(T.ACWR_LOW, T.ACWR_HIGH, color=PALETTE["fine"], alpha=0.12, lw=0,
                     label=f"comfortable ACWR {T.ACWR_LOW:g}-{T.ACWR_HIGH:g}")
        twin.axhline(T.ACWR_SPIKE, color=PALETTE["spike"], lw=1, ls=":", label=f"spike above {T.ACWR_SPIKE:g}")
        twin.plot(ra["date"], ra["ratio"], color=PALETTE["acwr"], lw=2, label="ACWR (7-day / 28-day)",
                          gid="acwr")
        spikes = ra[ra["ratio"] > T.ACWR_SPIKE]
        twin.scatter(spikes["date"], spikes["ratio"], marker="X", s=60, color=PALETTE["spike"], zorder=5,
                     label="ACWR spike", gid="spikes")
        twin.set_ylim(0, max(2.0, float(ra["ratio"].max()) * 1.1))
        twin.set_ylabel("ACWR (session-RPE load)")
        h2, _ = twin.get_legend_handles_labels()
        handles += h2
    elif ra is not None:
        ax.text(0.01, 0.97, "ACWR: needs 4 weeks of runs", transform=ax.transAxes, va="top", fontsize=8)
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    ax.set_title(f"{athlete}: running load", loc="left", fontsize=11)
    _dates(ax)
    return fig


# -- dashboard ---------------------------------------------------------------------------------
def dashboard(store: Any, *, athlete: str | None = None, exercise: str | None = None,
              start: Any = None, end: Any = None) -> Figure:
    """Balance, pain and load for one athlete with the season summary in words, in one Figure
    (A4-landscape-like, 16 x 11 in). ``start``/``end`` narrow the season (dates)."""
    frames = log_frames(store)
    athlete = _pick_athlete(frames.names(), athlete)
    fig = Figure(figsize=(16, 11), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1])
    axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 0]),
            fig.add_subplot(grid[1, 1])]
    demo = " (demo season)" if getattr(store, "is_demo", False) else ""
    if athlete is None:
        for a, t in zip(axes, ("Balance", "Knee pain", "Running load", "Summary")):
            _no_data(a, t, "add a runner and log a few weeks.")
        fig.suptitle(f"hipknee season dashboard{demo}", fontsize=15)
        return fig
    mine = frames.only(athlete, start, end)
    balance_chart(mine, athlete=athlete, exercise=exercise, ax=axes[0])
    pain_chart(mine, athlete=athlete, ax=axes[1])
    load_chart(mine, athlete=athlete, ax=axes[2])
    summary = season_summary(mine, athlete, item=exercise)
    _summary_panel(axes[3], summary.lines())
    fig.suptitle(f"{athlete}: is the hip work helping the knee?{demo}", fontsize=15, x=0.01, ha="left")
    return fig


def _summary_panel(ax: Axes, lines: list[str]) -> None:
    ax.set_axis_off()
    ax.set_title("The season in words", loc="left", fontsize=11)
    text = "\n".join(textwrap.fill(line, 74, subsequent_indent="   ") for line in lines)
    ax.text(0.0, 1.0, text, transform=ax.transAxes, va="top", ha="left", fontsize=11, linespacing=1.45,
            gid="summary", wrap=False)
    ax.text(0.0, 0.0, "hipknee informs, it does not diagnose: if pain persists, see a clinician.",
            transform=ax.transAxes, va="bottom", fontsize=8, color="#555555", style="italic")





#: Chart name -> function, as the ``hipknee plot`` command names them.
CHARTS = {"balance": balance_chart, "pain": pain_chart, "load": load_chart, "dashboard": dashboard}
FORMATS = (".png", ".svg")


def plot_file(kind: str, store: Any, out: Any, *, athlete: str | None = None,
              exercise: str | None = None, dpi: int = 110) -> Any:
    """Draw chart ``kind`` (a key of :data:`CHARTS`) of ``store`` and write it to ``out`` (.png
    or .svg); returns the path. Unknown athletes or exercises raise :class:`hipknee.ValidationError`."""
    from pathlib import Path

    from ..errors import ValidationError
    from .output_files import output_file

    if kind not in CHARTS:
        raise ValidationError("chart", kind, "one of " + ", ".join(CHARTS))
    path = Path(out).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise ValidationError("--out", str(out), "a file name ending in .png or .svg")
    frames = log_frames(store)
    names = frames.names()
    if athlete is not None and athlete not in names:
        raise ValidationError("--athlete", athlete, "a runner in the store: " + (", ".join(names) or "none yet"))
    kwargs: dict[str, Any] = {"athlete": athlete}
    if exercise is not None:
        if kind not in ("balance", "dashboard"):
            raise ValidationError("--exercise", exercise, "no --exercise: only balance and dashboard take one")
        known = sorted(set(frames.sets["exercise"].astype(object)) | set(frames.tests["test"].astype(object)))
        if exercise not in known:
            raise ValidationError("--exercise", exercise, "an exercise or test in the log: " + (", ".join(known) or "none yet"))
        kwargs["exercise"] = exercise
    fig = CHARTS[kind](frames if kind != "dashboard" else store, **kwargs)
    with output_file(path, "the chart") as partial:
        fig.savefig(partial, dpi=dpi, format=path.suffix.lower().lstrip("."))
    return path
