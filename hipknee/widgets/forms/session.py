"""The hip-session form: the programme pre-filled at its prescribed doses, one row per set and side.

Each row shows only what its exercise is measured by (reps, time in s, or holds and hold time in
s), plus load (kg), band and RPE (0-10). Load and band carry over from the runner's latest session
of that exercise and side. Save writes every set in one transaction, tagged with one session id; a
bad value is shown on its row and nothing is saved. The same form edits a saved session.
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
from ...store.changes import Change
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

__all__ = ["SessionForm", "SetRow", "dose_words", "set_number"]

# Record field -> (row attribute, label) for what a set is measured by.
_MEASURED = {
    "reps": (("reps", "reps"),),
    "time": (("duration_s", "time s"),),
    "hold": (("reps", "holds"), ("hold_s", "hold s")),
}

# Column widths of a row. They add up to less than the notebook's output area in a 1400 px wide
# JupyterLab with its file browser open, and the measured group is wide enough for two boxes with
# their margins, so no row (and no part of one) needs a horizontal scrollbar.
_LABEL = "13.5em"
_MEASURED_BOX = "9.2em"
_MEASURED_GROUP = "19em"


def _sets(exercise: Mapping[str, Any]) -> int:
    """Prescribed sets per side (1 when the catalogue gives none)."""
    return 1 if pd.isna(exercise["dose_sets"]) else int(exercise["dose_sets"])


def _doses(exercise: Mapping[str, Any]) -> dict[str, str]:
    """The prescribed dose as the row's boxes show it: reps, and time or hold in s."""
    doses = {"reps": shown(exercise["dose_reps"])}
    doses["duration_s" if exercise["measure"] == "time" else "hold_s"] = shown(exercise["dose_seconds"])
    return doses


def _sides(exercise: Mapping[str, Any]) -> tuple[str, ...]:
    return ("left", "right") if exercise["per_side"] else ("both",)


def dose_words(exercise: Mapping[str, Any]) -> str:
    """The prescribed dose in words, e.g. "3 sets of 15 reps per side", "1 set of 3 holds of 5 s per side"."""
    reps, seconds = shown(exercise["dose_reps"]), shown(exercise["dose_seconds"])
    measure = str(exercise["measure"])
    if measure == "hold":
        what = (plural(int(reps), "hold") if reps else "holds") + (f" of {seconds} s" if seconds else "")
    elif measure == "time":
        what = f"{seconds} s" if seconds else ""
    else:
        what = f"{reps} reps" if reps else ""
    return plural(_sets(exercise), "set") + (f" of {what}" if what else "") + (" per side" if exercise["per_side"] else "")


def set_number(number: int, total: int) -> str:
    """``set 2 of 3``: which set of an exercise on one side."""
    return f"set {number} of {total}"


