"""Strength progress per side: each week's best set and total volume, per exercise.

Amounts follow :func:`hipknee.measures.set_amount` (reps; load kg x reps when loaded; time s;
hold s x reps). Sides are ``left``, ``right`` or ``both`` (two-sided exercises). Weeks start on Monday.
"""

from __future__ import annotations

import pandas as pd

from .measures import categorical, group_sums, set_amount, week_start

__all__ = ["weekly_strength"]

_COLUMNS = ["athlete", "item", "side", "metric", "week", "best", "volume", "sets"]


def weekly_strength(sets: pd.DataFrame) -> pd.DataFrame:
    """Per athlete, exercise (``item``), side, metric and week: ``best`` (largest single set),
    ``volume`` (sum over sets) and the number of ``sets``, in the metric's unit."""
    if sets.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
        frame["week"] = pd.Series(dtype="datetime64[ns]")
        return frame.astype({"best": float, "volume": float, "sets": "int64"})
    amount = set_amount(sets)
    frame = pd.DataFrame({
        "athlete": categorical(sets["athlete"]),
        "item": categorical(sets["exercise"]),
        "side": categorical(sets["side"]),
        "metric": amount["metric"].to_numpy(),
        "week": week_start(sets["when"]).to_numpy(),
        "value": amount["amount"].to_numpy(),
    }).dropna()  # a set without an amount, or a key (as groupby leaves out a missing key's rows)
    by = frame.groupby(["athlete", "item", "side", "metric", "week"], sort=True, observed=True)["value"]
    out = by.agg(best="max", sets="size").reset_index()
    # Summed in row order, so a runner's volume is the same in her squad's frame as in her own.
    out["volume"] = group_sums(frame["value"].to_numpy(), by.ngroup().to_numpy(), len(out))
    for col in ("athlete", "item", "side", "metric"):
        out[col] = out[col].astype(object)
    return out[_COLUMNS]
