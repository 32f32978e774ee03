"""Typed records: what a runner logs, validated at the boundary.

Units: mass and load in kg, durations in s (sets) or min (runs), distance in km, pain as a
0-10 integer NRS, effort as RPE 0-10 (CR-10). Sides are ``left`` / ``right`` (``both`` for
bilateral work). Any failure is raised as :class:`hipknee.ValidationError` naming the field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar, get_args

import numpy as np
import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from ..errors import ValidationError
from .kujala import KUJALA_FIELDS, KUJALA_ITEMS, kujala_total
from .zones import ZONE_ALLOWED, is_zone, machine_zone

__all__ = [
    "Record",
    "Entry",
    "Athlete",
    "Exercise",
    "StrengthSet",
    "StrengthTest",
    "Run",
    "PainEntry",
    "OutcomeScore",
    "Prescription",
    "SIDES",
    "KNEES",
    "PAIN_CONTEXTS",
    "MEASURES",
    "BANDS",
    "SURFACES",
    "SOURCES",
    "TEST_UNITS",
    "RECORD_KINDS",
    "clock_minutes",
    "note_text",
    "check_set_against_exercise",
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

# -- text and numbers, taken exactly as given or refused --------------------------------------
# Characters no text may hold: control characters (they corrupt terminals, workbooks and SVG),
# lone surrogates and the two non-characters XML cannot carry. Free text may hold tabs and line
# breaks (\n); a carriage return is refused because a workbook reads it back as \n.
_NAME_BREAKS = {"Zl", "Zp"}  # U+2028, U+2029: line and paragraph separators
_FREE_TEXT_CONTROLS = {"\t", "\n"}
_NOT_CHARACTERS = {"\ufffe", "\uffff"}
# Letters that draw nothing (Hangul fillers, the braille blank): a name of these looks empty.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def _refused_character(text: str, *, name: bool) -> str | None:
    """The first character ``text`` may not hold, described (e.g. "U+001B, a control character"), or None."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and (name or ch not in _FREE_TEXT_CONTROLS):
            what = "a control character"
        elif category == "Cs":
            what = "half of a surrogate pair"
        elif ch in _NOT_CHARACTERS:
            what = "a non-character"
        elif name and category in _NAME_BREAKS:
            what = "a line break"
        else:
            continue
        nul = " (NUL)" if ch == "\x00" else ""  # the one character a PostgreSQL text column cannot hold at all
        return f"U+{ord(ch):04X}{nul}, {what}"
    return None


def _invisible(ch: str) -> bool:
    """Draws nothing on its own: spaces, format characters (zero-width, direction marks), blanks."""
    return ch.isspace() or unicodedata.category(ch) == "Cf" or ch in _BLANK_LETTERS


def _name(value: str) -> str:
    """A name as stored: NFC (so the same name typed two ways is one runner), no control
    characters, no spaces at either end, something visible."""
    bad = _refused_character(value, name=True)
    if bad is not None:
        raise ValueError(f"holds {bad}")
    value = unicodedata.normalize("NFC", value)
    if not any(not _invisible(ch) and not unicodedata.category(ch).startswith("M") for ch in value):
        raise ValueError("nothing visible in it")
    if _invisible(value[0]) or _invisible(value[-1]):
        raise ValueError("spaces or invisible characters at an end")
    return value


def _free_text(value: str) -> str:
    """Free text kept exactly (spaces, tabs and line breaks included), without control characters."""
    bad = _refused_character(value, name=False)
    if bad is not None:
        raise ValueError(f"holds {bad}")
    return value


def note_text(text: str) -> str:
    """Text that comes from a file rather than a person (an imported title, a file name) as a note
    can hold it: CR LF as a line break, every other character a note may not hold as U+FFFD (a file
    name's bytes that are not UTF-8, kept by Python as lone surrogates, become U+FFFD too)."""
    text = text.replace("\r\n", "\n")
    if _refused_character(text, name=False) is None:
        return text
    return "".join("\ufffd" if _refused_character(ch, name=False) else ch for ch in text)


