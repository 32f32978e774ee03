"""The store: add, list, update, delete and undo for every record kind, typed reads, one
transaction per save, and where the data directory is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import hipknee
from hipknee.store import locations as paths
from hipknee.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.both_backends

WHEN = "2026-03-02T18:00"

EXAMPLES = {
    "athlete": (dict(name="Bea", body_mass_kg=55.0, involved_side="right"), "body_mass_kg", 56.5),
    "exercise": (dict(name="monster walk", measure="time", per_side=True, dose_seconds=20), "dose_seconds", 25.0),
    "set": (dict(when=WHEN, athlete="Ana", exercise="clamshell", side="right", reps=15, band="medium"), "reps", 12),
    "test": (dict(when=WHEN, athlete="Ana", test="hip abduction dynamometer", side="left", value=150.0, unit="N"), "value", 162.0),
    "run": (dict(when=WHEN, athlete="Ana", distance_km=8.0, duration_min=50.0, rpe=5, surface="trail"), "distance_km", 8.4),
    "pain": (dict(when=WHEN, athlete="Ana", knee="right", nrs=2, context="next_morning", note="stiff"), "nrs", 1),
    "outcome": (dict(when="2026-03-01", athlete="Ana", score=71), "score", 78),
}


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_add_list_update_delete_undelete(store: hipknee.Store, kind: str) -> None:
    data, field, new_value = EXAMPLES[kind]
    before = len(store.read(kind))
    new_id = store.add(data, kind=kind)
    frame = store.read(kind)
    assert len(frame) == before + 1
    row = frame.set_index("id").loc[new_id]
    assert row[field] == pytest.approx(data[field])

    store.update(kind, new_id, **{field: new_value})
    assert store.read(kind).set_index("id").loc[new_id, field] == pytest.approx(new_value)

    store.delete(kind, new_id)
    assert new_id not in set(store.read(kind)["id"])
    assert new_id in set(store.read(kind, include_deleted=True)["id"])

    store.undelete(kind, new_id)
    assert new_id in set(store.read(kind)["id"])


def test_update_is_validated_and_leaves_the_row(store: hipknee.Store) -> None:
    pid = store.add(EXAMPLES["pain"][0], kind="pain")
    with pytest.raises(hipknee.ValidationError) as info:
        store.update("pain", pid, nrs=12)
    assert info.value.field == "nrs"
    assert store.pain()["nrs"].tolist() == [2]


def test_delete_of_missing_id_is_a_validation_error(store: hipknee.Store) -> None:
    with pytest.raises(hipknee.ValidationError, match="pain.id"):
        store.delete("pain", 999)


def test_duplicate_athlete_name_is_rejected(store: hipknee.Store) -> None:
    with pytest.raises(hipknee.ValidationError) as info:
        store.add(hipknee.Athlete(name="Ana"))
    assert info.value.field == "name"


def test_reads_are_tidy_and_typed(store: hipknee.Store) -> None:
    for kind in ("set", "pain", "run"):
        store.add(EXAMPLES[kind][0], kind=kind)
    sets, pain, runs = store.sets(), store.pain(), store.runs()
    assert pd.api.types.is_datetime64_any_dtype(sets["when"])
    assert isinstance(sets["side"].dtype, pd.CategoricalDtype)
    assert list(sets["side"].cat.categories) == ["left", "right", "both"]
    assert list(pain["knee"].cat.categories) == ["left", "right"]
    assert list(pain["context"].cat.categories) == ["rest", "during", "after", "next_morning"]
    assert sets["reps"].dtype == "Int64" and sets["duration_s"].isna().all()
    assert sets.loc[0, "measure"] == "reps" and sets.loc[0, "exercise"] == "clamshell"
    assert runs["distance_km"].dtype == "float64"


def test_empty_reads_have_the_same_columns(store: hipknee.Store) -> None:
    empty = store.pain()
    assert empty.empty
    assert {"when", "athlete", "knee", "nrs", "context", "note", "note_private"} <= set(empty.columns)


def test_filters_by_athlete_and_dates(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Bea"))
    rows = [dict(EXAMPLES["pain"][0], when=f"2026-03-0{d}T07:00", athlete=a) for d in (1, 2, 3) for a in ("Ana", "Bea")]
    store.add_many(rows, kind="pain")
    assert len(store.pain(athlete="Bea")) == 3
    assert len(store.pain(start="2026-03-02", end="2026-03-02")) == 2  # a date is the whole day
    assert len(store.pain(athlete="Ana", start="2026-03-02")) == 2


def test_session_is_saved_together(store: hipknee.Store) -> None:
    base = dict(when=WHEN, athlete="Ana", exercise="single-leg deadlift", reps=10)
    session = store.add_session([dict(base, side="left"), dict(base, side="right")])
    sets = store.sets()
    assert set(sets["session"]) == {session} and len(sets) == 2
    with pytest.raises(hipknee.ValidationError):
        store.add_session([dict(base, side="left"), dict(base, side="right", reps=-1)])
    assert len(store.sets()) == 2


def test_custom_exercise_can_be_logged(store: hipknee.Store) -> None:
    store.add(hipknee.Exercise(name="copenhagen plank", measure="time", per_side=True, dose_seconds=20))
    store.add(dict(when=WHEN, athlete="Ana", exercise="copenhagen plank", side="left", duration_s=18), kind="set")
    assert store.sets()["exercise"].tolist() == ["copenhagen plank"]


def test_catalogue_has_the_programme_at_its_doses(store: hipknee.Store) -> None:
    ex = store.exercises().set_index("name")
    assert set(hipknee.PROGRAMME) <= set(ex.index) and len(ex) >= 8
    assert ex.loc["lateral band walk", "measure"] == "time" and ex.loc["lateral band walk", "dose_seconds"] == 15
    assert ex.loc["single-leg deadlift", "dose_reps"] == 10
    assert ex.loc["foam-roller hip release", ["dose_reps", "dose_seconds"]].tolist() == [3, 5]
    assert ex["per_side"].all() == False  # noqa: E712 - hip thrust is two-sided


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path) as st:
        assert st.schema_version == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "hipknee.db") as conn:
        assert conn.execute("select value from hipknee_meta where key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


def test_data_dir_from_env_and_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPKNEE_DATA", str(tmp_path / "env"))
    assert paths.db_path() == tmp_path / "env" / "hipknee.db"
    assert paths.db_path(tmp_path / "arg") == tmp_path / "arg" / "hipknee.db"
    with hipknee.open_store() as st:
        assert st.path == tmp_path / "env" / "hipknee.db"
    assert (tmp_path / "env" / "hipknee.db").exists()


def test_default_data_dir_is_the_project_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HIPKNEE_DATA")
    root = paths.project_root()
    assert root is not None and paths.data_dir() == root / "data"


def test_store_by_url(tmp_path: Path) -> None:
    with hipknee.Store.open(url=f"sqlite:///{tmp_path / 'other.db'}") as st:
        st.add(hipknee.Athlete(name="Cy"))
        assert st.athlete_names() == ["Cy"]


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "hipknee.db") as conn:
        conn.execute("create table something(x)")
    with pytest.raises(hipknee.StoreError, match="not a hipknee store"):
        hipknee.Store.open(tmp_path)


def test_notebook_store_falls_back_to_the_demo(tmp_path: Path) -> None:
    with hipknee.notebook_store(tmp_path) as st:
        assert st.is_demo and st.athlete_names() == ["Maria"]
        assert st.path == tmp_path / "demo" / "hipknee.db"
    with hipknee.Store.open(tmp_path) as own:
        own.add(hipknee.Athlete(name="Ana"))
    with hipknee.notebook_store(tmp_path) as st:
        assert not st.is_demo and st.athlete_names() == ["Ana"]


def test_read_only_some_columns(demo_store: hipknee.Store) -> None:
    first = int(demo_store.pain()["id"].iloc[0])
    demo_store.delete("pain", first)
    for kw in ({}, {"include_deleted": True}, {"athlete": "Maria", "start": "2026-03-09", "end": "2026-03-15"}):
        full = demo_store.read("pain", **kw)
        some = demo_store.read("pain", columns=["nrs", "when", "knee"], **kw)
        assert list(some.columns) == ["when", "knee", "nrs"]  # the usual order, whatever was asked
        pd.testing.assert_frame_equal(some, full[["when", "knee", "nrs"]])
    assert first in set(demo_store.read("pain", include_deleted=True, columns=["id"])["id"])
    assert first not in set(demo_store.read("pain", columns=["id"])["id"])
    sets = demo_store.read("set", columns=["exercise", "reps"])
    assert list(sets.columns) == ["exercise", "reps"] and str(sets["reps"].dtype) == "Int64"
    with pytest.raises(hipknee.ValidationError) as err:
        demo_store.read("run", columns=["distance_km", "pace"])
    assert err.value.field == "columns" and err.value.value == "pace"


# -- a runner added with her first entries ---------------------------------------------------------
@pytest.mark.both_backends
def test_a_runner_is_added_with_her_first_entries_only_when_she_is_not_in_the_store(store: hipknee.Store) -> None:
    sets = [{"athlete": "Lea", "exercise": "clamshell", "side": side, "reps": 12, "when": "2026-03-02 07:00"}
            for side in ("left", "right")]
    ids = store.add_many(sets, kind="set", runner={"name": "Lea", "involved_side": "right"})
    assert len(ids) == 3 and store.athlete_names() == ["Ana", "Lea"]
    assert store.athletes().set_index("name").loc["Lea", "involved_side"] == "right"
    assert sorted(store.sets()["id"]) == ids[1:]
    # She is there now: the same call adds her sets only, and never a second Lea.
    again = store.add_many(sets, kind="set", runner={"name": "Lea"})
    assert len(again) == 2 and store.athlete_names() == ["Ana", "Lea"] and store.count("set") == 4


@pytest.mark.both_backends
def test_a_runner_and_her_entries_are_saved_together_or_not_at_all(store: hipknee.Store) -> None:
    bad = [{"athlete": "Lea", "exercise": "no such exercise", "side": "left", "reps": 12, "when": "2026-03-02 07:00"}]
    with pytest.raises(hipknee.ValidationError, match="exercise"):
        store.add_many(bad, kind="set", runner={"name": "Lea"})
    assert store.athlete_names() == ["Ana"]
    bo = store.add(hipknee.Athlete(name="Bo"))
    store.delete("athlete", bo)
    good = [{**bad[0], "athlete": "Bo", "exercise": "clamshell"}]
    with pytest.raises(hipknee.ValidationError, match="undelete it instead"):
        store.add_many(good, kind="set", runner={"name": "Bo"})
    assert store.count("set") == 0