class SetRow(widgets.VBox):
    """One set of one exercise on one side: the fields it is measured by, load, band, RPE, remove;
    a message under it when a value is refused (cleared as soon as a value of the row changes)."""

    def __init__(
        self,
        exercise: Mapping[str, Any],
        side: str,
        on_remove: Callable[[SetRow], None],
        watch: Callable[[widgets.Widget, widgets.HTML], None],
    ) -> None:
        self.exercise = str(exercise["name"])
        self.measure = str(exercise["measure"])
        #: the saved set this row shows, when editing a session
        self.entry_id: int | None = None
        #: (load, band) last carried over from an earlier session, as the boxes show them
        self.carried: tuple[str, str] = ("", "")
        self.label = widgets.HTML(layout=widgets.Layout(width=_LABEL, flex=f"0 0 {_LABEL}"))
        self.sides = _sides(exercise)
        self.side = choice("", self.sides, "side", value=side, field="side")
        self.side.layout.width = "6.5em"
        doses = _doses(exercise)
        self.fields: dict[str, widgets.Text] = {
            field: number(label, field.replace("_", "-"), "", width=_MEASURED_BOX, value=doses.get(field, ""))
            for field, label in _MEASURED[self.measure]
        }
        self.fields["load_kg"] = number("kg", "load", "", width="6.5em")
        self.band = choice("band", BANDS, "band", empty="no band", field="band")
        self.band.layout.width = "11em"
        self.fields["rpe"] = number("RPE", "rpe", "0-10", width="7em")
        self.remove = css(widgets.Button(icon="times", tooltip="remove this set", layout=widgets.Layout(width="2.6em")), "remove-row")
        self.remove.on_click(lambda _button: on_remove(self))
        self.error = css(widgets.HTML(), "field-error", "row-error")
        #: the load and band were prescribed by the runner's programme (nothing carries over onto them)
        self.prescribed = False
        for widget in (self.side, *self.fields.values(), self.band):
            watch(widget, self.error)
        measured = [box for field, box in self.fields.items() if field not in ("load_kg", "rpe")]
        # A fixed-width group for what differs between exercises keeps load, RPE and band in columns.
        group = widgets.HBox(measured, layout=widgets.Layout(width=_MEASURED_GROUP, flex=f"0 0 {_MEASURED_GROUP}"))
        line = widgets.HBox(
            [self.label, self.side, group, self.fields["load_kg"], self.fields["rpe"], self.band, self.remove],
            layout=widgets.Layout(align_items="center"),
        )
        self.error.layout.margin = f"0 0 4px {_LABEL}"
        super().__init__([line, self.error])
        css(self, "row")

    def fits(self, exercise: Mapping[str, Any]) -> bool:
        """Whether this row's widgets are the ones ``exercise`` needs (same fields, same sides)."""
        return (self.exercise, self.measure, self.sides) == (str(exercise["name"]), str(exercise["measure"]), _sides(exercise))

    def reset(self, exercise: Mapping[str, Any], side: str) -> None:
        """Back to ``exercise``'s prescribed dose on ``side``, nothing else typed, no error shown
        (the row must :meth:`fits` the exercise)."""
        doses = _doses(exercise)
        # Only what differs is set: a widget's value set to itself is still validated by traitlets,
        # and a form resets every row after each save.
        for widget, value in ((self.side, side), *((box, doses.get(field, "")) for field, box in self.fields.items()),
                              (self.band, ""), (self.error, "")):
            if widget.value != value:
                widget.value = value
        self.carried = ("", "")
        self.prescribed = False

    def prescribe(self, load_kg: Any, band: Any) -> None:
        """Show the programme's load (kg) and band; they stay as prescribed (nothing carries over)."""
        self.fields["load_kg"].value = shown(load_kg)
        self.band.value = "" if band is None or pd.isna(band) else str(band)
        self.prescribed = bool(self.fields["load_kg"].value or self.band.value)

    def fill(self, saved: Record) -> None:
        """Show a saved set's values (editing a session)."""
        for field, box in self.fields.items():
            box.value = shown(getattr(saved, field, None))
        self.band.value = getattr(saved, "band", None) or ""

    def carry(self, load: str, band: str) -> None:
        """Show ``load`` (kg, as text) and ``band`` carried over from an earlier session, unless the
        runner has typed or picked something else since the last carry-over."""
        if self.fields["load_kg"].value == self.carried[0]:
            self.fields["load_kg"].value = load
        if self.band.value == self.carried[1]:
            self.band.value = band
        self.carried = (load, band)

    def values(self) -> dict[str, Any]:
        """The set's measured values as typed (numbers parsed, empty -> ``None``)."""
        data: dict[str, Any] = {field: parse_number(box.value) for field, box in self.fields.items()}
        data["band"] = chosen(self.band)
        return data


# (exercise, side) -> (moment of the latest session that has it, [(load, band) of each of its sets])
_Latest = dict[tuple[str, str], tuple[datetime, list[tuple[str, str]]]]