def _number(value: Any) -> Any:
    """A number as given: true/false and text are refused, not read as 1.0 or parsed."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError("true/false is not a number")
    if isinstance(value, (str, bytes)):
        raise ValueError("text is not a number")
    return value


def _flag(value: Any) -> bool:
    """True or false only: "yes", 1 and "false" are refused, not guessed."""
    if isinstance(value, np.bool_):
        return bool(value)
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


NAME_ALLOWED = ("a non-empty name up to 80 characters: something visible, no space at either end, no "
                "control character or line break")
TEXT_ALLOWED = "without control characters (tabs and line breaks as \\n are kept)"

Name = Annotated[str, Strict(), Field(min_length=1, max_length=80, description=NAME_ALLOWED), AfterValidator(_name)]
Text = Annotated[str, Strict(), AfterValidator(_free_text)]
Note = Annotated[Text, Field(max_length=2000, description=f"free text up to 2000 characters, {TEXT_ALLOWED}")]
Number = Annotated[float, BeforeValidator(_number)]
WholeNumber = Annotated[int, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class Record(BaseModel):
    """Base of every record: strict enough to reject NaN, unknown fields and wrong types. Text is
    kept exactly as given (never stripped); names are normalised to NFC."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_assignment=True,
        frozen=False,
        defer_build=True,
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
    def validate(cls, data: dict[str, Any]) -> Self:
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


class Entry(Record):
    """A runner's dated entry in the log: a set, a test, a run, a pain entry or an outcome score."""

    when: datetime = Field(description=WHEN_ALLOWED)
    athlete: Name

    @field_validator("when", mode="before")
    @classmethod
    def _check_when(cls, value: Any) -> datetime:
        return _when(value)


class _Noted(Entry):
    note: Note = ""
    note_private: Flag = Field(False, description="true or false")


class Athlete(Record):
    """A runner. ``involved_side`` is the painful side when known (used as the LSI reference)."""

    kind: ClassVar[str] = "athlete"
    name: Name
    body_mass_kg: Number | None = Field(None, gt=20, le=250, description="body mass in kg, above 20 and up to 250, or empty")
    involved_side: Knee | None = Field(None, description="'left', 'right' or empty")
    timezone: str = Field(default_factory=machine_zone, description=ZONE_ALLOWED + " (empty: this machine's zone)")

    @field_validator("timezone", mode="before")
    @classmethod
    def _check_zone(cls, value: Any) -> str:
        # Her times are shown in this zone; when she is added, the machine's zone is the best guess.
        if value is None or (isinstance(value, str) and not value.strip()):
            return machine_zone()
        if not is_zone(value.strip() if isinstance(value, str) else value):
            raise ValueError("not a known time zone")
        return value.strip()


class Exercise(Record):
    """A catalogue exercise and its prescribed dose.

    ``measure`` says what one set records: ``reps``, ``time`` (s of work) or ``hold`` (s held,
    repeated ``dose_reps`` times). ``per_side`` exercises are logged once for ``left`` and once for
    ``right``; the others on ``both``.
    """

    kind: ClassVar[str] = "exercise"
    name: Name
    measure: Measure = Field(description="'reps', 'time' or 'hold'")
    per_side: Flag = Field(True, description="true or false")
    dose_sets: WholeNumber | None = Field(None, ge=1, le=20, description="sets per side, 1 to 20, or empty")
    dose_reps: WholeNumber | None = Field(None, ge=1, le=200, description="reps per set, 1 to 200, or empty")
    dose_seconds: Number | None = Field(None, gt=0, le=600, description="seconds per set or hold, above 0 and up to 600, or empty")
    target: Text = Field("", max_length=200, description=f"text up to 200 characters, {TEXT_ALLOWED}")
    how: Text = Field("", max_length=1000, description=f"text up to 1000 characters, {TEXT_ALLOWED}")
    builtin: Flag = Field(False, description="true or false")


class StrengthSet(_Noted):
    """One set of one exercise on one side. Reps count, ``duration_s`` and ``hold_s`` in s, load in kg."""

    kind: ClassVar[str] = "set"
    exercise: Name
    side: Side = Field(description="'left', 'right' or 'both'")
    reps: WholeNumber | None = Field(None, ge=0, le=1000, description="a whole number of reps from 0 to 1000, or empty")
    duration_s: Number | None = Field(None, ge=0, le=3600, description="seconds from 0 to 3600, or empty")
    hold_s: Number | None = Field(None, ge=0, le=600, description="seconds held from 0 to 600, or empty")
    load_kg: Number | None = Field(None, ge=0, le=500, description="external load in kg from 0 to 500, or empty")
    band: Band | None = Field(None, description="one of " + ", ".join(map(repr, get_args(Band))) + ", or empty")
    rpe: Number | None = Field(None, ge=0, le=10, description="RPE from 0 to 10, or empty")
    session: Text | None = Field(None, max_length=64, description="a session id, or empty")


class StrengthTest(_Noted):
    """A strength or function test on one side, e.g. hip-abduction dynamometry in N or kg."""

    kind: ClassVar[str] = "test"
    test: Name = Field(description="the test's name, e.g. 'hip abduction dynamometer'")
    side: Knee = Field(description="'left' or 'right'")
    value: Number = Field(ge=0, le=100_000, description="a number from 0 to 100000")
    unit: TestUnit = Field(description="one of " + ", ".join(map(repr, get_args(TestUnit))))


