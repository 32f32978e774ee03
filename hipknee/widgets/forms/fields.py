"""What every form shares: the field widgets (one builder each), field slots that show their own
error and clear it as soon as the field changes, turning typed text into record values, the words
of messages, and saving (new entries, or changes to entries already logged).

Feedback goes into ``HTML`` widgets' ``.value`` (never ``print``), so it shows in JupyterLab and
can be asserted from Python. Every interactive widget carries a ``hipknee-...`` CSS class.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any, Generic, TypeVar, cast

import ipywidgets as widgets
import pandas as pd

from ...errors import HipkneeError, ValidationError
from ...records.model import Athlete, Entry, Record, clock_minutes, validate_record
from ...records.words import in_words
from ...store import Store
from ...store.changes import Change
from ...views.palette import MESSAGE_COLOURS

__all__ = [
    "Draft",
    "FieldForm",
    "RecordForm",
    "a_or_an",
    "choice",
    "chosen",
    "clock",
    "close_tree",
    "css",
    "error_text",
    "moment",
    "number",
    "pace",
    "parse_number",
    "parse_text",
    "plural",
    "shown",
    "typed_minutes",
]

ERROR_COLOUR = MESSAGE_COLOURS["error"]
OK_COLOUR = MESSAGE_COLOURS["ok"]
QUIET_COLOUR = MESSAGE_COLOURS["quiet"]
LABEL_STYLE = {"description_width": "initial"}


def css(widget: widgets.DOMWidget, *names: str) -> widgets.DOMWidget:
    """Add ``hipknee-<name>`` CSS classes (what the browser test and any styling find) and return the widget."""
    for name in names:
        widget.add_class(f"hipknee-{name}")
    return widget


# -- typed text -> values ----------------------------------------------------------------------------
def parse_number(text: str | None) -> int | float | str | None:
    """Typed text -> a number; empty -> ``None``. Text that is no number is passed on unchanged so the
    record's validation names what is allowed (and reads clock times such as ``47:30``). A single
    decimal comma (``2,5``) is read as a point."""
    text = (text or "").strip()
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            continue
    return text


def parse_text(text: str | None) -> str | None:
    """Typed text -> stripped text; empty -> ``None`` (used for optional choices such as band)."""
    text = (text or "").strip()
    return text or None


def shown(value: Any) -> str:
    """A stored number as a text box shows it (``6.5``, ``10``); missing -> empty."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.12g}"


def moment(day: date | None) -> datetime | date | None:
    """When an entry logged for ``day`` happened: now for today, the day itself (midnight) otherwise."""
    if day is None:
        return None
    now = datetime.now()
    if day == now.date():
        return now.replace(second=0, microsecond=0)
    return datetime.combine(day, time())


# -- words -----------------------------------------------------------------------------------------
def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 set``, ``2 sets`` (``many`` for an irregular plural)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def a_or_an(number: str) -> str:
    """The article before a number as it is read aloud: "an 8.2", "an 11", "an 18", "an 80"; "a 5", "a 10"."""
    digits = number.strip().split(".")[0].lstrip("0") or "0"
    lead = digits[: len(digits) % 3 or 3]  # "11" of 11000 ("eleven thousand")
    return "an" if lead.startswith("8") or lead in ("11", "18") else "a"


def clock(minutes: float) -> str:
    """Minutes as a watch shows them, to the second: 47.5 -> ``47:30``, 65 -> ``1:05:00``."""
    seconds = round(float(minutes) * 60)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins}:{secs:02d}"


def pace(distance_km: float, duration_min: float) -> str:
    """Running pace in min/km as m:ss, e.g. ``5:35 min/km``."""
    return f"{clock(duration_min / distance_km)} min/km"


def error_text(exc: ValidationError) -> str:
    """One short sentence for a field's rejected value, e.g. "Use a whole number from 0 to 10 (got 11)."."""
    got = "nothing" if exc.value in (None, "") else html.escape(repr(exc.value), quote=False)
    return f"Use {html.escape(str(exc.allowed), quote=False)} (got {got})."


