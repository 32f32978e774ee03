"""hipknee: a Jupyter training tracker for runners who fight knee pain by strengthening their hips.

The names a notebook uses are importable from here. Heavy parts (charts, forms, reports) load on
first use so that ``import hipknee`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

from .analyses.adherence import exercise_adherence, weekly_adherence
from .analyses.balance import weekly_lsi, weekly_test_lsi
from .analyses.knee_function import kujala_change
from .analyses.pain_monitoring import pain_flags, weekly_status
from .analyses.pain_trend import daily_pain, pain_change
from .analyses.progression import progression_suggestions
from .analyses.running_load import acwr, weekly_load
from .analyses.season import SeasonSummary, season_summary, summarise_all
from .analyses.strength import weekly_strength
from .errors import HipkneeError, ImportFileError, OutputFileError, StoreError, ValidationError

# The analyses are plain pandas and cheap to import. Importing them here, not lazily, also keeps
# `hipknee.weekly_load` (and the other functions named like their module) the function: a lazy
# name would be shadowed by the submodule as soon as anything imported it.
from .frames import LogFrames, log_frames, read_frames
from .records.catalogue import BUILTIN_EXERCISES, PROGRAMME, STRENGTH_TESTS
from .records.model import (
    Athlete,
    Exercise,
    OutcomeScore,
    PainEntry,
    Prescription,
    Run,
    StrengthSet,
    StrengthTest,
)
from .store import Store, open_store

__version__ = "0.1.0"

# name -> module that defines it, imported when first asked for.
_LAZY: dict[str, str] = {
    "make_demo": "synthetic.demo",
    "notebook_store": "synthetic.demo",
    "write_demo": "synthetic.demo",
    "back_up": "store.backup",
    "list_backups": "store.backup",
    "restore": "store.backup",
    "export_tables": "views.export",
    "build_report": "views.report",
    "build_overview": "views.report",
    "write_report": "views.report",
    "share_bundle": "bundles",
    "merge_bundles": "bundles",
    "read_bundle": "bundles",
    "bundles_dir": "bundles",
    "bundle_download_link": "bundles",
    "inbox_dir": "bundles",
    "reports_dir": "views.report",
    "report_preview": "views.report",
    "report_download_link": "views.report",
    "DashboardApp": "widgets.dashboard",
    "ImportForm": "widgets.import_form",
    "ImportSummary": "importers",
    "import_paths": "importers",
    "SIDE_COLOURS": "views.palette",
    "balance_chart": "views.charts",
    "pain_chart": "views.charts",
    "load_chart": "views.charts",
    "kujala_chart": "views.charts",
    "dashboard": "views.charts",
    "ProgressView": "widgets.progress",
    "LogBook": "widgets.forms",
    "PainForm": "widgets.forms",
    "KujalaForm": "widgets.forms",
    "ProgrammeForm": "widgets.forms",
    "RecentEntries": "widgets.forms",
    "RunForm": "widgets.forms",
    "RunnerForm": "widgets.forms",
    "SessionForm": "widgets.forms",
    "TestForm": "widgets.forms",
}

__all__ = [
    "Athlete",
    "BUILTIN_EXERCISES",
    "Exercise",
    "HipkneeError",
    "ImportFileError",
    "OutcomeScore",
    "PROGRAMME",
    "Prescription",
    "PainEntry",
    "Run",
    "STRENGTH_TESTS",
    "Store",
    "StoreError",
    "StrengthSet",
    "StrengthTest",
    "ValidationError",
    "open_store",
    "SeasonSummary",
    "season_summary",
    "summarise_all",
    "weekly_lsi",
    "weekly_test_lsi",
    "weekly_strength",
    "daily_pain",
    "pain_change",
    "pain_flags",
    "weekly_status",
    "weekly_load",
    "acwr",
    "weekly_adherence",
    "exercise_adherence",
    "progression_suggestions",
    "kujala_change",
    "LogFrames",
    "OutputFileError",
    "log_frames",
    "read_frames",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hipknee' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
