"""How one strength set is measured, and which training week a moment belongs to.

A set's amount depends on the exercise's measure: ``reps`` (load_kg x reps when loaded), ``time``
(duration_s) or ``hold`` (hold_s x reps). Two sets are only comparable (like-for-like) when they
share the exercise and the metric. Weeks start on Monday.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["METRICS", "NO_WEEK", "categorical", "dense_ranks", "distinct_keys", "group_codes", "group_means", "group_sums",
           "labelled", "pair_ranks", "same_as_before", "set_amount", "sorted_key", "week_monday", "week_numbers",
           "week_start"]

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
    values = when.to_numpy()
    ticks, day = _ticks(values)
    monday = (ticks - (ticks + _MONDAY_SHIFT_DAYS * day) % (7 * day)).view(values.dtype)
    monday[np.isnat(values)] = np.datetime64("NaT")
    return pd.Series(monday.astype("datetime64[ns]"), index=when.index, name=when.name, copy=False)


def week_numbers(when: pd.Series) -> np.ndarray:
    """Each moment's week as an integer (int64; weeks start on Monday, week 0 holds 1 Jan 1970),
    a missing moment's as a number no week has: quicker than :func:`week_start` for grouping by
    week; :func:`week_monday` gives a week's Monday back."""
    ticks, day = _ticks(pd.to_datetime(when).to_numpy())
    week = (ticks + _MONDAY_SHIFT_DAYS * day) // (7 * day)
    week[ticks == NO_WEEK] = NO_WEEK  # NaT's ticks
    return week


def week_monday(week: np.ndarray) -> np.ndarray:
    """The Monday (midnight, datetime64[ns]) of each week of :func:`week_numbers`."""
    return ((np.asarray(week, dtype="int64") * 7 - _MONDAY_SHIFT_DAYS) * _DAY_NS).astype("datetime64[ns]")


# Day 0 of the epoch (1 Jan 1970) was a Thursday: +3 days makes Monday weekday 0.
_MONDAY_SHIFT_DAYS = 3
_DAY_NS = 24 * 3600 * 10**9
#: The week :func:`week_numbers` gives a missing moment (no week has it).
NO_WEEK = np.iinfo("int64").min


