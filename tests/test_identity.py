"""Stable identities: every record has a global id (uid) and an updated-at time, set by the store,
kept through edit, delete, undelete and export; sessions are named by their sets' shared id."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from test_store import EXAMPLES

import hipknee
from hipknee.records.catalogue import BUILTIN_EXERCISES
from hipknee.store.identity import builtin_uid, is_uid, next_stamp
from hipknee.store.store import KINDS


def _row(store: hipknee.Store, kind: str, id: int) -> pd.Series:
    return store.read(kind, include_deleted=True).set_index("id").loc[id]


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_a_record_keeps_its_uid_and_each_change_moves_its_updated_at(store: hipknee.Store, kind: str) -> None:
    data, field, new_value = EXAMPLES[kind]
    id = store.add(data, kind=kind)
    first = _row(store, kind, id)
    assert is_uid(first["uid"])
    stamps = [first["updated_at"]]
    for change in (lambda: store.update(kind, id, **{field: new_value}),
                   lambda: store.delete(kind, id),
                   lambda: store.undelete(kind, id)):
        change()
        row = _row(store, kind, id)
        assert row["uid"] == first["uid"]
        assert row["updated_at"] > stamps[-1]
        stamps.append(row["updated_at"])
    # Deleting stamps the deletion at its updated-at time.
    store.delete(kind, id)
    row = _row(store, kind, id)
    assert row["deleted_at"] == row["updated_at"] > stamps[-1]


def test_every_record_gets_its_own_uid(demo_store: hipknee.Store) -> None:
    uids = [demo_store.read(kind, include_deleted=True)["uid"] for kind in KINDS]
    every = pd.concat(uids)
    assert len(every) > 700 and every.map(is_uid).all() and every.is_unique


def test_built_in_exercises_have_the_same_uid_in_every_store(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "a") as a, hipknee.Store.open(tmp_path / "b") as b:
        a.add(hipknee.Exercise(name="monster walk", measure="time"))
        b.add(hipknee.Exercise(name="monster walk", measure="time"))
        ea, eb = a.exercises().set_index("name")["uid"], b.exercises().set_index("name")["uid"]
    for exercise in BUILTIN_EXERCISES:
        assert ea[exercise.name] == eb[exercise.name] == builtin_uid(exercise.name)
    # An exercise a runner makes herself is her own, whatever its name.
    assert ea["monster walk"] != eb["monster walk"]


def test_a_clock_set_back_never_makes_an_edit_look_older() -> None:
    last = datetime(2026, 5, 1, 12, 0)
    assert next_stamp(last, last - timedelta(hours=1)) == last + timedelta(microseconds=1)
    assert next_stamp(last, last) == last + timedelta(microseconds=1)
    assert next_stamp(last, last + timedelta(seconds=1)) == last + timedelta(seconds=1)
    assert next_stamp(None, last) == last


def test_uids_are_kept_through_export(demo_store: hipknee.Store, tmp_path: Path) -> None:
    out = hipknee.export_tables(demo_store, "csv", tmp_path / "season")
    runs = pd.read_csv(out / "runs.csv", encoding="utf-8-sig")
    assert runs["uid"].tolist() == demo_store.runs()["uid"].tolist()


def test_sets_saved_without_a_session_get_one_per_moment(store: hipknee.Store) -> None:
    common = dict(athlete="Ana", exercise="clamshell", reps=12)
    ids = store.add_many([
        hipknee.StrengthSet(when="2026-03-02T18:00", side="left", **common),
        hipknee.StrengthSet(when="2026-03-02T18:00", side="right", **common),
        hipknee.StrengthSet(when="2026-03-04T18:00", side="left", **common),
    ])
    given = store.add_session([dict(when="2026-03-06T18:00", side="left", **common)])
    sets = store.sets().set_index("id")
    assert sets.loc[ids[0], "session"] == sets.loc[ids[1], "session"] != sets.loc[ids[2], "session"]
    assert sets["session"].str.fullmatch(r"[0-9a-f]{32}").all() and given in set(sets["session"])


def test_sessions_have_an_id_and_an_updated_at(store: hipknee.Store) -> None:
    common = dict(when="2026-03-02T18:00", athlete="Ana", exercise="clamshell", reps=12)
    session = store.add_session([dict(side="left", **common), dict(side="right", **common)])
    other = store.add_session([dict(side="left", **{**common, "when": "2026-03-03T18:00"})])
    found = store.sessions().set_index("session")
    assert list(found.index) == [session, other] and found.loc[session, "sets"] == 2
    saved = found.loc[session, "updated_at"]

    # Deleting one of its sets changes the session; deleting the other hides it.
    first, second = store.sets().query("session == @session")["id"]
    store.delete("set", first)
    found = store.sessions().set_index("session")
    assert found.loc[session, "sets"] == 1 and found.loc[session, "updated_at"] > saved
    store.delete("set", second)
    assert session not in set(store.sessions()["session"])
    assert session in set(store.sessions(include_deleted=True)["session"])
    assert list(store.sessions(athlete="Ana")["session"]) == [other]
