"""Forms for the other things a runner logs: a run, knee pain (both knees at once) and a strength test
(both sides at once). Numbers are typed as text so that nothing is silently clamped: the record's
own validation says what is allowed, beside the field."""

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
    PainEntry,
    Record,
    Run,
    StrengthTest,
)
from ...store import Store

W = TypeVar("W", bound=widgets.DOMWidget)
from .fields import LABEL_STYLE, Draft, RecordForm, choice, chosen, css, number, parse_number

__all__ = ["PainForm", "RunForm", "TestForm"]


def _stacked(widget: W) -> W:
    """Line a field up under the others of a one-column form (labels 8em wide)."""
    widget.style.description_width = "8em"
    widget.layout.width = "24em"
    return widget


def _note() -> widgets.Textarea:
    return css(
        widgets.Textarea(description="Note", placeholder="optional", style={"description_width": "8em"}, layout=widgets.Layout(width="36em", height="4em")),
        "note",
    )


def _when(saved: Sequence[Record]) -> str:
    return f"{saved[0].when:%Y-%m-%d}"  # type: ignore[attr-defined]


class RunForm(RecordForm):
    """Log a run: distance (km), elapsed time (min), session RPE (0-10), surface, note, private flag."""

    css_name = "run-form"

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.distance = _stacked(number("Distance km", "distance", "e.g. 8.5 (empty: unknown)"))
        self.duration = _stacked(number("Time min", "duration", "elapsed, e.g. 47"))
        self.rpe = _stacked(number("RPE", "rpe", "0-10 (optional)"))
        self.surface = _stacked(choice("Surface", SURFACES, "surface", empty="—"))
        self.note = _note()
        self.private = css(
            widgets.Checkbox(description="keep the note private (not shared with the coach)", indent=False, layout=widgets.Layout(width="auto")),
            "private",
        )
        self.children = [
            widgets.HTML("<b>Run</b>"),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.slot("distance_km", self.distance),
            self.slot("duration_min", self.duration),
            self.slot("rpe", self.rpe),
            self.slot("surface", self.surface),
            self.slot("note", self.note),
            self.private,
            widgets.HBox([self.save_button, self.message]),
        ]

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        return [
            (
                Run,
                {
                    "when": when,
                    "athlete": athlete,
                    "distance_km": parse_number(self.distance.value),
                    "duration_min": parse_number(self.duration.value),
                    "rpe": parse_number(self.rpe.value),
                    "surface": chosen(self.surface),
                    "note": self.note.value,
                    "note_private": self.private.value,
                },
            )
        ]

    def describe(self, saved: Sequence[Record]) -> str:
        run: Run = saved[0]  # type: ignore[assignment]
        size = f"{run.distance_km:g} km run" if run.distance_km is not None else "run (distance unknown)"
        return f"a {size} in {run.duration_min:g} min for {html.escape(run.athlete)} on {_when(saved)}."

    def clear(self) -> None:
        super().clear()
        for box in (self.distance, self.duration, self.rpe, self.note):
            box.value = ""
        self.surface.value = ""
        self.private.value = False


class PainForm(RecordForm):
    """Log knee pain: left and right on the 0-10 NRS (leave a knee empty if not rated), and when it was felt."""

    css_name = "pain-form"
    nothing_to_save = "rate at least one knee (0-10)."

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.knees = {knee: _stacked(number(f"{knee.capitalize()} knee", f"pain-{knee}", "0-10, empty if not rated")) for knee in KNEES}
        self.context = _stacked(choice("When", PAIN_CONTEXTS, "context", value="after"))
        self.note = _note()
        self.children = [
            widgets.HTML("<b>Knee pain</b> (0 = none, 10 = worst imaginable)"),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            *(self.slot(f"nrs_{knee}", box) for knee, box in self.knees.items()),
            self.slot("context", self.context),
            self.slot("note", self.note),
            widgets.HBox([self.save_button, self.message]),
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

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field == "nrs" and index is not None:
            knee = [k for k, box in self.knees.items() if box.value.strip()][index]
            exc = type(exc)(f"nrs_{knee}", exc.value, exc.allowed, record=exc.record)
        return super().place(exc, index)

    def describe(self, saved: Sequence[Record]) -> str:
        rated = ", ".join(f"{rec.knee} {rec.nrs}/10" for rec in saved)  # type: ignore[attr-defined]
        return f"knee pain ({rated}, {saved[0].context.replace('_', ' ')}) for {html.escape(saved[0].athlete)} on {_when(saved)}."  # type: ignore[attr-defined]

    def clear(self) -> None:
        super().clear()
        for box in (*self.knees.values(), self.note):
            box.value = ""


class TestForm(RecordForm):
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
        self.unit = _stacked(choice("Unit", TEST_UNITS, "unit", value=STRENGTH_TESTS[self.test.value]))
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
            widgets.HBox([self.save_button, self.message]),
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

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field == "value" and index is not None:
            side = [s for s, box in self.sides.items() if box.value.strip()][index]
            exc = type(exc)(f"value_{side}", exc.value, exc.allowed, record=exc.record)
        return super().place(exc, index)

    def describe(self, saved: Sequence[Record]) -> str:
        values = ", ".join(f"{rec.side} {rec.value:g} {rec.unit}" for rec in saved)  # type: ignore[attr-defined]
        return f"{html.escape(saved[0].test)} ({values}) for {html.escape(saved[0].athlete)} on {_when(saved)}."  # type: ignore[attr-defined]

    def clear(self) -> None:
        super().clear()
        for box in (*self.sides.values(), self.note):
            box.value = ""
