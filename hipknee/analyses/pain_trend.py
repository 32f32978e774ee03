"""Knee pain over the season: daily values, a rolling mean, and start-vs-latest against the MCID.

Pain is the 0-10 NRS per knee (``left``/``right``) and context (rest, during, after,
next_morning). The minimal clinically important difference (MCID) is about 2 points or 30 %
(see :mod:`hipknee.thresholds`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.indexers import BaseIndexer

from . import thresholds as T
from .measures import group_means, labelled, pair_ranks, sorted_key, week_start

__all__ = ["VERDICTS", "daily_pain", "pain_change", "weekly_pain"]

VERDICTS = ("better", "worse", "no clear change", "not enough data")
_KEYS = ["athlete", "knee", "context"]


def daily_pain(pain: pd.DataFrame, *, by_context: bool = True) -> pd.DataFrame:
    """Daily mean NRS per athlete, knee and context (``context='any'`` when ``by_context`` is
    False: every context that day pooled), with ``rolling_7d``: the mean of the daily values of
    the last :data:`~hipknee.thresholds.ROLLING_DAYS` calendar days (days without a log skipped)."""
    cols = _KEYS + ["date", "nrs", "entries", "rolling_7d"]
    if pain.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        frame["date"] = pd.Series(dtype="datetime64[ns]")
        return frame.astype({"nrs": float, "rolling_7d": float, "entries": "int64"})
    daily, names = _daily_means(pain, _KEYS if by_context else ["athlete", "knee"])
    if daily.empty:
        return daily_pain(pain.iloc[:0])
    log = daily.pop("key").to_numpy()
    daily["rolling_7d"] = daily["nrs"].rolling(_DaysBack(log, daily["date"].to_numpy(), T.ROLLING_DAYS),
                                               min_periods=1).mean()
    for column in _KEYS:
        daily[column] = labelled(log, list(names[column])) if column in names else "any"
    return daily[cols]


def _daily_means(pain: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mean NRS and the entries of each knee log (one ``key`` per distinct values of ``keys``,
    see :func:`~.measures.sorted_key`) and ``date`` (midnight), sorted by key, then date; and the
    names behind each key. Entries without a key or a time are left out, as a groupby leaves them."""
    key, names = sorted_key(pain, keys)
    date = pd.to_datetime(pain["when"]).dt.normalize().to_numpy()
    keep = (key >= 0) & ~pd.isna(date)
    if not keep.any():
        return pd.DataFrame({"key": [], "date": date[:0], "nrs": [], "entries": []}), names
    # Each log's days, sorted by log, then day.
    rank, log, on = pair_ranks(key[keep], date.astype("datetime64[D]").view("int64")[keep])
    return pd.DataFrame({
        "key": log,
        "date": on.astype("datetime64[D]").astype(date.dtype),
        "nrs": group_means(pain["nrs"].astype(float).to_numpy()[keep], rank, len(log)),
        "entries": np.bincount(rank, minlength=len(log)),
    }), names


