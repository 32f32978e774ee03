"""How one strength set is measured, and which training week a moment belongs to.

A set's amount depends on the exercise's measure: ``reps`` (load_kg x reps when loaded), ``time``
(duration_s) or ``hold`` (hold_s x reps). Two sets are only comparable (like-for-like) when they
share the exercise and the metric. Weeks start on Monday.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["METRICS", "set_amount", "week_start"]

#: Metric labels, with their unit, as they appear in analysis output and on chart axes.
METRICS: dict[str, str] = {
    "reps": "reps",
    "load": "load x reps (kg)",
    "time": "time (s)",
    "hold": "hold x reps (s)",
}


def week_start(when: pd.Series) -> pd.Series:
    """The Monday (midnight) of each moment's week."""
    when = pd.to_datetime(when)
    day = when.dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def set_amount(sets: pd.DataFrame) -> pd.DataFrame:
    """Per set: ``amount`` and its ``metric`` (one of :data:`METRICS`' values).

    reps -> reps, or load_kg x reps when a load above 0 kg is given; time -> duration_s (s);
    hold -> hold_s x reps (s, reps missing counts as one hold). Sets without the needed value get
    NaN, never 0.
    """
    measure = sets["measure"].astype(object).to_numpy()
    reps = pd.to_numeric(sets["reps"], errors="coerce").astype("float64").to_numpy()
    duration = pd.to_numeric(sets["duration_s"], errors="coerce").astype("float64").to_numpy()
    hold = pd.to_numeric(sets["hold_s"], errors="coerce").astype("float64").to_numpy()
    load = (pd.to_numeric(sets["load_kg"], errors="coerce").astype("float64").to_numpy()
            if "load_kg" in sets else np.full(len(sets), np.nan))
    loaded = np.nan_to_num(load, nan=0.0) > 0
    is_reps = measure == "reps"
    is_time = measure == "time"
    is_hold = measure == "hold"
    amount = np.select(
        [is_reps & loaded, is_reps, is_time, is_hold],
        [load * reps, reps, duration, hold * np.where(np.isnan(reps), 1.0, reps)],
        default=np.nan,
    )
    metric = np.select(
        [is_reps & loaded, is_reps, is_time, is_hold],
        [METRICS["load"], METRICS["reps"], METRICS["time"], METRICS["hold"]],
        default="",
    )
    return pd.DataFrame({"amount": amount, "metric": metric}, index=sets.index)
