"""What every chart is built from: figures of stacked panels on one time axis, the "not enough
data yet" panel, date axes bounded by the season, bars as one artist, legends outside the data,
and runner-typed text shown as plain text.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from ..analyses.measures import week_start
from ..frames import LogFrames
from .plain_text import plain_text

__all__ = ["NO_DATA", "broken_line", "day_bars", "figure", "legend_outside", "no_data", "plain", "season_span",
           "styled", "time_axis"]

NO_DATA = "Not enough data yet"
#: Sizes (pt) that stay readable when a chart is shown at the width of a notebook. Titles sit at
#: the top of their panel (``axes.titley``), where matplotlib's own placement puts them anyway, as
#: no panel has labels above it; left to matplotlib, finding that out measures every label of the
#: panel at each draw, a quarter of a chart's drawing time.
_STYLE: dict[RcKeyType, Any] = {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "xtick.labelsize": 9,
                                "ytick.labelsize": 9, "legend.fontsize": 9, "svg.fonttype": "none", "axes.titley": 1.0}

P = ParamSpec("P")
R = TypeVar("R")


def styled(draw: Callable[P, R]) -> Callable[P, R]:
    """Draw with hipknee's sizes, whatever the notebook's matplotlib settings are."""
    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(_STYLE):
            return draw(*args, **kwargs)
    return wrapper


#: Runner-typed text for a chart: shown as typed, never read as mathtext (see :mod:`.plain_text`).
plain = plain_text


def figure(heights: Sequence[float], *, width: float = 10.0, title_space: float = 0.0,
           words: float = 0.0) -> tuple[Figure, list[Axes]]:
    """A figure of panels stacked on one shared time axis, ``heights`` in inches, dates under the
    last; ``words`` (inches) adds a panel for text below them, ``title_space`` (inches) keeps room
    above for a figure title.

    The margins are fixed, not computed by a layout engine: the same room on the left for the
    axis labels and on the right for the legends, so every panel's time axis lines up, and a
    figure draws several times faster."""
    rows = [*heights, *([words] if words else [])]
    height = sum(rows) + title_space
    fig = Figure(figsize=(width, height))
    grid = (fig.add_gridspec(len(rows), 1, height_ratios=rows, left=1.1 / width, right=1 - 3.1 / width,
                          bottom=(0.15 if words else 0.55) / height, top=1 - (title_space + 0.45) / height,
                          hspace=0.7 * len(rows) / sum(rows)))
    axes = [fig.add_subplot(grid[0])]
    axes += [fig.add_subplot(grid[i], sharex=axes[0]) for i in range(1, len(heights))]
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    if words:
        axes.append(fig.add_subplot(grid[-1]))
    return fig, axes


def season_span(frames: LogFrames) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The weeks the log covers, Monday of the first to the Monday after the last (None when
    empty): every time axis of a chart spans exactly these, so panels line up."""
    stamps = [pd.to_datetime(f["when"]) for f in (frames.sets, frames.tests, frames.runs, frames.pain) if len(f)]
    if not stamps:
        return None
    when = pd.concat(stamps)
    first = week_start(pd.Series([when.min()])).iloc[0]
    last = week_start(pd.Series([when.max()])).iloc[0]
    return first, last + pd.Timedelta(days=7)


def time_axis(ax: Axes, span: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    """Dates on ``ax``'s x axis from ``span``'s start to its end, and no further."""
    ax.set_xlim(mdates.date2num(span[0]), mdates.date2num(span[1]))
    days = (span[1] - span[0]).days
    locator: mdates.DateLocator = (mdates.DayLocator(interval=1) if days <= 7
                                   else mdates.AutoDateLocator(minticks=3, maxticks=9))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def no_data(ax: Axes, title: str, why: str) -> None:
    """Say on ``ax`` that there is not enough data yet, and what is missing (the x axis is left
    alone: it may be shared with panels that have data)."""
    ax.set_title(plain(title), loc="left")
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.text(0.5, 0.5, f"{NO_DATA}: {plain(textwrap.fill(why, 70))}", transform=ax.transAxes, ha="center",
            va="center", color="#444444", gid="no-data")


def legend_outside(ax: Axes, handles: list[Any] | None = None) -> None:
    """The legend to the right of the panel, where it never covers data or a note."""
    if handles is None:
        handles = [h for h in ax.get_legend_handles_labels()[0]]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                  frameon=False)


def broken_line(dates: pd.Series, values: pd.Series, gap_days: int) -> tuple[np.ndarray, np.ndarray]:
    """x (as date numbers) and y of a line that breaks (NaN) where consecutive dates are more than
    ``gap_days`` apart, instead of drawing straight across a gap with no entries."""
    x = mdates.date2num(pd.DatetimeIndex(dates))
    y = np.asarray(values, dtype=float)
    gaps = np.flatnonzero(np.diff(x) > gap_days)
    return np.insert(x, gaps + 1, x[gaps] + 1), np.insert(y, gaps + 1, np.nan)


def day_bars(ax: Axes, centre: Any, height: Any, width: float, bottom: float = 0, **style: Any) -> PolyCollection:
    """Bars centred on dates, ``width`` days wide, as one artist (a season of bars draws and
    writes as SVG many times faster than a patch each); ``style``: PolyCollection's."""
    x = mdates.date2num(pd.DatetimeIndex(centre))
    top = bottom + np.asarray(height, dtype=float)
    left, right, low = x - width / 2, x + width / 2, np.full_like(x, bottom)
    verts = np.stack([np.column_stack(c) for c in ((left, low), (left, top), (right, top), (right, low))], axis=1)
    bars = PolyCollection(list(verts), **style)
    ax.add_collection(bars, autolim=True)
    ax.autoscale_view()
    return bars