class SessionForm(RecordForm[StrengthSet]):
    """Log a hip session: runner, date, and the sets done, pre-filled with the programme in force
    that day (the runner's newest programme from that day or before, see
    :meth:`hipknee.Store.set_programme`; without one, the starter programme at the catalogue's doses)
    and the load and band of the runner's latest session of each exercise and side (a load or band
    the programme prescribes stays). Picking another runner or day that has another programme
    in force fills its exercises instead.

    ``add_exercise(name)`` adds an exercise's prescribed sets (as many as the programme's pre-fill
    would), ``add_set(name)`` one more set (both sides of a one-sided exercise); every row can be
    removed. ``save()`` writes the session.
    """

    css_name = "session-form"

    def __init__(self, store: Store, programme: Sequence[str] = PROGRAMME) -> None:
        #: (runner, day, her programmes' stamp) and the programme in force read for them
        self._programme_read: tuple[Any, pd.DataFrame] = (None, pd.DataFrame())
        super().__init__(store)
        self.programme = tuple(programme)
        self.catalogue = store.exercises().set_index("name", drop=False)
        self.rows: list[SetRow] = []
        self.rows_box = css(widgets.VBox(), "rows")
        self.exercise = choice("Exercise", [], "exercise-picker")
        self.exercise.layout.width = "30em"
        self.add_exercise_button = css(widgets.Button(description="Add exercise", icon="plus",
                                                      layout=widgets.Layout(width="auto")), "add-exercise")
        self.add_set_button = css(widgets.Button(description="Add one set", icon="plus"), "add-row")
        self.add_exercise_button.on_click(lambda _b: self.add_exercise(self.exercise.value))
        self.add_set_button.on_click(lambda _b: self.add_set(self.exercise.value))
        self.exercise.observe(lambda _change: self._picked(), names="value")
        self.note = css(widgets.Text(description="Note", placeholder="how it went (optional)", style=LABEL_STYLE,
                                     layout=widgets.Layout(width="40em")), "note")
        self.intro = widgets.HTML("<b>Hip session</b>: one row per set and side; clear or remove what you did not do.")
        self.adding = widgets.HBox([self.exercise, self.add_exercise_button, self.add_set_button])
        self.children = [
            self.intro,
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            self.rows_box,
            self.adding,
            self.slot("note", self.note),
            self.actions,
        ]
        self._session: str | None = None
        self._latest: dict[str, _Latest] = {}  # runner -> her latest sets, as far as asked
        self._asked: dict[str, set[str]] = {}  # runner -> exercises already looked up
        self._shown_plan: object = None  # which programme the rows show (its id, or the starter programme)
        self.plan_note = css(widgets.HTML(), "programme-in-force")
        self.children = [self.children[0], self.plan_note, *self.children[1:]]
        self._fill_picker()
        self.athlete.observe(lambda _change: self._follow_programme(), names="value")
        self.day.observe(lambda _change: self._follow_programme(), names="value")
        self.clear()

    @property
    def catalogue(self) -> pd.DataFrame:
        """The exercise catalogue, indexed by name."""
        return self._catalogue

    @catalogue.setter
    def catalogue(self, frame: pd.DataFrame) -> None:
        self._catalogue = frame
        # Each exercise's row once: the pre-fill looks up every row's exercise on each save, and a
        # pandas lookup by label costs a good part of a millisecond.
        self._exercises = {str(name): row for name, row in frame.iterrows()}

    def _exercise(self, name: str) -> pd.Series:
        """Exercise ``name``'s catalogue row (not to be changed: copy it first)."""
        return self._exercises[name]

    def refresh(self) -> None:
        """Reload the runners and the exercise catalogue (exercises may have been added since)."""
        super().refresh()
        if hasattr(self, "exercise"):  # the base class refreshes before the picker exists
            self.catalogue = self.store.exercises().set_index("name", drop=False)
            self._fill_picker()

    def store_changed(self, change: Change) -> None:
        super().store_changed(change)
        if "exercise" in change.kinds and "athlete" not in change.kinds:
            self.refresh()
        if "prescription" in change.kinds and not self.editing:
            self._follow_programme()
        if "set" in change.kinds and not self._writing:
            # Sets changed elsewhere (an edit, a delete): what carries over may have changed.
            self._latest.clear()
            self._asked.clear()
            self._carry_over()

    def _fill_picker(self) -> None:
        options = [(f"{name}: {dose_words(ex)}", name) for name, ex in self.catalogue.iterrows()]
        if options != [tuple(option) for option in self.exercise.options]:
            current = self.exercise.value
            self.exercise.options = options
            if current in self._exercises:
                self.exercise.value = current
        self._picked()

    def _picked(self) -> None:
        name = self.exercise.value
        if name in self._exercises:
            exercise = self._exercise(name)
            self.add_exercise_button.description = f"Add exercise ({plural(_sets(exercise), 'set')})"
            self.add_exercise_button.tooltip = f"add {name}: {dose_words(exercise)}"

    # -- rows ------------------------------------------------------------------------------
    def _row(self, exercise: Mapping[str, Any], side: str) -> SetRow:
        row = SetRow(exercise, side, self.remove_row, self.watch)
        row.side.observe(lambda _change: self._show_rows(), names="value")
        return row

    def add_set(self, name: str) -> list[SetRow]:
        """Add one set of exercise ``name``: a left and a right row, or one ``both`` row."""
        exercise = self._exercise(name)
        return self._add([self._row(exercise, side) for side in _sides(exercise)])

    def add_exercise(self, name: str) -> list[SetRow]:
        """Add exercise ``name`` at its prescribed dose (``dose_sets`` sets per side), as the
        programme's pre-fill has it."""
        return self._add(self._expand(name))

    def _add(self, added: list[SetRow]) -> list[SetRow]:
        self.rows.extend(added)
        self._show_rows()
        self._carry_over()
        return added

    def remove_row(self, row: SetRow) -> None:
        """Take a row out (nothing is saved for it)."""
        self.rows.remove(row)
        self._show_rows()
        close_tree(row)

    def _show_rows(self) -> None:
        totals = Counter((row.exercise, row.side.value) for row in self.rows)
        seen: Counter[tuple[str, str]] = Counter()
        for row in self.rows:
            key = (row.exercise, row.side.value)
            seen[key] += 1
            # Two short lines no taller than the row's boxes, so the label column stays narrow.
            row.label.value = (
                f'<div style="line-height:1.15"><b>{html.escape(row.exercise)}</b><br>'
                f'<span style="font-size:0.9em">{set_number(seen[key], totals[key])}</span></div>'
            )
        self.rows_box.children = tuple(self.rows)

    # -- load and band carried over ----------------------------------------------------------
    def _carry_over(self) -> None:
        """Load and band of the runner's latest session of each exercise and side into the rows
        (set n gets that session's set n, or its last set when it had fewer)."""
        if self.editing or not hasattr(self, "rows"):
            return
        latest = self._latest_of((self.athlete.value or "").strip())
        seen: Counter[tuple[str, str]] = Counter()
        for row in self.rows:
            key = (row.exercise, row.side.value)
            done = latest.get(key, (None, []))[1]
            if not row.prescribed:
                row.carry(*(done[min(seen[key], len(done) - 1)] if done else ("", "")))
            seen[key] += 1

    def _latest_of(self, name: str) -> _Latest:
        if name not in self._athlete_ids:
            return {}
        latest = self._latest.setdefault(name, {})
        asked = self._asked.setdefault(name, set())
        missing = {row.exercise for row in self.rows} - asked
        if missing:
            frame = self.store.latest_sets(name, sorted(missing))
            for (exercise, side), sets in frame.groupby(["exercise", "side"], observed=True, sort=False):
                bands = ["" if pd.isna(band) else str(band) for band in sets["band"]]
                latest[str(exercise), str(side)] = (sets["when"].iloc[0].to_pydatetime(), list(zip(map(shown, sets["load_kg"]), bands)))
            asked |= missing
        return latest

    def remember(self, saved: Sequence[StrengthSet]) -> None:
        """The session just saved is the runner's latest of its exercises unless it was dated earlier."""
        latest = self._latest.setdefault(saved[0].athlete, {})
        done: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for rec in saved:
            done.setdefault((rec.exercise, rec.side), []).append((shown(rec.load_kg), rec.band or ""))
        for key, values in done.items():
            if key not in latest or saved[0].when >= latest[key][0]:
                latest[key] = (saved[0].when, values)

    # -- editing a saved session ---------------------------------------------------------------
    def fill(self, entries: Sequence[tuple[int, StrengthSet]]) -> None:
        catalogue = self.store.exercises(include_deleted=True).set_index("name", drop=False)
        for row in self.rows:
            close_tree(row)
        self.rows = []
        for id_, saved in entries:
            row = self._row(catalogue.loc[saved.exercise], saved.side)
            row.fill(saved)
            row.entry_id = id_
            row.remove.layout.display = "none"  # a set is taken out by deleting the session
            self.rows.append(row)
        first = entries[0][1]
        self.note.value = first.note
        self._session = first.session
        self.adding.layout.display = "none"
        self.intro.value = "<b>Hip session</b>: change what differs, then <i>Save changes</i>."
        self._show_rows()

    def draft_ids(self) -> list[int]:
        return [row.entry_id for row in self.rows if row.entry_id is not None]

    # -- saving ----------------------------------------------------------------------------
    nothing_to_save = "add at least one set."

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        session = self._session if self.editing else uuid.uuid4().hex
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

    def error_lines(self) -> list[widgets.HTML]:
        return [*super().error_lines(), *(row.error for row in self.rows)]

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        if exc.field in ("when", "athlete", "note") or exc.record == "athlete" or index is None:
            return super().place(exc, index)
        row = self.rows[index]
        label = dict(_MEASURED[row.measure]).get(exc.field, exc.field.replace("_", " "))
        reason = error_text(exc)
        row.error.value = coloured(f"{html.escape(label)}: {reason[0].lower()}{reason[1:]}", ERROR_COLOUR)
        return row.error

    def describe(self, saved: Sequence[StrengthSet]) -> str:
        exercises = list(dict.fromkeys(rec.exercise for rec in saved))
        first = saved[0]
        return (
            f"{plural(len(saved), 'set')} of {plural(len(exercises), 'exercise')} ({html.escape(', '.join(exercises))}) "
            f"for {html.escape(first.athlete)} on {first.when:%Y-%m-%d}."
        )

    def clear(self) -> None:
        """Back to the programme in force at its prescribed doses, dated today, for the next session,
        with load and band carried over."""
        super().clear()
        self.note.value = ""
        self._prefill(force=True)

    # -- the programme in force ----------------------------------------------------------------
    def programme_in_force(self) -> pd.DataFrame:
        """The runner's programme in force on the form's day (one row per exercise; empty: none set,
        the starter programme applies)."""
        name = (self.athlete.value or "").strip()
        day = self.day.value
        if name not in self._athlete_ids or day is None:
            return pd.DataFrame()
        # Read again only when her programmes changed (here or in another notebook: a coach's).
        key = (name, day, self.store.programme_stamp(name))
        if self._programme_read[0] != key:
            mine = self.store.programmes(athlete=name, end=day)
            self._programme_read = (key, mine if mine.empty else mine[mine["when"] == mine["when"].max()])
        return self._programme_read[1]

    def _plan(self) -> tuple[object, list[tuple[pd.Series, str, Any, Any]]]:
        """(which programme, its rows as (exercise with the prescribed dose, side, load kg, band))."""
        programme = self.programme_in_force()
        if programme.empty:
            wanted = [(self._exercise(name), side, None, None)
                      for name in self.programme if name in self._exercises for side in self._layout(name)]
            return "starter", wanted
        rows = []
        for line in programme.itertuples(index=False):
            if line.exercise not in self._exercises:
                continue
            exercise = self._exercise(line.exercise).copy()
            exercise["dose_sets"], exercise["dose_reps"] = line.sets, line.reps
            exercise["dose_seconds"] = line.duration_s if line.measure == "time" else line.hold_s
            rows += [(exercise, side, line.load_kg, line.band) for _ in range(int(line.sets)) for side in _sides(exercise)]
        return programme["programme"].iloc[0], rows

    def _follow_programme(self) -> None:
        """A new runner or day: her programme in force that day, if it is not the one shown."""
        if not self.editing and hasattr(self, "_shown_plan"):
            self._prefill(force=False)

    def _prefill(self, *, force: bool) -> None:
        """Rows of the programme in force at its doses (``force``: even when it is the one shown).

        When the rows on screen are already the programme's (as after saving it), their values are
        reset in place: building a row's widgets anew costs far more than the save itself."""
        which, wanted = self._plan()
        if not force and which == self._shown_plan:
            self._carry_over()
            return
        self._shown_plan = which
        if len(wanted) == len(self.rows) and all(row.fits(ex) for row, (ex, *_rest) in zip(self.rows, wanted)):
            for row, (exercise, side, _load, _band) in zip(self.rows, wanted):
                row.reset(exercise, side)
        else:
            old, self.rows = self.rows, [self._row(exercise, side) for exercise, side, _load, _band in wanted]
            for row in old:
                close_tree(row)
        for row, (_exercise, _side, load, band) in zip(self.rows, wanted):
            row.prescribe(load, band)
        self._show_plan_note()
        self._show_rows()
        self._carry_over()

    def _show_plan_note(self) -> None:
        programme = self.programme_in_force() if self._shown_plan != "starter" else pd.DataFrame()
        if programme.empty:
            self.plan_note.value = ""
            return
        first = programme.iloc[0]
        note = f" Your physio's note: <i>{html.escape(str(first['note']))}</i>" if str(first["note"]).strip() else ""
        self.plan_note.value = (f"Your programme from {first['when']:%d %b %Y}: "
                                f"{plural(int(first['sessions_per_week']), 'session')} a week.{note}")

    def _layout(self, name: str) -> list[str]:
        """The sides of exercise ``name``'s rows at its prescribed dose, one per set and side: the
        programme's pre-fill and *Add exercise* both use it, so both give the same sets."""
        exercise = self._exercise(name)
        return [side for _ in range(_sets(exercise)) for side in _sides(exercise)]

    def _expand(self, name: str) -> list[SetRow]:
        exercise = self._exercise(name)
        return [self._row(exercise, side) for side in self._layout(name)]
