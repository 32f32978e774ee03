"""What every form shares: the runner and date pickers, field slots that show their own error,
turning typed text into record values, and saving with the messages a runner reads.

Feedback goes into ``HTML`` widgets' ``.value`` (never ``print``), so it shows in JupyterLab and
can be asserted from Python. Every interactive widget carries a ``hipknee-...`` CSS class.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import ipywidgets as widgets

from ...errors import HipkneeError, ValidationError
from ...records.model import Athlete, Record, validate_record
from ...store import Store
from ...views.palette import MESSAGE_COLOURS

__all__ = [
    "Draft",
    "RecordForm",
    "choice",
    "chosen",
    "css",
    "error_text",
    "moment",
    "number",
    "parse_number",
    "parse_text",
]

ERROR_COLOUR = MESSAGE_COLOURS["error"]
OK_COLOUR = MESSAGE_COLOURS["ok"]
LABEL_STYLE = {"description_width": "initial"}


def css(widget: widgets.DOMWidget, *names: str) -> widgets.DOMWidget:
    """Add ``hipknee-<name>`` CSS classes (what the browser test and any styling find) and return the widget."""
    for name in names:
        widget.add_class(f"hipknee-{name}")
    return widget


def parse_number(text: str | None) -> int | float | str | None:
    """Typed text -> a number; empty -> ``None``. Text that is no number is passed on unchanged so the
    record's validation names what is allowed. A single decimal comma (``2,5``) is read as a point."""
    text = (text or "").strip()
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text


def parse_text(text: str | None) -> str | None:
    """Typed text -> stripped text; empty -> ``None`` (used for optional choices such as band)."""
    text = (text or "").strip()
    return text or None


def moment(day: date | None) -> datetime | date | None:
    """When an entry logged for ``day`` happened: now for today, the day itself (midnight) otherwise."""
    if day is None:
        return None
    now = datetime.now()
    if day == now.date():
        return now.replace(second=0, microsecond=0)
    return datetime.combine(day, time())


def error_text(exc: ValidationError) -> str:
    """One short sentence for a field's rejected value, e.g. "use a whole number from 0 to 10 (got 11)"."""
    got = "nothing" if exc.value in (None, "") else html.escape(repr(exc.value), quote=False)
    return f"Use {html.escape(str(exc.allowed), quote=False)} (got {got})."


def _html(text: str, colour: str) -> str:
    return f'<span style="color:{colour}">{text}</span>' if text else ""


