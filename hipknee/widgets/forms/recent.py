"""The recent entries: the newest hip sessions (one line each: date, exercises, number of sets), runs,
pain ratings and tests, each with Edit and Delete; a delete can be undone (deletes in the store are
soft, and a whole session goes and comes back in one transaction).

Edit opens the entry in the same form that logs it (same fields, labels and words). The list
follows the store: a save, edit or delete anywhere in the kernel redraws it, and a redrawn list
clears the messages about the list before.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

from ...errors import HipkneeError
from ...records.words import in_words
from ...store import Store
from ...store.changes import Change
from .entries import PainForm, RunForm, TestForm
from .fields import (
    ERROR_COLOUR,
    LABEL_STYLE,
    OK_COLOUR,
    RecordForm,
    clock,
    close_tree,
    coloured,
    css,
    pace,
    plural,
    shown,
)
from .session import SessionForm, set_number

__all__ = ["Entry", "EntryLine", "RecentEntries", "set_summary"]

KIND_LABELS = {"set": "hip sessions", "run": "runs", "pain": "knee pain", "test": "strength tests"}
FORMS: dict[str, type[RecordForm]] = {"set": SessionForm, "run": RunForm, "pain": PainForm, "test": TestForm}
#: How far back the list looks first (it looks further when that holds fewer entries than it shows).
RECENT_DAYS = 60


@dataclass(frozen=True)
class Entry:
    """One line of the list: a hip session (all its sets) or one run, pain rating or test."""

    kind: str
    key: str  # the session id, or "<kind>-<id>"
    ids: tuple[int, ...]
    session: str | None
    when: pd.Timestamp
    athlete: str
    text: str  # what it holds, in words
    what: str  # how a message names it, e.g. "the run of 2026-03-02 07:30 (Ana, 8.5 km)"
    sets: tuple[str, ...] = ()  # a session's sets, numbered

    @property
    def line(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} · {self.athlete} · {self.text}"


def _g(value: object, suffix: str) -> str:
    text = shown(value)
    return f"{text}{suffix}" if text else ""


def set_summary(row: pd.Series) -> str:
    """What one set holds, e.g. ``10 reps, 6 kg, medium band, RPE 7`` or ``3 holds of 5 s``."""
    # What the set is measured by, as its row in the form shows it.
    if row.measure == "hold":
        done = " of ".join(p for p in (_g(row.reps, " holds"), _g(row.hold_s, " s")) if p)
    elif row.measure == "time":
        done = _g(row.duration_s, " s")
    else:
        done = _g(row.reps, " reps")
    band = "" if pd.isna(row.band) else f"{row.band} band"
    return ", ".join(p for p in (done, _g(row.load_kg, " kg"), band, _g(row.rpe, "").join(("RPE ", "")) if shown(row.rpe) else "") if p)


def _stamp(when: pd.Timestamp) -> str:
    return f"{when:%Y-%m-%d %H:%M}"


def _session(key: str, sets: pd.DataFrame) -> Entry:
    first = sets.iloc[0]
    exercises = list(dict.fromkeys(str(name) for name in sets["exercise"]))
    totals = Counter(zip(sets["exercise"], sets["side"]))
    seen: Counter[tuple[str, str]] = Counter()
    numbered = []
    for row in sets.itertuples():
        pair = (row.exercise, row.side)
        seen[pair] += 1
        numbered.append(f"{row.exercise} · {row.side} · {set_number(seen[pair], totals[pair])}: {set_summary(row)}")
    count = plural(len(sets), "set")
    return Entry(
        "set", key, tuple(int(i) for i in sets["id"]), None if pd.isna(first.session) else str(first.session),
        first.when, str(first.athlete), f"hip session: {', '.join(exercises)} · {count}",
        f"the hip session of {_stamp(first.when)} ({first.athlete}, {count})", tuple(numbered),
    )


def _single(kind: str, row: pd.Series) -> Entry:
    if kind == "run":
        text = ", ".join(p for p in (
            (f"{row.distance_km:g} km in {clock(row.duration_min)} ({pace(row.distance_km, row.duration_min)})"
             if shown(row.distance_km) else f"a run in {clock(row.duration_min)} (distance unknown)"),
            _g(row.rpe, "").join(("RPE ", "")) if shown(row.rpe) else "",
            "" if pd.isna(row.surface) else str(row.surface),
        ) if p)
        size = f"{row.distance_km:g} km" if shown(row.distance_km) else "distance unknown"
        what = f"the run of {_stamp(row.when)} ({row.athlete}, {size})"
    elif kind == "pain":
        text = f"{row.knee} knee {row.nrs}/10, {in_words('context', row.context)}"
        what = f"the knee pain of {_stamp(row.when)} ({row.athlete}, {row.knee} knee {row.nrs}/10)"
    else:
        text = f"{row.test}: {row.side} {row.value:g} {row.unit}"
        what = f"the strength test of {_stamp(row.when)} ({row.athlete}, {row.test}, {row.side})"
    return Entry(kind, f"{kind}-{row.id}", (int(row.id),), None, row.when, str(row.athlete), text, what)


def newest(kind: str, frame: pd.DataFrame, limit: int) -> list[Entry]:
    """The ``limit`` newest entries of ``kind`` in ``frame`` (rows as :meth:`Store.read` gives them),
    newest first; the sets of one session make one entry."""
    if frame.empty:
        return []
    frame = frame.sort_values(["when", "id"], kind="stable")
    if kind != "set":
        return [_single(kind, row) for row in frame.tail(limit).iloc[::-1].itertuples()]
    keys = frame["session"].astype(object).where(frame["session"].notna(), "set-" + frame["id"].astype(str))
    wanted = list(keys.iloc[::-1].drop_duplicates().head(limit))
    chosen = frame[keys.isin(wanted)].sort_values("id")
    groups = dict(tuple(chosen.groupby(keys[chosen.index], sort=False)))
    return [_session(key, groups[key]) for key in wanted]


class EntryLine(widgets.VBox):
    """One entry of the list: its line, Edit and Delete (and, for a session, its numbered sets)."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.text = widgets.HTML(html.escape(entry.line), layout=widgets.Layout(width="46em"))
        self.edit = css(widgets.Button(description="Edit", icon="pencil", layout=widgets.Layout(width="6em")), "edit")
        self.delete = css(widgets.Button(description="Delete", icon="trash", button_style="danger",
                                         layout=widgets.Layout(width="6.5em")), "delete")
        buttons: list[widgets.Widget] = [self.edit, self.delete]
        self.details = css(widgets.HTML(layout=widgets.Layout(display="none", margin="0 0 4px 2em")), "entry-sets")
        self.toggle: widgets.Button | None = None
        if entry.sets:
            self.details.value = "<ol>" + "".join(f"<li>{html.escape(s)}</li>" for s in entry.sets) + "</ol>"
            self.toggle = css(widgets.Button(description="Show sets", icon="caret-down", layout=widgets.Layout(width="8em")), "show-sets")
            self.toggle.on_click(lambda _b: self.expand(self.details.layout.display == "none"))
            buttons.insert(0, self.toggle)
        super().__init__([widgets.HBox([self.text, *buttons]), self.details])
        css(self, "entry")

    def expand(self, show: bool = True) -> None:
        """Show (or hide) a session's numbered sets."""
        self.details.layout.display = None if show else "none"
        if self.toggle is not None:
            self.toggle.description = "Hide sets" if show else "Show sets"
            self.toggle.icon = "caret-up" if show else "caret-down"


