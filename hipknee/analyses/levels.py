"""How much each verdict asks of a coach: ``good`` (on track), ``watch``, ``act`` (now), or ``""``
(nothing to judge yet). One map per verdict, used by the report, the squad table and the dashboard."""

from __future__ import annotations

import math
from typing import Any

from . import thresholds as T

__all__ = ["ACWR_LEVELS", "KUJALA_LEVELS", "adherence_level", "LEVEL_WORDS", "PAIN_LEVELS", "STATUS_LEVELS", "hip_level", "lsi_level"]

#: Pain verdict (start vs now, against the MCID) -> level.
PAIN_LEVELS: dict[str, str] = {"better": "good", "no clear change": "watch", "worse": "act"}
#: Kujala verdict (first vs latest questionnaire, against the smallest change that matters) -> level.
KUJALA_LEVELS: dict[str, str] = {"better": "good", "no clear change": "watch", "worse": "act"}
#: ACWR zone -> level.
ACWR_LEVELS: dict[str, str] = {"spike": "act", "high": "watch", "comfortable": "good"}
#: Pain-monitoring status -> level.
STATUS_LEVELS: dict[str, str] = {"green": "good", "amber": "watch", "red": "act"}
#: Level -> the word shown beside a verdict.
LEVEL_WORDS: dict[str, str] = {"good": "on track", "watch": "watch", "act": "act now", "": "note"}


def lsi_level(lsi: Any) -> str:
    """An LSI (%) at or above the target is ``good``, below it ``watch``; unknown is ``""``."""
    if not _finite(lsi):
        return ""
    return "good" if float(lsi) >= T.LSI_TARGET_PCT else "watch"


def adherence_level(pct: Any, low_weeks: int) -> str:
    """Prescribed sets done: low for ``ADHERENCE_LOW_WEEKS`` weeks in a row is ``act``, below
    ``ADHERENCE_LOW_PCT`` over the season ``watch``, else ``good``; unknown is ``""``."""
    if not _finite(pct):
        return ""
    if low_weeks >= T.ADHERENCE_LOW_WEEKS:
        return "act"
    return "good" if float(pct) >= T.ADHERENCE_LOW_PCT else "watch"


def hip_level(sessions_per_week: Any) -> str:
    """Hip sessions a week at or above the planned minimum are ``good``, fewer ``watch``."""
    if not _finite(sessions_per_week):
        return ""
    return "good" if float(sessions_per_week) >= T.HIP_SESSIONS_MIN else "watch"


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
