"""A hip session as a whole in the store: deleted and brought back in one transaction, its sets
changed in one transaction, and a runner's latest session of each exercise and side."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import hipknee


def _session(store: hipknee.Store, day: date) -> str:
    return store.add_session([
        dict(when=day, athlete="Ana", exercise="single-leg deadlift", side=side, reps=10, load_kg=6)
        for side in ("left", "right")
    ])


def test_delete_and_undelete_a_whole_session(store: hipknee.Store) -> None:
    day = date.today() - timedelta(days=2)
    keep = _session(store, day - timedelta(days=1))
    session = _session(store, day)
    assert store.delete_session(session) == 2
    assert set(store.sets()["session"]) == {keep}
    assert store.undelete_session(session) == 2
    assert set(store.sets()["session"]) == {keep, session}


def test_undo_brings_back_only_what_the_session_delete_took(store: hipknee.Store) -> None:
    session = _session(store, date.today())
    first, second = store.sets()["id"]
    store.delete("set", int(first))  # taken out on its own before the whole session
    store.delete_session(session)
    assert store.count("set") == 0
    assert store.undelete_session(session) == 1
    assert store.sets()["id"].tolist() == [second]
    with pytest.raises(hipknee.ValidationError, match="deleted sets"):
        store.undelete_session("another session")


def test_session_ids_that_name_nothing_are_refused(store: hipknee.Store) -> None:
    session = _session(store, date.today())
    for bad in ("", None, 7, "nope"):
        with pytest.raises(hipknee.ValidationError, match="session"):
            store.delete_session(bad)  # type: ignore[arg-type]
    with pytest.raises(hipknee.ValidationError, match="deleted sets"):
        store.undelete_session(session)  # nothing of it is deleted
    assert store.count("set") == 2


def test_update_many_is_all_or_nothing(store: hipknee.Store) -> None:
    _session(store, date.today())
    first, second = (int(i) for i in store.sets()["id"])
    with pytest.raises(hipknee.ValidationError, match="reps"):
        store.update_many("set", {first: {"reps": 12}, second: {"reps": -1}})
    assert store.sets()["reps"].tolist() == [10, 10]
    with pytest.raises(hipknee.ValidationError, match="measured by reps"):
        store.update_many("set", {first: {"reps": 12}, second: {"reps": None}})  # refused inside the transaction
    assert store.sets()["reps"].tolist() == [10, 10]
    store.update_many("set", {first: {"reps": 12}, second: {"load_kg": 8}})
    assert store.sets()["reps"].tolist() == [12, 10] and store.sets()["load_kg"].tolist() == [6.0, 8.0]


def test_latest_sets_are_those_of_the_latest_session_of_each_exercise_and_side(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Lea"))
    start = datetime.now().replace(microsecond=0) - timedelta(days=200)
    # A long log, written in one transaction: the lookup must not stop at its first page.
    store.add_many([
        dict(when=start + timedelta(days=day), athlete=name, exercise="clamshell", side=side, reps=15, session=f"{name}{day}",
             load_kg=day if name == "Ana" else 400 - day)
        for day in range(0, 200, 2) for name, sides in (("Ana", ("left", "right") * 3), ("Lea", ("left",))) for side in sides
    ], kind="set")
    last = start + timedelta(days=198)
    store.add_session([dict(when=last - timedelta(days=1), athlete="Ana", exercise="hip thrust", side="both", reps=10, load_kg=40)])
    store.add_session([dict(when=start - timedelta(days=1), athlete="Ana", exercise="step-down", side="left", reps=10, load_kg=2)])
    # Only the left side on the last day: the right side's latest is the session before.
    store.add_session([dict(when=last + timedelta(hours=1), athlete="Ana", exercise="clamshell", side="left", reps=15, load_kg=499)])
    latest = store.latest_sets("Ana", ["clamshell", "hip thrust", "step-down", "side plank", "no such exercise"])

    full = store.sets(athlete="Ana")
    expected = full[full["when"] == full.groupby(["exercise", "side"], observed=True)["when"].transform("max")]
    expected = expected[expected["exercise"].isin(["clamshell", "hip thrust", "step-down"])]
    assert latest["id"].tolist() == sorted(expected["id"])
    assert latest.groupby(["exercise", "side"], observed=True)["load_kg"].apply(list).to_dict() == {
        ("clamshell", "left"): [499.0], ("clamshell", "right"): [198.0] * 3,
        ("hip thrust", "both"): [40.0], ("step-down", "left"): [2.0]}
    assert store.latest_sets("Lea", ["clamshell"])["load_kg"].tolist() == [202.0]
    assert store.latest_sets("Nobody", ["clamshell"]).empty
    assert store.latest_sets("Ana", []).empty


def test_latest_sets_skip_deleted_sessions(store: hipknee.Store) -> None:
    _session(store, date.today() - timedelta(days=3))
    newer = _session(store, date.today() - timedelta(days=1))
    store.update_many("set", {int(i): {"load_kg": 8} for i in store.sets()["id"][2:]})
    assert store.latest_sets("Ana", ["single-leg deadlift"])["load_kg"].tolist() == [8.0, 8.0]
    store.delete_session(newer)
    assert store.latest_sets("Ana", ["single-leg deadlift"])["load_kg"].tolist() == [6.0, 6.0]


def test_latest_sets_refuse_what_is_no_name(store: hipknee.Store) -> None:
    with pytest.raises(hipknee.ValidationError):
        store.latest_sets(None, ["clamshell"])  # type: ignore[arg-type]
    with pytest.raises(hipknee.ValidationError):
        store.latest_sets("Ana", "clamshell")


def test_latest_sets_get_past_a_session_larger_than_a_page(store: hipknee.Store) -> None:
    now = datetime.now().replace(microsecond=0) - timedelta(hours=1)
    store.add_session([dict(when=now - timedelta(days=5), athlete="Ana", exercise="step-down", side="right", reps=10, load_kg=3)])
    store.add_session([dict(when=now, athlete="Ana", exercise="clamshell", side=side, reps=15, load_kg=n)
                       for n in range(100) for side in ("left", "right")])
    latest = store.latest_sets("Ana", ["clamshell", "step-down"])
    assert len(latest) == 201
    assert latest[latest["exercise"] == "clamshell"]["load_kg"].tolist() == [float(n) for n in range(100) for _ in "lr"]
