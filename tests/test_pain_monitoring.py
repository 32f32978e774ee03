"""Pain-monitoring flags and the weekly green / amber / red status."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pain_trend import pain

from hipknee.analyses.pain_monitoring import pain_flags, weekly_status
from hipknee.synthetic.demo import DEMO_START

MON = pd.Timestamp("2026-03-02")


def day(n: int, hour: int = 8) -> pd.Timestamp:
    return MON + pd.Timedelta(days=n, hours=hour)


def test_pain_during_zones() -> None:
    frame = pain([(day(0), "right", 6, "during"), (day(7), "right", 4, "during"), (day(14), "right", 2, "during")])
    status = weekly_status(frame).set_index("week")["status"]
    assert status.tolist() == ["red", "amber", "green"]
    flags = pain_flags(frame)
    assert flags["flag"].tolist() == ["during above 5", "during 3-5"]
    assert flags["nrs"].tolist() == [6.0, 4.0]


def test_worse_next_morning() -> None:
    frame = pain([(day(0, 7), "left", 1, "next_morning"), (day(1, 7), "left", 3, "next_morning"),  # +2: flag
                  (day(2, 7), "left", 4, "next_morning"),  # +1: a wobble, no flag
                  (day(7, 7), "left", 1, "next_morning"), (day(12, 7), "left", 4, "next_morning")])  # 5 days apart
    flags = pain_flags(frame)
    worse = flags[flags["flag"] == "worse next morning"]
    assert worse["date"].tolist() == [MON + pd.Timedelta(days=1)]
    assert (worse["nrs"].iloc[0], worse["previous"].iloc[0]) == (3.0, 1.0)
    status = weekly_status(frame)
    assert status["status"].tolist()[0] == "amber"
    assert "next-morning pain up on the morning before" in status["reasons"].iloc[0]


def test_two_worse_mornings_make_a_red_week() -> None:
    frame = pain([(day(0, 7), "left", 0, "next_morning"), (day(1, 7), "left", 2, "next_morning"),
                  (day(2, 7), "left", 0, "next_morning"), (day(3, 7), "left", 2, "next_morning")])
    assert weekly_status(frame)["status"].tolist() == ["red"]


def test_morning_pain_rising_week_on_week() -> None:
    rows = [(day(d, 7), "right", 1, "next_morning") for d in range(7)]
    rows += [(day(d, 7), "right", 2 if d % 2 else 3, "next_morning") for d in range(7, 14)]
    flags = pain_flags(pain(rows))
    rising = flags[flags["flag"] == "morning pain rising"]
    assert rising["week"].tolist() == [MON + pd.Timedelta(days=7)]
    assert rising["previous"].iloc[0] == 1.0
    status = weekly_status(pain(rows)).set_index("week")["status"]
    assert status.tolist() == ["green", "amber"]


def test_quiet_weeks_are_green_and_keep_their_row() -> None:
    frame = pain([(day(0), "left", 0, "rest"), (day(1), "left", 1, "during"), (day(9), "right", 0, "rest", "Bea")])
    got = weekly_status(frame)
    assert got[["athlete", "status", "reasons"]].values.tolist() == [["Ana", "green", ""], ["Bea", "green", ""]]


def test_empty() -> None:
    empty = pain([(day(0), "left", 0, "rest")]).iloc[:0]
    assert pain_flags(empty).empty and weekly_status(empty).empty


def test_demo_flare_after_the_spike_is_red(demo_frames) -> None:
    status = weekly_status(demo_frames.pain).set_index("week")["status"]
    spike = pd.Timestamp(DEMO_START) + pd.Timedelta(weeks=9)
    assert status[spike + pd.Timedelta(weeks=1)] == "red"
    assert set(status.iloc[-2:]) <= {"green", "amber"}
    assert status.isin(["green", "amber", "red"]).all()


@settings(max_examples=30, deadline=None)
@given(levels=st.lists(st.integers(0, 10), min_size=1, max_size=21), bad_day=st.integers(0, 20))
def test_pain_above_5_during_activity_always_makes_the_week_red(levels: list[int], bad_day: int) -> None:
    rows = [(day(d, 7), "right", nrs, "next_morning") for d, nrs in enumerate(levels)]
    rows.append((day(bad_day), "right", 6, "during"))
    status = weekly_status(pain(rows)).set_index("week")["status"]
    assert status[MON + pd.Timedelta(weeks=bad_day // 7)] == "red"
    assert status.isin(["green", "amber", "red"]).all()