class _DaysBack(BaseIndexer):
    """Per row of a log's days (sorted by ``log`` key, then ``date``; one row a day), the window of
    its own log's days in the last ``days`` calendar days: what a time window ("7D") over each log
    apart gives, in one rolling pass (a window never reaches into another log, so each log's first
    day starts a fresh mean, as it would alone)."""

    def __init__(self, log: np.ndarray, date: np.ndarray, days: int) -> None:
        day = date.astype("datetime64[D]").view("int64")
        span = int(day.max() - day.min()) + days + 1 if len(day) else 1
        # One number per row, the logs far enough apart that no window of days spans two.
        at = log * span + (day - (day.min() if len(day) else 0))
        super().__init__(start=np.searchsorted(at, at - days + 1), end=np.arange(1, len(at) + 1))

    def get_window_bounds(self, num_values: int = 0, min_periods: int | None = None, center: bool | None = None,
                          closed: str | None = None, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.start.astype("int64"), self.end.astype("int64")


def pain_change(pain: pd.DataFrame) -> pd.DataFrame:
    """Start of season vs latest, per athlete, knee and context.

    ``start_mean`` is the mean daily NRS over the first :data:`~hipknee.thresholds.PAIN_WINDOW_DAYS`
    days of that knee-and-context log, ``latest_mean`` over its last ones; ``change`` is latest -
    start (negative = less pain) and ``change_pct`` relative to the start. The ``verdict`` is
    'better' or 'worse' when the change reaches the MCID (2 points, or 30 % with at least 1 point),
    'no clear change' otherwise, and 'not enough data' when either window has fewer than
    :data:`~hipknee.thresholds.PAIN_WINDOW_MIN_DAYS` days or the two windows overlap.
    """
    cols = _KEYS + ["start", "end", "start_days", "latest_days", "start_mean", "latest_mean",
                    "change", "change_pct", "verdict"]
    if pain.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    # Group on one int64 key per knee log (athlete, knee, context ranked as sorted strings, so the
    # key's order is the order a groupby on the names gives), not on three string columns.
    daily, names = _daily_means(pain, _KEYS)
    if daily.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    g = daily.groupby("key", sort=True)["date"]
    first = g.transform("min")
    last = g.transform("max")
    window = pd.Timedelta(days=T.PAIN_WINDOW_DAYS)
    in_start = daily["date"] < first + window
    in_latest = daily["date"] > last - window
    start = daily[in_start].groupby("key", sort=True)["nrs"].agg(start_mean="mean", start_days="size")
    latest = daily[in_latest].groupby("key", sort=True)["nrs"].agg(latest_mean="mean", latest_days="size")
    span = g.agg(start="min", end="max")
    out = span.join(start).join(latest)
    logs = names.loc[out.index]
    out = pd.concat([logs.reset_index(drop=True), out.reset_index(drop=True)], axis=1)
    out["change"] = out["latest_mean"] - out["start_mean"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(out["start_mean"] > 0, out["change"] / out["start_mean"] * 100.0, np.nan)
    out["verdict"] = mcid_verdict(out["change"], out["change_pct"])
    enough = ((out["start_days"] >= T.PAIN_WINDOW_MIN_DAYS) & (out["latest_days"] >= T.PAIN_WINDOW_MIN_DAYS)
              & (out["end"] - out["start"] >= 2 * window - pd.Timedelta(days=1)))
    out.loc[~enough, "verdict"] = "not enough data"
    return out[cols]


def mcid_verdict(change: pd.Series, change_pct: pd.Series) -> np.ndarray:
    """'better' / 'worse' / 'no clear change' for pain changes (points, %) against the MCID."""
    change = np.asarray(change, dtype=float)
    pct = np.nan_to_num(np.asarray(change_pct, dtype=float), nan=0.0)
    big = np.abs(change) >= T.MCID_MIN_POINTS
    down = (change <= -T.MCID_POINTS) | ((pct <= -T.MCID_PCT) & big)
    up = (change >= T.MCID_POINTS) | ((pct >= T.MCID_PCT) & big)
    return np.select([down, up], ["better", "worse"], default="no clear change")


def weekly_pain(pain: pd.DataFrame) -> pd.DataFrame:
    """Mean NRS (0-10) per athlete, knee and week (Monday), every context of the week pooled."""
    if pain.empty:
        return pd.DataFrame({"athlete": pd.Series(dtype=object), "knee": pd.Series(dtype=object),
                             "week": pd.Series(dtype="datetime64[ns]"), "nrs": pd.Series(dtype=float)})
    frame = pd.DataFrame({"athlete": pain["athlete"].astype(object).to_numpy(),
                          "knee": pain["knee"].astype(object).to_numpy(),
                          "week": week_start(pain["when"]).to_numpy(),
                          "nrs": pain["nrs"].astype(float).to_numpy()})
    return frame.groupby(["athlete", "knee", "week"], sort=True)["nrs"].mean().reset_index()
