"""Running load: weekly distance, time and session-RPE load, distance jumps, and the ACWR.

Session load = session RPE (0-10, CR-10) x duration (min), in arbitrary units (AU, Foster). The
acute:chronic workload ratio (ACWR) is the last 7 days' load over the average weekly load of the
last 28 days; 0.8-1.3 is the comfortable band, above 1.5 a spike (see :mod:`hipknee.thresholds`).
Weeks start on Monday; weeks and days without a run count as 0, not as missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api.indexers import BaseIndexer

from . import thresholds as T
from .measures import group_sums, labelled, pair_ranks, same_as_before, sorted_key, week_start

__all__ = ["ZONES", "acwr", "acwr_zone", "weekly_load"]

#: ACWR zones, from low to high.
ZONES = ("low", "comfortable", "high", "spike")
_LOADS = {"srpe": "srpe_load", "km": "km", "minutes": "minutes"}


def _run_loads(runs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each run's ``km``, ``minutes`` and session load (``srpe_load``, RPE x min, AU)."""
    minutes = pd.to_numeric(runs["duration_min"], errors="coerce").astype(float).to_numpy()
    rpe = (pd.to_numeric(runs["rpe"], errors="coerce").astype(float).to_numpy()
           if "rpe" in runs else np.full(len(runs), np.nan))
    return {
        "km": pd.to_numeric(runs["distance_km"], errors="coerce").astype(float).to_numpy(),
        "minutes": minutes,
        # A run without an RPE adds no session load (its km and minutes still count).
        "srpe_load": np.nan_to_num(rpe * minutes, nan=0.0),
    }


