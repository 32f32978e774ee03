"""The hip-session form: the programme pre-filled at its prescribed doses, one row per set and side.

Each row shows only what its exercise is measured by (reps, time in s, or reps of a hold in s),
plus load (kg), band and RPE (0-10). Save writes every set in one transaction, tagged with one
session id; a bad value is shown on its row and nothing is saved.
"""

from __future__ import annotations

import html
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ...errors import ValidationError
from ...records.catalogue import PROGRAMME
from ...records.model import BANDS, Record, StrengthSet
from ...store import Store
from .fields import (
    ERROR_COLOUR,
    LABEL_STYLE,
    Draft,
    RecordForm,
    choice,
    chosen,
    css,
    error_text,
    number,
    parse_number,
)

__all__ = ["SessionForm", "SetRow"]

# Record field -> (row attribute, label) for what a set is measured by.
_MEASURED = {
    "reps": (("reps", "reps"),),
    "time": (("duration_s", "time s"),),
    "hold": (("reps", "holds"), ("hold_s", "hold s")),
}


def _dose(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}"


def _doses(exercise: Mapping[str, Any]) -> dict[str, str]:
    """The prescribed dose as the row's boxes show it: reps, and time or hold in s."""
    doses = {"reps": _dose(exercise["dose_reps"])}
    doses["duration_s" if exercise["measure"] == "time" else "hold_s"] = _dose(exercise["dose_seconds"])
    return doses


def _sides(exercise: Mapping[str, Any]) -> tuple[str, ...]:
    return ("left", "right") if exercise["per_side"] else ("both",)


class SetRow(widgets.VBox):
    """One set of one exercise on one side: the fields it is measured by, load, band, RPE, remove;
    a message under it when a value is refused."""

    def __init__(self, exercise: Mapping[str, Any], side: str, on_remove: Callable[[SetRow], None]) -> None:
        self.exercise = str(exercise["name"])
        self.measure = str(exercise["measure"])
        self.label = widgets.HTML(layout=widgets.Layout(width="17em", flex="0 0 17em"))
        self.sides = _sides(exercise)
        self.side = choice("", self.sides, "side", value=side)
        self.side.layout.width = "6.5em"
        doses = _doses(exercise)
        self.fields: dict[str, widgets.Text] = {
            field: number(label, field.replace("_", "-"), "", width="8.8em", value=doses.get(field, ""))
            for field, label in _MEASURED[self.measure]
        }
        self.fields["load_kg"] = number("kg", "load", "", width="7em")
        self.band = choice("band", BANDS, "band", empty="none")
        self.band.layout.width = "11em"
        self.fields["rpe"] = number("RPE", "rpe", "0-10", width="7.5em")
        self.remove = css(widgets.Button(icon="times", tooltip="remove this set", layout=widgets.Layout(width="2.6em")), "remove-row")
        self.remove.on_click(lambda _button: on_remove(self))
        self.error = css(widgets.HTML(), "field-error", "row-error")
        measured = [box for field, box in self.fields.items() if field not in ("load_kg", "rpe")]
        # A fixed-width group for what differs between exercises keeps load, RPE and band in columns.
        group = widgets.HBox(measured, layout=widgets.Layout(width="18em", flex="0 0 18em"))
        line = widgets.HBox([self.label, self.side, group, self.fields["load_kg"], self.fields["rpe"], self.band, self.remove])
        self.error.layout.margin = "0 0 4px 17em"
        super().__init__([line, self.error])
        css(self, "row")

    def fits(self, exercise: Mapping[str, Any]) -> bool:
        """Whether this row's widgets are the ones ``exercise`` needs (same fields, same sides)."""
        return (self.exercise, self.measure, self.sides) == (str(exercise["name"]), str(exercise["measure"]), _sides(exercise))

    def reset(self, exercise: Mapping[str, Any], side: str) -> None:
        """Back to ``exercise``'s prescribed dose on ``side``, nothing else typed, no error shown
        (the row must :meth:`fits` the exercise)."""
        doses = _doses(exercise)
        self.side.value = side
        for field, box in self.fields.items():
            box.value = doses.get(field, "")
        self.band.value = ""
        self.error.value = ""

    def values(self) -> dict[str, Any]:
        """The set's measured values as typed (numbers parsed, empty -> ``None``)."""
        data: dict[str, Any] = {field: parse_number(box.value) for field, box in self.fields.items()}
        data["band"] = chosen(self.band)
        return data


