"""Validation at the boundary: every bad input raises ValidationError naming the field, and
nothing is written."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest

import hipknee
from hipknee import ValidationError

pytestmark = pytest.mark.both_backends

WHEN = "2026-03-02T18:00"
GOOD_SET = dict(when=WHEN, athlete="Ana", exercise="single-leg deadlift", side="left", reps=10, load_kg=6.0)
GOOD_PAIN = dict(when=WHEN, athlete="Ana", knee="left", nrs=3, context="after")
GOOD_RUN = dict(when=WHEN, athlete="Ana", distance_km=6.2, duration_min=38.0, rpe=4)


def _rows(store: hipknee.Store) -> dict[str, int]:
    return {k: store.count(k, include_deleted=True) for k in ("athlete", "exercise", "set", "test", "run", "pain", "outcome")}


@pytest.mark.parametrize(
    ("kind", "base", "field", "value"),
    [
        ("pain", GOOD_PAIN, "nrs", 11),
        ("pain", GOOD_PAIN, "nrs", -1),
        ("pain", GOOD_PAIN, "nrs", 4.5),
        ("pain", GOOD_PAIN, "nrs", math.nan),
        ("pain", GOOD_PAIN, "nrs", "seven"),
        ("pain", GOOD_PAIN, "nrs", True),
        ("pain", GOOD_PAIN, "knee", "middle"),
        ("pain", GOOD_PAIN, "context", "sometimes"),
        ("set", GOOD_SET, "reps", -3),
        ("set", GOOD_SET, "reps", "ten"),
        ("set", GOOD_SET, "load_kg", -2.5),
        ("set", GOOD_SET, "load_kg", math.nan),
        ("set", GOOD_SET, "load_kg", math.inf),
        ("set", GOOD_SET, "side", "middle"),
        ("set", GOOD_SET, "rpe", 11),
        ("set", GOOD_SET, "band", "purple"),
        ("set", GOOD_SET, "exercise", "moonwalk"),
        ("set", GOOD_SET, "athlete", "Nobody"),
        ("set", GOOD_SET, "athlete", ""),
        pytest.param("set", GOOD_SET, "when", (datetime.now() + timedelta(days=400)).isoformat(),
                     id="set-when-400-days-ahead"),
        ("set", GOOD_SET, "when", "yesterday-ish"),
        ("set", GOOD_SET, "when", 12345),
        ("run", GOOD_RUN, "distance_km", -5),
        ("run", GOOD_RUN, "distance_km", math.nan),
        ("run", GOOD_RUN, "duration_min", [40]),
        ("run", GOOD_RUN, "surface", "lava"),
        ("run", GOOD_RUN, "athlete", "Nobody"),
    ],
)
def test_bad_value_names_field_and_writes_nothing(store: hipknee.Store, kind: str, base: dict, field: str, value: Any) -> None:
    before = _rows(store)
    with pytest.raises(ValidationError) as info:
        store.add({**base, field: value}, kind=kind)
    err = info.value
    assert err.field == field
    assert f"{kind}.{field}: got " in str(err)
    assert "allowed:" in str(err) and err.allowed
    assert _rows(store) == before


@pytest.mark.parametrize(("kind", "base", "field"), [("pain", GOOD_PAIN, "note"), ("run", GOOD_RUN, "athlete"),
                                                     ("athlete", dict(name="Ana"), "name")])
def test_a_nul_character_is_refused_on_either_store(store: hipknee.Store, kind: str, base: dict, field: str) -> None:
    """PostgreSQL cannot hold NUL in text; SQLite could, but both stores take the same records."""
    before = _rows(store)
    with pytest.raises(ValidationError) as info:
        store.add({**base, field: "a\x00b"}, kind=kind)
    assert info.value.field == field and "NUL" in info.value.allowed
    assert _rows(store) == before


def test_the_good_records_are_accepted(store: hipknee.Store) -> None:
    # The bases above are valid: the failures are the field's fault alone.
    for kind, base in (("set", GOOD_SET), ("pain", GOOD_PAIN), ("run", GOOD_RUN)):
        store.add(base, kind=kind)
    assert store.count("set") == store.count("pain") == store.count("run") == 1


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_athlete_name_is_rejected(store: hipknee.Store, name: str) -> None:
    with pytest.raises(ValidationError, match=r"athlete\.name: got") as info:
        store.add(hipknee.Athlete.model_construct(name=name))
    assert info.value.field == "name"
    assert store.athlete_names() == ["Ana"]


def test_unknown_field_is_named(store: hipknee.Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.add({**GOOD_PAIN, "severity": 3}, kind="pain")
    assert info.value.field == "severity"


def test_missing_required_field_is_named(store: hipknee.Store) -> None:
    data = dict(GOOD_PAIN)
    del data["knee"]
    with pytest.raises(ValidationError) as info:
        store.add(data, kind="pain")
    assert info.value.field == "knee" and "required" in info.value.allowed


def test_side_must_fit_the_exercise(store: hipknee.Store) -> None:
    with pytest.raises(ValidationError, match="one side at a time") as info:
        store.add({**GOOD_SET, "side": "both"}, kind="set")
    assert info.value.field == "side"
    with pytest.raises(ValidationError, match="two-sided") as info:
        store.add({**GOOD_SET, "exercise": "hip thrust", "side": "left"}, kind="set")
    assert info.value.field == "side"


def test_a_set_needs_its_exercise_measure(store: hipknee.Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.add(dict(when=WHEN, athlete="Ana", exercise="lateral band walk", side="left", reps=5), kind="set")
    assert info.value.field == "duration_s"
    assert store.count("set") == 0


def test_a_date_counts_as_midnight_and_strings_parse() -> None:
    rec = hipknee.PainEntry.validate(dict(GOOD_PAIN, when="2026-03-02"))
    assert rec.when == datetime(2026, 3, 2)
    assert hipknee.PainEntry.validate(dict(GOOD_PAIN, nrs=3.0)).nrs == 3


def test_one_bad_record_in_a_batch_writes_none(store: hipknee.Store) -> None:
    batch = [GOOD_PAIN, GOOD_PAIN, {**GOOD_PAIN, "athlete": "Nobody"}]
    with pytest.raises(ValidationError):
        store.add_many(batch, kind="pain")
    assert store.count("pain") == 0


# -- hostile text and loose types ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "base", "field", "value"),
    [
        ("athlete", {}, "name", "Bob\x01"),
        ("athlete", {}, "name", "\x1b[31mRed\x1b[0m"),
        ("athlete", {}, "name", "Nul\x00l"),
        ("athlete", {}, "name", "two\nlines"),
        ("athlete", {}, "name", "tab\there"),
        ("athlete", {}, "name", "Ana\u2028"),
        ("athlete", {}, "name", "Ana\x85"),
        ("athlete", {}, "name", "lone \ud800 surrogate"),
        ("athlete", {}, "name", "not a char \uffff"),
        ("run", GOOD_RUN, "note", "bell \x07"),
        ("run", GOOD_RUN, "note", "\x1b[2J cleared"),
        ("run", GOOD_RUN, "note", "carriage\rreturn"),
        ("run", GOOD_RUN, "note", "nul\x00"),
        ("run", GOOD_RUN, "sport", "run\x1b"),
        ("pain", GOOD_PAIN, "note", "escape \x9b"),
    ],
)
def test_control_characters_are_refused_naming_the_field(
    store: hipknee.Store, kind: str, base: dict, field: str, value: str
) -> None:
    before = _rows(store)
    with pytest.raises(ValidationError) as info:
        store.add({**base, field: value}, kind=kind)
    assert info.value.field == field
    assert "control character" in info.value.allowed or "character" in str(info.value)
    assert _rows(store) == before


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\ufeff", " \u00a0\u3000", "\u2800", "\u3164", "\u0301"])
def test_a_name_with_nothing_visible_is_refused(store: hipknee.Store, name: str) -> None:
    with pytest.raises(ValidationError, match=r"athlete\.name: got .*visible") as info:
        store.add(hipknee.Athlete(name=name))
    assert info.value.field == "name"
    assert store.athlete_names() == ["Ana"]


def test_names_are_kept_in_nfc_so_the_same_name_is_the_same_runner(store: hipknee.Store) -> None:
    decomposed, composed = "Zoe\u0308 A\u030angstro\u0308m", "Zoë Ångström"
    store.add(hipknee.Athlete(name=decomposed))
    assert composed in store.athlete_names()
    # Typed the other way, it still finds her: the same name is the same runner.
    store.add(dict(GOOD_RUN, athlete=composed), kind="run")
    store.add(dict(GOOD_RUN, athlete=decomposed, when="2026-03-03T07:00"), kind="run")
    assert store.read("run")["athlete"].astype(str).tolist() == [composed, composed]
    with pytest.raises(ValidationError, match="no other athlete"):
        store.add(hipknee.Athlete(name=composed))


@pytest.mark.parametrize("name", [" Ana", "Ana ", "\tAna", "Ana\u200b"])
def test_spaces_around_a_name_are_refused_not_stripped(store: hipknee.Store, name: str) -> None:
    with pytest.raises(ValidationError) as info:
        hipknee.Athlete(name=name)
    assert info.value.field == "name" and "either end" in info.value.allowed
    with pytest.raises(ValidationError) as info:
        store.add(dict(GOOD_RUN, athlete=" Ana "), kind="run")
    assert info.value.field == "athlete"
    assert store.count("run") == 0


@pytest.mark.parametrize("note", ["  indented", "trailing  ", "\tTabbed\n", "two\n\nparagraphs\n", " "])
def test_notes_are_kept_exactly_spaces_and_line_breaks_included(store: hipknee.Store, note: str) -> None:
    new_id = store.add(dict(GOOD_RUN, note=note), kind="run")
    assert store.get("run", new_id).note == note
    assert store.read("run")["note"].tolist() == [note]


@pytest.mark.parametrize(
    ("kind", "base", "field", "value"),
    [
        ("run", GOOD_RUN, "distance_km", True),
        ("run", GOOD_RUN, "duration_min", False),
        ("run", GOOD_RUN, "distance_km", "5"),
        ("run", GOOD_RUN, "rpe", True),
        ("set", GOOD_SET, "reps", True),
        ("set", GOOD_SET, "load_kg", "6.0"),
        ("run", GOOD_RUN, "note_private", "yes"),
        ("run", GOOD_RUN, "note_private", "false"),
        ("run", GOOD_RUN, "note_private", 1),
        ("pain", GOOD_PAIN, "note_private", 0),
    ],
)
def test_a_bool_is_no_number_and_text_is_no_bool(
    store: hipknee.Store, kind: str, base: dict, field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        store.add({**base, field: value}, kind=kind)
    assert info.value.field == field
    assert store.count(kind) == 0


def test_exact_types_still_pass(store: hipknee.Store) -> None:
    import numpy as np

    new_id = store.add(dict(GOOD_RUN, distance_km=np.float64(5.5), rpe=4, note_private=np.bool_(True)), kind="run")
    run = store.get("run", new_id)
    assert (run.distance_km, run.rpe, run.note_private) == (5.5, 4.0, True)
    assert type(run.note_private) is bool
    with pytest.raises(ValidationError):
        hipknee.Exercise(name="x", measure="reps", per_side="yes")