def _spans(runner: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each runner's first and last step (day or week number), from her (``runner``, ``on``) pairs
    sorted by runner, then step: the runners, their first steps, their last steps."""
    starts = np.flatnonzero(~same_as_before(runner))
    return runner[starts], on[starts], on[np.r_[starts[1:], len(runner)] - 1]


def _calendar(who: np.ndarray, low: np.ndarray, high: np.ndarray, runner: np.ndarray,
              on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every step from ``low`` to ``high`` of each runner ``who``, as rows (their runner, their step);
    the row of each (``runner``, ``on``) pair among them; and each runner's first row."""
    counts = high - low + 1
    offset = np.cumsum(counts) - counts
    grid_runner = np.repeat(who, counts)
    grid_step = np.repeat(low, counts) + np.arange(counts.sum()) - np.repeat(offset, counts)
    mine = np.searchsorted(who, runner)
    return grid_runner, grid_step, offset[mine] + on - low[mine], offset


def weekly_load(runs: pd.DataFrame) -> pd.DataFrame:
    """Per athlete and week (Monday), every week from the first run to the last: ``km``,
    ``minutes``, ``srpe_load`` (AU), ``runs``, ``km_change_pct`` (on the week before; NaN after a
    week of 0 km) and ``jump`` (a rise above :data:`~hipknee.thresholds.DISTANCE_JUMP_PCT` %)."""
    cols = ["athlete", "week", "km", "minutes", "srpe_load", "runs", "km_change_pct", "jump"]
    if runs.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        frame["athlete"] = pd.Series(dtype=object)
        frame["week"] = pd.Series(dtype="datetime64[ns]")
        return frame.astype({"runs": "int64", "jump": bool})
    # Each runner's weekly sums on one int64 key (runner ranked by name, week), set straight into
    # her calendar of weeks: no text keys grouped or merged.
    key, names = sorted_key(runs, ["athlete"])
    monday = week_start(runs["when"]).to_numpy()
    week = monday.astype("datetime64[D]").view("int64")
    keep = (key >= 0) & ~np.isnat(monday)
    if not keep.any():
        return weekly_load(runs.iloc[:0])
    first = week[keep].min()
    rank, runner, on = pair_ranks(key[keep], (week[keep] - first) // 7)
    loads = _run_loads(runs)
    sums = {name: group_sums(loads[name][keep], rank, len(runner)) for name in ("km", "minutes", "srpe_load")}
    sums["runs"] = np.bincount(rank, minlength=len(runner))
    grid_runner, grid_week, at, offset = _calendar(*_spans(runner, on), runner, on)
    out = pd.DataFrame({"athlete": labelled(grid_runner, list(names["athlete"])),
                        "week": (first + 7 * grid_week).astype("datetime64[D]").astype("datetime64[ns]")})
    for name in ("km", "minutes", "srpe_load", "runs"):
        column = np.zeros(len(out), dtype=sums[name].dtype)
        column[at] = sums[name]
        out[name] = column
    out["runs"] = out["runs"].astype("int64")
    before = np.r_[np.nan, out["km"].to_numpy()[:-1]]
    before[offset] = np.nan  # each runner's first week has no week before
    with np.errstate(divide="ignore", invalid="ignore"):
        out["km_change_pct"] = np.where(before > 0, (out["km"] - before) / before * 100.0, np.nan)
    out["jump"] = out["km_change_pct"] > T.DISTANCE_JUMP_PCT
    return out[cols]


def acwr(runs: pd.DataFrame, *, load: str = "srpe", until: Any = None) -> pd.DataFrame:
    """Daily acute:chronic workload ratio per athlete, every day from the first run to the last
    (or to ``until``: a date for everyone, or a Series of dates indexed by athlete, so that days
    without running after the last run lower the ratio as they should).

    ``load`` is 'srpe' (RPE x min, AU; the default), 'km' or 'minutes'. ``acute`` = load of the
    last 7 days, ``chronic`` = load of the last 28 days / 4 (weekly average); ``ratio`` is NaN
    until 28 days of history exist or when ``chronic`` is 0; ``zone`` is one of :data:`ZONES`.
    """
    cols = ["athlete", "date", "load", "acute", "chronic", "ratio", "zone"]
    if load not in _LOADS:
        from ..errors import ValidationError

        raise ValidationError("load", load, "one of " + ", ".join(_LOADS))
    if runs.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        frame[["athlete", "zone"]] = frame[["athlete", "zone"]].astype(object)
        frame["date"] = pd.Series(dtype="datetime64[ns]")
        return frame
    # The day's load per runner and day as ranks of one int64 key (runner ranked by name, day), set
    # straight into each runner's calendar of days: no text keys grouped or merged.
    key, names = sorted_key(runs, ["athlete"])
    date = pd.to_datetime(runs["when"]).dt.normalize().to_numpy()
    day = date.astype("datetime64[D]").view("int64")
    keep = (key >= 0) & ~np.isnat(date)
    if not keep.any():
        return acwr(runs.iloc[:0], load=load)
    rank, runner, on = pair_ranks(key[keep], day[keep])
    daily = group_sums(_run_loads(runs)[_LOADS[load]][keep], rank, len(runner))
    who, low, high = _spans(runner, on)
    if until is not None:
        index = pd.Index(names["athlete"].to_numpy(dtype=object)[who])
        end = (pd.Series(until).reindex(index) if isinstance(until, (pd.Series, dict))
               else pd.Series(pd.Timestamp(until), index=index))
        end = pd.to_datetime(end).dt.normalize().to_numpy().astype("datetime64[D]")
        high = np.maximum(high, np.where(np.isnat(end), high, end.view("int64")))
    grid_runner, grid_day, at, _ = _calendar(who, low, high, runner, on)
    load_of_day = np.zeros(len(grid_day))
    load_of_day[at] = daily
    out = pd.DataFrame({"athlete": labelled(grid_runner, list(names["athlete"])),
                        "date": grid_day.astype("datetime64[D]").astype(date.dtype), "load": load_of_day})
    # Rows are one per calendar day, so a count-based window is a day window.
    out["acute"] = _rolling_sum(out["load"], grid_runner, T.ACUTE_DAYS)
    chronic_sum = _rolling_sum(out["load"], grid_runner, T.CHRONIC_DAYS)
    out["chronic"] = chronic_sum / (T.CHRONIC_DAYS / 7)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(out["chronic"] > 0, out["acute"] / out["chronic"], np.nan)
    out["zone"] = acwr_zone(out["ratio"])
    out["date"] = pd.to_datetime(out["date"])
    return out[cols]


class _WithinRuns(BaseIndexer):
    """Trailing windows of ``window_size`` rows that never reach back before ``run_start``."""

    def get_window_bounds(self, num_values: int = 0, min_periods: int | None = None, center: bool | None = None,
                          closed: str | None = None, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        end = np.arange(1, num_values + 1, dtype="int64")
        return np.maximum(end - self.window_size, self.run_start), end


def _rolling_sum(values: pd.Series, athlete: pd.Series | np.ndarray, days: int) -> pd.Series:
    """Per athlete, the sum of the last ``days`` rows (NaN until there are that many), in one
    rolling pass: each athlete's first row starts a fresh sum, so the figures are exactly those
    of a separate rolling sum per athlete."""
    key = np.asarray(athlete)
    run_start = np.maximum.accumulate(np.where(same_as_before(key), 0, np.arange(len(key))))
    indexer = _WithinRuns(window_size=days, run_start=run_start)
    return values.rolling(indexer, min_periods=days).sum()


def acwr_zone(ratio: pd.Series | np.ndarray) -> np.ndarray:
    """'low' below 0.8, 'comfortable' up to 1.3, 'high' up to 1.5, 'spike' above; None for NaN."""
    r = np.asarray(ratio, dtype=float)
    pick = np.full(r.shape, len(ZONES))  # NaN fails every comparison: the None at the end
    # From the highest zone down, so that the lower bound of a ratio wins.
    pick[r > T.ACWR_SPIKE] = 3
    pick[r <= T.ACWR_SPIKE] = 2
    pick[r <= T.ACWR_HIGH] = 1
    pick[r < T.ACWR_LOW] = 0
    return np.array([*ZONES, None], dtype=object)[pick]