class SessionForm(RecordForm):
    """Log a hip session: runner, date, and the sets done, pre-filled with the programme's doses.

    ``add_exercise(name)`` adds an exercise's prescribed sets, ``add_set(name)`` one more set (both
    sides of a one-sided exercise); every row can be removed. ``save()`` writes the session.
    """

    css_name = "session-form"

    def __init__(self, store: Store, programme: Sequence[str] = PROGRAMME) -> None:
        super().__init__(store)
        self.programme = tuple(programme)
        self.catalogue = store.exercises().set_index("name", drop=False)
        self.rows: list[SetRow] = []
        self.rows_box = css(widgets.VBox(), "rows")
        self.exercise = choice("Exercise", self.catalogue.index.tolist(), "exercise-picker")
        self.exercise.layout.width = "24em"
        self.add_exercise_button = css(widgets.Button(description="Add exercise", icon="plus", tooltip="add its prescribed sets"), "add-exercise")
        self.add_set_button = css(widgets.Button(description="Add one set", icon="plus"), "add-row")
        self.add_exercise_button.on_click(lambda _b: self.add_exercise(self.exercise.value))
        self.add_set_button.on_click(lambda _b: self.add_set(self.exercise.value))
        self.note = css(widgets.Text(description="Note", placeholder="how it went (optional)", style=LABEL_STYLE, layout=widgets.Layout(width="40em")), "note")
        self.children = [
            widgets.HTML("<b>Hip session</b>: one row per set and side; clear or remove what you did not do."),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.rows_box,
            widgets.HBox([self.exercise, self.add_exercise_button, self.add_set_button]),
            self.slot("note", self.note),
            widgets.HBox([self.save_button, self.message]),
        ]
        self.clear()

    def refresh(self) -> None:
        """Reload the runners and the exercise catalogue (exercises may have been added since)."""
        super().refresh()
        if hasattr(self, "exercise"):  # the base class refreshes before the picker exists
            self.catalogue = self.store.exercises().set_index("name", drop=False)
            current = self.exercise.value
            self.exercise.options = [(name, name) for name in self.catalogue.index]
            if current in self.catalogue.index:
                self.exercise.value = current

    # -- rows ------------------------------------------------------------------------------
    def _row(self, name: str, side: str) -> SetRow:
        return SetRow(self.catalogue.loc[name], side, self.remove_row)

    def add_set(self, name: str) -> list[SetRow]:
        """Add one set of exercise ``name``: a left and a right row, or one ``both`` row."""
        added = [self._row(name, side) for side in _sides(self.catalogue.loc[name])]
        self.rows.extend(added)
        self._show_rows()
        return added

    def add_exercise(self, name: str) -> list[SetRow]:
        """Add exercise ``name`` at its prescribed dose (``dose_sets`` sets per side)."""
        added = self._expand(name)
        self.rows.extend(added)
        self._show_rows()
        return added

    def remove_row(self, row: SetRow) -> None:
        """Take a row out (nothing is saved for it)."""
        self.rows.remove(row)
        self._show_rows()

    def _show_rows(self) -> None:
        seen: Counter[tuple[str, str]] = Counter()
        for row in self.rows:
            seen[row.exercise, row.side.value] += 1
            row.label.value = f"<b>{html.escape(row.exercise)}</b> &middot; set {seen[row.exercise, row.side.value]}"
        self.rows_box.children = tuple(self.rows)

    # -- saving ----------------------------------------------------------------------------
    nothing_to_save = "add at least one set."

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        session = uuid.uuid4().hex
        note = self.note.value  # kept exactly as typed, like every note
        return [
            (
                StrengthSet,
                {
                    "when": when,
                    "athlete": athlete,
                    "exercise": row.exercise,
                    "side": row.side.value,
                    "note": note,
                    "session": session,
                    **row.values(),
                },
            )
            for row in self.rows
        ]

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field in ("when", "athlete", "note") or exc.record == "athlete" or index is None:
            return super().place(exc, index)
        row = self.rows[index]
        label = dict(_MEASURED[row.measure]).get(exc.field, exc.field.replace("_", " "))
        row.error.value = f'<span style="color:{ERROR_COLOUR}">{html.escape(label)}: {error_text(exc)[0].lower()}{error_text(exc)[1:]}</span>'
        return row.error

    def clear_errors(self) -> None:
        super().clear_errors()
        for row in self.rows:
            row.error.value = ""

    def describe(self, saved: Sequence[Record]) -> str:
        exercises = list(dict.fromkeys(rec.exercise for rec in saved))  # type: ignore[attr-defined]
        first = saved[0]
        return (
            f"{len(saved)} set{'s' if len(saved) != 1 else ''} of {len(exercises)} exercise"
            f"{'s' if len(exercises) != 1 else ''} ({html.escape(', '.join(exercises))}) for "
            f"{html.escape(first.athlete)} on {first.when:%Y-%m-%d}."  # type: ignore[attr-defined]
        )

    def clear(self) -> None:
        """Back to the programme at its prescribed doses, dated today, for the next session.

        When the rows on screen are already the programme's (as after saving it), their values are
        reset in place: building a row's widgets anew costs far more than the save itself."""
        super().clear()
        self.note.value = ""
        wanted = [(self.catalogue.loc[name], side)
                  for name in self.programme if name in self.catalogue.index
                  for side in self._layout(name)]
        if len(wanted) == len(self.rows) and all(row.fits(ex) for row, (ex, _side) in zip(self.rows, wanted)):
            for row, (exercise, side) in zip(self.rows, wanted):
                row.reset(exercise, side)
        else:
            self.rows = [self._row(str(exercise["name"]), side) for exercise, side in wanted]
        self._show_rows()

    def _layout(self, name: str) -> list[str]:
        """The sides of exercise ``name``'s rows at its prescribed dose, one per set and side."""
        exercise = self.catalogue.loc[name]
        sets = 1 if pd.isna(exercise["dose_sets"]) else int(exercise["dose_sets"])
        return [side for _ in range(sets) for side in _sides(exercise)]

    def _expand(self, name: str) -> list[SetRow]:
        return [self._row(name, side) for side in self._layout(name)]