# "47:30" (mm:ss) or "1:05:00" (h:mm:ss), as a watch shows a run's time.
_CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,4}):(\d{2})")


def clock_minutes(value: Any) -> Any:
    """A clock time as text -> minutes: ``"47:30"`` (mm:ss) -> 47.5, ``"1:05:00"`` (h:mm:ss) -> 65.0.
    Anything else is passed on unchanged for the field's own validation."""
    if not isinstance(value, str):
        return value
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        return value
    hours, minutes, seconds = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        raise ValueError("minutes and seconds after a colon run from 00 to 59")
    return int(hours or 0) * 60 + int(minutes) + int(seconds) / 60


class Run(_Noted):
    """A run: distance in km (None when unknown, e.g. a treadmill run without a foot pod), elapsed
    duration in min (moving time too when known), session RPE 0-10.

    ``when`` is the start as the runner's local wall time. The store also keeps the start as a
    UTC instant (the ``start_utc`` column): an imported file's own, or ``when`` read in the
    runner's time zone.
    """

    kind: ClassVar[str] = "run"
    distance_km: Number | None = Field(gt=0, le=400, description="km, above 0 and up to 400, or empty when unknown")
    duration_min: Number = Field(
        gt=0, le=3000, description="elapsed time in minutes (47.5) or as mm:ss or h:mm:ss (47:30, 1:05:00), above 0 and up to 3000 min"
    )
    moving_min: Number | None = Field(
        None, gt=0, le=3000, description="moving time in minutes or as mm:ss or h:mm:ss, above 0 and up to 3000 min, or empty"
    )
    rpe: Number | None = Field(None, ge=0, le=10, description="session RPE from 0 to 10, or empty")
    surface: Surface | None = Field(None, description="one of " + ", ".join(map(repr, get_args(Surface))) + ", or empty")
    avg_hr: Number | None = Field(None, ge=20, le=250, description="average heart rate in bpm, 20 to 250, or empty")
    sport: Text = Field("running", max_length=40, description=f"the sport, 'running' for runs, {TEXT_ALLOWED}")
    source: Source = Field("manual", description="one of " + ", ".join(map(repr, get_args(Source))))
    source_hash: Text | None = Field(None, max_length=128, description="the source file's hash, or empty")

    @field_validator("duration_min", "moving_min", mode="before")
    @classmethod
    def _clock_time(cls, value: Any) -> Any:
        return clock_minutes(value)


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


def _kujala_answer(key: str) -> Any:
    """The field of one Kujala item: its answer's points, or empty (a bare score)."""
    item = next(i for i in KUJALA_ITEMS if i.key == key)
    return Field(None, description=f"{item.question}: {item.allowed()}, or empty")


class OutcomeScore(_Noted):
    """A patient-reported outcome: the Kujala anterior knee pain scale, 0-100 (100 = no problem).

    Either a bare ``score``, or the questionnaire: the points of the answer to each of the 13 items
    (``kujala_limp`` ... ``kujala_flexion``, see :mod:`hipknee.records.kujala`), all of them, and
    ``score`` is their sum (given or not; a different one is refused)."""

    kind: ClassVar[str] = "outcome"
    instrument: Literal["kujala"] = Field("kujala", description="'kujala'")
    score: int | None = Field(None, ge=0, le=100, strict=True,
                              description="a whole number from 0 to 100 (empty: the sum of the 13 answers)")
    kujala_limp: WholeNumber | None = _kujala_answer("limp")
    kujala_support: WholeNumber | None = _kujala_answer("support")
    kujala_walking: WholeNumber | None = _kujala_answer("walking")
    kujala_stairs: WholeNumber | None = _kujala_answer("stairs")
    kujala_squatting: WholeNumber | None = _kujala_answer("squatting")
    kujala_running: WholeNumber | None = _kujala_answer("running")
    kujala_jumping: WholeNumber | None = _kujala_answer("jumping")
    kujala_sitting: WholeNumber | None = _kujala_answer("sitting")
    kujala_pain: WholeNumber | None = _kujala_answer("pain")
    kujala_swelling: WholeNumber | None = _kujala_answer("swelling")
    kujala_kneecap: WholeNumber | None = _kujala_answer("kneecap")
    kujala_atrophy: WholeNumber | None = _kujala_answer("atrophy")
    kujala_flexion: WholeNumber | None = _kujala_answer("flexion")

    @field_validator(*KUJALA_FIELDS, mode="after")
    @classmethod
    def _one_of_the_answers(cls, value: int | None, info: Any) -> int | None:
        item = KUJALA_ITEMS[KUJALA_FIELDS.index(info.field_name)]
        if value is not None and value not in dict(item.answers):
            raise ValueError("not the points of one of its answers")
        return value

    @model_validator(mode="after")
    def _whole_questionnaire(self) -> OutcomeScore:
        answers = {name: getattr(self, name) for name in KUJALA_FIELDS}
        answered = [name for name, points in answers.items() if points is not None]
        if not answered:
            if self.score is None:
                raise ValidationError("score", None, "a whole number from 0 to 100, or the answers to all 13 "
                                      "Kujala items", record=self.kind)
            return self
        for item in KUJALA_ITEMS:
            if answers[item.field] is None:
                raise ValidationError(item.field, None, f"an answer to '{item.question}' (every one of the 13 "
                                      f"items is answered): {item.allowed()}", record=self.kind)
        total = kujala_total(answers)
        if self.score is None:
            # Set without validate_assignment running this validator again.
            self.__dict__["score"] = total
        elif self.score != total:
            raise ValidationError("score", self.score, f"{total}, the sum of the 13 answers' points, or empty",
                                  record=self.kind)
        return self


