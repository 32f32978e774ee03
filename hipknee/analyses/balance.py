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

from ..frames import LogFrames, involved_sides
from .measures import (
    NO_WEEK,
    categorical,
    dense_ranks,
    group_codes,
    group_means,
    labelled,
    set_amount,
    week_monday,
    week_numbers,
    week_start,
)

__all__ = [
    "LSI_COLUMNS",
    "headline_lsi_item",
    "lsi_choice",
    "lsi_from_sides",
    "season_lsi",
    "weekly_lsi",
    "weekly_test_lsi",
]

LSI_COLUMNS = ["athlete", "item", "metric", "week", "left", "right", "weaker_side",
               "involved_side", "lsi_pct", "reference", "kind"]


def weekly_lsi(sets: pd.DataFrame, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly LSI per athlete and exercise from strength sets.

    ``left``/``right`` are the mean amount per set of that side in the week (so an extra set on one
    side does not tilt the ratio). Two-sided (``both``) sets are ignored.
    """
    if sets.empty:
        return _empty()
    amount = set_amount(sets)
    athlete = categorical(sets["athlete"])
    item = categorical(sets["exercise"])
    metric = amount["metric"].array
    is_right = (sets["side"] == "right").to_numpy(dtype=bool)
    week = week_numbers(sets["when"])
    value = amount["amount"].to_numpy()
    keep = (((sets["side"] == "left").to_numpy(dtype=bool) | is_right) & ~np.isnan(value)
            & (athlete.codes >= 0) & (item.codes >= 0) & (week != NO_WEEK))
    if not keep.any():
        return _empty().assign(kind="exercise")
    # One int64 key in (athlete, item, metric, week, side) order: a single-key groupby is far
    # quicker on millions of sets than five keys, and its mean is the same to the last bit. Made
    # for every row and then cut to the rows kept, which costs one cut instead of one per column
    # (the rows left out get keys of no meaning).
    first_week = week[keep].min()
    sizes = [len(athlete.categories), len(item.categories), len(metric.categories),
             int(week[keep].max() - first_week) + 1, 2]
    key = athlete.codes.astype("int64")
    for size, code in zip(sizes[1:], [item.codes, metric.codes, week - first_week, is_right]):
        key *= size
        key += code
    rank, key = dense_ranks(key[keep])
    mean = group_means(value[keep], rank, len(key))
    # Sorted keys put a week's left value right before its right value.
    pair = np.flatnonzero((key[:-1] // 2 == key[1:] // 2) & ~np.isnan(mean[:-1]) & ~np.isnan(mean[1:]))
    rest = key[pair] // 2
    rest, week_of = np.divmod(rest, sizes[3])
    rest, metric_of = np.divmod(rest, sizes[2])
    athlete_of, item_of = np.divmod(rest, sizes[1])
    wide = pd.DataFrame({
        "athlete": pd.Series(np.asarray(athlete.categories, dtype=object)[athlete_of], dtype=object),
        "item": pd.Series(np.asarray(item.categories, dtype=object)[item_of], dtype=object),
        "metric": pd.Series(np.asarray(metric.categories, dtype=object)[metric_of], dtype=object),
        "week": week_monday(first_week + week_of),
        "left": mean[pair],
        "right": mean[pair + 1],
    })
    return _lsi_rows(wide, athletes).assign(kind="exercise")


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
    return _lsi_rows(wide, athletes)


def _lsi_rows(wide: pd.DataFrame, athletes: pd.DataFrame | None) -> pd.DataFrame:
    """LSI rows from one row per pair: athlete, item, metric (object), week, left, right."""
    if wide.empty:
        return _empty()
    left = wide["left"].to_numpy(dtype=float)
    right = wide["right"].to_numpy(dtype=float)
    # Texts taken by code from a few labels: pandas' text columns cost far more built value by value.
    wide["weaker_side"] = labelled(np.where(left < right, 0, np.where(right < left, 1, 2)),
                                   ["left", "right", "equal"])
    weaker = np.minimum(left, right)
    stronger = np.maximum(left, right)
    with np.errstate(divide="ignore", invalid="ignore"):
        sym = np.where(stronger > 0, weaker / stronger * 100.0, np.nan)
    involved = _involved(wide["athlete"], athletes)
    wide["involved_side"] = pd.Series(_SIDE_OR_NONE[involved], index=wide.index, dtype=object)
    known = involved >= 0
    on_left = involved == 0
    inv = np.where(on_left, left, right)
    uninv = np.where(on_left, right, left)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_involved = np.where(uninv > 0, inv / uninv * 100.0, np.nan)
    wide["lsi_pct"] = np.where(known, by_involved, sym)
    wide["reference"] = labelled(np.where(known, 0, 1), ["involved/uninvolved", "weaker/stronger"])
    wide["week"] = pd.to_datetime(wide["week"])
    wide["kind"] = None
    return wide[LSI_COLUMNS].reset_index(drop=True)


def season_lsi(frames: LogFrames) -> pd.DataFrame:
    """Weekly LSI of every exercise and strength test of a log, tests first."""
    return pd.concat([weekly_test_lsi(frames.tests, frames.athletes),
                      weekly_lsi(frames.sets, frames.athletes)], ignore_index=True)


def headline_lsi_item(lsi: pd.DataFrame) -> pd.DataFrame:
    """Per athlete, the (item, metric) the headline LSI comes from: a strength test with at least
    two weeks, else the exercise (and metric) with the most weeks that is not always 100 %."""
    if lsi.empty:
        return pd.DataFrame(columns=["athlete", "item", "metric"])
    # Grouped by (athlete, item, metric) as one int64 key, the groups in the order they first
    # appear (as a groupby with sort=False numbers them: ties in score go to the first seen).
    keys = ["athlete", "item", "metric"]
    key = np.zeros(len(lsi), dtype="int64")
    known = np.ones(len(lsi), dtype=bool)
    for column in keys:
        codes, uniques = pd.factorize(lsi[column])
        key = key * max(len(uniques), 1) + codes
        known &= codes >= 0
    if not known.any():
        return headline_lsi_item(lsi.iloc[:0])
    group, _ = pd.factorize(key[known])
    rows = np.flatnonzero(known)
    groups = int(group.max()) + 1
    by = pd.Series(lsi["lsi_pct"].to_numpy(dtype=float)[rows], copy=False).groupby(group_codes(group, groups),
                                                                                   observed=False)
    first = np.full(groups, len(rows))
    np.minimum.at(first, group, np.arange(len(rows)))
    stats = pd.DataFrame({column: lsi[column].to_numpy(dtype=object)[rows[first]] for column in keys})
    stats["weeks"] = by.count().to_numpy()
    stats["spread"] = by.max().to_numpy() - by.min().to_numpy()
    tested = set(lsi.loc[lsi["kind"] == "test", "item"]) if "kind" in lsi else set()
    stats["is_test"] = stats["item"].isin(tested)
    stats["score"] = (stats["is_test"] & (stats["weeks"] >= 2)).astype(int) * 10_000 \
        + (stats["spread"] > 0).astype(int) * 1_000 + stats["weeks"]
    best = stats.sort_values(["athlete", "score"], ascending=[True, False], kind="stable")
    return best.drop_duplicates("athlete")[["athlete", "item", "metric"]].reset_index(drop=True)


def lsi_choice(lsi: pd.DataFrame, item: str | None = None) -> pd.DataFrame:
    """Per athlete, the (item, metric) an LSI verdict and chart use: the headline one
    (:func:`headline_lsi_item`), or ``item``'s metric with the most weeks."""
    if lsi.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("athlete", "item", "metric")})
    lsi = lsi.assign(athlete=lsi["athlete"].astype(object))
    if item is None:
        pick = headline_lsi_item(lsi)
        return pick.assign(athlete=pick["athlete"].astype(object))
    counts = (lsi[lsi["item"] == item].groupby(["athlete", "metric"], sort=True)["lsi_pct"].count()
              .rename("weeks").reset_index())
    pick = counts.sort_values(["athlete", "weeks"], kind="stable").groupby("athlete", sort=False).tail(1)
    return pick.assign(item=item)[["athlete", "item", "metric"]].reset_index(drop=True)


#: A side by its code in :func:`_involved`: -1 (not known) picks None.
_SIDE_OR_NONE = np.array(["left", "right", None], dtype=object)


def _involved(athlete: pd.Series, athletes: pd.DataFrame | None) -> np.ndarray:
    """Each row's athlete's involved side as a code: 0 ``left``, 1 ``right``, -1 not known."""
    sides = involved_sides(athletes) if athletes is not None else {}
    rows, names = pd.factorize(athlete)
    of_name = [("left", "right").index(side) if (side := sides.get(str(name))) in ("left", "right") else -1
               for name in names]
    return np.append(np.asarray(of_name, dtype="int64"), -1)[rows]  # a row without a name (-1): not known


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LSI_COLUMNS})
    frame["week"] = pd.Series(dtype="datetime64[ns]")
    for col in ("left", "right", "lsi_pct"):
        frame[col] = pd.Series(dtype=float)
    return frame
