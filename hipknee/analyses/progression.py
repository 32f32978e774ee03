"""Progression suggestions: is it time to make an exercise of the programme harder?

An exercise of the programme in force is ready to progress when, in each of its latest
``PROGRESSION_SESSIONS`` sessions (days it was done) under that programme, every prescribed set
was done on every side at the prescribed dose or more (reps, s of work, or holds x s) with an RPE
(0-10) logged and at most ``PROGRESSION_RPE_MAX``, and no week of those sessions was red in the
pain-monitoring model. The suggestion follows the usual order: more reps (or time, or holds) up to
a ceiling (e.g. 3 x 15), then a stronger band or more load. It is a suggestion only: nothing
changes until a person sets a new programme. Thresholds are in :mod:`.thresholds`.
"""

from __future__ import annotations

import pandas as pd

from ..records.model import BANDS
from . import thresholds as T
from .adherence import done_amounts, prescribed_amount, programme_on
from .measures import week_start

__all__ = ["PROGRESSION_COLUMNS", "progression_suggestions"]

#: Columns of :func:`progression_suggestions`.
PROGRESSION_COLUMNS = ["athlete", "exercise", "ready", "reason", "suggestion"]


def progression_suggestions(sets: pd.DataFrame, programmes: pd.DataFrame, status: pd.DataFrame,
                            until: pd.Series | None = None) -> pd.DataFrame:
    """Per athlete and exercise of her programme in force on ``until[athlete]`` (default: her latest
    set's day): ``ready`` (bool), the ``reason`` in words and, when ready, the ``suggestion``
    ("ready to progress: 3 x 15 reached, try the next band (medium)"). ``status`` is
    :func:`~.pain_monitoring.weekly_status` (athlete, week, status)."""
    rows = []
    if programmes.empty:
        return pd.DataFrame(columns=PROGRESSION_COLUMNS)
    done = sets.assign(athlete=sets["athlete"].astype(object), exercise=sets["exercise"].astype(object),
                       side=sets["side"].astype(object), day=pd.to_datetime(sets["when"]).dt.normalize())
    red = {(str(a), w) for a, w, s in zip(status["athlete"].astype(object), status["week"], status["status"])
           if s == "red"} if len(status) else set()
    by_athlete = dict(iter(done.groupby("athlete", sort=False)))
    for athlete in pd.unique(programmes["athlete"].astype(object)):
        mine = by_athlete.get(athlete, done.iloc[:0])
        day = until.get(athlete) if until is not None else (mine["day"].max() if len(mine) else None)
        if day is None or pd.isna(day):
            day = pd.to_datetime(programmes["when"]).max()
        current = programme_on(programmes, athlete, day)
        for line in current.to_dict("records"):
            ready, reason = _ready(mine[(mine["exercise"] == line["exercise"]) & (mine["day"] >= line["when"])],
                                   line, red, athlete)
            rows.append({"athlete": athlete, "exercise": line["exercise"], "ready": ready, "reason": reason,
                         "suggestion": _suggestion(line) if ready else ""})
    return pd.DataFrame(rows, columns=PROGRESSION_COLUMNS)


def _ready(done: pd.DataFrame, line: dict, red: set, athlete: str) -> tuple[bool, str]:
    """Were the latest sessions of this exercise full and comfortable, without a red week?"""
    days = sorted(done["day"].unique())[-T.PROGRESSION_SESSIONS:]
    need = T.PROGRESSION_SESSIONS
    if len(days) < need:
        return False, f"{len(days)} of the {need} sessions at the prescribed dose it needs"
    sides = ["left", "right"] if line["per_side"] else ["both"]
    per_set = prescribed_amount(line)
    for day in days:
        session = done[done["day"] == day]
        for side in sides:
            mine = session[session["side"] == side]
            full = (done_amounts(mine) >= per_set).sum()
            if full < int(line["sets"]):
                return False, f"on {pd.Timestamp(day):%d %b} {full} of {int(line['sets'])} sets at the full dose on the {side} side"
        rpe = pd.to_numeric(session["rpe"], errors="coerce")
        if rpe.isna().any():
            return False, f"no RPE logged for every set on {pd.Timestamp(day):%d %b}"
        if (rpe > T.PROGRESSION_RPE_MAX).any():
            return False, f"RPE {rpe.max():g} on {pd.Timestamp(day):%d %b} (progress at {T.PROGRESSION_RPE_MAX:g} or less)"
        week = week_start(pd.Series([pd.Timestamp(day)])).iloc[0]
        if (athlete, week) in red:
            return False, f"a red pain-monitoring week (week of {week:%d %b}): hold the dose"
    return True, (f"every set done at RPE {T.PROGRESSION_RPE_MAX:g} or less in the last {need} sessions, "
                  "no red pain-monitoring week")


def _suggestion(line: dict) -> str:
    """The next step of the usual order: more reps (time, holds) to a ceiling, then band or load."""
    sets = int(line["sets"])
    if line["measure"] == "time":
        seconds = float(line["duration_s"])
        dose = f"{sets} x {seconds:g} s"
        if seconds < T.PROGRESSION_SECONDS_CEILING:
            return f"ready to progress: {dose} done; try {sets} x {min(seconds + 10, T.PROGRESSION_SECONDS_CEILING):g} s"
        return f"ready to progress: {dose} reached, {_harder(line)}"
    if line["measure"] == "hold":
        holds, seconds = int(line["reps"]), float(line["hold_s"])
        dose = f"{sets} x {holds} holds of {seconds:g} s"
        if holds < T.PROGRESSION_HOLDS_CEILING:
            return f"ready to progress: {dose} done; try {min(holds + 2, T.PROGRESSION_HOLDS_CEILING)} holds"
        return f"ready to progress: {dose} reached, try holds of {seconds + 5:g} s"
    reps = int(line["reps"])
    dose = f"{sets} x {reps}"
    if reps < T.PROGRESSION_REPS_CEILING:
        return f"ready to progress: {dose} done; try {sets} x {min(reps + 3, T.PROGRESSION_REPS_CEILING)}"
    return f"ready to progress: {dose} reached, {_harder(line)}"


def _harder(line: dict) -> str:
    band = line.get("band")
    if isinstance(band, str) and band in BANDS:
        stronger = BANDS.index(band) + 1
        return f"try the next band ({BANDS[stronger]})" if stronger < len(BANDS) else "try a harder variant"
    load = line.get("load_kg")
    if load is not None and not pd.isna(load) and float(load) > 0:
        return f"try more load (e.g. {float(load) + 2:g} kg)"
    return "try the next band or some load"
