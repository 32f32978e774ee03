"""Typed records: what a runner logs, validated at the boundary.

Units: mass and load in kg, durations in s (sets) or min (runs), distance in km, pain as a
0-10 integer NRS, effort as RPE 0-10 (CR-10). Sides are ``left`` / ``right`` (``both`` for
bilateral work). Any failure is raised as :class:`hipknee.ValidationError` naming the field.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, Literal, get_args

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import ValidationError

__all__ = [
    "Record",
    "Athlete",
    "Exercise",
    "StrengthSet",
    "StrengthTest",
    "Run",
    "PainEntry",
    "OutcomeScore",
    "SIDES",
    "KNEES",
    "PAIN_CONTEXTS",
    "MEASURES",
    "BANDS",
    "SURFACES",
    "SOURCES",
    "TEST_UNITS",
    "RECORD_KINDS",
    "validate_record",
]

Side = Literal["left", "right", "both"]
Knee = Literal["left", "right"]
PainContext = Literal["rest", "during", "after", "next_morning"]
Measure = Literal["reps", "time", "hold"]
Band = Literal["extra light", "light", "medium", "heavy", "extra heavy"]
Surface = Literal["road", "trail", "track", "treadmill", "grass", "mixed"]
Source = Literal["manual", "fit", "gpx", "tcx", "strava"]
TestUnit = Literal["N", "kg", "reps", "cm", "s"]

SIDES: tuple[str, ...] = get_args(Side)
KNEES: tuple[str, ...] = get_args(Knee)
PAIN_CONTEXTS: tuple[str, ...] = get_args(PainContext)
MEASURES: tuple[str, ...] = get_args(Measure)
BANDS: tuple[str, ...] = get_args(Band)
SURFACES: tuple[str, ...] = get_args(Surface)
SOURCES: tuple[str, ...] = get_args(Source)
TEST_UNITS: tuple[str, ...] = get_args(TestUnit)

# Entries dated further ahead than this are typos (a year off, a swapped day and month).
FUTURE_SLACK = timedelta(days=1)
EARLIEST = datetime(1990, 1, 1)

Name = Annotated[str, Field(min_length=1, max_length=80, description="a non-empty name up to 80 characters")]
Note = Annotated[str, Field(max_length=2000, description="free text up to 2000 characters")]


class Record(BaseModel):
    """Base of every record: strict enough to reject NaN, unknown fields and wrong types."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        str_strip_whitespace=True,
        validate_assignment=True,
        frozen=False,
    )
    kind: ClassVar[str] = "record"

    def __init__(self, /, **data: Any) -> None:
        # `hipknee.PainEntry(nrs=12, ...)` in a notebook raises hipknee's error, not pydantic's.
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _translate(type(self), exc, data) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except pydantic.ValidationError as exc:
            raise _translate(type(self), exc, {name: value}) from None

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store a NUL character in text; refusing it here keeps what a SQLite
        # store and a club's server accept the same.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text without NUL (\\x00) characters")
        return value

    @classmethod
    def validate(cls, data: dict[str, Any]) -> "Record":  # type: ignore[override]
        """Build the record from a mapping, raising :class:`ValidationError` on bad input."""
        return validate_record(cls, data)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("not an ISO date or date-time") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone().replace(tzinfo=None)
    else:
        raise ValueError("not a date")
    if moment > datetime.now() + FUTURE_SLACK:
        raise ValueError("in the future")
    if moment < EARLIEST:
        raise ValueError("too far in the past")
    return moment


WHEN_ALLOWED = f"a date or date-time from {EARLIEST:%Y-%m-%d} up to tomorrow"


class _Dated(Record):
    when: datetime = Field(description=WHEN_ALLOWED)
    athlete: Name

    @field_validator("when", mode="before")
    @classmethod
    def _check_when(cls, value: Any) -> datetime:
        return _when(value)


class _Noted(_Dated):
    note: Note = ""
    note_private: bool = Field(False, description="true or false")


class Athlete(Record):
    """A runner. ``involved_side`` is the painful side when known (used as the LSI reference)."""

    kind: ClassVar[str] = "athlete"
    name: Name
    body_mass_kg: float | None = Field(None, gt=20, le=250, description="body mass in kg, above 20 and up to 250, or empty")
    involved_side: Knee | None = Field(None, description="'left', 'right' or empty")


class Exercise(Record):
    """A catalogue exercise and its prescribed dose.

    ``measure`` says what one set records: ``reps``, ``time`` (s of work) or ``hold`` (s held,
    repeated ``dose_reps`` times). ``per_side`` exercises are logged once for ``left`` and once for
    ``right``; the others on ``both``.
    """

    kind: ClassVar[str] = "exercise"
    name: Name
    measure: Measure = Field(description="'reps', 'time' or 'hold'")
    per_side: bool = Field(True, description="true or false")
    dose_sets: int | None = Field(None, ge=1, le=20, description="sets per side, 1 to 20, or empty")
    dose_reps: int | None = Field(None, ge=1, le=200, description="reps per set, 1 to 200, or empty")
    dose_seconds: float | None = Field(None, gt=0, le=600, description="seconds per set or hold, above 0 and up to 600, or empty")
    target: str = Field("", max_length=200, description="text up to 200 characters")
    how: str = Field("", max_length=1000, description="text up to 1000 characters")
    builtin: bool = Field(False, description="true or false")


