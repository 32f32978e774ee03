"""Limb symmetry index: hand-computed weeks, like-for-like pairing, properties, the demo season."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipknee.analyses.balance import weekly_lsi, weekly_test_lsi
from hipknee.analyses.measures import (
    METRICS,
    NO_WEEK,
    dense_ranks,
    distinct_keys,
    group_means,
    group_sums,
    pair_ranks,
    set_amount,
    week_monday,
    week_numbers,
    week_start,
)

MEASURE = {"single-leg deadlift": "reps", "clamshell": "reps", "lateral band walk": "time",
           "foam-roller hip release": "hold", "hip thrust": "reps"}


def sets(*rows: tuple) -> pd.DataFrame:
    """(when, exercise, side, reps, duration_s, hold_s, load_kg[, athlete]) -> a store-like sets frame."""
    out = []
    for row in rows:
        when, exercise, side, reps, duration, hold, load, *rest = row
        out.append({"when": pd.Timestamp(when), "athlete": rest[0] if rest else "Ana", "exercise": exercise,
                        "measure": MEASURE[exercise], "side": side, "reps": reps, "duration_s": duration, "hold_s": hold,
                        "load_kg": load})
    frame = pd.DataFrame(out)
    frame["reps"] = pd.array(frame["reps"], dtype="Int64")
    for col in ("athlete", "exercise", "measure", "side"):
        frame[col] = frame[col].astype("category")
    return frame


N = None


def test_week_starts_on_monday() -> None:
    when = pd.Series(pd.to_datetime(["2026-03-02 07:00", "2026-03-08 23:59", "2026-03-09 00:00"]))
    assert list(week_start(when)) == [pd.Timestamp("2026-03-02")] * 2 + [pd.Timestamp("2026-03-09")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.datetimes(min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
                                                  max_value=pd.Timestamp("2200-12-31").to_pydatetime())),
                min_size=1, max_size=30),
       st.sampled_from(["s", "ms", "us", "ns"]))
def test_week_numbers_are_the_weeks_of_week_start(moments: list, unit: str) -> None:
    """A moment's week number gives back the Monday week_start gives it, in any unit, before 1970
    too; moments of one week share a number and a missing moment has none."""
    when = pd.Series(pd.to_datetime(moments), dtype=f"datetime64[{unit}]")
    week = week_numbers(when)
    monday = week_start(when)
    missing = when.isna().to_numpy()
    assert (week[missing] == NO_WEEK).all() and (week[~missing] != NO_WEEK).all()
    assert (week_monday(week[~missing]) == monday[~missing].to_numpy()).all()
    same = week[~missing][:, None] == week[~missing][None, :]
    assert (same == (monday[~missing].to_numpy()[:, None] == monday[~missing].to_numpy()[None, :])).all()


def test_set_amount_per_measure() -> None:
    frame = sets(("2026-03-02", "single-leg deadlift", "left", 10, N, N, 6.0),
                 ("2026-03-02", "clamshell", "left", 15, N, N, N),
                 ("2026-03-02", "lateral band walk", "left", N, 15.0, N, N),
                 ("2026-03-02", "foam-roller hip release", "left", 3, N, 5.0, N),
                 ("2026-03-02", "foam-roller hip release", "right", N, N, 5.0, N))
    got = set_amount(frame)
    assert got["amount"].tolist() == [60.0, 15.0, 15.0, 15.0, 5.0]
    assert got["metric"].tolist() == [METRICS["load"], "reps", "time (s)", "hold x reps (s)", "hold x reps (s)"]


def test_set_amount_of_a_measure_it_does_not_know_is_missing() -> None:
    """A set whose measure is missing or not one of reps, time and hold has no amount and no
    metric, whether the column is text or categorical; the others keep theirs."""
    frame = pd.DataFrame({"measure": ["reps", None, "distance", "hold", "time"],
                          "reps": pd.array([10, 10, 10, 3, None], dtype="Int64"),
                          "duration_s": [None, 30.0, 30.0, None, 45.0], "hold_s": [None, None, None, 5.0, None],
                          "load_kg": [2.5, 2.5, 2.5, 2.5, None]})
    for measure in (frame["measure"], frame["measure"].astype("category")):
        got = set_amount(frame.assign(measure=measure))
        assert got["amount"].tolist()[:1] + got["amount"].tolist()[3:] == [25.0, 15.0, 45.0]
        assert got["amount"].iloc[1:3].isna().all() and got["metric"].iloc[1:3].isna().all()
        assert got["metric"].tolist()[3:] == ["hold x reps (s)", "time (s)"] and got["metric"].iloc[0] == METRICS["load"]


def test_weekly_lsi_hand_computed() -> None:
    frame = sets(
        # week of 2 March: left 10 and 12 reps (mean 11), right 8 -> LSI 8/11
        ("2026-03-02 18:00", "clamshell", "left", 10, N, N, N),
        ("2026-03-04 18:00", "clamshell", "left", 12, N, N, N),
        ("2026-03-08 18:00", "clamshell", "right", 8, N, N, N),  # a Sunday: same week
        # week of 9 March: left only -> no LSI for that week
        ("2026-03-09 18:00", "clamshell", "left", 12, N, N, N),
        # two-sided work is never paired
        ("2026-03-02 18:00", "hip thrust", "both", 10, N, N, 20.0),
    )
    got = weekly_lsi(frame)
    assert len(got) == 1
    row = got.iloc[0]
    assert row["athlete"] == "Ana" and row["item"] == "clamshell" and row["metric"] == "reps"
    assert row["week"] == pd.Timestamp("2026-03-02")
    assert (row["left"], row["right"]) == (11.0, 8.0)
    assert row["weaker_side"] == "right"
    assert row["lsi_pct"] == pytest.approx(8 / 11 * 100)
    assert row["reference"] == "weaker/stronger" and row["kind"] == "exercise"


def test_involved_side_is_the_reference_when_known() -> None:
    frame = sets(("2026-03-02", "clamshell", "left", 10, N, N, N), ("2026-03-02", "clamshell", "right", 8, N, N, N))
    athletes = pd.DataFrame({"name": ["Ana"], "involved_side": pd.Categorical(["left"], categories=["left", "right"])})
    row = weekly_lsi(frame, athletes).iloc[0]
    # Involved (left, 10) / uninvolved (right, 8): the painful side is the stronger one here.
    assert row["lsi_pct"] == pytest.approx(125.0)
    assert row["reference"] == "involved/uninvolved"
    assert row["weaker_side"] == "right" and row["involved_side"] == "left"


def test_only_like_for_like_is_paired() -> None:
    frame = sets(
        # loaded left vs unloaded right: different metrics, no pair
        ("2026-03-02", "single-leg deadlift", "left", 10, N, N, 6.0),
        ("2026-03-02", "single-leg deadlift", "right", 8, N, N, N),
        # loaded both sides: load x reps, 6*10 vs 6*8
        ("2026-03-10", "single-leg deadlift", "left", 10, N, N, 6.0),
        ("2026-03-10", "single-leg deadlift", "right", 8, N, N, 6.0),
        # time vs time
        ("2026-03-10", "lateral band walk", "left", N, 15.0, N, N),
        ("2026-03-10", "lateral band walk", "right", N, 12.0, N, N),
    )
    got = weekly_lsi(frame).set_index("item")
    assert len(got) == 2
    assert got.loc["single-leg deadlift", "metric"] == METRICS["load"]
    assert (got.loc["single-leg deadlift", "left"], got.loc["single-leg deadlift", "right"]) == (60.0, 48.0)
    assert got.loc["lateral band walk", "lsi_pct"] == pytest.approx(80.0)
    assert got.loc["lateral band walk", "metric"] == "time (s)"


def test_athletes_are_kept_apart() -> None:
    frame = sets(("2026-03-02", "clamshell", "left", 10, N, N, N, "Ana"),
                 ("2026-03-02", "clamshell", "right", 5, N, N, N, "Bea"))
    assert weekly_lsi(frame).empty  # Ana's left and Bea's right are not a pair


def test_missing_amount_is_not_zero() -> None:
    frame = sets(("2026-03-02", "lateral band walk", "left", N, 15.0, N, N),
                 ("2026-03-02", "lateral band walk", "right", N, N, N, N))
    assert weekly_lsi(frame).empty


def test_test_lsi_takes_each_sides_best() -> None:
    tests = pd.DataFrame({
        "when": pd.to_datetime(["2026-03-03", "2026-03-03", "2026-03-05", "2026-03-16"]),
        "athlete": ["Ana"] * 4, "test": ["hip abduction dynamometer"] * 4,
        "side": ["left", "left", "right", "right"], "value": [150.0, 160.0, 180.0, 185.0], "unit": ["N"] * 4,
    })
    got = weekly_test_lsi(tests)
    assert len(got) == 1  # the week of 16 March has the right side only
    row = got.iloc[0]
    assert (row["left"], row["right"], row["metric"], row["kind"]) == (160.0, 180.0, "N", "test")
    assert row["lsi_pct"] == pytest.approx(160 / 180 * 100)


def test_empty_inputs_give_empty_frames() -> None:
    assert weekly_lsi(sets(("2026-03-02", "clamshell", "left", 10, N, N, N)).iloc[:0]).empty
    assert list(weekly_test_lsi(pd.DataFrame(columns=["when", "athlete", "test", "side", "value", "unit"])).columns)[:4] \
        == ["athlete", "item", "metric", "week"]


amounts = st.floats(min_value=0.5, max_value=500, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(left=st.lists(amounts, min_size=1, max_size=4), right=st.lists(amounts, min_size=1, max_size=4))
def test_lsi_in_range_and_symmetric(left: list[float], right: list[float]) -> None:
    rows = [("2026-03-03", "lateral band walk", "left", N, v, N, N) for v in left]
    rows += [("2026-03-04", "lateral band walk", "right", N, v, N, N) for v in right]
    frame = sets(*rows)
    swapped = frame.assign(side=frame["side"].map({"left": "right", "right": "left"}).astype("category"))
    a, b = weekly_lsi(frame).iloc[0], weekly_lsi(swapped).iloc[0]
    assert 0 < a["lsi_pct"] <= 100
    assert a["lsi_pct"] == pytest.approx(b["lsi_pct"])
    assert (a["left"], a["right"]) == pytest.approx((b["right"], b["left"]))
    assert a["lsi_pct"] == pytest.approx(min(np.mean(left), np.mean(right)) / max(np.mean(left), np.mean(right)) * 100)
    if a["weaker_side"] != "equal":
        assert {a["weaker_side"], b["weaker_side"]} == {"left", "right"}


def test_demo_weaker_side_catches_up(demo_frames) -> None:
    tests = weekly_test_lsi(demo_frames.tests, demo_frames.athletes).sort_values("week")
    assert (tests["reference"] == "involved/uninvolved").all()
    start, now = tests["lsi_pct"].head(2).mean(), tests["lsi_pct"].tail(2).mean()
    assert start < 80 and now > 90, (start, now)
    work = weekly_lsi(demo_frames.sets, demo_frames.athletes)
    deadlift = work[work["item"] == "single-leg deadlift"].sort_values("week")
    assert deadlift["lsi_pct"].tail(3).mean() - deadlift["lsi_pct"].head(3).mean() > 15
    # The right side is the painful, weaker one at the start.
    assert (deadlift.head(3)["weaker_side"] == "right").all()
    assert not math.isnan(deadlift["left"].iloc[0])


@settings(max_examples=40, deadline=None)
@given(left=amounts, right=amounts, involved=st.sampled_from(["left", "right"]))
def test_involved_reference_follows_the_painful_side(left: float, right: float, involved: str) -> None:
    frame = sets(("2026-03-03", "lateral band walk", "left", N, left, N, N),
                 ("2026-03-03", "lateral band walk", "right", N, right, N, N))
    swapped = frame.assign(side=frame["side"].map({"left": "right", "right": "left"}).astype("category"))
    other = "right" if involved == "left" else "left"
    a = weekly_lsi(frame, pd.DataFrame({"name": ["Ana"], "involved_side": [involved]})).iloc[0]
    b = weekly_lsi(swapped, pd.DataFrame({"name": ["Ana"], "involved_side": [other]})).iloc[0]
    assert a["lsi_pct"] == pytest.approx(b["lsi_pct"])
    values = {"left": left, "right": right}
    assert a["lsi_pct"] == pytest.approx(values[involved] / values[other] * 100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=200), st.sampled_from([1, 10**9]))
def test_ranks_and_distinct_of_dense_and_sparse_keys_are_numpys(keys: list[int], spread: int) -> None:
    # spread 10**9 makes the keys too sparse to mark one by one: the sort takes over.
    key = np.asarray(keys, dtype="int64") * spread
    rank, distinct = dense_ranks(key)
    expected_distinct, expected_rank = np.unique(key, return_inverse=True)
    assert list(distinct) == list(expected_distinct)
    assert list(rank) == list(expected_rank)
    assert list(distinct_keys(key)) == list(expected_distinct)


def test_lsi_text_columns_are_the_text_columns_pandas_builds() -> None:
    lsi = weekly_lsi(sets(("2026-03-02", "clamshell", "left", 10, N, N, N),
                          ("2026-03-03", "clamshell", "right", 12, N, N, N),
                          ("2026-03-04", "hip thrust", "left", 8, N, N, N),
                          ("2026-03-04", "hip thrust", "right", 8, N, N, N)),
                     pd.DataFrame({"name": ["Ana"], "involved_side": ["left"]}))
    built = pd.DataFrame({"weaker_side": ["left", "equal"], "reference": ["involved/uninvolved"] * 2})
    pd.testing.assert_frame_equal(lsi[["weaker_side", "reference"]], built)
    assert list(lsi["involved_side"]) == ["left", "left"] and lsi["involved_side"].dtype == object


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-3000, 3000)), min_size=1, max_size=200))
def test_pair_ranks_are_the_sorted_distinct_pairs(pairs: list[tuple[int, int]]) -> None:
    key, step = (np.asarray(column, dtype="int64") for column in zip(*pairs))
    rank, of_key, at = pair_ranks(key, step)
    distinct = sorted(set(pairs))
    assert list(zip(of_key.tolist(), at.tolist())) == distinct
    assert [distinct[r] for r in rank] == pairs


def test_a_groups_sum_does_not_depend_on_the_rows_of_other_groups_between_its_own() -> None:
    """One runner's six session loads of a week (AU), alone and between another runner's runs:
    pandas' compensated group sum gives 720.5000000000001 alone and 720.5 interleaved (shown as
    721 and 720); group_sums gives the same both ways."""
    mine = np.array([139.0, 49.0, 158.5, 69.6, 241.20000000000002, 63.2])
    alone = group_sums(mine, np.zeros(6, dtype="int64"), 1)[0]
    mixed = np.ravel(np.column_stack([mine, np.ones(6)]))
    rank = np.tile([0, 1], 6)
    assert group_sums(mixed, rank, 2)[0] == alone
    pandas_way = pd.Series(mixed).groupby(pd.Categorical.from_codes(rank, categories=[0, 1]), observed=False).sum()
    assert pandas_way.iloc[0] != alone  # what this guards against


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.one_of(st.floats(-1e6, 1e6), st.just(math.nan))), max_size=120),
       st.randoms(use_true_random=False))
def test_group_sums_and_means_are_each_groups_own_in_any_interleaving(rows: list[tuple[int, float]], rnd) -> None:  # noqa: ANN001
    rank = np.asarray([g for g, _ in rows], dtype="int64")
    values = np.asarray([v for _, v in rows], dtype=float)
    sums, means = group_sums(values, rank, 5), group_means(values, rank, 5)
    for group in range(5):
        own = values[rank == group]
        assert sums[group] == group_sums(own, np.zeros(len(own), dtype="int64"), 1)[0]
        known = own[~np.isnan(own)]
        assert sums[group] == pytest.approx(known.sum(), rel=1e-12, abs=1e-6)
        assert (np.isnan(means[group]) if not len(known) else means[group] == pytest.approx(known.mean(), rel=1e-12,
                                                                                              abs=1e-6))
    # Shuffling the groups among one another (each keeping its own order) changes no sum.
    order = sorted(range(len(rows)), key=lambda i: (rnd.random(), i))
    by_group: dict[int, list[int]] = {}
    for i in range(len(rows)):
        by_group.setdefault(int(rank[i]), []).append(i)
    queues = {g: iter(ix) for g, ix in by_group.items()}
    mixed = [next(queues[int(rank[i])]) for i in order]
    assert np.array_equal(group_sums(values[mixed], rank[mixed], 5), sums)
