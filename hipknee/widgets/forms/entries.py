"""Forms for the other things a runner logs: a run, knee pain (both knees at once) and a strength test
(both sides at once). Numbers are typed as text so that nothing is silently clamped: the record's
own validation says what is allowed, beside the field. Each form also edits a saved entry."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

import ipywidgets as widgets

from ...errors import ValidationError
from ...records.catalogue import STRENGTH_TESTS
from ...records.model import (
    KNEES,
    PAIN_CONTEXTS,
    SURFACES,
    TEST_UNITS,
    Entry,
    PainEntry,
    Run,
    StrengthTest,
)
from ...records.words import in_words
from ...store import Store
from .fields import (
    LABEL_STYLE,
    QUIET_COLOUR,
    Draft,
    RecordForm,
    a_or_an,
    choice,
    chosen,
    clock,
    coloured,
    css,
    number,
    pace,
    parse_number,
    shown,
    typed_minutes,
)

W = TypeVar("W", bound=widgets.DOMWidget)

__all__ = ["PainForm", "RunForm", "TestForm"]


def _stacked(widget: W) -> W:
    """Line a field up under the others of a one-column form (labels 8em wide)."""
    widget.style.description_width = "8em"
    widget.layout.width = "24em"
    return widget


def _note() -> widgets.Textarea:
    return css(
        widgets.Textarea(description="Note", placeholder="optional", style={"description_width": "8em"},
                         layout=widgets.Layout(width="36em", height="4em")),
        "note",
    )


def _when(saved: Sequence[Entry]) -> str:
    return f"{saved[0].when:%Y-%m-%d}"


def _one_side(boxes: dict[str, widgets.Text], side: str) -> None:
    """Editing one side's entry: hide the other side's box."""
    for other, box in boxes.items():
        box.layout.display = None if other == side else "none"


class RunForm(RecordForm[Run]):
    """Log a run: distance (km), elapsed time (minutes, ``47:30`` or ``1:05:00``; the pace in min/km
    shows as it is typed), session RPE (0-10), surface, note, private flag."""

    css_name = "run-form"

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.distance = _stacked(number("Distance km", "distance", "e.g. 8.5 (empty: unknown)"))
        self.duration = _stacked(number("Time", "duration", "47:30, 1:05:00 or minutes"))
        self.pace = css(widgets.HTML(), "pace")
        self.rpe = _stacked(number("RPE", "rpe", "0-10 (optional)"))
        self.surface = _stacked(choice("Surface", SURFACES, "surface", empty="—", field="surface"))
        self.note = _note()
        self.private = css(
            widgets.Checkbox(description="keep the note private (not shared with the coach)", indent=False,
                             layout=widgets.Layout(width="auto")),
            "private",
        )
        self._shown_duration: tuple[str, float] | None = None  # (text shown, minutes) of an edited run
        for box in (self.distance, self.duration):
            box.observe(lambda _change: self._show_pace(), names="value")
        self.children = [
            widgets.HTML("<b>Run</b>"),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.slot("distance_km", self.distance),
            self.slot("duration_min", self.duration, self.pace),
            self.slot("rpe", self.rpe),
            self.slot("surface", self.surface),
            self.slot("note", self.note),
            self.private,
            self.actions,
        ]

    def _show_pace(self) -> None:
        """The pace in min/km as soon as distance and time are both readable; nothing before."""
        distance = parse_number(self.distance.value)
        minutes = typed_minutes(self.duration.value)
        if isinstance(distance, (int, float)) and 0 < distance <= 400 and minutes is not None and 0 < minutes < 10_000:
            self.pace.value = coloured(f"pace {pace(distance, minutes)}", QUIET_COLOUR)
        else:  # not both readable yet (or a time no run takes, such as 1e309 minutes): no pace rather than a wrong one
            self.pace.value = ""

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        return [
            (
                Run,
                {
                    "when": when,
                    "athlete": athlete,
                    "distance_km": parse_number(self.distance.value),
                    "duration_min": self._typed_duration(),
                    "rpe": parse_number(self.rpe.value),
                    "surface": chosen(self.surface),
                    "note": self.note.value,
                    "note_private": self.private.value,
                },
            )
        ]

    def _typed_duration(self) -> object:
        # An edited run whose time was left as shown keeps its exact minutes (m:ss rounds to the second).
        if self._shown_duration is not None and self.duration.value == self._shown_duration[0]:
            return self._shown_duration[1]
        return parse_number(self.duration.value)

    def fill(self, entries: Sequence[tuple[int, Run]]) -> None:
        run = entries[0][1]
        self.distance.value = shown(run.distance_km)
        self.duration.value = clock(run.duration_min)
        self._shown_duration = (self.duration.value, run.duration_min)
        self.rpe.value = shown(run.rpe)
        self.surface.value = run.surface or ""
        self.note.value = run.note
        self.private.value = bool(run.note_private)

    def describe(self, saved: Sequence[Run]) -> str:
        run = saved[0]
        if run.distance_km is None:
            return f"a run (distance unknown) in {clock(run.duration_min)} for {html.escape(run.athlete)} on {_when(saved)}."
        km = f"{run.distance_km:g}"
        return (
            f"{a_or_an(km)} {km} km run in {clock(run.duration_min)} ({pace(run.distance_km, run.duration_min)}) "
            f"for {html.escape(run.athlete)} on {_when(saved)}."
        )

    def clear(self) -> None:
        super().clear()
        for box in (self.distance, self.duration, self.rpe, self.note):
            box.value = ""
        self.surface.value = ""
        self.private.value = False


class PainForm(RecordForm[PainEntry]):
    """Log knee pain: left and right on the 0-10 NRS (leave a knee empty if not rated), and when it was felt."""

    css_name = "pain-form"
    nothing_to_save = "rate at least one knee (0-10)."

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.knees = {knee: _stacked(number(f"{knee.capitalize()} knee", f"pain-{knee}", "0-10, empty if not rated")) for knee in KNEES}
        self.context = _stacked(choice("When", PAIN_CONTEXTS, "context", value="after", field="context"))
        self.note = _note()
        self.children = [
            widgets.HTML("<b>Knee pain</b> (0 = none, 10 = worst imaginable)"),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            *(self.slot(f"nrs_{knee}", box) for knee, box in self.knees.items()),
            self.slot("context", self.context),
            self.slot("note", self.note),
            self.actions,
        ]

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        return [
            (
                PainEntry,
                {
                    "when": when,
                    "athlete": athlete,
                    "knee": knee,
                    "nrs": parse_number(box.value),
                    "context": self.context.value,
                    "note": self.note.value,
                },
            )
            for knee, box in self.knees.items()
            if box.value.strip()
        ]

    def fill(self, entries: Sequence[tuple[int, PainEntry]]) -> None:
        entry = entries[0][1]
        _one_side(self.knees, entry.knee)
        self.knees[entry.knee].value = shown(entry.nrs)
        self.context.value = entry.context
        self.note.value = entry.note

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field == "nrs" and index is not None:
            knee = [k for k, box in self.knees.items() if box.value.strip()][index]
            exc = type(exc)(f"nrs_{knee}", exc.value, exc.allowed, record=exc.record)
        return super().place(exc, index)

    def describe(self, saved: Sequence[PainEntry]) -> str:
        rated = ", ".join(f"{rec.knee} {rec.nrs}/10" for rec in saved)
        when = in_words("context", saved[0].context)
        return f"knee pain ({rated}, {when}) for {html.escape(saved[0].athlete)} on {_when(saved)}."

    def clear(self) -> None:
        super().clear()
        for box in (*self.knees.values(), self.note):
            box.value = ""


class TestForm(RecordForm[StrengthTest]):
    """Log a strength test (e.g. hip-abduction dynamometry in N) on the left and/or right side."""

    css_name = "test-form"
    nothing_to_save = "enter a value for at least one side."
    __test__ = False  # not a pytest class

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.test = css(
            widgets.Combobox(
                description="Test", options=tuple(STRENGTH_TESTS), value=next(iter(STRENGTH_TESTS)),
                placeholder="pick or type a test", ensure_option=False, style=LABEL_STYLE, layout=widgets.Layout(width="28em"),
            ),
            "test",
        )
        _stacked(self.test).layout.width = "36em"
        self.unit = _stacked(choice("Unit", TEST_UNITS, "unit", value=STRENGTH_TESTS[self.test.value], field="unit"))
        self.test.observe(self._usual_unit, names="value")
        self.sides = {side: _stacked(number(f"{side.capitalize()}", f"test-{side}", "empty if not tested")) for side in KNEES}
        self.note = _note()
        self.children = [
            widgets.HTML("<b>Strength test</b>"),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.slot("test", self.test),
            self.slot("unit", self.unit),
            *(self.slot(f"value_{side}", box) for side, box in self.sides.items()),
            self.slot("note", self.note),
            self.actions,
        ]

    def _usual_unit(self, change: dict) -> None:
        unit = STRENGTH_TESTS.get(change["new"])
        if unit is not None:
            self.unit.value = unit

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        return [
            (
                StrengthTest,
                {
                    "when": when,
                    "athlete": athlete,
                    "test": self.test.value,
                    "side": side,
                    "value": parse_number(box.value),
                    "unit": self.unit.value,
                    "note": self.note.value,
                },
            )
            for side, box in self.sides.items()
            if box.value.strip()
        ]

    def fill(self, entries: Sequence[tuple[int, StrengthTest]]) -> None:
        test = entries[0][1]
        _one_side(self.sides, test.side)
        self.test.value = test.test
        self.unit.value = test.unit
        self.sides[test.side].value = shown(test.value)
        self.note.value = test.note

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field == "value" and index is not None:
            side = [s for s, box in self.sides.items() if box.value.strip()][index]
            exc = type(exc)(f"value_{side}", exc.value, exc.allowed, record=exc.record)
        return super().place(exc, index)

    def describe(self, saved: Sequence[StrengthTest]) -> str:
        values = ", ".join(f"{rec.side} {rec.value:g} {rec.unit}" for rec in saved)
        return f"{html.escape(saved[0].test)} ({values}) for {html.escape(saved[0].athlete)} on {_when(saved)}."

    def clear(self) -> None:
        super().clear()
        for box in (*self.sides.values(), self.note):
            box.value = ""