class StrengthSet(_Noted):
    """One set of one exercise on one side. Reps count, ``duration_s`` and ``hold_s`` in s, load in kg."""

    kind: ClassVar[str] = "set"
    exercise: Name
    side: Side = Field(description="'left', 'right' or 'both'")
    reps: int | None = Field(None, ge=0, le=1000, description="a whole number of reps from 0 to 1000, or empty")
    duration_s: float | None = Field(None, ge=0, le=3600, description="seconds from 0 to 3600, or empty")
    hold_s: float | None = Field(None, ge=0, le=600, description="seconds held from 0 to 600, or empty")
    load_kg: float | None = Field(None, ge=0, le=500, description="external load in kg from 0 to 500, or empty")
    band: Band | None = Field(None, description="one of " + ", ".join(map(repr, get_args(Band))) + ", or empty")
    rpe: float | None = Field(None, ge=0, le=10, description="RPE from 0 to 10, or empty")
    session: str | None = Field(None, max_length=64, description="a session id, or empty")


class StrengthTest(_Noted):
    """A strength or function test on one side, e.g. hip-abduction dynamometry in N or kg."""

    kind: ClassVar[str] = "test"
    test: Name = Field(description="the test's name, e.g. 'hip abduction dynamometer'")
    side: Knee = Field(description="'left' or 'right'")
    value: float = Field(ge=0, le=100_000, description="a number from 0 to 100000")
    unit: TestUnit = Field(description="one of " + ", ".join(map(repr, get_args(TestUnit))))


class Run(_Noted):
    """A run: distance in km, elapsed duration in min (moving time too when known), session RPE 0-10."""

    kind: ClassVar[str] = "run"
    distance_km: float = Field(gt=0, le=400, description="km, above 0 and up to 400")
    duration_min: float = Field(gt=0, le=3000, description="elapsed minutes, above 0 and up to 3000")
    moving_min: float | None = Field(None, gt=0, le=3000, description="moving minutes, above 0 and up to 3000, or empty")
    rpe: float | None = Field(None, ge=0, le=10, description="session RPE from 0 to 10, or empty")
    surface: Surface | None = Field(None, description="one of " + ", ".join(map(repr, get_args(Surface))) + ", or empty")
    avg_hr: float | None = Field(None, ge=20, le=250, description="average heart rate in bpm, 20 to 250, or empty")
    sport: str = Field("running", max_length=40, description="the sport, 'running' for runs")
    source: Source = Field("manual", description="one of " + ", ".join(map(repr, get_args(Source))))
    source_hash: str | None = Field(None, max_length=128, description="the source file's hash, or empty")


class PainEntry(_Noted):
    """Knee pain on the 0-10 numeric rating scale, with its context; logged on rest days too."""

    kind: ClassVar[str] = "pain"
    knee: Knee = Field(description="'left' or 'right'")
    nrs: int = Field(ge=0, le=10, strict=True, description="a whole number from 0 to 10 (NRS)")
    context: PainContext = Field(description="one of " + ", ".join(map(repr, get_args(PainContext))))

    @field_validator("nrs", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # Accept 3.0 from a spreadsheet, but never a bool, a fraction or NaN.
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        return value


class OutcomeScore(_Noted):
    """A patient-reported outcome; Kujala anterior knee pain scale 0-100 (100 = no problem)."""

    kind: ClassVar[str] = "outcome"
    instrument: Literal["kujala"] = Field("kujala", description="'kujala'")
    score: int = Field(ge=0, le=100, strict=True, description="a whole number from 0 to 100")


RECORD_KINDS: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Athlete, Exercise, StrengthSet, StrengthTest, Run, PainEntry, OutcomeScore)
}


def validate_record(cls: type[Record], data: dict[str, Any] | Record) -> Record:
    """Validate ``data`` as a ``cls``; translate pydantic's error into :class:`ValidationError`."""
    if isinstance(data, cls):
        data = data.model_dump()
    if not isinstance(data, dict):
        raise ValidationError("record", data, f"a mapping of {cls.__name__} fields", record=cls.kind)
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _translate(cls, exc, data) from None


def _translate(cls: type[Record], exc: pydantic.ValidationError, data: dict[str, Any]) -> ValidationError:
    error = exc.errors(include_url=False)[0]
    inner = error.get("ctx", {}).get("error")
    if isinstance(inner, ValidationError):  # already translated by Record.__init__
        return inner
    loc = error.get("loc") or ("record",)
    field = str(loc[0])
    value = data.get(field, error.get("input")) if isinstance(data, dict) else error.get("input")
    info = cls.model_fields.get(field)
    if error["type"] == "extra_forbidden":
        allowed = "one of the fields " + ", ".join(cls.model_fields)
    elif error["type"] == "missing":
        allowed = "a value (this field is required): " + (info.description or "see the docs") if info else "a value"
    else:
        allowed = (info.description if info and info.description else error["msg"])
        reason = error.get("ctx", {}).get("error")
        if reason is not None:
            allowed = f"{allowed} ({reason})"
    return ValidationError(field, value, allowed, record=cls.kind)
