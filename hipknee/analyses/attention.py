"""Which runners of a squad need the coach's attention first.

The rule, in one editable place: each runner scores points from the season-summary verdicts
(:func:`hipknee.summarise_all` columns ``status``, ``pain_verdict``, ``acwr_zone``, ``lsi_now``,
``low_adherence_weeks``),
most points first; ties go to the lower LSI (%), then to the name. The next-morning and during-run
pain of the pain-monitoring model weigh most, then a pain trend that got worse, then a load spike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import thresholds as T

__all__ = ["ATTENTION_POINTS", "LEVELS", "NO_RECENT_DATA", "ORDER_RULE", "attention_order"]

#: summary column -> value -> points. Missing values (too little data) score 0.
ATTENTION_POINTS: dict[str, dict[str, int]] = {
    "status": {"red": 3, "amber": 1, "green": 0},
    "pain_verdict": {"worse": 3, "no clear change": 1, "not enough data": 0, "better": 0},
    "acwr_zone": {"spike": 2, "high": 1, "comfortable": 0, "low": 0},
}
#: Points for a current LSI below the target (:data:`hipknee.thresholds.LSI_TARGET_PCT`).
LSI_BELOW_TARGET_POINTS = 1
#: Points for prescribed sets done below ``ADHERENCE_LOW_PCT`` in each of the latest
#: ``ADHERENCE_LOW_WEEKS`` weeks (column ``low_adherence_weeks``).
LOW_ADHERENCE_POINTS = 2
#: Attention level from points: 'act' from 3, 'watch' from 1, else 'good'.
LEVELS: tuple[tuple[int, str], ...] = ((3, "act"), (1, "watch"), (0, "good"))

#: The level of a runner with nothing logged recently (see :data:`~.thresholds.RECENT_DATA_DAYS`).
NO_RECENT_DATA = "stale"

ORDER_RULE = (
    "pain monitoring red 3 points, amber 1; pain worse than at the start 3, no clear change 1; "
    "running load (ACWR) spike 2, high 1; "
    f"LSI below {T.LSI_TARGET_PCT:.0f}% {LSI_BELOW_TARGET_POINTS}; "
    f"less than {T.ADHERENCE_LOW_PCT:.0f}% of the prescribed sets done for {T.ADHERENCE_LOW_WEEKS} weeks or more "
    f"{LOW_ADHERENCE_POINTS}. Most points first; on a tie the lower LSI, "
    f"then the name. Runners with nothing logged in the {T.RECENT_DATA_DAYS} days before the squad's latest entry "
    "come last, marked as having no recent data."
)


def attention_order(overview: pd.DataFrame) -> pd.DataFrame:
    """``overview`` (one row per athlete, as :func:`hipknee.summarise_all` returns) sorted so the
    runners needing attention come first, with ``attention_points`` and ``attention``
    ('act' / 'watch' / 'good', or :data:`NO_RECENT_DATA` for a runner whose last entry is more than
    :data:`~.thresholds.RECENT_DATA_DAYS` days before the squad's latest) added; the index is reset."""
    out = overview.copy()
    points = np.zeros(len(out), dtype=int)
    for column, table in ATTENTION_POINTS.items():
        points += out[column].map(table).fillna(0).astype(int).to_numpy()
    lsi = pd.to_numeric(out["lsi_now"], errors="coerce")
    points += np.where(lsi < T.LSI_TARGET_PCT, LSI_BELOW_TARGET_POINTS, 0)
    if "low_adherence_weeks" in out:
        low = pd.to_numeric(out["low_adherence_weeks"], errors="coerce").fillna(0)
        points += np.where(low >= T.ADHERENCE_LOW_WEEKS, LOW_ADHERENCE_POINTS, 0)
    out["attention_points"] = points
    out["attention"] = np.select(
        [points >= low for low, _ in LEVELS], [name for _, name in LEVELS], default="good"
    )
    if "last_logged" in out:  # nothing logged at all is no recent data either
        last = pd.to_datetime(out["last_logged"])
        stale = (last.isna() | (last < last.max() - pd.Timedelta(days=T.RECENT_DATA_DAYS))).to_numpy()
    else:
        stale = np.zeros(len(out), dtype=bool)
    out.loc[stale, "attention"] = NO_RECENT_DATA
    out["_stale"] = stale
    # Unknown LSI sorts after every known one among equals (nothing to act on yet).
    out["_lsi"] = lsi.fillna(np.inf)
    out = out.sort_values(
        ["_stale", "attention_points", "_lsi", "athlete"], ascending=[True, False, True, True], kind="stable"
    )
    return out.drop(columns=["_lsi", "_stale"]).reset_index(drop=True)
