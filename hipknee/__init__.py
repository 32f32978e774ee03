"""hipknee: a Jupyter training tracker for runners who fight knee pain by strengthening their hips.

The names a notebook uses are importable from here. Heavy parts (charts, forms, reports) load on
first use so that ``import hipknee`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

from .catalogue import BUILTIN_EXERCISES, PROGRAMME, STRENGTH_TESTS
from .errors import HipkneeError, ImportFileError, StoreError, ValidationError
from .records import (
    Athlete,
    Exercise,
    OutcomeScore,
    PainEntry,
    Run,
    StrengthSet,
    StrengthTest,
)
from .store import Store, notebook_store, open_store

__version__ = "0.1.0"

# name -> module that defines it, imported when first asked for.
_LAZY: dict[str, str] = {
    "make_demo": "demo",
    "back_up": "backup",
    "list_backups": "backup",
    "restore": "backup",
    "export_tables": "export",
    "build_report": "report",
    "build_overview": "report",
    "write_report": "report",
    "reports_dir": "report",
    "report_preview": "report",
    "report_download_link": "report",
    "DashboardApp": "dashboard_app",
    "ImportForm": "import_form",
    "ImportSummary": "importers",
    "import_paths": "importers",
    "SIDE_COLOURS": "charts",
    "balance_chart": "charts",
    "pain_chart": "charts",
    "load_chart": "charts",
    "dashboard": "charts",
    "ProgressView": "progress_view",
    "SeasonSummary": "season_summary",
    "season_summary": "season_summary",
    "summarise_all": "season_summary",
    "weekly_lsi": "lsi",
    "weekly_test_lsi": "lsi",
    "weekly_strength": "strength_progress",
    "daily_pain": "pain_trend",
    "pain_change": "pain_trend",
    "pain_flags": "pain_monitoring",
    "weekly_status": "pain_monitoring",
    "weekly_load": "weekly_load",
    "acwr": "weekly_load",
    "log_frames": "log_frames",
    "LogBook": "forms",
    "PainForm": "forms",
    "RecentEntries": "forms",
    "RunForm": "forms",
    "SessionForm": "forms",
    "TestForm": "forms",
}

__all__ = [
    "Athlete",
    "BUILTIN_EXERCISES",
    "Exercise",
    "HipkneeError",
    "ImportFileError",
    "OutcomeScore",
    "PROGRAMME",
    "PainEntry",
    "Run",
    "STRENGTH_TESTS",
    "Store",
    "StoreError",
    "StrengthSet",
    "StrengthTest",
    "ValidationError",
    "notebook_store",
    "open_store",
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
