"""A runner's settings: name, painful side and body mass, set when she starts and changed later.

The painful side is the reference of the limb symmetry index (painful / other side; without it,
weaker / stronger side); body mass (kg) turns strength tests into N/kg. Entries point at the
runner, not at her name, so a new name keeps the whole log.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ...errors import HipkneeError, ValidationError
from ...records.model import KNEES, Athlete, validate_record
from ...records.words import in_words
from ...store import Store
from ...store.changes import Change
from .fields import (
    ERROR_COLOUR,
    FieldForm,
    choice,
    chosen,
    coloured,
    css,
    error_text,
    number,
    parse_number,
    shown,
)

__all__ = ["RunnerForm"]

#: The runner picker's value for "add a new runner".
NEW = 0
NO_PAINFUL_SIDE = "none: compare the weaker with the stronger side"


def _settings(runner: Athlete) -> str:
    side = (f"painful side {in_words('involved_side', runner.involved_side)}" if runner.involved_side
            else "no painful side set (balance compares the weaker with the stronger side)")
    mass = f"body mass {runner.body_mass_kg:g} kg" if runner.body_mass_kg is not None else "no body mass"
    return f"{side}, {mass}"


class RunnerForm(FieldForm):
    """Pick a runner to see and change her name, painful side and body mass (kg), or pick
    *a new runner* to add one. Save writes the runner in one transaction."""

    css_name = "runner-form"

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.runner = css(widgets.Dropdown(description="Runner", style={"description_width": "8em"},
                                           layout=widgets.Layout(width="28em")), "runner-picker")
        self.name = css(
            widgets.Text(description="Name", placeholder="first name or nickname", style={"description_width": "8em"},
                         layout=widgets.Layout(width="28em")),
            "runner-name",
        )
        self.involved_side = choice("Painful side", KNEES, "involved-side", empty=NO_PAINFUL_SIDE, field="involved_side")
        self.involved_side.style.description_width = "8em"
        self.involved_side.layout.width = "28em"
        self.body_mass = number("Body mass kg", "body-mass", "e.g. 61 (optional)", width="18em")
        self.body_mass.style.description_width = "8em"
        self.children = [
            widgets.HTML(
                "<b>Runner</b>: the painful side is the reference of the balance (LSI: painful / other side); "
                "body mass turns strength tests into N per kg. A new name keeps the whole log."
            ),
            self.runner,
            self.slot("name", self.name),
            self.slot("involved_side", self.involved_side),
            self.slot("body_mass_kg", self.body_mass),
            self.actions,
        ]
        self._quiet = False
        self._shown: tuple[str, str, str] | None = None
        self.runner.observe(lambda _change: None if self._quiet else self._show(), names="value")
        self._subscription = store.on_change(self._store_changed)
        self.refresh()

    def refresh(self) -> None:
        """Reload the runners (keeps the one picked, under her new name when renamed). The fields are
        redrawn only when the runner picked, or her stored settings, changed: what is being typed stays."""
        frame = self.store.athletes()
        current = self.runner.value
        options = [(str(name), int(id_)) for name, id_ in zip(frame["name"], frame["id"])] + [("a new runner", NEW)]
        ids = [id_ for _name, id_ in options]
        if options != [tuple(option) for option in self.runner.options]:
            self._quiet = True  # new options pick the first runner for a moment: no flicker of fields
            try:
                self.runner.options = options
                self.runner.value = current if current in ids else ids[0]
            finally:
                self._quiet = False
        if self.runner.value != current or self._stored() != self._shown:
            self._show()

    def _stored(self) -> tuple[str, str, str]:
        """The picked runner's settings as the fields show them (empty for a new runner)."""
        runner = self.store.get("athlete", self.runner.value) if self.runner.value else Athlete.model_construct(name="")
        return runner.name, runner.involved_side or "", shown(runner.body_mass_kg)

    def _store_changed(self, change: Change) -> None:
        if "athlete" in change.kinds:
            self.refresh()

    def _show(self) -> None:
        """The picked runner's settings in the fields (empty for a new runner)."""
        self._shown = self._stored()
        self.name.value, self.involved_side.value, self.body_mass.value = self._shown
        self.clear_errors()

    def save(self) -> int | None:
        """Add or change the runner; returns her id (``None`` when nothing was saved, with the reason
        beside the field)."""
        self.clear_errors()
        self.say("")
        picked = self.runner.value
        data = {"name": self.name.value, "involved_side": chosen(self.involved_side), "body_mass_kg": parse_number(self.body_mass.value)}
        before = self.store.get("athlete", picked).name if picked else None
        try:
            runner = validate_record(Athlete, data)
            if picked:
                self.store.update("athlete", picked, **data)
                saved = picked
            else:
                saved = self.store.add(runner)
        except ValidationError as exc:
            error = self.field_errors.get(exc.field)
            if error is None:
                self.refuse(0, [html.escape(str(exc))])
            else:
                error.value = coloured(error_text(exc), ERROR_COLOUR)
                self.refuse(1)
            return None
        except HipkneeError as exc:
            self.say("Nothing saved: " + html.escape(str(exc)), ERROR_COLOUR)
            return None
        self.refresh()
        self.runner.value = saved
        name = html.escape(runner.name)
        if before is None:
            said = f"Added runner {name}: {_settings(runner)}."
        elif before != runner.name:
            said = f"Renamed {html.escape(before)} to {name}, with every entry of the log: {_settings(runner)}."
        else:
            said = f"Saved {name}: {_settings(runner)}."
        self.say(said)
        self.saved([saved])
        return saved
