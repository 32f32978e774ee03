"""Weekly best and volume per side, hand-computed."""

from __future__ import annotations

import pandas as pd
import pytest
from test_lsi import N, sets

from hipknee.analyses.strength import weekly_strength


def test_best_and_volume_per_side_and_week() -> None:
    frame = sets(
        ("2026-03-02", "single-leg deadlift", "left", 10, N, N, 6.0),
        ("2026-03-03", "single-leg deadlift", "left", 12, N, N, 6.0),
        ("2026-03-03", "single-leg deadlift", "right", 8, N, N, 6.0),
        ("2026-03-09", "single-leg deadlift", "right", 9, N, N, 6.0),
        ("2026-03-02", "hip thrust", "both", 10, N, N, 20.0),
        ("2026-03-02", "hip thrust", "both", 8, N, N, 20.0),
    )
    got = weekly_strength(frame).set_index(["item", "side", "week"])
    left = got.loc[("single-leg deadlift", "left", pd.Timestamp("2026-03-02"))]
    assert (left["best"], left["volume"], left["sets"]) == (72.0, 132.0, 2)
    assert left["metric"] == "load x reps (kg)"
    assert got.loc[("single-leg deadlift", "right", pd.Timestamp("2026-03-02")), "best"] == 48.0
    assert got.loc[("single-leg deadlift", "right", pd.Timestamp("2026-03-09")), "volume"] == 54.0
    both = got.loc[("hip thrust", "both", pd.Timestamp("2026-03-02"))]
    assert (both["best"], both["volume"]) == (200.0, 360.0)
    assert len(got) == 4


def test_empty() -> None:
    got = weekly_strength(sets(("2026-03-02", "clamshell", "left", 10, N, N, N)).iloc[:0])
    assert got.empty and {"best", "volume", "side", "week"} <= set(got.columns)


def test_demo_weaker_side_gets_stronger(demo_frames) -> None:
    got = weekly_strength(demo_frames.sets)
    right = got[(got["item"] == "single-leg deadlift") & (got["side"] == "right")].sort_values("week")
    assert right["best"].tail(2).mean() > right["best"].head(2).mean() * 1.5
    assert right["volume"].gt(0).all()
    assert right["best"].iloc[0] == pytest.approx(right["best"].iloc[0])


def test_a_runners_volume_is_the_same_in_her_squads_frame_as_in_her_own() -> None:
    """Six sets of one week (load x 1 rep), alone and between another runner's sets."""
    loads = [139.0, 49.0, 158.5, 69.6, 241.20000000000002, 63.2]
    mine = [(f"2026-03-0{2 + i % 5} 07:0{i}", "single-leg deadlift", "left", 1, N, N, load, "Ana")
            for i, load in enumerate(loads)]
    other = [(f"2026-03-0{2 + i % 5} 07:0{i}", "single-leg deadlift", "left", 1, N, N, 1.0, "Bo") for i in range(6)]
    alone = weekly_strength(sets(*mine))
    squad = weekly_strength(sets(*[row for pair in zip(mine, other) for row in pair]))
    assert alone["volume"].iloc[0] == squad.loc[squad["athlete"] == "Ana", "volume"].iloc[0] == sum(loads)


def test_sets_missing_a_side_exercise_runner_or_time_are_left_out_as_before() -> None:
    """Frames handed in from Python may lack a key: those sets count nowhere, the rest as usual."""
    day = pd.Timestamp("2026-01-05 07:00")
    frame = pd.DataFrame({
        "when": [day, day, day, day, pd.NaT], "athlete": ["A", "A", "A", None, "A"],
        "exercise": ["clamshell", "clamshell", None, "clamshell", "clamshell"], "measure": ["reps"] * 5,
        "side": ["left", None, "left", "left", "left"], "reps": [10, 12, 8, 5, 3],
        "duration_s": [None] * 5, "hold_s": [None] * 5, "load_kg": [None] * 5})
    out = weekly_strength(frame)
    assert out[["athlete", "item", "side", "best", "volume", "sets"]].to_dict("records") == [
        {"athlete": "A", "item": "clamshell", "side": "left", "best": 10.0, "volume": 10.0, "sets": 1}]
