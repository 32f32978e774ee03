"""ipywidgets forms to log a hip session, a run, knee pain and strength tests, to set a runner's
name, painful side and body mass, to fill in the Kujala questionnaire, to set a runner's programme
(the physio's tab), and to fix or delete recent entries. Each form takes a store; ``LogBook`` puts
them together in tabs."""

from __future__ import annotations

from .entries import PainForm, RunForm, TestForm
from .kujala import KujalaForm
from .logbook import LogBook
from .programme import ProgrammeForm
from .recent import RecentEntries
from .runner import RunnerForm
from .session import SessionForm

__all__ = ["KujalaForm", "LogBook", "PainForm", "ProgrammeForm", "RecentEntries", "RunForm", "RunnerForm", "SessionForm", "TestForm"]
