"""Weekly running load, distance jumps and the acute:chronic workload ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipknee.analyses.running_load import acwr, acwr_zone, weekly_load
from hipknee.synthetic.demo import DEMO_START

MON = pd.Timestamp("2026-03-02")


def runs(rows: list[tuple]) -> pd.DataFrame:
    """(day offset, km, minutes, rpe[, athlete]) -> a store-like runs frame."""
    frame = pd.DataFrame([{"when": MON + pd.Timedelta(days=r[0], hours=7), "athlete": r[4] if len(r) > 4 else "Ana",
                               "distance_km": float(r[1]), "duration_min": float(r[2]),
                               "rpe": np.nan if r[3] is None else float(r[3])} for r in rows])
    frame["athlete"] = frame["athlete"].astype("category")
    return frame


def test_weekly_sums_gaps_and_jumps() -> None:
    got = weekly_load(runs([(0, 10, 60, 5), (2, 5, 30, 4),       # week 1: 15 km, 90 min, 300 + 120 AU
                            (7, 19.6, 100, None),                 # week 2: +30.7 %: a jump; no RPE adds no load
                            (14, 25.48, 130, 5),                  # week 3: +30 % exactly: no jump
                            (28, 10, 60, 5)]))                    # week 4 empty, week 5 after a 0-km week
    assert got["week"].tolist() == [MON + pd.Timedelta(weeks=w) for w in range(5)]
    assert got["km"].tolist() == pytest.approx([15, 19.6, 25.48, 0, 10])
    assert got["minutes"].tolist() == [90, 100, 130, 0, 60]
    assert got["srpe_load"].tolist() == [420, 0, 650, 0, 300]
    assert got["runs"].tolist() == [2, 1, 1, 0, 1]
    assert got["km_change_pct"].iloc[1] == pytest.approx(30.6667, abs=1e-3)
    assert got["km_change_pct"].iloc[2] == pytest.approx(30.0)
    assert np.isnan(got["km_change_pct"].iloc[0]) and np.isnan(got["km_change_pct"].iloc[4])
    assert got["jump"].tolist() == [False, True, False, False, False]


def test_acwr_hand_computed() -> None:
    # 10 AU a day (RPE 1 x 10 min) for 28 days, then 20 AU a day for 7 days.
    frame = runs([(d, 2, 10, 1) for d in range(28)] + [(d, 2, 20, 1) for d in range(28, 35)])
    got = acwr(frame)
    assert len(got) == 35
    assert got["ratio"].iloc[:27].isna().all()
    assert got["ratio"].iloc[27] == pytest.approx(1.0)
    last = got.iloc[-1]
    assert last["acute"] == pytest.approx(140)
    assert last["chronic"] == pytest.approx((21 * 10 + 7 * 20) / 4)
    assert last["ratio"] == pytest.approx(1.6)
    assert last["zone"] == "spike"


def test_acwr_by_distance_and_separate_athletes() -> None:
    frame = runs([(d, 5, 30, 3, "Ana") for d in range(0, 35, 2)] + [(d, 8, 45, 6, "Bea") for d in range(14)])
    got = acwr(frame, load="km")
    assert set(got["athlete"]) == {"Ana", "Bea"}
    assert got[got["athlete"] == "Bea"]["ratio"].isna().all()  # only 14 days of history
    ana = got[got["athlete"] == "Ana"]
    assert ana["load"].sum() == pytest.approx(5 * 18)


def test_zones() -> None:
    assert list(acwr_zone([0.5, 0.8, 1.3, 1.31, 1.5, 1.51, np.nan])) == \
        ["low", "comfortable", "comfortable", "high", "high", "spike", None]


@settings(max_examples=30, deadline=None)
@given(load=st.floats(min_value=0.5, max_value=2000, allow_nan=False), days=st.integers(36, 70),
       every=st.sampled_from([1, 7]))
def test_constant_load_gives_ratio_one(load: float, days: int, every: int) -> None:
    # Every day, or the same weekly run: a constant weekly load.
    frame = runs([(d, 5, load, 1) for d in range(0, days, every)])
    got = acwr(frame)
    ratio = got["ratio"].dropna()
    last_run = (days - 1) // every * every
    assert len(ratio) == last_run - 27 + 1  # from day 28 (index 27) to the last run
    assert ratio.to_numpy() == pytest.approx(1.0)


def test_empty() -> None:
    empty = runs([(0, 5, 30, 4)]).iloc[:0]
    assert weekly_load(empty).empty and acwr(empty).empty


def test_demo_spike_week_is_flagged(demo_frames) -> None:
    weekly = weekly_load(demo_frames.runs).set_index("week")
    spike = pd.Timestamp(DEMO_START) + pd.Timedelta(weeks=9)
    assert weekly.loc[spike, "jump"]
    assert weekly["jump"].sum() == 1
    ratio = acwr(demo_frames.runs).set_index("date")
    in_spike = ratio.loc[spike: spike + pd.Timedelta(days=9)]
    assert (in_spike["zone"] == "spike").any()
    assert ratio["ratio"].max() > 1.5


def test_rest_days_after_the_last_run_count() -> None:
    frame = runs([(d, 2, 10, 1) for d in range(35)])
    last = acwr(frame).iloc[-1]
    assert last["ratio"] == pytest.approx(1.0)
    later = acwr(frame, until=MON + pd.Timedelta(days=38))  # three days without a run
    assert later["date"].iloc[-1] == MON + pd.Timedelta(days=38)
    assert later["ratio"].iloc[-1] == pytest.approx(30 / (240 / 4))  # days 32-34 vs days 11-34
    per_athlete = acwr(frame, until=pd.Series({"Ana": MON + pd.Timedelta(days=36)}))
    assert len(per_athlete) == 37


@settings(max_examples=30, deadline=None)
@given(days=st.lists(st.tuples(st.integers(0, 60), st.floats(1, 40)), min_size=1, max_size=30))
def test_weekly_distance_adds_up(days: list[tuple[int, float]]) -> None:
    frame = runs([(d, km, km * 6, 5) for d, km in days])
    got = weekly_load(frame)
    assert got["km"].sum() == pytest.approx(sum(km for _, km in days))
    assert got["runs"].sum() == len(days)
    assert (got["week"].diff().dropna() == pd.Timedelta(weeks=1)).all()  # no week left out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 70), st.sampled_from(["Zoe", "Ana", "Mia"]), st.floats(0.5, 30),
                          st.one_of(st.none(), st.integers(1, 10))), min_size=1, max_size=40),
       st.integers(0, 90))
def test_a_squads_acwr_is_each_runners_own(rows: list[tuple], extra_days: int) -> None:
    # Runners out of name order, several runs on a day, runs without RPE; one runner's days run on
    # to a later date (`until`) and the others' end with their last run.
    frame = runs([(day, km, km * 6, rpe, name) for day, name, km, rpe in rows])
    until = pd.Series({"Zoe": MON + pd.Timedelta(days=extra_days)})
    squad = acwr(frame, until=until)
    for name in frame["athlete"].unique():
        mine = frame[frame["athlete"] == name]
        alone = acwr(mine, until=until.get(name))
        got = squad[squad["athlete"] == name].reset_index(drop=True)
        # A runner's zones are all None before 28 days (an object column), text once one is known.
        pd.testing.assert_frame_equal(got.drop(columns="zone"), alone.drop(columns="zone"), check_exact=True)
        assert got["zone"].fillna("-").tolist() == alone["zone"].fillna("-").tolist()
    assert list(squad["athlete"].drop_duplicates()) == sorted(frame["athlete"].unique())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.sampled_from(["Zoe", "Ana", "Mia"]), st.floats(0.5, 30),
                          st.one_of(st.none(), st.integers(1, 10))), min_size=1, max_size=40))
def test_a_squads_weekly_load_is_each_runners_own(rows: list[tuple]) -> None:
    frame = runs([(day, km, km * 6, rpe, name) for day, name, km, rpe in rows])
    squad = weekly_load(frame)
    for name in frame["athlete"].unique():
        alone = weekly_load(frame[frame["athlete"] == name])
        pd.testing.assert_frame_equal(squad[squad["athlete"] == name].reset_index(drop=True), alone, check_exact=True)
    assert list(squad["athlete"].drop_duplicates()) == sorted(frame["athlete"].unique())
