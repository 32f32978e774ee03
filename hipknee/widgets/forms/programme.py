"""The physio's tab: set a runner's hip programme from a day on (the exercises and their doses, hip
sessions a week, a note), pre-filled with the programme in force so a change is a small edit. A
new programme replaces the current one from its day; the earlier ones are kept and listed.
Saved as one programme in one transaction, or refused whole with the reason on its row."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ...errors import ValidationError
from ...records.catalogue import PROGRAMME
from ...records.model import BANDS, Prescription
from ...store import Store
from ...store.changes import Change
from ...store.identity import new_session
from .fields import (
    ERROR_COLOUR,
    LABEL_STYLE,
    Draft,
    RecordForm,
    choice,
    chosen,
    close_tree,
    coloured,
    css,
    error_text,
    number,
    parse_number,
    plural,
    shown,
)

__all__ = ["ProgrammeForm", "ProgrammeRow"]

#: The sessions a week of the starter programme (the low end of its planned 2-4).
STARTER_SESSIONS = 3


class ProgrammeRow(widgets.VBox):
    """One exercise of the programme: sets per side, reps (or holds), seconds (of work, or per hold,
    as the exercise is measured), load (kg), band; an error line under it."""

    def __init__(self, catalogue: pd.DataFrame, values: Mapping[str, Any], on_remove: Any, watch: Any) -> None:
        self.catalogue = catalogue
        self.exercise = css(widgets.Dropdown(options=[(name, name) for name in catalogue.index], value=values["exercise"],
                                             layout=widgets.Layout(width="16em")), "programme-exercise")
        self.sets = number("sets", "programme-sets", "per side", width="7em", value=shown(values.get("sets")))
        self.reps = number("reps", "programme-reps", "", width="7em", value=shown(values.get("reps")))
        seconds = values.get("duration_s") if values.get("measure") == "time" else values.get("hold_s")
        self.seconds = number("s", "programme-seconds", "", width="7em", value=shown(seconds))
        self.load = number("kg", "programme-load", "", width="6.5em", value=shown(values.get("load_kg")))
        self.band = choice("band", BANDS, "programme-band", empty="no band", field="band")
        band = values.get("band")
        self.band.value = "" if band is None or pd.isna(band) else str(band)
        self.band.layout.width = "11em"
        self.remove = css(widgets.Button(icon="times", tooltip="take this exercise out",
                                         layout=widgets.Layout(width="2.6em")), "remove-row")
        self.remove.on_click(lambda _b: on_remove(self))
        self.error = css(widgets.HTML(), "field-error", "row-error")
        for widget in (self.exercise, self.sets, self.reps, self.seconds, self.load, self.band):
            watch(widget, self.error)
        self.exercise.observe(lambda _change: self._measured(), names="value")
        super().__init__([widgets.HBox([self.exercise, self.sets, self.reps, self.seconds, self.load, self.band,
                                        self.remove]), self.error])
        self._measured()
        css(self, "programme-row")

    @property
    def measure(self) -> str:
        return str(self.catalogue.loc[self.exercise.value, "measure"])

    def _measured(self) -> None:
        """Show the boxes the exercise is measured by: reps; s of work; or holds and s per hold."""
        measure = self.measure
        self.reps.description = "holds" if measure == "hold" else "reps"
        self.reps.layout.display = "none" if measure == "time" else None
        self.seconds.layout.display = "none" if measure == "reps" else None
        self.seconds.description = "s hold" if measure == "hold" else "s"

    def values(self) -> dict[str, Any]:
        """The exercise and its dose as typed (numbers parsed, empty -> None)."""
        measure = self.measure
        seconds = parse_number(self.seconds.value)
        return {"exercise": self.exercise.value, "sets": parse_number(self.sets.value),
                "reps": parse_number(self.reps.value) if measure != "time" else None,
                "duration_s": seconds if measure == "time" else None,
                "hold_s": seconds if measure == "hold" else None,
                "load_kg": parse_number(self.load.value), "band": chosen(self.band)}


class ProgrammeForm(RecordForm[Prescription]):
    """Set a runner's hip programme from a day on: its exercises and doses, sessions a week and a
    note. Pre-filled with the programme in force that day (the starter programme until one is set);
    the history of her programmes is listed below."""

    css_name = "programme-form"
    nothing_to_save = "add at least one exercise."

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.catalogue = store.exercises().set_index("name", drop=False)
        self.rows: list[ProgrammeRow] = []
        self.rows_box = css(widgets.VBox(), "programme-rows")
        self.sessions = number("Hip sessions a week", "programme-sessions", "1-14", width="16em")
        self.picker = choice("Exercise", list(self.catalogue.index), "programme-picker")
        self.picker.layout.width = "24em"
        self.add_button = css(widgets.Button(description="Add exercise", icon="plus"), "programme-add")
        self.add_button.on_click(lambda _b: self.add_exercise(self.picker.value))
        self.note = css(widgets.Textarea(description="Note for the runner", placeholder="optional",
                                         style=LABEL_STYLE, layout=widgets.Layout(width="40em", height="4em")), "note")
        self.history = css(widgets.HTML(), "programme-history")
        self.day.description = "From"
        self.children = [
            widgets.HTML("<b>Programme</b> (for the physio or coach): the exercises and doses from a day on. "
                         "A new programme replaces the current one from its day; the earlier ones are kept."),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.slot("sessions_per_week", self.sessions),
            self.rows_box,
            widgets.HBox([self.picker, self.add_button]),
            self.slot("note", self.note),
            self.actions,
            self.history,
        ]
        self.athlete.observe(lambda _change: self.clear_rows(), names="value")
        self.clear()

    # -- rows ------------------------------------------------------------------------------------
    def _row(self, values: Mapping[str, Any]) -> ProgrammeRow:
        return ProgrammeRow(self.catalogue, values, self.remove_row, self.watch)

    def add_exercise(self, name: str) -> ProgrammeRow:
        """Add exercise ``name`` at the catalogue's dose."""
        row = self._row(_catalogue_dose(self.catalogue.loc[name]))
        self.rows.append(row)
        self.rows_box.children = tuple(self.rows)
        return row

    def remove_row(self, row: ProgrammeRow) -> None:
        self.rows.remove(row)
        self.rows_box.children = tuple(self.rows)
        close_tree(row)

    def clear_rows(self) -> None:
        """The programme in force for the runner on the form's day, or the starter programme."""
        if not hasattr(self, "rows"):
            return
        for row in self.rows:
            close_tree(row)
        current = self._current()
        if current.empty:
            lines = [_catalogue_dose(self.catalogue.loc[n]) for n in PROGRAMME if n in self.catalogue.index]
            self.sessions.value = str(STARTER_SESSIONS)
        else:
            lines = [{k: _plain(v) for k, v in r.items()} for r in current.to_dict("records")
                     if r["exercise"] in self.catalogue.index]
            self.sessions.value = shown(current["sessions_per_week"].iloc[0])
        self.rows = [self._row(line) for line in lines]
        self.rows_box.children = tuple(self.rows)
        self._show_history()

    def _current(self) -> pd.DataFrame:
        name = (self.athlete.value or "").strip()
        if name not in self._athlete_ids:
            return pd.DataFrame()
        mine = self.store.programmes(athlete=name, end=self.day.value)
        return mine[mine["when"] == mine["when"].max()] if len(mine) else mine

    def _show_history(self) -> None:
        name = (self.athlete.value or "").strip()
        mine = self.store.programmes(athlete=name) if name in self._athlete_ids else pd.DataFrame()
        if mine.empty:
            self.history.value = "<i>No programme set yet: the starter programme is in force.</i>"
            return
        items = []
        for (when, _id), part in mine.groupby(["when", "programme"], sort=True):
            doses = ", ".join(html.escape(str(e)) for e in part["exercise"].astype(object))
            items.append(f"<li>from {when:%d %b %Y}: {doses}; "
                         f"{plural(int(part['sessions_per_week'].iloc[0]), 'session')} a week</li>")
        self.history.value = "<b>Programmes so far</b><ul>" + "".join(reversed(items)) + "</ul>"

    def store_changed(self, change: Change) -> None:
        super().store_changed(change)
        if "prescription" in change.kinds and not self._writing:
            self._show_history()

    # -- saving ----------------------------------------------------------------------------------
    def when(self) -> datetime | date | None:
        return self.day.value  # a programme starts on a day, not at a time

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        programme = new_session()
        sessions = parse_number(self.sessions.value)
        return [(Prescription, {"when": when, "athlete": athlete, **row.values(), "sessions_per_week": sessions,
                                "note": self.note.value, "programme": programme}) for row in self.rows]

    def error_lines(self) -> list[widgets.HTML]:
        return [*super().error_lines(), *(row.error for row in self.rows)]

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.record == "prescription" and (index is None or not self._fits(index, exc)):
            # The store's check of a dose against its exercise names no row: the first it fits.
            index = next((i for i in range(len(self.rows)) if self._fits(i, exc)), None)
        if exc.field in ("when", "athlete", "note", "sessions_per_week") or exc.record == "athlete" or index is None:
            return super().place(exc, index)
        row = self.rows[index]
        label = {"duration_s": "seconds", "hold_s": "seconds per hold"}.get(exc.field, exc.field.replace("_", " "))
        reason = error_text(exc)
        row.error.value = coloured(f"{html.escape(label)}: {reason[0].lower()}{reason[1:]}", ERROR_COLOUR)
        return row.error

    def _fits(self, index: int, exc: ValidationError) -> bool:
        """Could row ``index`` be the one ``exc`` is about (its value, and a dose its exercise needs)?"""
        row = self.rows[index]
        if exc.field not in row.values() or row.values()[exc.field] != exc.value:
            return exc.field not in row.values()
        return exc.field not in ("reps", "duration_s", "hold_s") or exc.field in _NEEDED[row.measure]

    def describe(self, saved: Sequence[Prescription]) -> str:
        first = saved[0]
        return (f"a programme of {plural(len(saved), 'exercise')} ({plural(first.sessions_per_week, 'session')} "
                f"a week) for {html.escape(first.athlete)} from {first.when:%Y-%m-%d}.")

    def clear(self) -> None:
        super().clear()
        self.note.value = ""
        self.clear_rows()


# Measure -> the dose fields it needs (as the store checks them).
_NEEDED = {"reps": ("reps",), "time": ("duration_s",), "hold": ("reps", "hold_s")}


def _catalogue_dose(exercise: Mapping[str, Any]) -> dict[str, Any]:
    measure = exercise["measure"]
    seconds = _plain(exercise["dose_seconds"])
    return {"exercise": exercise["name"], "measure": measure, "sets": _plain(exercise["dose_sets"]) or 1,
            "reps": _plain(exercise["dose_reps"]), "duration_s": seconds if measure == "time" else None,
            "hold_s": seconds if measure == "hold" else None}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value
