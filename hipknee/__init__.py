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

# The analyses are plain pandas and cheap to import. Importing them here, not lazily, also keeps
# `hipknee.weekly_load` (and the other functions named like their module) the function: a lazy
# name would be shadowed by the submodule as soon as anything imported it.
from .log_frames import log_frames
from .lsi import weekly_lsi, weekly_test_lsi
from .pain_monitoring import pain_flags, weekly_status
from .pain_trend import daily_pain, pain_change
from .season_summary import SeasonSummary, season_summary, summarise_all
from .strength_progress import weekly_strength
from .weekly_load import acwr, weekly_load

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
    "log_frames",
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
