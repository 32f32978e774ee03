"""Knee function over the season: the Kujala score (0-100, 100 = no problem) at the first and the
latest questionnaire, and whether the change between them matters to patients (at least
``KUJALA_MCID_MIN`` points, see :mod:`.thresholds`), and when the next questionnaire is due.
"""

from __future__ import annotations

import pandas as pd

from . import thresholds as T

__all__ = ["KUJALA_COLUMNS", "kujala_change", "kujala_due"]

#: The columns of :func:`kujala_change`.
KUJALA_COLUMNS = ["athlete", "questionnaires", "kujala_first", "kujala_first_date", "kujala_latest",
                  "kujala_latest_date", "kujala_change", "kujala_verdict"]


def kujala_change(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per athlete with a Kujala score: how many (``questionnaires``), the first and latest score
    (0-100) and their days, the change (points, latest - first) and its verdict: ``better`` or
    ``worse`` by at least ``KUJALA_MCID_MIN`` points, ``no clear change``, or ``not enough data``
    (one questionnaire)."""
    if outcomes.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in KUJALA_COLUMNS})
    scores = pd.DataFrame({"athlete": outcomes["athlete"].astype(object).to_numpy(),
                           "when": pd.to_datetime(outcomes["when"]).to_numpy(),
                           "score": outcomes["score"].astype(float).to_numpy()})
    scores = scores.sort_values(["athlete", "when"], kind="stable")
    by = scores.groupby("athlete", sort=False)
    first, last = by.head(1).set_index("athlete"), by.tail(1).set_index("athlete")
    out = pd.DataFrame({
        "athlete": first.index,
        "questionnaires": by.size().reindex(first.index).to_numpy(),
        "kujala_first": first["score"].to_numpy(),
        "kujala_first_date": first["when"].dt.normalize().to_numpy(),
        "kujala_latest": last["score"].reindex(first.index).to_numpy(),
        "kujala_latest_date": last["when"].reindex(first.index).dt.normalize().to_numpy(),
    })
    out["kujala_change"] = out["kujala_latest"] - out["kujala_first"]
    out["kujala_verdict"] = [_verdict(n, change) for n, change in zip(out["questionnaires"], out["kujala_change"])]
    return out[KUJALA_COLUMNS].reset_index(drop=True)


def _verdict(questionnaires: int, change: float) -> str:
    if questionnaires < 2:
        return "not enough data"
    if change >= T.KUJALA_MCID_MIN:
        return "better"
    if change <= -T.KUJALA_MCID_MIN:
        return "worse"
    return "no clear change"


def kujala_due(latest: pd.Timestamp | None, today: pd.Timestamp) -> bool:
    """Is the next questionnaire due on ``today``: none yet, or the latest (``latest``) more than
    ``KUJALA_INVITE_DAYS`` days before?"""
    return latest is None or pd.isna(latest) or (today.normalize() - pd.Timestamp(latest).normalize()).days > T.KUJALA_INVITE_DAYS