class Prescription(_Noted):
    """One exercise of a runner's hip programme, as a physio prescribes it, from ``when`` (the day the
    programme starts) until a newer programme replaces it: ``sets`` per side (per session), each of
    ``reps`` reps (or holds), ``duration_s`` s of work or ``hold_s`` s per hold (what the exercise is
    measured by), optionally at ``load_kg`` kg or with a ``band``; ``sessions_per_week`` hip sessions
    a week. The exercises of one programme share its ``programme`` id (given by the store) and its
    day; ``note`` is the physio's note."""

    kind: ClassVar[str] = "prescription"
    exercise: Name
    sets: WholeNumber = Field(ge=1, le=20, description="sets per side in a session, 1 to 20")
    reps: WholeNumber | None = Field(None, ge=1, le=200, description="reps (or holds) per set, 1 to 200, or empty")
    duration_s: Number | None = Field(None, gt=0, le=3600, description="seconds of work per set, above 0 and up to 3600, or empty")
    hold_s: Number | None = Field(None, gt=0, le=600, description="seconds per hold, above 0 and up to 600, or empty")
    load_kg: Number | None = Field(None, ge=0, le=500, description="external load in kg from 0 to 500, or empty")
    band: Band | None = Field(None, description="one of " + ", ".join(map(repr, get_args(Band))) + ", or empty")
    sessions_per_week: WholeNumber = Field(ge=1, le=14, description="hip sessions a week, 1 to 14")
    programme: Text | None = Field(None, max_length=64, description="a programme id, or empty")


RECORD_KINDS: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Athlete, Exercise, StrengthSet, StrengthTest, Run, PainEntry, OutcomeScore, Prescription)
}


R = TypeVar("R", bound=Record)


def validate_record(cls: type[R], data: dict[str, Any] | Record) -> R:
    """Validate ``data`` as a ``cls``; translate pydantic's error into :class:`ValidationError`."""
    if isinstance(data, cls):
        data = data.model_dump()
    if not isinstance(data, dict):
        raise ValidationError("record", data, f"a mapping of {cls.__name__} fields", record=cls.kind)
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _translate(cls, exc, data) from None


def check_set_against_exercise(rec: Any, ex: Any) -> None:
    """Check a strength set (or a prescription) against its exercise (a mapping with ``name``,
    ``measure`` and ``per_side``): the side it may be done on and the value its measure needs."""
    if rec.kind == "prescription":
        doses = {"reps": ("reps",), "time": ("duration_s",), "hold": ("reps", "hold_s")}[ex["measure"]]
        for name in doses:
            if getattr(rec, name) is None:
                raise ValidationError(name, None, f"a value: {ex['name']} is measured by {ex['measure']} ({name})",
                                      record=rec.kind)
        return
    if ex["per_side"] and rec.side == "both":
        raise ValidationError("side", rec.side, f"'left' or 'right': {ex['name']} is done one side at a time", record="set")
    if not ex["per_side"] and rec.side != "both":
        raise ValidationError("side", rec.side, f"'both': {ex['name']} is a two-sided exercise", record="set")
    needed = {"reps": "reps", "time": "duration_s", "hold": "hold_s"}[ex["measure"]]
    if getattr(rec, needed) is None:
        raise ValidationError(
            needed, None, f"a value: {ex['name']} is measured by {ex['measure']} ({needed})", record="set"
        )


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