def close_tree(widget: widgets.Widget) -> None:
    """Close ``widget`` and everything in it: ipywidgets keeps every widget alive until it is
    closed, so a form taken off the screen would otherwise live (and follow the store) for ever."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def coloured(text: str, colour: str) -> str:
    """``text`` (already HTML) in ``colour``; empty stays empty."""
    return f'<span style="color:{colour}">{text}</span>' if text else ""


# -- field widgets: one builder each, used by the entry forms and the editors alike ------------------
def choice(
    description: str,
    options: Sequence[Any],
    name: str,
    *,
    empty: str | None = None,
    value: Any = None,
    field: str | None = None,
) -> widgets.Dropdown:
    """A dropdown showing each option in words (``field`` names the record field whose words to use);
    an optional empty first choice labelled ``empty``; read it with :func:`chosen`.
    (The empty choice's value is ``""``: a ``None`` value does not show in the browser.)"""
    opts: list[Any] = ([(empty, "")] if empty is not None else []) + [
        (in_words(field, o) if field else str(o), o) for o in options
    ]
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


# -- forms -----------------------------------------------------------------------------------------
#: The record a logging form saves and edits (a run, a pain entry, ...).
R = TypeVar("R", bound=Entry)


class FieldForm(widgets.VBox):
    """Base of every form: named field slots with an error beside each (cleared as soon as its field
    changes), a Save button and a message line."""

    #: CSS class of the whole form, e.g. ``run-form`` -> ``hipknee-run-form``.
    css_name = "form"

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.save_button = css(widgets.Button(description="Save", button_style="success", icon="check"), "save")
        self.message = css(widgets.HTML(), "message")
        #: the Save button and the message line, the form's last line
        self.actions = widgets.HBox([self.save_button, self.message])
        #: record field -> the error line shown beside its widget
        self.field_errors: dict[str, widgets.HTML] = {}
        self._refused = False  # the message says "Nothing saved: fix ..."
        self._saved: list[Callable[[list[int]], Any]] = []
        self.save_button.on_click(lambda _button: self.save())
        css(self, self.css_name)

    def slot(self, field: str, widget: widgets.Widget, *beside: widgets.Widget) -> widgets.HBox:
        """``widget`` (and ``beside``) with an error line after it; errors about record ``field`` land there."""
        error = css(widgets.HTML(), "field-error", f"{field.replace('_', '-')}-error")
        self.field_errors[field] = error
        self.watch(widget, error)
        return widgets.HBox([widget, *beside, error])

    def watch(self, widget: widgets.Widget, error: widgets.HTML) -> None:
        """Clear ``error`` as soon as ``widget``'s value changes: the runner is fixing it."""
        widget.observe(lambda _change: self._fixing(error), names="value")

    def _fixing(self, error: widgets.HTML) -> None:
        if not error.value:
            return
        error.value = ""
        if self._refused and not any(e.value for e in self.error_lines()):
            self.message.value = ""
            self._refused = False

    def error_lines(self) -> list[widgets.HTML]:
        """Every error line of the form."""
        return list(self.field_errors.values())

    def clear_errors(self) -> None:
        for error in self.error_lines():
            error.value = ""

    def say(self, text: str, colour: str = OK_COLOUR) -> None:
        """Put ``text`` (HTML) on the message line."""
        self.message.value = coloured(text, colour)
        self._refused = False

    def refuse(self, marked: int, unplaced: Sequence[str] = ()) -> None:
        """Say that nothing was saved: ``marked`` fields are marked beside them, ``unplaced`` reasons
        (escaped HTML) had no field to go to."""
        parts = []
        if marked:
            parts.append("fix the field marked in red" if marked == 1 else f"fix the {marked} fields marked in red")
        self.message.value = coloured("Nothing saved: " + "; ".join([*parts, *unplaced]) + ".", ERROR_COLOUR)
        self._refused = bool(marked)

    def on_saved(self, callback: Callable[[list[int]], Any]) -> None:
        """Call ``callback(ids)`` after each successful save."""
        self._saved.append(callback)

    def saved(self, ids: list[int]) -> None:
        for callback in self._saved:
            callback(ids)

    def save(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        """Stop following the store and close the form's widgets."""
        subscription = getattr(self, "_subscription", None)
        if subscription is not None:
            subscription.cancel()
        for child in self.children:
            close_tree(child)
        super().close()


class RecordForm(FieldForm, Generic[R]):
    """Base of the logging forms: a runner picker and a date over :class:`FieldForm`. Subclasses build
    their fields and say what to save (:meth:`drafts`) and how to say it (:meth:`describe`).

    The same form edits entries already logged (:meth:`start_editing`): same fields, same words,
    and Save changes them in one transaction instead of adding new ones."""

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(store, **kwargs)
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
        #: ids of the entries being edited ([] while logging new ones)
        self.editing: list[int] = []
        self._edited_moment: datetime | None = None
        self._athlete_ids: dict[str, int] = {}
        self._writing = False  # this form's own save is under way
        # Runners added or renamed anywhere in this kernel show up at once.
        self._subscription = store.on_change(self.store_changed)
        self.refresh()

    # -- runners -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload choices from the store (runners added elsewhere). Keeps what is typed, and follows
        a runner who was renamed."""
        frame = self.store.athletes()
        ids = {str(name): int(id_) for name, id_ in zip(frame["name"], frame["id"])}
        current = (self.athlete.value or "").strip()
        if tuple(self.athlete.options) != tuple(ids):
            self.athlete.options = tuple(ids)
        if current not in ids and current in self._athlete_ids:
            renamed = {id_: name for name, id_ in ids.items()}.get(self._athlete_ids[current])
            if renamed is not None:
                self.athlete.value = renamed
        elif not current and ids:
            self.athlete.value = next(iter(ids))
        self._athlete_ids = ids

    def store_changed(self, change: Change) -> None:
        """Called after every write to the store (see :meth:`hipknee.Store.on_change`)."""
        if "athlete" in change.kinds:
            self.refresh()

    # -- editing ---------------------------------------------------------------------------
    def start_editing(self, entries: Sequence[tuple[int, R]]) -> None:
        """Show ``entries`` (id, record) of one runner and moment in this form, to change them."""
        first = entries[0][1]
        self.editing = [id_ for id_, _record in entries]
        self._edited_moment = first.when
        self.athlete.value = first.athlete
        self.athlete.disabled = True
        self.day.value = self._edited_moment.date()
        self.save_button.description = "Save changes"
        self.fill(entries)

    def fill(self, entries: Sequence[tuple[int, R]]) -> None:
        """Put the values of ``entries`` into the fields (editing)."""
        raise NotImplementedError

    def draft_ids(self) -> list[int]:
        """The id of the entry each draft changes, in the order of :meth:`drafts` (editing)."""
        return list(self.editing)

    def when(self) -> datetime | date | None:
        """When the entries happened: see :func:`moment`; an edited entry keeps its time of day."""
        if self.editing and self._edited_moment is not None and self.day.value is not None:
            return datetime.combine(self.day.value, self._edited_moment.time())
        return moment(self.day.value)

    # -- saving --------------------------------------------------------------------------
    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        """The records to save as (record class, field values), read from the widgets."""
        raise NotImplementedError

    def describe(self, saved: Sequence[R]) -> str:
        """What was saved, in words (HTML), for the message line."""
        raise NotImplementedError

    def clear(self) -> None:
        """Empty the fields for the next entry (the runner stays; the date goes back to today)."""
        self.day.value = date.today()

    def remember(self, saved: Sequence[R]) -> None:
        """Called with what was just saved, before the form is cleared for the next entry."""

    def place(self, exc: ValidationError, index: int | None) -> widgets.HTML | None:
        """Show ``exc`` beside the field it names (``index``: which draft it is about, when known);
        returns the error widget used, or ``None`` when no field of this form matches."""
        field = "athlete" if exc.record == "athlete" else exc.field
        error = self.field_errors.get(field)
        if error is not None:
            error.value = coloured(error_text(exc), ERROR_COLOUR)
        return error

    #: Message when the form holds nothing to save.
    nothing_to_save = "fill in at least one value."

    def save(self) -> list[int]:
        """Validate and save everything in one transaction; returns the ids saved ([] when nothing
        was saved, with the reasons shown beside the fields)."""
        self.clear_errors()
        self.say("")
        name = (self.athlete.value or "").strip()
        runner: Athlete | None = None
        problems: list[tuple[int | None, ValidationError]] = []
        if name and not self.editing:
            # A runner not in the store yet is added with her first entries, in their transaction
            # (see Store.add_many); a name no runner may have matters only if she is not there.
            try:
                runner = validate_record(Athlete, {"name": name})
            except ValidationError as exc:
                if not self.store.has_athlete(name):
                    problems.append((None, exc))
        drafts = self.drafts(name, self.when())
        if not drafts:
            self.say("Nothing saved: " + self.nothing_to_save, ERROR_COLOUR)
            return []
        records: list[Record] = []
        for index, (cls, data) in enumerate(drafts):
            try:
                records.append(validate_record(cls, data))
            except ValidationError as exc:
                problems.append((index, exc))
        if problems:
            return self._refuse(problems)
        self._writing = True
        new_runner = False
        try:
            if self.editing:
                kind = drafts[0][0].kind
                changes = {id_: rec.model_dump(include=set(data)) for id_, rec, (_cls, data) in zip(self.draft_ids(), records, drafts)}
                self.store.update_many(kind, changes)
                ids = list(changes)
            else:
                ids = self.store.add_many(records, runner=runner)
                new_runner = len(ids) > len(records)  # her id first when she was added
                ids = ids[len(ids) - len(records):]
        except ValidationError as exc:
            return self._refuse([(_locate(exc, drafts), exc)])
        except HipkneeError as exc:
            self.say("Nothing saved: " + html.escape(str(exc)), ERROR_COLOUR)
            return []
        finally:
            self._writing = False
        # drafts() makes records of the form's own class (R): say so once, here.
        saved = cast("list[R]", records)
        said = self.describe(saved)
        if self.editing:
            self.say("Saved the changes: " + said)
        else:
            if new_runner:
                said += f" New runner {html.escape(name)} added."
                self.refresh()
            self.remember(saved)
            self.say("Saved " + said)
            self.clear()
        self.saved(ids)
        return ids

    def _refuse(self, problems: Sequence[tuple[int | None, ValidationError]]) -> list[int]:
        marked: dict[int, widgets.HTML] = {}
        unplaced: list[str] = []
        for index, exc in problems:
            error = self.place(exc, index)
            if error is None:
                unplaced.append(html.escape(str(exc)))
            else:
                marked[id(error)] = error
        self.refuse(len(marked), unplaced)
        return []


Draft = tuple[type[Record], dict[str, Any]]


def _locate(exc: ValidationError, drafts: Sequence[Draft]) -> int | None:
    """Which draft a store-level error is about: the first of its kind holding the rejected value."""
    for index, (cls, data) in enumerate(drafts):
        if cls.kind == exc.record and exc.field in data and data[exc.field] == exc.value:
            return index
    return None


def typed_minutes(text: str) -> float | None:
    """A run's time as typed (minutes, ``47:30`` or ``1:05:00``) in minutes, ``None`` while it is not one."""
    try:
        value = clock_minutes(parse_number(text))
    except ValueError:
        return None
    return float(value) if isinstance(value, (int, float)) and 0 < value < math.inf else None
