"""The coach-store generator is reproducible and writes valid records, and the vectorised season
analyses give the same numbers as the row-by-row baseline the benchmarks compare them with."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import hipknee
from benchmarks import baseline
from benchmarks.run import analyses
from hipknee.errors import ValidationError
from hipknee.records.model import RECORD_KINDS, validate_record
from hipknee.synthetic.coach_store import coach_names, make_coach_store

SMALL = {"runners": 3, "seasons": 2, "weeks": 8, "seed": 5}
KINDS = ("set", "run", "pain", "test", "outcome")


def _coach(folder: Path, **size: int) -> hipknee.Store:
    store = hipknee.Store.open(folder)
    make_coach_store(store, **size)
    return store


@pytest.fixture(scope="module")
def coach(tmp_path_factory: pytest.TempPathFactory) -> hipknee.Store:
    """3 runners x 2 seasons of 8 weeks."""
    with _coach(tmp_path_factory.mktemp("coach"), **SMALL) as store:
        yield store


@pytest.fixture(scope="module")
def frames(coach: hipknee.Store) -> dict[str, pd.DataFrame]:
    return {"athletes": coach.athletes(), "sets": coach.sets(), "tests": coach.tests(),
            "runs": coach.runs(), "pain": coach.pain()}


def test_store_holds_every_kind_for_every_runner(coach: hipknee.Store) -> None:
    assert coach.athlete_names() == ["Runner 001", "Runner 002", "Runner 003"]
    for kind in KINDS:
        frame = coach.read(kind)
        assert set(frame["athlete"].astype(object)) == set(coach.athlete_names()), kind
    days = 2 * 8 * 7
    # About 3 hip sessions of ~25 sets, 5-6 runs and 7-8 pain entries a week per runner.
    assert 3 * days * 2 < coach.count("set") < 3 * days * 20
    assert 3 * days * 0.6 < coach.count("run") < 3 * days
    assert 3 * days * 0.8 < coach.count("pain") < 3 * days * 1.6
    first, last = coach.pain()["when"].min(), coach.pain()["when"].max()
    assert (last.normalize() - first.normalize()).days < days
    assert last < pd.Timestamp("2025-12-29")


def test_same_seed_same_rows(coach: hipknee.Store, tmp_path: Path) -> None:
    with _coach(tmp_path / "again", **SMALL) as again:
        for kind in KINDS:
            pd.testing.assert_frame_equal(coach.read(kind), again.read(kind), obj=kind)
        assert again.athletes()[["name", "body_mass_kg", "involved_side"]].equals(
            coach.athletes()[["name", "body_mass_kg", "involved_side"]])


def test_other_seed_other_rows_and_fewer_runners_are_the_first_ones(coach: hipknee.Store, tmp_path: Path) -> None:
    with _coach(tmp_path / "other", **{**SMALL, "seed": 6}) as other:
        assert not other.runs()["distance_km"].equals(coach.runs()["distance_km"])
    with _coach(tmp_path / "two", **{**SMALL, "runners": 2}) as two:
        mine = coach.runs()
        mine = mine[mine["athlete"].isin(coach_names(2))].drop(columns="id").reset_index(drop=True)
        theirs = two.runs().drop(columns="id").reset_index(drop=True)
        theirs["athlete"] = theirs["athlete"].astype(object)
        mine["athlete"] = mine["athlete"].astype(object)
        pd.testing.assert_frame_equal(mine, theirs)


def test_a_sample_of_generated_rows_passes_validation(coach: hipknee.Store) -> None:
    checked = 0
    for kind in KINDS:
        frame = coach.read(kind)
        cls = RECORD_KINDS[kind]
        for _, row in frame.iloc[:: max(1, len(frame) // 150)].iterrows():
            data = {name: row[name] for name in cls.model_fields if name in row.index}
            data = {k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v) for k, v in data.items()}
            data = {k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for k, v in data.items()}
            data = {k: (v.item() if hasattr(v, "item") else v) for k, v in data.items()}
            validate_record(cls, {k: v for k, v in data.items() if v is not None})
            checked += 1
    assert checked > 500


def test_sets_fit_their_exercise_and_timestamps_match_the_store_format(coach: hipknee.Store) -> None:
    sets = coach.sets()
    per_side = sets["exercise"].astype(object) != "hip thrust"
    assert set(sets.loc[per_side, "side"]) == {"left", "right"}
    assert set(sets.loc[~per_side, "side"]) == {"both"}
    assert sets.loc[sets["measure"] == "reps", "reps"].notna().all()
    assert sets.loc[sets["measure"] == "time", "duration_s"].notna().all()
    assert sets.loc[sets["measure"] == "hold", "hold_s"].notna().all()
    # One session id per session, the same moment for all its sets.
    assert (sets.groupby("session")["when"].nunique() == 1).all()
    # A record saved the ordinary way is stored in the same text form as the generated ones,
    # so that range queries compare like with like.
    coach.add(hipknee.PainEntry(when="2025-12-28T21:00", athlete="Runner 001", knee="left", nrs=1, context="rest"))
    with sqlite3.connect(coach.path) as conn:
        stamps = {row[0] for row in conn.execute("SELECT at FROM pain_entries ORDER BY id DESC LIMIT 50")}
        created = {row[0] for row in conn.execute("SELECT created_at FROM strength_sets LIMIT 5")}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", s) for s in stamps | created)
    assert "2025-12-28 21:00:00.000000" in stamps
    day = coach.pain(start="2025-12-28", end="2025-12-28")
    assert "Runner 001" in set(day["athlete"].astype(object))


def test_bad_sizes_and_taken_names_are_refused(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "bad") as store:
        with pytest.raises(ValidationError) as err:
            make_coach_store(store, runners=0)
        assert err.value.field == "runners"
        with pytest.raises(ValidationError):
            make_coach_store(store, seasons=50)
        store.add(hipknee.Athlete(name="Runner 001"))
        with pytest.raises(ValidationError):
            make_coach_store(store, runners=1, seasons=1, weeks=2)
        assert store.count("set") == 0


def test_fast_analyses_agree_with_the_row_by_row_baseline(frames: dict[str, pd.DataFrame]) -> None:
    fast = {name: fn(frames) for name, fn in analyses().items()}
    slow = baseline.all_analyses(frames, fast)
    assert set(slow) == set(baseline.ANALYSES)
    for name, rows in slow.items():
        assert rows, f"{name}: the small store should give rows"
    assert baseline.compare(fast, slow) == []
    # The flags and statuses are not all green: the comparison covers real flags and reasons.
    assert {r["status"] for r in slow["pain status (weekly_status)"]} >= {"green", "amber"}
    assert any(r["reasons"] for r in slow["pain status (weekly_status)"])


def test_the_comparison_notices_a_changed_number_or_a_missing_row(frames: dict[str, pd.DataFrame]) -> None:
    names = ["LSI (weekly_lsi)", "ACWR (acwr)"]
    fast = {name: fn(frames) for name, fn in analyses().items() if name in names}
    slow = baseline.all_analyses(frames, names)
    lsi = fast["LSI (weekly_lsi)"].copy()
    lsi.loc[lsi.index[3], "lsi_pct"] += 0.01
    problems = baseline.compare({**fast, "LSI (weekly_lsi)": lsi}, slow)
    assert len(problems) == 1 and "lsi_pct" in problems[0]
    shorter = fast["ACWR (acwr)"].iloc[1:]
    assert "rows" in baseline.compare({**fast, "ACWR (acwr)": shorter}, slow)[0]


def test_baseline_hand_checked_on_a_tiny_log() -> None:
    """One week of one runner, worked out by hand."""
    when = pd.to_datetime(["2025-03-03 18:00", "2025-03-03 18:00", "2025-03-05 18:00", "2025-03-05 18:00"])
    sets = pd.DataFrame({
        "when": when, "athlete": "Ana", "exercise": "single-leg deadlift", "measure": "reps",
        "side": ["left", "right", "left", "right"], "reps": pd.array([8, 10, 9, 10], dtype="Int64"),
        "duration_s": float("nan"), "hold_s": float("nan"), "load_kg": [6.0, 6.0, 6.0, 6.0],
    })
    athletes = pd.DataFrame({"name": ["Ana"], "involved_side": ["left"]})
    [row] = baseline.weekly_lsi(sets, athletes)
    assert row["left"] == 51.0 and row["right"] == 60.0  # mean of 6x8 and 6x9 kg x reps; 6x10
    assert row["lsi_pct"] == pytest.approx(85.0)
    assert row["reference"] == "involved/uninvolved"
    runs = pd.DataFrame({"when": pd.to_datetime(["2025-03-03 07:00", "2025-03-09 07:00", "2025-03-31 07:00"]),
                         "athlete": "Ana", "distance_km": [5.0, 10.0, 14.0], "duration_min": [30.0, 60.0, 80.0],
                         "rpe": [4.0, 5.0, 5.0]})
    weeks = baseline.weekly_load(runs)
    assert [w["km"] for w in weeks] == [15.0, 0.0, 0.0, 0.0, 14.0]
    days = baseline.acwr(runs)
    assert len(days) == 29
    last = days[-1]  # 31 March: acute = 400 AU; the last 28 days (4-31 March) hold 300 + 400
    assert last["acute"] == 400.0 and last["chronic"] == 700.0 / 4
    assert last["ratio"] == pytest.approx(400 / 175) and last["zone"] == "spike"
