"""Merging share bundles into a coach's store: new records added, newer ones replacing older,
deletes carried over, the same bundle twice changing nothing, runners kept apart by identity,
every merge one transaction; and the round trip: the coach's report of a runner is her own."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hipknee
from hipknee.bundles import merge_bundle, share_bundle
from hipknee.store import sync
from hipknee.synthetic.coach_store import make_coach_store
from hipknee.synthetic.demo import make_demo

PRIVATE = "divorce papers"  # the demo season's private note


def masked(html: str) -> str:
    """A report without the moment it was made (the one line that differs between two builds)."""
    return re.sub(r"Made with hipknee on [^.]*\.", "Made with hipknee.", html)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(store: hipknee.Store, athlete: str) -> dict[str, list[dict[str, Any]]]:
    """A runner's records as the store holds them, by global id, without local row numbers;
    private notes aside (a bundle withholds them) and the shared catalogue's stamps aside."""
    rows = store.portable_rows(athlete)
    out = {}
    for kind, found in rows.items():
        cleaned = []
        for row in found:
            row = dict(row)
            if row.get("note_private"):
                row["note"] = ""
            if kind == "exercise":  # built-ins are every store's own copy of the same record
                row.pop("created_at"), row.pop("updated_at")
            if kind == "athlete":
                row.pop("name")  # shown with a suffix when another runner has it
            cleaned.append(row)
        out[kind] = sorted(cleaned, key=lambda r: r["uid"])
    return out


@pytest.fixture(scope="session")
def squad_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coach's data folder holding two other runners' short seasons (copy before writing)."""
    folder = tmp_path_factory.mktemp("squad") / "data"
    with hipknee.Store.open(folder) as store:
        make_coach_store(store, runners=2, seasons=1, weeks=6, seed=3)
    return folder


@pytest.fixture(scope="session")
def runner_report(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Maria's own report from her own store (private notes left out), built once."""
    folder = tmp_path_factory.mktemp("runner-report") / "data"
    shutil.copytree(demo_master, folder)
    with hipknee.Store.open(folder) as store:
        return masked(hipknee.build_report(store))


@pytest.fixture
def runner(demo_store: hipknee.Store) -> hipknee.Store:
    """Maria's season in her own store (a private copy)."""
    return demo_store


@pytest.fixture
def coach(tmp_path: Path) -> hipknee.Store:
    with hipknee.Store.open(tmp_path / "coach") as store:
        yield store


# -- round trip -----------------------------------------------------------------------------------
@pytest.mark.parametrize("squad", [False, True], ids=["empty coach store", "coach store with a squad"])
def test_round_trip_the_coach_sees_the_runners_own_report(
    runner: hipknee.Store, runner_report: str, tmp_path: Path, squad_master: Path, squad: bool
) -> None:
    folder = tmp_path / "coach"
    if squad:
        shutil.copytree(squad_master, folder)
    bundle = share_bundle(runner, tmp_path / "maria.hipknee")
    with hipknee.Store.open(folder) as coach:
        others = coach.athlete_names()
        merged = merge_bundle(coach, bundle.path)
        kinds = ("athlete", "set", "test", "run", "pain", "outcome", "prescription")
        assert merged.counts.count("added") == sum(len(runner.read(k)) for k in kinds)
        assert coach.athlete_names() == [*others, "Maria"]
        assert masked(hipknee.build_report(coach, athlete="Maria")) == runner_report
        assert state(coach, "Maria") == state(runner, "Maria")
        if squad:  # the squad overview lists her beside the others
            overview = hipknee.build_overview(coach, progress=False)
            for name in ["Maria", *others]:
                assert f">{name}<" in overview
            assert PRIVATE not in overview


def test_a_second_share_brings_exactly_the_edits_and_deletes(runner: hipknee.Store, coach: hipknee.Store, tmp_path: Path) -> None:
    merge_bundle(coach, share_bundle(runner, tmp_path / "first.hipknee").path)
    runs, pain, sets = runner.runs(), runner.pain(), runner.sets()
    for id in runs["id"][:3]:
        runner.update("run", int(id), rpe=9)
    for id in pain["id"][:2]:
        runner.delete("pain", int(id))
    runner.delete("set", int(sets["id"].iloc[0]))
    runner.undelete("set", int(sets["id"].iloc[0]))  # deleted and brought back: an edit like any other
    session = runner.add_session([
        dict(when="2026-06-20T18:00", athlete="Maria", exercise="clamshell", side=side, reps=14) for side in ("left", "right")
    ])
    runner.update("athlete", int(runner.athletes()["id"].iloc[0]), body_mass_kg=60.5)

    second = merge_bundle(coach, share_bundle(runner, tmp_path / "second.hipknee").path).counts
    assert (second.count("added", "set"), second.count("changed", "run"), second.count("deleted", "pain")) == (2, 3, 2)
    assert second.count("changed", "athlete") == 1
    assert second.changes == 2 + 3 + 2 + 1  # the set deleted and undeleted changed only its stamp
    assert session in set(coach.sets()["session"])
    assert state(coach, "Maria") == state(runner, "Maria")


