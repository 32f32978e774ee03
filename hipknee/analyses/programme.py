"""The hip programme as done: how many hip sessions a runner did each week.

A session is a training day with at least one strength set (two sets on one day are one session).
Weeks start on Monday. The planned range (2-4 a week) is in :mod:`.thresholds`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .measures import categorical, distinct_keys, week_start

__all__ = ["hip_sessions"]


def hip_sessions(sets: pd.DataFrame) -> pd.DataFrame:
    """Hip sessions per athlete and week (only weeks with one): ``athlete``, ``week`` (Monday),
    ``sessions`` (distinct days with a set)."""
    if sets.empty:
        return pd.DataFrame({"athlete": pd.Series(dtype=object), "week": pd.Series(dtype="datetime64[ns]"),
                             "sessions": pd.Series(dtype="int64")})
    athlete = categorical(sets["athlete"])
    day = pd.to_datetime(sets["when"]).to_numpy().astype("datetime64[D]")
    codes, ticks = np.asarray(athlete.codes, dtype="int64"), day.view("int64")
    keep = (codes >= 0) & ~np.isnat(day)  # rows the groupby below would drop anyway
    if keep.any():
        # The distinct (athlete, day) pairs as distinct values of one int64 key: one mark per
        # runner and day, not a hash of two columns.
        low = ticks[keep].min()
        span = ticks[keep].max() - low + 1
        key = distinct_keys(codes[keep] * span + (ticks[keep] - low))
        days = pd.DataFrame({"athlete": pd.Categorical.from_codes(key // span, dtype=athlete.dtype),
                             "day": (key % span + low).astype("datetime64[D]")})
    else:
        days = pd.DataFrame({"athlete": athlete, "day": day}).drop_duplicates()
    days["week"] = week_start(days["day"])
    out = days.groupby(["athlete", "week"], sort=True, observed=True).size().rename("sessions").reset_index()
    out["athlete"] = out["athlete"].astype(object)
    return out