def _ticks(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Datetimes as int64 ticks in their own unit (no conversion of every value), and a day's ticks."""
    unit, _ = np.datetime_data(values.dtype)
    return values.view("int64"), int(pd.Timedelta(days=1) // pd.Timedelta(1, unit=unit))


def set_amount(sets: pd.DataFrame) -> pd.DataFrame:
    """Per set: ``amount`` and its ``metric`` (a categorical of :data:`METRICS`' values).

    reps -> reps, or load_kg x reps when a load above 0 kg is given; time -> duration_s (s);
    hold -> hold_s x reps (s, reps missing counts as one hold). Sets without the needed value get
    NaN, never 0.
    """
    measure = categorical(sets["measure"])
    # Each set's measure as 0 reps, 1 time, 2 hold or 3 anything else: looked up by category code.
    kind = np.asarray([_MEASURE_KINDS.get(str(name), 3) for name in measure.categories] + [3],
                      dtype="int8")[measure.codes]
    reps = _floats(sets["reps"])
    duration = _floats(sets["duration_s"])
    hold = _floats(sets["hold_s"])
    load = _floats(sets["load_kg"]) if "load_kg" in sets else np.full(len(sets), np.nan)
    loaded = load > 0  # False for NaN too
    # Each set's amount written in place over reps x load (reps x 1 when not loaded: the reps
    # themselves): duration, hold x reps (a missing reps: one hold), NaN; no new array per step.
    amount = np.ones(len(sets))
    np.copyto(amount, load, where=loaded)
    amount *= reps
    by_hold = reps.copy()
    np.copyto(by_hold, 1.0, where=np.isnan(reps))
    by_hold *= hold
    np.copyto(amount, duration, where=kind == 1)
    np.copyto(amount, by_hold, where=kind == 2)
    np.copyto(amount, np.nan, where=kind == 3)
    # Positions in METRICS' values: reps 0 (1 with a load), time 2, hold 3, none -1.
    codes = kind + (kind > 0)
    codes += (kind == 0) & loaded
    np.copyto(codes, -1, where=kind == 3)
    metric = pd.Categorical.from_codes(codes, categories=list(METRICS.values()))
    return pd.DataFrame({"amount": amount, "metric": metric}, index=sets.index, copy=False)


#: A measure's kind, as set_amount numbers it.
_MEASURE_KINDS = {"reps": 0, "time": 1, "hold": 2}


def categorical(column: pd.Series) -> pd.Categorical:
    """A key column as a Categorical (the store's name columns already are): fast to group by."""
    return column.array if isinstance(column.dtype, pd.CategoricalDtype) else pd.Categorical(column)


def dense_ranks(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each key's rank among the distinct keys of ``key`` (non-negative integers), and those keys
    in ascending order: one mark per possible key, each distinct key's rank written at its mark
    (only those are read: not a running count over every mark), or a sort when the keys are too
    sparse for marks."""
    present = _marks(key)
    if present is None:
        distinct, rank = np.unique(key, return_inverse=True)
        return rank, distinct
    distinct = np.flatnonzero(present)
    rank_at = np.empty(len(present), dtype="int32" if len(distinct) < 2**31 else "int64")
    rank_at[distinct] = np.arange(len(distinct), dtype=rank_at.dtype)
    return rank_at[key], distinct


def distinct_keys(key: np.ndarray) -> np.ndarray:
    """The distinct keys of ``key`` (non-negative integers) in ascending order (as :func:`dense_ranks`)."""
    present = _marks(key)
    return np.unique(key) if present is None else np.flatnonzero(present)


def pair_ranks(key: np.ndarray, step: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by their (``key``, ``step``) pair: a non-negative key (a runner's, a knee
    log's) and an integer step (a day or week number), at least one row. Each row's rank among
    the distinct pairs (see :func:`dense_ranks`), and each pair's key and step, sorted by key, then
    step."""
    first = step.min()
    steps = step.max() - first + 1
    rank, pairs = dense_ranks(key * steps + (step - first))
    of_key, at = np.divmod(pairs, steps)
    return rank, of_key, at + first


def same_as_before(key: np.ndarray) -> np.ndarray:
    """Whether each row's key is the row before's (False for the first row): where a run of rows
    of one key goes on."""
    same = np.zeros(len(key), dtype=bool)
    same[1:] = key[1:] == key[:-1]
    return same


def _marks(key: np.ndarray) -> np.ndarray | None:
    """One mark per possible key, set where ``key`` has it; None when there are no keys or they are
    too sparse for that (a mark costs a byte: fine up to several times the keys themselves)."""
    if not len(key):
        return None
    size = int(key.max()) + 1
    if size > 8 * len(key) + (1 << 20):
        return None
    present = np.zeros(size, dtype=bool)
    present[key] = True
    return present


def group_codes(rank: np.ndarray, groups: int) -> pd.Categorical:
    """``rank`` (0 .. groups - 1, every one used) as category codes, for pandas' group maxima,
    minima and counts without hashing the keys again: group with ``observed=False``. (Sums and
    means: :func:`group_sums`, :func:`group_means`.)"""
    return pd.Categorical.from_codes(rank, categories=pd.RangeIndex(groups), validate=False)


def group_sums(values: np.ndarray, rank: np.ndarray, groups: int) -> np.ndarray:
    """Per group (``rank``: 0 .. groups - 1) the sum of its values that are not NaN (0 when none),
    added one after the other in row order.

    So a group's sum depends on its own values alone: a runner's weekly km is the same to the last
    bit in her squad's frame as in her own log. pandas' compensated group sums are not: the rows
    of other groups between hers change the last bit, and with it a number rounded for a table
    (720.5 shown as 721 in one view and 720 in the other)."""
    return _sums(values, rank, groups, _known(values))


def group_means(values: np.ndarray, rank: np.ndarray, groups: int) -> np.ndarray:
    """Per group the mean of its values that are not NaN (NaN when none): :func:`group_sums` over
    their count."""
    known = _known(values)
    counts = np.bincount(rank if known is None else rank[known], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, _sums(values, rank, groups, known) / counts, np.nan)


def _known(values: np.ndarray) -> np.ndarray | None:
    """Where ``values`` are not NaN; None when all of them are (then nothing is cut, nor copied)."""
    known = ~np.isnan(values)
    return None if known.all() else known


def _sums(values: np.ndarray, rank: np.ndarray, groups: int, known: np.ndarray | None) -> np.ndarray:
    if known is None:
        return np.bincount(rank, weights=values, minlength=groups)
    return np.bincount(rank[known], weights=values[known], minlength=groups)


def sorted_key(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Per row an int64 key of its values in the key ``columns`` (such as athlete, knee), -1 where
    one is missing; and the values behind every key (a frame whose row number is the key). Each
    column's values are ranked as sorted strings, so the keys sort the way a groupby on the names
    does: one int64 column to group on instead of several of text."""
    key = np.zeros(len(frame), dtype="int64")
    missing = np.zeros(len(frame), dtype=bool)
    labels = []
    for column in columns:
        cat = categorical(frame[column])
        names = np.asarray(cat.categories, dtype=object)
        if not len(names):
            return np.full(len(frame), -1, dtype="int64"), pd.DataFrame(columns=columns)
        order = np.argsort(names, kind="stable")
        rank = np.empty(len(names), dtype="int64")
        rank[order] = np.arange(len(names))
        codes = np.asarray(cat.codes, dtype="int64")
        missing |= codes < 0
        key = key * len(names) + rank[codes]
        labels.append(names[order])
    key[missing] = -1
    # Every combination, the last column varying fastest: row number == key.
    sizes = [len(names) for names in labels]
    values = {column: np.tile(np.repeat(names, int(np.prod(sizes[i + 1:]))), int(np.prod(sizes[:i])))
              for i, (column, names) in enumerate(zip(columns, labels))}
    return key, pd.DataFrame(values)


def labelled(codes: np.ndarray, labels: list[str]) -> pd.api.extensions.ExtensionArray:
    """``labels[code]`` for each code, as pandas' own text column: taken from the few labels at
    once, not built value by value (several times quicker on a season of rows)."""
    return pd.Series(labels).array.take(np.asarray(codes, dtype="intp"))


def _floats(column: pd.Series) -> np.ndarray:
    """A numeric column (nullable ints included) as float64 with NaN for missing."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
