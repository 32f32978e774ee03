"""All the forms in one set of tabs, for the logging notebook."""

from __future__ import annotations

import ipywidgets as widgets

from ...store import Store
from .entries import PainForm, RunForm, TestForm
from .fields import css
from .kujala import KujalaForm
from .programme import ProgrammeForm
from .recent import RecentEntries
from .runner import RunnerForm
from .session import SessionForm

__all__ = ["LogBook"]


class LogBook(widgets.Tab):
    """Tabs: hip session, run, knee pain, strength test, Kujala questionnaire, recent entries, runner
    (name, painful side, body mass), programme (the physio's). Every tab follows the store: a runner
    added or renamed in one shows in the others, and a save shows in the recent entries. Switching tab also reloads what another notebook or
    the command line may have written meanwhile."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.session = SessionForm(store)
        self.run = RunForm(store)
        self.pain = PainForm(store)
        self.test = TestForm(store)
        self.kujala = KujalaForm(store)
        self.recent = RecentEntries(store)
        self.runner = RunnerForm(store)
        self.programme = ProgrammeForm(store)
        pages = {
            "Hip session": self.session,
            "Run": self.run,
            "Knee pain": self.pain,
            "Strength test": self.test,
            "Kujala": self.kujala,
            "Recent entries": self.recent,
            "Runner": self.runner,
            "Programme": self.programme,
        }
        super().__init__(children=list(pages.values()), titles=tuple(pages))
        css(self, "logbook")
        self.observe(self._switched, names="selected_index")

    def _switched(self, _change: dict) -> None:
        for form in (self.session, self.run, self.pain, self.test, self.kujala, self.runner, self.programme):
            form.refresh()
        self.recent.refresh()
