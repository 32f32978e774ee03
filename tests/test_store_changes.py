"""Change notification (``Store.on_change``) on a real store: who is told, when, and for how long."""

from __future__ import annotations

import gc
import weakref
from datetime import date, timedelta

import pytest

import hipknee
from hipknee.store.changes import Change


def _session(store: hipknee.Store, day: date) -> str:
    return store.add_session([
        dict(when=day, athlete="Ana", exercise="single-leg deadlift", side=side, reps=10, load_kg=6)
        for side in ("left", "right")
    ])


def test_every_committed_write_is_told_once(store: hipknee.Store) -> None:
    seen: list[Change] = []
    handle = store.on_change(seen.append)
    day = date.today() - timedelta(days=1)

    athlete_id = store.add(hipknee.Athlete(name="Lea"))
    assert seen[-1] == Change("add", ("athlete",), (athlete_id,))
    ids = store.add_many([hipknee.Athlete(name="Mo"), hipknee.Run(when=day, athlete="Mo", distance_km=5, duration_min=30)])
    assert seen[-1] == Change("add", ("athlete", "run"), tuple(ids))
    session = _session(store, day)
    set_ids = tuple(store.sets()["id"])
    assert seen[-1] == Change("add", ("set",), set_ids)
    store.update("run", ids[1], distance_km=6)
    assert seen[-1] == Change("update", ("run",), (ids[1],))
    store.update_many("set", {set_ids[0]: {"reps": 9}, set_ids[1]: {"reps": 8}})
    assert seen[-1] == Change("update", ("set",), set_ids)
    store.delete("run", ids[1])
    assert seen[-1] == Change("delete", ("run",), (ids[1],))
    store.undelete("run", ids[1])
    assert seen[-1] == Change("undelete", ("run",), (ids[1],))
    store.delete_session(session)
    assert seen[-1] == Change("delete", ("set",), set_ids)
    store.undelete_session(session)
    assert seen[-1] == Change("undelete", ("set",), set_ids)
    assert len(seen) == 9

    handle.cancel()
    assert not handle.active
    store.add(hipknee.Athlete(name="Zoe"))
    assert len(seen) == 9


def test_a_refused_write_tells_nothing(store: hipknee.Store) -> None:
    seen: list[Change] = []
    _handle = store.on_change(seen.append)
    with pytest.raises(hipknee.ValidationError):
        store.add_many([hipknee.Athlete(name="Lea"),
                        dict(when=date.today(), athlete="Nobody", knee="left", nrs=3, context="rest")], kind=None)
    with pytest.raises(hipknee.ValidationError):
        store.update("athlete", 1, body_mass_kg=5)
    with pytest.raises(hipknee.ValidationError):
        store.delete("run", 12345)
    with pytest.raises(hipknee.ValidationError):
        store.delete_session("no-such-session")
    assert seen == []
    assert store.athlete_names() == ["Ana"]


def test_only_this_store_object_tells(store: hipknee.Store) -> None:
    seen: list[Change] = []
    _handle = store.on_change(seen.append)
    with hipknee.Store.open(store.path.parent) as other:
        other.add(hipknee.Athlete(name="Lea"))
    assert seen == []


class _View:
    def __init__(self, store: hipknee.Store) -> None:
        self.changes: list[Change] = []
        self.handle = store.on_change(self.changed)

    def changed(self, change: Change) -> None:
        self.changes.append(change)


def test_a_subscribed_widget_can_still_be_garbage_collected(store: hipknee.Store) -> None:
    view = _View(store)
    store.add(hipknee.Athlete(name="Lea"))
    assert len(view.changes) == 1
    gone = weakref.ref(view)
    del view
    gc.collect()
    assert gone() is None
    assert len(store._listeners) == 0
    store.add(hipknee.Athlete(name="Mo"))  # nothing left to call, nothing fails


def test_a_lambda_lives_as_long_as_its_handle(store: hipknee.Store) -> None:
    seen: list[str] = []
    handle = store.on_change(lambda change: seen.append(change.action))
    gc.collect()
    store.add(hipknee.Athlete(name="Lea"))
    assert seen == ["add"]
    del handle
    gc.collect()
    store.add(hipknee.Athlete(name="Mo"))
    assert seen == ["add"]


def test_a_failing_callback_warns_and_the_others_still_run(store: hipknee.Store) -> None:
    seen: list[Change] = []

    def broken(_change: Change) -> None:
        raise RuntimeError("redraw failed")

    _first = store.on_change(broken)
    _second = store.on_change(seen.append)
    with pytest.warns(RuntimeWarning, match="redraw failed"):
        store.add(hipknee.Athlete(name="Lea"))
    assert "Lea" in store.athlete_names() and len(seen) == 1


def test_on_change_needs_a_callable(store: hipknee.Store) -> None:
    with pytest.raises(TypeError):
        store.on_change("redraw")  # type: ignore[arg-type]
