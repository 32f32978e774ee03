"""The recent-entries table: the newest sets, runs, pain ratings and tests, each with Edit and
Delete; a delete can be undone (deletes in the store are soft)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ...errors import HipkneeError, ValidationError
from ...records.model import BANDS, PAIN_CONTEXTS, SURFACES, TEST_UNITS
from ...store import Store
from .fields import (
    ERROR_COLOUR,
    LABEL_STYLE,
    OK_COLOUR,
    choice,
    chosen,
    css,
    error_text,
    number,
    parse_number,
)

__all__ = ["RecentEntries"]

KIND_LABELS = {"set": "strength sets", "run": "runs", "pain": "knee pain", "test": "strength tests"}

# Fields offered for editing per kind; choices get a dropdown, the rest a text box.
_EDITABLE: dict[str, tuple[str, ...]] = {
    "set": ("when", "reps", "duration_s", "hold_s", "load_kg", "band", "rpe", "note"),
    "run": ("when", "distance_km", "duration_min", "rpe", "surface", "note"),
    "pain": ("when", "nrs", "context", "note"),
    "test": ("when", "test", "value", "unit", "note"),
}
_CHOICES: dict[str, tuple[str, ...]] = {"band": BANDS, "surface": SURFACES, "context": PAIN_CONTEXTS, "unit": TEST_UNITS}
_TEXT = {"when", "note", "test"}


def _g(value: Any, suffix: str = "") -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}{suffix}"


def summary(kind: str, row: pd.Series) -> str:
    """One line saying what an entry holds, e.g. ``8.5 km in 47 min, RPE 5, road``."""
    if kind == "set":
        parts = [f"{row.exercise} ({row.side})", _g(row.reps, " reps"), _g(row.duration_s, " s"),
                 _g(row.hold_s, " s hold"), _g(row.load_kg, " kg"), "" if pd.isna(row.band) else f"{row.band} band",
                 _g(row.rpe, "").join(("RPE ", "")) if not pd.isna(row.rpe) else ""]
    elif kind == "run":
        size = _g(row.distance_km, " km") or "distance unknown"
        parts = [f"{size} in {row.duration_min:g} min", f"RPE {row.rpe:g}" if not pd.isna(row.rpe) else "",
                 "" if pd.isna(row.surface) else str(row.surface)]
    elif kind == "pain":
        parts = [f"{row.knee} knee {row.nrs}/10", str(row.context).replace("_", " ")]
    else:
        parts = [f"{row.test}", f"{row.side} {row.value:g} {row.unit}"]
    return ", ".join(p for p in parts if p)


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
        self.kind.observe(lambda _change: self.refresh(), names="value")
        self.refresh_button = css(widgets.Button(description="Refresh", icon="refresh"), "refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.table = css(widgets.VBox(), "recent-table")
        self.editor = css(widgets.VBox(), "editor")
        self.message = css(widgets.HTML(), "message")
        self.undo_button = css(widgets.Button(description="Undo delete", icon="undo", layout=widgets.Layout(display="none")), "undo")
        self.undo_button.on_click(lambda _b: self.undo())
        self._deleted: tuple[str, int] | None = None
        self.rows: dict[int, widgets.HBox] = {}
        #: while an entry is being edited: field -> its widget, field -> its error line, and Save
        self.editing: dict[str, widgets.Widget] = {}
        self.edit_errors: dict[str, widgets.HTML] = {}
        self.save_edit_button: widgets.Button | None = None
        self.children = [
            widgets.HBox([self.kind, self.refresh_button]),
            self.table,
            widgets.HBox([self.message, self.undo_button]),
            self.editor,
        ]
        css(self, "recent")
        self.refresh()

    # -- the table ---------------------------------------------------------------------------
    def entries(self) -> pd.DataFrame:
        """The newest entries of the chosen kind, newest first."""
        return self.store.read(self.kind.value).iloc[::-1].head(self.limit)

    def refresh(self) -> None:
        """Re-read the store and redraw the table."""
        frame = self.entries()
        self.rows = {}
        for _, row in frame.iterrows():  # at most `limit` rows, each becomes a widget anyway
            id_ = int(row.id)
            edit = css(widgets.Button(description="Edit", icon="pencil", layout=widgets.Layout(width="6em")), "edit")
            delete = css(widgets.Button(description="Delete", icon="trash", button_style="danger", layout=widgets.Layout(width="6.5em")), "delete")
            edit.on_click(lambda _b, id_=id_: self.edit(id_))
            delete.on_click(lambda _b, id_=id_: self.delete(id_))
            text = f"{row.when:%Y-%m-%d %H:%M} &middot; {html.escape(str(row.athlete))} &middot; {html.escape(summary(self.kind.value, row))}"
            self.rows[id_] = css(widgets.HBox([widgets.HTML(text, layout=widgets.Layout(width="40em")), edit, delete]), "entry")
        empty = [widgets.HTML(f"<i>No {KIND_LABELS[self.kind.value]} yet.</i>")]
        self.table.children = tuple(self.rows.values()) or tuple(empty)

    # -- delete and undo -----------------------------------------------------------------------
    def delete(self, id_: int) -> None:
        """Delete one entry (it can be brought back with :meth:`undo`)."""
        kind = self.kind.value
        self.store.delete(kind, id_)
        self._deleted = (kind, id_)
        self.editor.children = ()
        self.message.value = f'<span style="color:{OK_COLOUR}">Deleted {KIND_LABELS[kind].rstrip("s")} entry {id_}.</span>'
        self.undo_button.layout.display = None
        self.refresh()

    def undo(self) -> None:
        """Bring back the entry deleted last."""
        if self._deleted is None:
            return
        kind, id_ = self._deleted
        self.store.undelete(kind, id_)
        self._deleted = None
        self.undo_button.layout.display = "none"
        self.message.value = f'<span style="color:{OK_COLOUR}">Restored entry {id_}.</span>'
        if self.kind.value != kind:
            self.kind.value = kind  # redraws
        else:
            self.refresh()

    # -- edit ----------------------------------------------------------------------------------
    def edit(self, id_: int) -> None:
        """Open an editor for one entry below the table."""
        kind = self.kind.value
        current = self.store.read(kind, ids=[id_]).iloc[0]
        boxes: dict[str, widgets.Widget] = {}
        errors: dict[str, widgets.HTML] = {}
        lines = []
        for field in _EDITABLE[kind]:
            value = current.get(field)
            if field in _CHOICES:
                box = choice(field.replace("_", " "), _CHOICES[field], f"edit-{field}", empty="—", value=None if pd.isna(value) else str(value))
            elif field == "when":
                box = number("when", "edit-when", "YYYY-MM-DD HH:MM", width="22em", value=f"{value:%Y-%m-%d %H:%M}")
            else:
                shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else (value if isinstance(value, str) else f"{float(value):g}")
                box = number(field.replace("_", " "), f"edit-{field.replace('_', '-')}", "", width="22em", value=shown)
            boxes[field] = box
            errors[field] = css(widgets.HTML(), "field-error")
            lines.append(widgets.HBox([box, errors[field]]))
        save = css(widgets.Button(description="Save changes", icon="check", button_style="success"), "save-edit")
        cancel = css(widgets.Button(description="Cancel"), "cancel-edit")
        note = widgets.HTML()
        save.on_click(lambda _b: self._save_edit(kind, id_, boxes, errors, note))
        cancel.on_click(lambda _b: setattr(self.editor, "children", ()))
        self.editor.children = (widgets.HTML(f"<b>Edit entry {id_}</b>"), *lines, widgets.HBox([save, cancel, note]))
        self.editing, self.edit_errors, self.save_edit_button = boxes, errors, save

    def _save_edit(self, kind: str, id_: int, boxes: dict[str, widgets.Widget], errors: dict[str, widgets.HTML], note: widgets.HTML) -> None:
        changes: dict[str, Any] = {}
        for field, box in boxes.items():
            if isinstance(box, widgets.Dropdown):
                changes[field] = chosen(box)
            elif field in _TEXT:
                changes[field] = box.value.strip()
            else:
                changes[field] = parse_number(box.value)
        for error in errors.values():
            error.value = ""
        try:
            self.store.update(kind, id_, **changes)
        except ValidationError as exc:
            target = errors.get(exc.field)
            if target is not None:
                target.value = f'<span style="color:{ERROR_COLOUR}">{error_text(exc)}</span>'
            note.value = f'<span style="color:{ERROR_COLOUR}">Nothing changed: {html.escape(str(exc)) if target is None else "fix the field marked in red"}.</span>'
            return
        except HipkneeError as exc:
            note.value = f'<span style="color:{ERROR_COLOUR}">Nothing changed: {html.escape(str(exc))}</span>'
            return
        self.editor.children = ()
        self.message.value = f'<span style="color:{OK_COLOUR}">Changed entry {id_}.</span>'
        self.refresh()
