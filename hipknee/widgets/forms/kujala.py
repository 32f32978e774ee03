"""The Kujala questionnaire (anterior knee pain scale): its 13 items, each answered from a menu that
shows every answer's points, the score shown as it is filled in, saved as one outcome with every
item's answer. A questionnaire with an item left unanswered is refused, that item marked."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime

import ipywidgets as widgets

from ...records.kujala import KUJALA_ITEMS, KujalaItem
from ...records.model import OutcomeScore
from ...store import Store
from .fields import QUIET_COLOUR, Draft, RecordForm, coloured, css

__all__ = ["KujalaForm"]

#: The empty choice of every item's menu (its value is "": a None value does not show in the browser).
UNANSWERED = "— choose an answer —"


def _menu(item: KujalaItem) -> widgets.Dropdown:
    """One item's answers, each with its points, best first; nothing chosen yet."""
    options = [(UNANSWERED, "")] + [(f"{words} ({points})", points) for points, words in item.answers]
    return css(
        widgets.Dropdown(options=options, value="", description=item.question,
                         style={"description_width": "22em"}, layout=widgets.Layout(width="46em")),
        "kujala-item", f"kujala-{item.key}",
    )


class KujalaForm(RecordForm[OutcomeScore]):
    """Fill in the Kujala anterior knee pain scale (0-100, 100 = no problem): the 13 items, the score
    so far shown as they are answered; Save keeps every item's answer and the total."""

    css_name = "kujala-form"

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        #: record field (``kujala_limp``...) -> its menu
        self.items = {item.field: _menu(item) for item in KUJALA_ITEMS}
        self.total = css(widgets.HTML(), "kujala-total")
        self.note = css(widgets.Textarea(description="Note", placeholder="optional", style={"description_width": "22em"},
                                         layout=widgets.Layout(width="46em", height="4em")), "note")
        for menu in self.items.values():
            menu.observe(lambda _change: self._show_total(), names="value")
        self.children = [
            widgets.HTML("<b>Knee function: Kujala anterior knee pain scale</b> (how your knee has been lately; "
                         "100 = no problem). Answer all 13 items; fill it in about once a month."),
            widgets.HBox([self.slot("athlete", self.athlete), self.slot("when", self.day)]),
            *(self.slot(field, menu) for field, menu in self.items.items()),
            self.total,
            self.slot("note", self.note),
            self.actions,
        ]
        self._show_total()

    def answers(self) -> dict[str, int | None]:
        """Record field -> the chosen answer's points (None when not answered yet)."""
        return {field: (None if menu.value == "" else int(menu.value)) for field, menu in self.items.items()}

    def _show_total(self) -> None:
        """The score so far, and how many items are still to answer."""
        given = [points for points in self.answers().values() if points is not None]
        left = len(KUJALA_ITEMS) - len(given)
        if left:
            text = f"Score so far: {sum(given)} of 100 ({len(given)} of {len(KUJALA_ITEMS)} items answered, {left} to go)"
        else:
            text = f"<b>Kujala score: {sum(given)}/100</b> (all {len(KUJALA_ITEMS)} items answered)"
        self.total.value = coloured(text, QUIET_COLOUR) if left else text

    def drafts(self, athlete: str, when: datetime | date | None) -> list[Draft]:
        # The score is left empty: the record sums the answers (a bare score has no questionnaire).
        return [(OutcomeScore, {"when": when, "athlete": athlete, "instrument": "kujala", "score": None,
                                **self.answers(), "note": self.note.value})]

    def fill(self, entries: Sequence[tuple[int, OutcomeScore]]) -> None:
        outcome = entries[0][1]
        for field, menu in self.items.items():
            points = getattr(outcome, field)
            menu.value = "" if points is None else points
        self.note.value = outcome.note

    def describe(self, saved: Sequence[OutcomeScore]) -> str:
        outcome = saved[0]
        return (f"a Kujala questionnaire (score {outcome.score}/100) for {html.escape(outcome.athlete)} "
                f"on {outcome.when:%Y-%m-%d}.")

    def clear(self) -> None:
        super().clear()
        for menu in self.items.values():
            menu.value = ""
        self.note.value = ""
