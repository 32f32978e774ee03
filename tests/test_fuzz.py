"""Bad input, generated: every input to the store API, the record classes, the forms and the
command line is either saved and read back equal, or rejected with hipknee's ValidationError and
nothing written; every uploaded file (good, cut short, overwritten, garbage) is either imported
whole or reported as an ImportFileError, never half written.

The "ci" hypothesis profile (the default, see conftest.py) keeps this quick; the full-size run:
``HYPOTHESIS_PROFILE=full python -m pytest tests/test_fuzz.py``. Inputs that only build a record
cost no I/O, so most of the examples go there; those that touch the store are fewer but each one
saves, reads back and counts rows.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import Backend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hipknee
from hipknee.cli import main
from hipknee.records.catalogue import BUILTIN_EXERCISES
from hipknee.records.kujala import KUJALA_ITEMS
from hipknee.records.model import RECORD_KINDS, validate_record
from hipknee.store.schema import TABLES

# Saving generated records runs on SQLite and on PostgreSQL: what one accepts, the other must
# accept and give back the same. The rest (sessions, updates, lookups, forms, importers) goes
# through the same validation and saves, on SQLite.
both_backends = pytest.mark.both_backends

#: Examples per test in the current profile ("ci" 100, "full" 1000): the cheap tests run more.
BASE = settings().max_examples
CHEAP = BASE * 3
STORED = BASE * 6 // 5

#: Generated inputs checked, by entry point (printed at the end of the module; run with -s).
INPUTS: Counter[str] = Counter()
EXAMPLES: Counter[str] = Counter()
SAVED: Counter[str] = Counter()

MISSING = object()
NASTY_TEXT = [
    "", " ", "\t\n", "\x00", "a\x00b", "\ud800", "'; DROP TABLE athletes; --", "Robert'); --", "\u202eevil",
    "🦵🏃", "é" * 81, "x" * 2001, "NaN", "inf", "-1", "1e309", "2026-02-30", "0000-00-00", "None", "null",
]
BAD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(NASTY_TEXT),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.binary(max_size=4),
    st.datetimes(),
    st.sampled_from([float("nan"), float("inf"), -0.0, 1e308, math.pi]),
)

NOW = datetime.now()
WHEN_VALID = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 2), max_value=NOW),
    st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)),
    st.dates(min_value=date(1990, 1, 2), max_value=NOW.date()),
    st.datetimes(min_value=datetime(1990, 1, 2), max_value=NOW).map(lambda d: d.isoformat(timespec="minutes")),
)
WHEN_EDGE = st.one_of(
    st.datetimes(min_value=datetime(1989, 12, 31), max_value=datetime(1990, 1, 1, 1)),
    st.datetimes(min_value=NOW + timedelta(hours=23), max_value=NOW + timedelta(days=3)),
    st.sampled_from(["2026-02-30", "02/03/2026", "2026-03-02T25:00", "yesterday"]),
)


def _num(lo: float, hi: float, *, whole: bool = False, open_low: bool = False) -> tuple[st.SearchStrategy[Any], ...]:
    """(allowed numbers, numbers at and just beyond the edges of the range)."""
    if whole:
        valid = st.integers(int(lo), int(hi))
        return valid, st.sampled_from([int(lo) - 1, int(hi) + 1, float(lo), float(hi) + 0.5, True])
    valid = st.one_of(st.floats(lo, hi, exclude_min=open_low), st.integers(int(lo) + open_low, int(hi)))
    edges = st.sampled_from([lo, hi, lo - 1, hi + 1, math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf)])
    return valid, edges


def _opt(pair: tuple[st.SearchStrategy[Any], ...]) -> tuple[st.SearchStrategy[Any], ...]:
    return st.one_of(st.none(), pair[0]), pair[1]


def _choice(valid: list[Any], wrong: list[Any]) -> tuple[st.SearchStrategy[Any], ...]:
    return st.sampled_from(valid), st.sampled_from(wrong)


TEXT = st.text(max_size=30)
NAME = (st.text(min_size=1, max_size=12).filter(str.strip), st.sampled_from(["x" * 81, "   ", "", "Ana"]))
NOTED = {
    "when": (WHEN_VALID, WHEN_EDGE),
    "athlete": _choice(["Ana", " Ana "], ["Nobody", "ana", ""]),
    "note": (TEXT, st.sampled_from(["x" * 2000, "x" * 2001])),
    "note_private": (st.booleans(), st.sampled_from(["yes", 2])),
}

#: kind -> field -> (allowed values, values at or beyond the edge of what is allowed).
FIELDS: dict[str, dict[str, tuple[st.SearchStrategy[Any], ...]]] = {
    "athlete": {
        "name": NAME,
        "body_mass_kg": _opt(_num(20, 250, open_low=True)),
        "involved_side": _choice([None, "left", "right"], ["both", "LEFT"]),
    },
    "exercise": {
        "name": NAME,
        "measure": _choice(["reps", "time", "hold"], ["sets", ""]),
        "per_side": (st.booleans(), st.sampled_from(["maybe", 3])),
        "dose_sets": _opt(_num(1, 20, whole=True)),
        "dose_reps": _opt(_num(1, 200, whole=True)),
        "dose_seconds": _opt(_num(0, 600, open_low=True)),
        "target": (TEXT, st.just("x" * 201)),
        "how": (TEXT, st.just("x" * 1001)),
    },
    "set": {
        **NOTED,
        "exercise": _choice([e.name for e in BUILTIN_EXERCISES], ["moonwalk", "Clamshell"]),
        "side": _choice(["left", "right", "both"], ["middle"]),
        "reps": _opt(_num(0, 1000, whole=True)),
        "duration_s": _opt(_num(0, 3600)),
        "hold_s": _opt(_num(0, 600)),
        "load_kg": _opt(_num(0, 500)),
        "band": _choice([None, "extra light", "light", "medium", "heavy", "extra heavy"], ["purple"]),
        "rpe": _opt(_num(0, 10)),
    },
    "test": {
        **NOTED,
        "test": _choice(["hip abduction dynamometer", "single-leg bridge reps"], ["", "x" * 81]),
        "side": _choice(["left", "right"], ["both"]),
        "value": _num(0, 100_000),
        "unit": _choice(["N", "kg", "reps", "cm", "s"], ["lb", "n"]),
    },
    "run": {
        **NOTED,
        "distance_km": _num(0, 400, open_low=True),
        "duration_min": _num(0, 3000, open_low=True),
        "moving_min": _opt(_num(0, 3000, open_low=True)),
        "rpe": _opt(_num(0, 10)),
        "surface": _choice([None, "road", "trail", "track", "treadmill", "grass", "mixed"], ["lava"]),
        "avg_hr": _opt(_num(20, 250)),
        "source": _choice(["manual", "fit", "gpx", "tcx", "strava"], ["fax"]),
    },
    "pain": {
        **NOTED,
        "knee": _choice(["left", "right"], ["both"]),
        "nrs": (st.one_of(st.integers(0, 10), st.sampled_from([3.0, 0.0])), st.sampled_from([-1, 11, 3.5, True, "3"])),
        "context": _choice(["rest", "during", "after", "next_morning"], ["never"]),
    },
    "outcome": {**NOTED, "score": _num(0, 100, whole=True), "instrument": _choice(["kujala"], ["koos"]),
                **{item.field: _choice([None, *(points for points, _words in item.answers)], [1, -1, 11])
                   for item in KUJALA_ITEMS}},
    "prescription": {
        **NOTED,
        "exercise": _choice([e.name for e in BUILTIN_EXERCISES], ["moonwalk", "Clamshell"]),
        "sets": _num(1, 20, whole=True),
        "reps": _opt(_num(1, 200, whole=True)),
        "duration_s": _opt(_num(0, 3600, open_low=True)),
        "hold_s": _opt(_num(0, 600, open_low=True)),
        "load_kg": _opt(_num(0, 500)),
        "band": _choice([None, "extra light", "light", "medium", "heavy", "extra heavy"], ["purple"]),
        "sessions_per_week": _num(1, 14, whole=True),
    },
}
REQUIRED = {kind: {n for n, f in cls.model_fields.items() if f.is_required()} for kind, cls in RECORD_KINDS.items()}
EXERCISES = {e.name: e for e in BUILTIN_EXERCISES}
MEASURED_BY = {"reps": "reps", "time": "duration_s", "hold": "hold_s"}


MODES = ("allowed", "allowed", "edges", "one field broken", "chaos", "not a mapping")


@st.composite
def record_input(draw: st.DrawFn, kind: str, modes: tuple[str, ...] = MODES) -> Any:
    """A mapping for one record: all allowed, some at the edges, one field broken, or chaos
    (any field broken, missing or extra); now and then not a mapping at all."""
    mode = draw(st.sampled_from(modes))
    if mode == "not a mapping":
        return draw(BAD)
    fields = FIELDS[kind]
    edgy = mode == "edges"
    data = {
        n: draw(st.one_of(valid, edge) if edgy else valid)
        for n, (valid, edge) in fields.items()
        if n in REQUIRED[kind] or draw(st.booleans())
    }
    if kind == "set" and mode == "allowed":  # a set that fits its exercise
        ex = EXERCISES[data["exercise"]]
        data["side"] = draw(st.sampled_from(["left", "right"])) if ex.per_side else "both"
        data[MEASURED_BY[ex.measure]] = draw(fields[MEASURED_BY[ex.measure]][0].filter(lambda v: v is not None))
    targets = [*fields, "bogus"]
    broken = [draw(st.sampled_from(targets))] if mode == "one field broken" else targets if mode == "chaos" else []
    for name in broken:
        if mode == "chaos" and draw(st.booleans()):
            continue
        value = draw(st.one_of(BAD, st.just(MISSING)))
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Any:
    yield
    print(f"\nfuzzing ({settings().max_examples} examples per test in this profile): "
          f"{sum(EXAMPLES.values())} hypothesis examples, {sum(INPUTS.values())} generated inputs")
    for entry, count in sorted(INPUTS.items()):
        saved = f", {SAVED[entry]} saved and read back" if entry in SAVED else ""
        print(f"  {entry}: {count} inputs in {EXAMPLES[entry]} examples{saved}")


def _counted(entry: str, inputs: int = 1) -> None:
    EXAMPLES[entry] += 1
    INPUTS[entry] += inputs


@pytest.fixture(scope="module")
def fuzz_store(backend: Backend) -> hipknee.Store:
    place = backend.new()
    with backend.open(place) as st:
        st.add(hipknee.Athlete(name="Ana", involved_side="left"))
        yield st
    backend.release(place)


def _expected(kind: str, data: Any) -> hipknee.records.Record | None:
    try:
        return validate_record(RECORD_KINDS[kind], data)
    except hipknee.ValidationError:
        return None


def _rows(store: hipknee.Store) -> dict[str, int]:
    """Rows of every kind, deleted ones included, in one query."""
    counts = ", ".join(f"(SELECT count(*) FROM {table.name})" for table in TABLES.values())
    with store.engine.connect() as conn:  # plain SQL, not the store's own count()
        found = conn.exec_driver_sql(f"SELECT {counts}").fetchone()
    return dict(zip(TABLES, found))


def _saved_or_rejected(store: hipknee.Store, kind: str, data: Any) -> None:
    before = _rows(store)
    expected = _expected(kind, data)
    try:
        new_id = store.add(data, kind=kind)
    except hipknee.ValidationError:
        assert _rows(store) == before, "a rejected record left rows behind"
        return
    assert expected is not None, "the store saved what the record class refuses"
    got, want = store.get(kind, new_id).model_dump(), expected.model_dump()
    if kind == "set" and not want["session"]:  # a set saved alone gets a session id of its own
        assert isinstance(got["session"], str) and len(got["session"]) == 32
        want["session"] = got["session"]
    if kind == "prescription" and not want["programme"]:  # ... and a prescription a programme id
        assert isinstance(got["programme"], str) and len(got["programme"]) == 32
        want["programme"] = got["programme"]
    assert got == want
    assert _rows(store) == {**before, kind: before[kind] + 1}
    SAVED[f"store.add(..., kind={kind!r})"] += 1


# -- the record classes (no I/O) -------------------------------------------------------------
@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_record_classes_accept_or_raise_validation_error(kind: str) -> None:
    cls = RECORD_KINDS[kind]

    @settings(max_examples=CHEAP)
    @given(st.lists(record_input(kind), min_size=1, max_size=10))
    def check(batch: list[dict[str, Any]]) -> None:
        _counted(f"{cls.__name__}(...)", len(batch))
        for data in batch:
            if not isinstance(data, dict):
                with pytest.raises(hipknee.ValidationError):
                    cls.validate(data)
                continue
            try:
                rec = cls(**{str(k): v for k, v in data.items()})
            except hipknee.ValidationError as exc:
                assert exc.field and exc.allowed
                continue
            # A record that was accepted is stable: validating what it holds gives it back.
            assert validate_record(cls, rec.model_dump()) == rec

    check()


# -- the store API ---------------------------------------------------------------------------
@both_backends
@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_store_add_saves_and_reads_back_or_writes_nothing(fuzz_store: hipknee.Store, kind: str) -> None:
    @settings(max_examples=STORED, suppress_health_check=[HealthCheck.too_slow])
    @given(record_input(kind))
    def check(data: Any) -> None:
        _counted(f"store.add(..., kind={kind!r})")
        _saved_or_rejected(fuzz_store, kind, data)

    check()


@settings(max_examples=STORED, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sets=st.lists(record_input("set", modes=("allowed",) * 8 + MODES), min_size=0, max_size=4))
def test_store_add_session_is_all_or_nothing(fuzz_store: hipknee.Store, sets: list[dict[str, Any]]) -> None:
    _counted("store.add_session", max(1, len(sets)))
    before = _rows(fuzz_store)
    expected = [_expected("set", s) for s in sets]
    try:
        session = fuzz_store.add_session(sets)
    except hipknee.ValidationError:
        assert _rows(fuzz_store) == before
        return
    assert all(e is not None for e in expected)
    saved = fuzz_store.sets().query("session == @session").sort_values("id")
    assert len(saved) == len(sets)
    for rec, rec_id in zip(expected, saved["id"]):
        assert fuzz_store.get("set", rec_id).model_dump() == {**rec.model_dump(), "session": session}
    SAVED["store.add_session"] += len(sets)


@settings(max_examples=BASE, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["pain", "run", "athlete"]), data=st.data())
def test_store_update_changes_the_row_or_nothing(fuzz_store: hipknee.Store, kind: str, data: st.DataObject) -> None:
    base = {
        "pain": dict(when="2026-03-02T07:00", athlete="Ana", knee="left", nrs=2, context="next_morning"),
        "run": dict(when="2026-03-02T18:00", athlete="Ana", distance_km=8.0, duration_min=48.0),
        "athlete": dict(name=f"Runner {fuzz_store.count('athlete', include_deleted=True)}"),
    }[kind]
    _counted("store.update")
    rec_id = fuzz_store.add(base, kind=kind)
    before = fuzz_store.get(kind, rec_id)
    changes = data.draw(record_input(kind).filter(lambda d: isinstance(d, dict)))
    changes = {str(k): v for k, v in changes.items()}
    expected = _expected(kind, {**before.model_dump(), **changes})
    rows = _rows(fuzz_store)
    try:
        fuzz_store.update(kind, rec_id, **changes)
    except hipknee.ValidationError:
        assert fuzz_store.get(kind, rec_id) == before
    else:
        assert expected is not None and fuzz_store.get(kind, rec_id).model_dump() == expected.model_dump()
        SAVED["store.update"] += 1
    assert _rows(fuzz_store) == rows


IDS = st.one_of(BAD, st.integers(min_value=-3, max_value=10**6), st.just(2**63), st.just(2**63 - 1))
KINDS = st.one_of(st.sampled_from(list(RECORD_KINDS)), BAD)


@settings(max_examples=STORED, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(action=st.sampled_from(["get", "delete", "undelete", "read", "count"]), kind=KINDS, arg=IDS,
       start=st.one_of(st.none(), WHEN_VALID, WHEN_EDGE, BAD), athlete=st.one_of(st.none(), st.just("Ana"), BAD))
def test_store_lookups_answer_or_raise_validation_error(
    fuzz_store: hipknee.Store, action: str, kind: Any, arg: Any, start: Any, athlete: Any
) -> None:
    _counted(f"store.{action}")
    rows = _rows(fuzz_store)
    try:
        if action == "read":
            fuzz_store.read(kind, athlete=athlete, start=start, end=arg)
        elif action == "count":
            fuzz_store.count(kind)
        else:
            getattr(fuzz_store, action)(kind, arg)
    except hipknee.ValidationError:
        pass
    assert _rows(fuzz_store) == rows  # deletes are soft: never a row fewer


# -- the command line ------------------------------------------------------------------------
ARG = st.one_of(
    st.sampled_from(["demo", "backup", "restore", "export", "--data", "--seed", "--runners", "--list", "--if-missing",
                     "-1", "0", "3", "x", "", "--", "-h"]),
    st.text(max_size=6),
)


@settings(max_examples=BASE // 2, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=st.lists(ARG, max_size=5))
def test_cli_answers_bad_input_in_one_line(tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _counted("hipknee (command line)")
    capsys.readouterr()  # what earlier examples printed
    # Only the safe commands, in a private folder: never write anywhere else.
    if not argv or argv[0] not in ("backup", "restore", "demo"):
        argv = ["backup", *argv]
    if "--runners" in argv and "--runners" != argv[-1]:
        argv[argv.index("--runners") + 1] = "1"  # a squad of thousands is valid, only slow
    try:
        code = main([*argv, "--data", str(tmp_path / "cli")])
    except SystemExit as exc:  # argparse's own "usage: ... error:" line, exit 2
        assert exc.code in (0, 2)
        return
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    if code:
        assert err.startswith("hipknee: error: ") and err.count("\n") == 1


# -- found by fuzzing ------------------------------------------------------------------------
@both_backends
def test_a_deleted_athletes_name_is_a_validation_error(store: hipknee.Store) -> None:
    bo = store.add(hipknee.Athlete(name="Bo"))
    store.delete("athlete", bo)
    with pytest.raises(hipknee.ValidationError, match="undelete it instead"):
        store.add(hipknee.Athlete(name="Bo"))
    store.undelete("athlete", bo)
    assert store.athlete_names() == ["Ana", "Bo"]


# -- the importers ---------------------------------------------------------------------------
def _good_file(kind: str, minutes_before: int) -> tuple[str, bytes]:
    """A good file of one format (or wrapping) for a run starting ``minutes_before`` a fixed moment."""
    from activity_files import START, fit_bytes, gpx_bytes, gz, tcx_bytes, zipped

    start = START - timedelta(minutes=minutes_before)
    return {
        "gpx": lambda: ("run.gpx", gpx_bytes(start, km=6.0, minutes=30.0, points=12)),
        "fit": lambda: ("run.fit", fit_bytes(start, km=8.0, minutes=44.0, records=8)),
        "tcx": lambda: ("run.tcx", tcx_bytes(start)),
        "gz": lambda: ("run.gpx.gz", gz(gpx_bytes(start, km=5.0, minutes=27.0, points=8))),
        "zip": lambda: ("runs.zip", zipped({"a.gpx": gpx_bytes(start, points=8), "b.txt": b"notes"})),
    }[kind]()


@st.composite
def damaged_upload(draw: st.DrawFn) -> tuple[str, bytes]:
    """An uploaded file: a good one, cut short, with bytes overwritten or inserted, or plain garbage,
    under its own name or another."""
    name, data = _good_file(draw(st.sampled_from(["gpx", "fit", "tcx", "gz", "zip"])), draw(st.integers(0, 10**7)))
    how = draw(st.sampled_from(["as is", "as is", "cut", "overwritten", "inserted", "garbage", "empty"]))
    if how == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "overwritten":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at + 16 :]
    elif how == "inserted":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    elif how == "garbage":
        data = draw(st.binary(max_size=200))
    elif how == "empty":
        data = b""
    name = draw(st.one_of(st.just(name), st.sampled_from(["x.gpx", "x.fit", "x.tcx", "x.zip", "x.gz", "x.csv", "x"]),
                          st.text(max_size=8)))
    return name, data


@settings(max_examples=BASE, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(uploads=st.lists(damaged_upload(), min_size=1, max_size=3))
def test_importers_save_each_file_whole_or_report_it(fuzz_store: hipknee.Store, uploads: list[tuple[str, bytes]]) -> None:
    from hipknee.importers import import_uploads

    _counted("import_uploads", len(uploads))
    before = _rows(fuzz_store)
    summary = import_uploads(fuzz_store, uploads, "Ana", progress=False)
    assert all(isinstance(e, hipknee.ImportFileError) and e.reason for e in summary.failed)
    # Exactly the runs reported as imported were written, and they read back as reported.
    assert _rows(fuzz_store) == {**before, "run": before["run"] + len(summary.imported)}
    for run in summary.imported:
        saved = fuzz_store.get("run", run.id)
        assert (saved.when, saved.distance_km) == (run.when, run.distance_km)
    SAVED["import_uploads"] += len(summary.imported)


# -- the forms -------------------------------------------------------------------------------
TYPED_NUMBER = st.one_of(
    st.sampled_from(["", " ", "0", "8", "8.5", "8,5", "-1", "10", "11", "3.5", "1e309", "nan", "inf", "1 000", "½", "abc"]),
    st.from_regex(r"-?[0-9]{1,4}([.,][0-9]{1,3})?", fullmatch=True),
    st.text(max_size=6),
)
TYPED_RUNNER = st.one_of(st.sampled_from(["Ana", " Ana ", "", "   ", "x" * 81]), st.text(min_size=1, max_size=10))
PLAUSIBLE_NUMBER = st.integers(1, 10).map(str)
TODAY = date.today()
PAST_DAYS = st.dates(min_value=date(1990, 1, 2), max_value=TODAY - timedelta(days=1))
DAYS = st.one_of(st.none(), st.dates(min_value=date(1989, 12, 25), max_value=TODAY + timedelta(days=3)).filter(lambda d: d != TODAY))


def _form_inputs(form: Any) -> list[Any]:
    """The widgets a runner types into or picks from, in the order a runner would fill them."""
    from hipknee.widgets import forms

    if isinstance(form, forms.SessionForm):
        return [w for row in form.rows for w in (row.side, *row.fields.values(), row.band)] + [form.note]
    if isinstance(form, forms.RunForm):
        return [form.distance, form.duration, form.rpe, form.surface, form.note, form.private]
    if isinstance(form, forms.PainForm):
        return [*form.knees.values(), form.context, form.note]
    return [form.test, form.unit, *form.sides.values(), form.note]


@pytest.mark.parametrize("name", ["SessionForm", "RunForm", "PainForm", "TestForm"])
def test_forms_save_what_was_typed_or_nothing(fuzz_store: hipknee.Store, name: str) -> None:
    import ipywidgets as widgets

    from hipknee.records.catalogue import STRENGTH_TESTS
    from hipknee.widgets import forms
    from hipknee.widgets.forms.fields import moment

    form = getattr(forms, name)(fuzz_store)

    @settings(max_examples=BASE // 2, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _counted(f"{name} (typed in, saved)")
        form.clear()
        form.refresh()
        # Half the time what a runner would type, half the time anything at all.
        plausible = data.draw(st.booleans())
        number = PLAUSIBLE_NUMBER if plausible else TYPED_NUMBER
        form.athlete.value = "Ana" if plausible else data.draw(TYPED_RUNNER)
        form.day.value = data.draw(PAST_DAYS if plausible else DAYS)
        if isinstance(form, forms.SessionForm) and not plausible:
            for row in data.draw(st.lists(st.sampled_from(form.rows), unique_by=id, max_size=3)):
                form.remove_row(row)
        for widget in _form_inputs(form):
            if isinstance(widget, widgets.Dropdown):
                widget.index = data.draw(st.integers(0, len(widget.options) - 1))
            elif isinstance(widget, widgets.Checkbox):
                widget.value = data.draw(st.booleans())
            elif widget is form.note:
                widget.value = data.draw(st.text(max_size=20) if plausible else st.one_of(st.text(max_size=20), st.just("x" * 2001)))
            elif isinstance(form, forms.TestForm) and widget is form.test:
                widget.value = data.draw(st.one_of(st.sampled_from(sorted(STRENGTH_TESTS)), st.text(max_size=10)))
            else:
                widget.value = data.draw(number)

        runner = form.athlete.value.strip()
        new_runner = bool(runner) and runner not in fuzz_store.athlete_names()
        drafts = form.drafts(runner, moment(form.day.value))
        before = _rows(fuzz_store)
        ids = form.save()
        if not ids:
            assert "Nothing saved" in form.message.value
            assert _rows(fuzz_store) == before
            return
        assert "Saved" in form.message.value and len(ids) == len(drafts)
        kind = drafts[0][0].kind
        assert _rows(fuzz_store) == {**before, kind: before[kind] + len(ids), "athlete": before["athlete"] + new_runner}
        for rec_id, (cls, typed) in zip(ids, drafts):
            saved = fuzz_store.get(kind, rec_id).model_dump()
            expected = validate_record(cls, typed).model_dump()
            saved.pop("session", None), expected.pop("session", None)
            assert saved == expected
        SAVED[f"{name} (typed in, saved)"] += 1

    check()
