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
        ("set", GOOD_SET, "when", (datetime.now() + timedelta(days=400)).isoformat()),
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