class RecentEntries(widgets.VBox):
    """The ``limit`` newest entries of one kind (newest first) with Edit, Delete and Undo."""

    def __init__(self, store: Store, limit: int = 12) -> None:
        super().__init__()
        self.store = store
        self.limit = limit
        self.kind = css(
            widgets.Dropdown(options=[(label, kind) for kind, label in KIND_LABELS.items()], description="Show", style=LABEL_STYLE),
            "recent-kind",
        )
        self.refresh_button = css(widgets.Button(description="Refresh", icon="refresh"), "refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.table = css(widgets.VBox(), "recent-table")
        self.editor = css(widgets.VBox(), "editor")
        self.message = css(widgets.HTML(), "message")
        self.undo_button = css(widgets.Button(description="Undo delete", icon="undo", layout=widgets.Layout(display="none")), "undo")
        self.undo_button.on_click(lambda _b: self.undo())
        #: entry key -> its line on screen
        self.rows: dict[str, EntryLine] = {}
        #: the form open to edit an entry (``None`` when closed) and the entry it edits
        self.editing_form: RecordForm | None = None
        self.editing_entry: Entry | None = None
        self._deleted: Entry | None = None
        self._drawn: list[tuple[str, str, tuple[str, ...]]] | None = None
        self._acting = False  # this widget's own delete or undo is being written
        self.children = [
            widgets.HBox([self.kind, self.refresh_button]),
            self.table,
            widgets.HBox([self.message, self.undo_button]),
            self.editor,
        ]
        css(self, "recent")
        self.kind.observe(lambda _change: self.refresh(), names="value")
        self._subscription = store.on_change(self._store_changed)
        self.refresh()

    # -- the list ------------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        """The newest entries of the chosen kind, newest first (a hip session is one entry)."""
        kind = self.kind.value
        since = (pd.Timestamp.now() - pd.Timedelta(days=RECENT_DAYS)).date()
        found = newest(kind, self.store.read(kind, start=since), self.limit)
        if len(found) < self.limit:
            found = newest(kind, self.store.read(kind), self.limit)
        return found

    def refresh(self) -> None:
        """Re-read the store and redraw the list. When the list changed, the messages about the
        list before (and the undo they offer) are cleared."""
        entries = self.entries()
        if self._drawn == _signature(entries):
            return
        self._draw(entries)
        self._say("")
        self._deleted = None
        self.undo_button.layout.display = "none"

    def _draw(self, entries: list[Entry]) -> None:
        old = self.table.children
        self.rows = {}
        for entry in entries:
            line = EntryLine(entry)
            line.edit.on_click(lambda _b, key=entry.key: self.edit(key))
            line.delete.on_click(lambda _b, key=entry.key: self.delete(key))
            self.rows[entry.key] = line
        empty = [widgets.HTML(f"<i>No {KIND_LABELS[self.kind.value]} yet.</i>")]
        self.table.children = tuple(self.rows.values()) or tuple(empty)
        for widget in old:
            close_tree(widget)
        self._drawn = _signature(entries)
        if self.editing_entry is not None and self.editing_entry.key not in self.rows:
            self.close_editor()

    def _store_changed(self, change: Change) -> None:
        if not self._acting and (self.kind.value in change.kinds or "athlete" in change.kinds):
            self.refresh()

    def _say(self, text: str, colour: str = OK_COLOUR) -> None:
        self.message.value = coloured(text, colour)

    # -- delete and undo -----------------------------------------------------------------------
    def delete(self, key: str) -> None:
        """Delete one entry; a hip session goes whole, in one transaction (:meth:`undo` brings it back)."""
        entry = self.rows[key].entry
        if not self._write(entry, undo=False):
            return
        if self.editing_entry is not None and self.editing_entry.key == key:
            self.close_editor()
        self._deleted = entry
        self._draw(self.entries())
        self._say(f"Deleted {html.escape(entry.what)}.")
        self.undo_button.layout.display = None

    def undo(self) -> None:
        """Bring back the entry deleted last (a whole session when it was one)."""
        entry = self._deleted
        if entry is None or not self._write(entry, undo=True):
            return
        self._deleted = None
        self.undo_button.layout.display = "none"
        if self.kind.value != entry.kind:
            self.kind.value = entry.kind  # redraws
        self._draw(self.entries())
        self._say(f"Brought back {html.escape(entry.what)}.")

    def _write(self, entry: Entry, *, undo: bool) -> bool:
        self._acting = True
        try:
            if entry.session is not None:
                (self.store.undelete_session if undo else self.store.delete_session)(entry.session)
            else:
                (self.store.undelete if undo else self.store.delete)(entry.kind, entry.ids[0])
        except HipkneeError as exc:
            self._say(("Nothing brought back: " if undo else "Nothing deleted: ") + html.escape(str(exc)), ERROR_COLOUR)
            return False
        finally:
            self._acting = False
        return True

    # -- edit ----------------------------------------------------------------------------------
    def edit(self, key: str) -> RecordForm:
        """Open the entry below the list in the form that logs it, to change and save it."""
        entry = self.rows[key].entry
        form = FORMS[entry.kind](self.store)
        form.start_editing([(id_, self.store.get(entry.kind, id_)) for id_ in entry.ids])
        form.on_saved(lambda _ids: self._edited(entry))
        cancel = css(widgets.Button(description="Cancel"), "cancel-edit")
        cancel.on_click(lambda _b: self.close_editor())
        form.actions.children = (form.save_button, cancel, form.message)
        self.editor.children = (widgets.HTML(f"<b>Edit {html.escape(entry.what)}</b>"), form)
        self.editing_form, self.editing_entry = form, entry
        return form

    def close_editor(self) -> None:
        """Close the editor without saving."""
        shown = self.editor.children
        self.editor.children = ()
        for widget in shown:
            close_tree(widget)
        self.editing_form = self.editing_entry = None

    def _edited(self, entry: Entry) -> None:
        self.close_editor()
        self._draw(self.entries())
        line = self.rows.get(entry.key)
        self._say(f"Saved the changes to {html.escape((line.entry if line is not None else entry).what)}.")


def _signature(entries: list[Entry]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(entry.key, entry.line, entry.sets) for entry in entries]
