"""ipywidgets forms to log a hip session, a run, knee pain and strength tests, to set a runner's
name, painful side and body mass, and to fix or delete recent entries. Each form takes a store;
``LogBook`` puts them together in tabs."""

from __future__ import annotations

from .entries import PainForm, RunForm, TestForm
from .logbook import LogBook
from .recent import RecentEntries
from .runner import RunnerForm
from .session import SessionForm

__all__ = ["LogBook", "PainForm", "RecentEntries", "RunForm", "RunnerForm", "SessionForm", "TestForm"]
