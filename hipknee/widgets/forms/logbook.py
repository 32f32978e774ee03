"""All the forms in one set of tabs, for the logging notebook."""

from __future__ import annotations

import ipywidgets as widgets

from ...store import Store
from .entries import PainForm, RunForm, TestForm
from .fields import css
from .recent import RecentEntries
from .session import SessionForm

__all__ = ["LogBook"]


class LogBook(widgets.Tab):
    """Tabs: hip session, run, knee pain, strength test, recent entries. Switching tab reloads the
    runner list and the recent entries, so a runner added in one form shows up in the others."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.session = SessionForm(store)
        self.run = RunForm(store)
        self.pain = PainForm(store)
        self.test = TestForm(store)
        self.recent = RecentEntries(store)
        pages = {
            "Hip session": self.session,
            "Run": self.run,
            "Knee pain": self.pain,
            "Strength test": self.test,
            "Recent entries": self.recent,
        }
        super().__init__(children=list(pages.values()), titles=tuple(pages))
        css(self, "logbook")
        self.observe(self._switched, names="selected_index")

    def _switched(self, _change: dict) -> None:
        for form in (self.session, self.run, self.pain, self.test):
            form.refresh()
        self.recent.refresh()
