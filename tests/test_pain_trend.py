"""Daily pain, the rolling mean and the start-vs-latest verdict against the MCID."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipknee.analyses.pain_trend import daily_pain, pain_change


def pain(rows: list[tuple]) -> pd.DataFrame:
    """(when, knee, nrs, context[, athlete]) -> a store-like pain frame."""
    frame = pd.DataFrame([{"when": pd.Timestamp(r[0]), "athlete": r[4] if len(r) > 4 else "Ana", "knee": r[1],
                               "nrs": r[2], "context": r[3]} for r in rows])
    for col in ("athlete", "knee", "context"):
        frame[col] = frame[col].astype("category")
    frame["nrs"] = frame["nrs"].astype("int64")
    return frame


def season(start_level: float, end_level: float, days: int = 28, knee: str = "right") -> pd.DataFrame:
    """One 'during' entry a day: start_level for the first 14 days, end_level after (whole numbers
    per day, alternating to reach half points)."""
    rows = []
    for d in range(days):
        level = start_level if d < 14 else end_level
        value = int(np.floor(level)) + (1 if (level % 1) and d % 2 else 0)
        rows.append((pd.Timestamp("2026-03-02") + pd.Timedelta(days=d), knee, value, "during"))
    return pain(rows)


def test_daily_mean_and_rolling_window() -> None:
    frame = pain([("2026-03-02 07:00", "left", 2, "rest"), ("2026-03-02 20:00", "left", 4, "rest"),
                  ("2026-03-05", "left", 4, "rest"), ("2026-03-10", "left", 6, "rest")])
    got = daily_pain(frame)
    assert got["nrs"].tolist() == [3.0, 4.0, 6.0]
    assert got["entries"].tolist() == [2, 1, 1]
    # 7 calendar days up to and including the day: 10 March sees 5 March (4) and itself (6).
    assert got["rolling_7d"].tolist() == [3.0, 3.5, 5.0]


def test_contexts_pooled_on_request() -> None:
    frame = pain([("2026-03-02 07:00", "left", 2, "next_morning"), ("2026-03-02 08:00", "left", 6, "during")])
    assert len(daily_pain(frame)) == 2
    pooled = daily_pain(frame, by_context=False)
    assert pooled["nrs"].tolist() == [4.0] and pooled["context"].tolist() == ["any"]


@pytest.mark.parametrize(("start", "end", "verdict"), [
    (6, 3, "better"),             # -3 points
    (2, 1, "better"),             # -1 point is -50 %: 30 % with at least 1 point
    (2, 1.5, "no clear change"),  # -0.5 points, -25 %
    (1, 0.5, "no clear change"),  # -50 % but only half a point
    (5, 4, "no clear change"),    # -1 point, -20 %
    (2, 4, "worse"),
    (3, 3, "no clear change"),
])
def test_verdict_against_the_mcid(start: float, end: float, verdict: str) -> None:
    got = pain_change(season(start, end)).iloc[0]
    assert got["start_mean"] == pytest.approx(start, abs=0.05)
    assert got["latest_mean"] == pytest.approx(end, abs=0.05)
    assert got["change"] == pytest.approx(got["latest_mean"] - got["start_mean"])
    assert got["verdict"] == verdict


def test_hand_computed_change() -> None:
    got = pain_change(season(6, 3)).iloc[0]
    assert (got["start_mean"], got["latest_mean"], got["change"]) == (6.0, 3.0, -3.0)
    assert got["change_pct"] == pytest.approx(-50.0)
    assert (got["start_days"], got["latest_days"]) == (14, 14)


def test_not_enough_data() -> None:
    short = pain_change(season(6, 3, days=20))  # the two 14-day windows overlap
    assert short.iloc[0]["verdict"] == "not enough data"
    sparse = pain([("2026-03-02", "left", 5, "rest"), ("2026-04-20", "left", 1, "rest")])
    assert pain_change(sparse).iloc[0]["verdict"] == "not enough data"
    assert pain_change(pain([("2026-03-02", "left", 5, "rest")]).iloc[:0]).empty


def test_demo_pain_falls(demo_frames) -> None:
    got = pain_change(demo_frames.pain).set_index(["knee", "context"])
    assert got.loc[("right", "during"), "verdict"] == "better"
    assert got.loc[("right", "next_morning"), "change"] < -1.5
    daily = daily_pain(demo_frames.pain, by_context=False)
    right = daily[daily["knee"] == "right"].set_index("date")["rolling_7d"]
    assert right.iloc[-7:].mean() < right.iloc[3:10].mean() - 1.5


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10), st.sampled_from(["left", "right"])),
                        min_size=1, max_size=60))
def test_rolling_mean_stays_within_the_daily_values(entries: list[tuple[int, int, str]]) -> None:
    frame = pain([(pd.Timestamp("2026-03-02") + pd.Timedelta(days=d, hours=7), knee, nrs, "rest")
                  for d, nrs, knee in entries])
    got = daily_pain(frame)
    for _, rows in got.groupby("knee"):
        lo, hi = rows["nrs"].min(), rows["nrs"].max()
        assert rows["rolling_7d"].between(lo - 1e-9, hi + 1e-9).all()
    assert got["entries"].sum() == len(entries)
    assert got["nrs"].between(0, 10).all()