def test_the_same_bundle_twice_changes_nothing(runner: hipknee.Store, coach: hipknee.Store, tmp_path: Path) -> None:
    bundle = share_bundle(runner, tmp_path / "maria.hipknee")
    merge_bundle(coach, bundle.path)
    before = sha256(coach.path)
    again = merge_bundle(coach, bundle.path)
    assert again.counts.changes == 0 and again.counts.count("unchanged") == sum(bundle.counts().values())
    coach.close()
    assert sha256(coach.path) == before


def test_an_older_bundle_after_a_newer_one_changes_nothing(runner: hipknee.Store, coach: hipknee.Store, tmp_path: Path) -> None:
    old = share_bundle(runner, tmp_path / "old.hipknee")
    pain = runner.pain()
    runner.delete("pain", int(pain["id"].iloc[0]))
    runner.update("pain", int(pain["id"].iloc[1]), nrs=0)
    new = share_bundle(runner, tmp_path / "new.hipknee")
    merge_bundle(coach, new.path)
    assert merge_bundle(coach, old.path).counts.changes == 0
    assert state(coach, "Maria") == state(runner, "Maria")


def test_same_name_runners_from_two_senders_stay_two(tmp_path: Path) -> None:
    bundles = []
    for seed in (7, 8):
        with hipknee.Store.open(tmp_path / f"runner-{seed}") as own:
            make_demo(own, seed=seed)
            bundles.append(share_bundle(own, tmp_path / f"maria-{seed}.hipknee"))
    with hipknee.Store.open(tmp_path / "coach") as coach:
        first = merge_bundle(coach, bundles[0].path)
        second = merge_bundle(coach, bundles[1].path)
        assert coach.athlete_names() == ["Maria", "Maria (2)"]
        assert first.counts.renamed == [] and second.counts.renamed == [("athlete", "Maria", "Maria (2)")]
        assert "the runner 'Maria' is shown as 'Maria (2)'" in second.line()
        # Each keeps her own log, and merging again keeps the names (no third Maria).
        assert merge_bundle(coach, bundles[1].path).counts.changes == 0
        assert coach.athlete_names() == ["Maria", "Maria (2)"]
        uids = coach.athletes().set_index("name")["uid"]
        assert uids["Maria"] == bundles[0].manifest["sender"]["athlete_uid"]
        assert uids["Maria (2)"] == bundles[1].manifest["sender"]["athlete_uid"]
        for name, seed in (("Maria", 7), ("Maria (2)", 8)):
            with hipknee.Store.open(tmp_path / f"runner-{seed}") as own:
                assert state(coach, name) == state(own, "Maria")


def test_own_exercises_with_the_same_name_stay_apart(store: hipknee.Store, tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "other") as other:
        other.add(hipknee.Athlete(name="Cy"))
        for own, name, measure in ((store, "Ana", "time"), (other, "Cy", "reps")):
            own.add(hipknee.Exercise(name="monster walk", measure=measure, per_side=True))
            own.add_session([dict(when="2026-03-02T18:00", athlete=name, exercise="monster walk", side="left",
                                  **({"duration_s": 30.0} if measure == "time" else {"reps": 12}))])
        bundles = [share_bundle(store, tmp_path / "ana.hipknee"), share_bundle(other, tmp_path / "cy.hipknee")]
    with hipknee.Store.open(tmp_path / "coach") as coach:
        for bundle in bundles:
            merge_bundle(coach, bundle.path)
        sets = coach.sets().set_index("athlete", drop=False)
        assert sets.loc["Ana", "exercise"] == "monster walk" and sets.loc["Ana", "measure"] == "time"
        assert sets.loc["Cy", "exercise"] == "monster walk (2)" and sets.loc["Cy", "measure"] == "reps"


def test_a_withheld_private_note_arrives_when_shared_later(runner: hipknee.Store, coach: hipknee.Store, tmp_path: Path) -> None:
    merge_bundle(coach, share_bundle(runner, tmp_path / "withheld.hipknee").path)
    notes = coach.pain().query("note_private")["note"]
    assert len(notes) == 1 and notes.iloc[0] == ""
    assert not coach.pain()["note"].str.contains(PRIVATE).any()
    later = merge_bundle(coach, share_bundle(runner, tmp_path / "all.hipknee", include_private=True).path).counts
    assert later.changes == 1 and later.count("changed", "pain") == 1
    assert PRIVATE in coach.pain().query("note_private")["note"].iloc[0]
    # ... and a bundle without it, of the same version, does not take it away again.
    assert merge_bundle(coach, tmp_path / "withheld.hipknee").counts.changes == 0
    assert PRIVATE in coach.pain().query("note_private")["note"].iloc[0]