class RecordForm(widgets.VBox):
    """Base of the forms: a runner picker, a date, named field slots with an error beside each,
    a Save button and a message line. Subclasses build their fields and say what to save."""

    #: CSS class of the whole form, e.g. ``run-form`` -> ``hipknee-run-form``.
    css_name = "form"

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.athlete = css(
            widgets.Combobox(
                description="Runner",
                placeholder="your name (type a new one to add a runner)",
                ensure_option=False,
                style=LABEL_STYLE,
                layout=widgets.Layout(width="28em"),
            ),
            "athlete",
        )
        self.day = css(widgets.DatePicker(description="Date", value=date.today(), style=LABEL_STYLE), "date")
        self.save_button = css(widgets.Button(description="Save", button_style="success", icon="check"), "save")
        self.message = css(widgets.HTML(), "message")
        #: record field -> the error line shown beside its widget
        self.field_errors: dict[str, widgets.HTML] = {}
        self.save_button.on_click(lambda _button: self.save())
        css(self, self.css_name)
        self.refresh()

    # -- building ------------------------------------------------------------------------
    def slot(self, field: str, widget: widgets.Widget) -> widgets.HBox:
        """``widget`` with an error line beside it; errors about record ``field`` land there."""
        error = css(widgets.HTML(), "field-error", f"{field.replace('_', '-')}-error")
        self.field_errors[field] = error
        return widgets.HBox([widget, error])

    def refresh(self) -> None:
        """Reload choices from the store (runners added elsewhere). Keeps what is typed."""
        names = self.store.athlete_names()
        current = self.athlete.value
        self.athlete.options = tuple(names)
        if not current and names:
            self.athlete.value = names[0]

    # -- saving --------------------------------------------------------------------------
    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        """The records to save as (record class, field values), read from the widgets."""
        raise NotImplementedError

    def describe(self, saved: Sequence[Record]) -> str:
        """What was saved, in words, for the message line."""
        raise NotImplementedError

    def clear(self) -> None:
        """Empty the fields for the next entry (the runner stays; the date goes back to today)."""
        self.day.value = date.today()

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        """Show ``exc`` beside the field it names (``index``: which draft it is about, when known);
        returns the error widget used, or ``None`` when no field of this form matches."""
        field = "athlete" if exc.record == "athlete" else exc.field
        error = self.field_errors.get(field)
        if error is not None:
            error.value = _html(error_text(exc), ERROR_COLOUR)
        return error

    def clear_errors(self) -> None:
        for error in self.field_errors.values():
            error.value = ""

    def save(self) -> list[int]:
        """Validate and save everything in one transaction; returns the new ids ([] when nothing was
        saved, with the reasons shown beside the fields)."""
        self.clear_errors()
        self.message.value = ""
        name = (self.athlete.value or "").strip()
        known = self.store.athlete_names()
        new_runner: list[Record] = []
        problems: list[tuple[int | None, ValidationError]] = []
        if name and name not in known:
            try:
                new_runner = [validate_record(Athlete, {"name": name})]
            except ValidationError as exc:
                problems.append((None, exc))
        drafts = self.drafts(name, moment(self.day.value))
        if not drafts:
            self.message.value = _html("Nothing saved: " + self.nothing_to_save, ERROR_COLOUR)
            return []
        records: list[Record] = []
        for index, (cls, data) in enumerate(drafts):
            try:
                records.append(validate_record(cls, data))
            except ValidationError as exc:
                problems.append((index, exc))
        if problems:
            return self._refuse(problems)
        try:
            ids = self.store.add_many([*new_runner, *records])
        except ValidationError as exc:
            return self._refuse([(_locate(exc, drafts), exc)])
        except HipkneeError as exc:
            self.message.value = _html("Nothing saved: " + html.escape(str(exc)), ERROR_COLOUR)
            return []
        said = self.describe(records)
        if new_runner:
            said += f" New runner {html.escape(name)} added."
            self.refresh()
        self.message.value = _html("Saved " + said, OK_COLOUR)
        self.clear()
        return ids[len(new_runner):]

    #: Message when the form holds nothing to save.
    nothing_to_save = "fill in at least one value."

    def _refuse(self, problems: Sequence[tuple[int | None, ValidationError]]) -> list[int]:
        marked: dict[int, widgets.HTML] = {}
        unplaced: list[str] = []
        for index, exc in problems:
            error = self.place(exc, index)
            if error is None:
                unplaced.append(html.escape(str(exc)))
            else:
                marked[id(error)] = error
        parts = []
        if marked:
            count = len(marked)
            parts.append("fix the field marked in red" if count == 1 else f"fix the {count} fields marked in red")
        self.message.value = _html("Nothing saved: " + "; ".join(parts + unplaced) + ".", ERROR_COLOUR)
        return []


Draft = tuple[type[Record], dict[str, Any]]


def _locate(exc: ValidationError, drafts: Sequence[Draft]) -> int | None:
    """Which draft a store-level error is about: the first of its kind holding the rejected value."""
    for index, (cls, data) in enumerate(drafts):
        if cls.kind == exc.record and exc.field in data and data[exc.field] == exc.value:
            return index
    return None


def choice(description: str, options: Sequence[Any], name: str, *, empty: str | None = None, value: Any = None) -> widgets.Dropdown:
    """A dropdown with an optional empty first choice labelled ``empty``; read it with :func:`chosen`.
    (The empty choice's value is ``""``: a ``None`` value does not show in the browser.)"""
    opts: list[Any] = ([(empty, "")] if empty is not None else []) + [(str(o), o) for o in options]
    drop = widgets.Dropdown(options=opts, description=description, style=LABEL_STYLE)
    if value is not None:
        drop.value = value
    return css(drop, name)


def chosen(drop: widgets.Dropdown) -> Any:
    """A dropdown's value, ``None`` for its empty choice."""
    return None if drop.value == "" else drop.value


def number(description: str, name: str, placeholder: str, width: str = "11em", value: str = "") -> widgets.Text:
    """A text box for a number: free text so that empty means "not given" and nothing is clamped."""
    return css(
        widgets.Text(
            value=value,
            description=description,
            placeholder=placeholder,
            style=LABEL_STYLE,
            layout=widgets.Layout(width=width),
        ),
        name,
    )

