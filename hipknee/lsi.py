"""Limb symmetry index (LSI) per week, per exercise or strength test.

LSI (%) = weaker side / stronger side x 100, or involved / uninvolved x 100 when the athlete's
painful (``involved_side``) is known. Only like-for-like work is compared: the same exercise and
metric (reps; time s; hold s x reps; load kg x reps when loaded) or the same test and unit, in the
same week (weeks start on Monday). The raw value of each side is kept; a week without both sides
has no LSI (the row is absent), never 0. ``kind`` says where a row comes from: 'exercise' or 'test'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .measures import categorical, set_amount, week_start

__all__ = ["LSI_COLUMNS", "lsi_from_sides", "weekly_lsi", "weekly_test_lsi"]

LSI_COLUMNS = ["athlete", "item", "metric", "week", "left", "right", "weaker_side",
               "involved_side", "lsi_pct", "reference", "kind"]


def weekly_lsi(sets: pd.DataFrame, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly LSI per athlete and exercise from strength sets.

    ``left``/``right`` are the mean amount per set of that side in the week (so an extra set on one
    side does not tilt the ratio). Two-sided (``both``) sets are ignored.
    """
    if sets.empty:
        return _empty()
    sided = sets[sets["side"].isin(["left", "right"])]
    amount = set_amount(sided)
    # Categorical keys (as the store returns them) keep grouping fast on millions of sets.
    frame = pd.DataFrame({
        "athlete": categorical(sided["athlete"]),
        "item": categorical(sided["exercise"]),
        "metric": amount["metric"].to_numpy(),
        "week": week_start(sided["when"]).to_numpy(),
        "side": categorical(sided["side"]),
        "value": amount["amount"].to_numpy(),
    }).dropna(subset=["value"])
    per_side = frame.groupby(["athlete", "item", "metric", "week", "side"], sort=True, observed=True)["value"].mean()
    return lsi_from_sides(per_side, athletes).assign(kind="exercise")


def weekly_test_lsi(tests: pd.DataFrame, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly LSI per athlete and strength test; each side's value is its best result that week
    (e.g. hip-abduction dynamometry in N); ``metric`` is the test's unit."""
    if tests.empty:
        return _empty()
    frame = pd.DataFrame({
        "athlete": tests["athlete"].astype(object).to_numpy(),
        "item": tests["test"].astype(object).to_numpy(),
        "metric": tests["unit"].astype(object).to_numpy(),
        "week": week_start(tests["when"]).to_numpy(),
        "side": tests["side"].astype(object).to_numpy(),
        "value": pd.to_numeric(tests["value"], errors="coerce").to_numpy(),
    }).dropna(subset=["value"])
    per_side = frame.groupby(["athlete", "item", "metric", "week", "side"], sort=True, observed=True)["value"].max()
    return lsi_from_sides(per_side, athletes).assign(kind="test")


def lsi_from_sides(per_side: pd.Series, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """LSI rows from a Series of side values indexed by (athlete, item, metric, week, side).

    Rows lacking either side are dropped. With ``athletes`` (columns ``name``, ``involved_side``)
    the involved side is the reference; otherwise the weaker side. A stronger side of 0 gives NaN.
    """
    if per_side.empty:
        return _empty()
    wide = per_side.unstack("side")
    for side in ("left", "right"):
        if side not in wide:
            wide[side] = np.nan
    wide = wide[["left", "right"]].dropna().reset_index()
    wide.columns = [str(c) for c in wide.columns]
    for col in ("athlete", "item", "metric"):
        wide[col] = wide[col].astype(object)
    if wide.empty:
        return _empty()
    left = wide["left"].to_numpy(dtype=float)
    right = wide["right"].to_numpy(dtype=float)
    wide["weaker_side"] = np.where(left < right, "left", np.where(right < left, "right", "equal"))
    weaker = np.minimum(left, right)
    stronger = np.maximum(left, right)
    with np.errstate(divide="ignore", invalid="ignore"):
        sym = np.where(stronger > 0, weaker / stronger * 100.0, np.nan)
    involved = _involved(wide["athlete"], athletes)
    wide["involved_side"] = involved
    known = involved.isin(["left", "right"]).to_numpy()
    inv = np.where(involved.to_numpy() == "left", left, right)
    uninv = np.where(involved.to_numpy() == "left", right, left)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_involved = np.where(uninv > 0, inv / uninv * 100.0, np.nan)
    wide["lsi_pct"] = np.where(known, by_involved, sym)
    wide["reference"] = np.where(known, "involved/uninvolved", "weaker/stronger")
    wide["week"] = pd.to_datetime(wide["week"])
    wide["kind"] = None
    return wide[LSI_COLUMNS].reset_index(drop=True)


def _involved(athlete: pd.Series, athletes: pd.DataFrame | None) -> pd.Series:
    if athletes is None or athletes.empty or "involved_side" not in athletes:
        return pd.Series([None] * len(athlete), index=athlete.index, dtype=object)
    lookup = dict(zip(athletes["name"].astype(object), athletes["involved_side"].astype(object)))
    return athlete.map(lookup).astype(object).where(lambda s: s.isin(["left", "right"]), None)


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LSI_COLUMNS})
    frame["week"] = pd.Series(dtype="datetime64[ns]")
    for col in ("left", "right", "lsi_pct"):
        frame[col] = pd.Series(dtype=float)
    return frame