def test_a_merge_is_one_transaction(runner: hipknee.Store, coach: hipknee.Store, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = share_bundle(runner, tmp_path / "maria.hipknee")
    coach.add(hipknee.Athlete(name="Bo"))
    coach.close()
    before = sha256(coach.path)
    real = sync._merge_log

    def fails_at_pain(conn, kind, *args):  # noqa: ANN001, ANN202 - the database fails half-way
        if kind == "pain":
            conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
        return real(conn, kind, *args)

    monkeypatch.setattr(sync, "_merge_log", fails_at_pain)
    with pytest.raises(hipknee.StoreError):
        merge_bundle(coach, bundle.path)
    coach.close()
    assert sha256(coach.path) == before
    monkeypatch.undo()
    assert coach.athlete_names() == ["Bo"] and coach.count("set") == 0


def test_merge_rows_refuses_rows_that_name_no_runner(runner: hipknee.Store, coach: hipknee.Store) -> None:
    rows = runner.portable_rows("Maria")
    rows["athlete"] = []
    with pytest.raises(hipknee.ValidationError) as info:
        coach.merge_rows(rows)
    assert info.value.field == "athlete_uid" and coach.count("set") == 0


# -- any edits, any order of bundles ------------------------------------------------------------------
KINDS = ("set", "test", "run", "pain", "outcome")
NEW = {
    "set": lambda i: dict(when=f"2026-03-{1 + i % 28:02d}T18:00", athlete="Ida", exercise="clamshell", side="left", reps=10 + i % 5),
    "test": lambda i: dict(when=f"2026-03-{1 + i % 28:02d}T17:00", athlete="Ida", test="hip abduction dynamometer",
                           side="right", value=150.0 + i, unit="N"),
    "run": lambda i: dict(when=f"2026-03-{1 + i % 28:02d}T07:00", athlete="Ida", distance_km=5.0 + i / 10, duration_min=30.0),
    "pain": lambda i: dict(when=f"2026-03-{1 + i % 28:02d}T08:00", athlete="Ida", knee="left", nrs=i % 11, context="during",
                           note=f"note {i}", note_private=i % 2 == 0),
    "outcome": lambda i: dict(when=f"2026-03-{1 + i % 28:02d}T19:00", athlete="Ida", score=50 + i % 50),
}
EDIT = {"set": ("reps", 1), "test": ("value", 0.5), "run": ("distance_km", 0.25), "pain": ("nrs", 1), "outcome": ("score", 1)}
LIMIT = {"reps": 1000, "value": 100_000, "distance_km": 400, "nrs": 10, "score": 100}

steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(KINDS), st.integers(0, 60)),
        st.tuples(st.sampled_from(["edit", "delete", "undelete"]), st.sampled_from(KINDS), st.integers(0, 30)),
        st.tuples(st.just("athlete"), st.just("athlete"), st.integers(0, 20)),
        st.tuples(st.just("share"), st.just(""), st.just(0)),
    ),
    max_size=25,
)


class Runner:
    """The runner's side of the test: her store, and the ids and edited values it holds (kept here
    so that a step needs no read of the store)."""

    def __init__(self, store: hipknee.Store) -> None:
        self.store = store
        self.athlete = store.add(hipknee.Athlete(name="Ida", involved_side="left"))
        self.ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.values: dict[tuple[str, int], float] = {}

    def apply(self, action: str, kind: str, n: int) -> None:
        if action == "add":
            data = NEW[kind](n)
            id = self.store.add(data, kind=kind)
            self.ids[kind].append(id)
            self.values[kind, id] = data[EDIT[kind][0]]
        elif action == "athlete":
            self.store.update("athlete", self.athlete, body_mass_kg=50.0 + n)
        elif self.ids[kind]:
            id = self.ids[kind][n % len(self.ids[kind])]
            if action == "edit":
                field, step_by = EDIT[kind]
                value = self.values[kind, id] + step_by
                self.values[kind, id] = value if value <= LIMIT[field] else 0
                self.store.update(kind, id, **{field: self.values[kind, id]})
            elif action == "delete":
                self.store.delete(kind, id)
            else:
                self.store.undelete(kind, id)


@settings(max_examples=max(10, settings().max_examples // 8))
@given(steps=steps, order=st.randoms(use_true_random=False))
def test_any_edits_merged_in_any_order_leave_the_coach_with_the_runners_latest_state(steps, order) -> None:  # noqa: ANN001
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with hipknee.Store.open(root / "runner") as runner, hipknee.Store.open(root / "coach") as coach:
            her = Runner(runner)
            bundles = []
            for step in steps:
                if step[0] == "share":
                    bundles.append(share_bundle(runner, root / f"{len(bundles)}.hipknee", include_private=True))
                else:
                    her.apply(*step)
            bundles.append(share_bundle(runner, root / "latest.hipknee", include_private=True))
            order.shuffle(bundles)
            for bundle in bundles:
                merge_bundle(coach, bundle.path)
            assert runner.portable_rows("Ida")["athlete"] == coach.portable_rows("Ida")["athlete"]
            mine, theirs = runner.portable_rows("Ida"), coach.portable_rows("Ida")
            for kind in KINDS:
                assert sorted(mine[kind], key=lambda r: r["uid"]) == sorted(theirs[kind], key=lambda r: r["uid"]), kind
            # And merging them all again, in another order, changes nothing.
            order.shuffle(bundles)
            assert sum(merge_bundle(coach, b.path).counts.changes for b in bundles) == 0
