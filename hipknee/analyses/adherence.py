"""Adherence: how much of the prescribed hip programme a runner did, week by week, per exercise and side.

A programme (the ``programmes`` frame: one row per exercise, see
:class:`~hipknee.records.model.Prescription`) is in force from its day until a newer one starts.
A week follows the programme in force on its Monday (or, in the week a runner's first programme
starts, that one). Per week and per exercise and side it prescribes ``sets x sessions_per_week``
sets; a logged set of that exercise on that side counts as done, whatever its dose (extra sets
count up to the prescribed number). The dose done is shown as a share too: each done set counts
its logged amount over the prescribed one (reps, s of work, or holds x s), at most 1.
Sessions: days with a set of a programme exercise, against ``sessions_per_week``. Shares are
0-1; a runner without a programme has no adherence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import thresholds as T
from .measures import week_start

__all__ = ["EXERCISE_COLUMNS", "exercise_totals", "WEEK_COLUMNS", "done_amounts", "exercise_adherence", "low_adherence_weeks",
           "prescribed_amount", "programme_on",
           "programme_weeks", "weekly_adherence"]

#: Columns of :func:`exercise_adherence`.
EXERCISE_COLUMNS = ["athlete", "week", "exercise", "side", "sets_prescribed", "sets_done", "sets_share", "dose_share"]
#: Columns of :func:`weekly_adherence`.
WEEK_COLUMNS = ["athlete", "week", "programme", "sessions_prescribed", "sessions_done", "sessions_share",
                "sets_prescribed", "sets_done", "sets_share", "dose_share"]


def programme_on(programmes: pd.DataFrame, athlete: str, day: object) -> pd.DataFrame:
    """The rows of ``athlete``'s programme in force on ``day`` (the newest starting on or before
    it), empty when none had started."""
    mine = programmes[(programmes["athlete"].astype(object) == athlete)
                      & (pd.to_datetime(programmes["when"]) <= pd.Timestamp(day).normalize() + pd.Timedelta(days=1)
                         - pd.Timedelta(microseconds=1))]
    if mine.empty:
        return mine
    latest = pd.to_datetime(mine["when"]).max()
    return mine[pd.to_datetime(mine["when"]) == latest]


def programme_weeks(programmes: pd.DataFrame, until: pd.Series) -> pd.DataFrame:
    """Per athlete and week from her first programme's week to the week of ``until[athlete]`` (a
    day), the programme in force: ``athlete``, ``week`` and that programme's rows."""
    if programmes.empty:
        return programmes.assign(week=pd.Series(dtype="datetime64[ns]"))
    programmes = programmes.assign(athlete=programmes["athlete"].astype(object), when=pd.to_datetime(programmes["when"]))
    picked = []
    for athlete, mine in programmes.groupby("athlete", sort=False):
        starts = np.sort(mine["when"].unique())
        last_day = until.get(athlete, pd.NaT)
        last_day = starts[-1] if pd.isna(last_day) else max(pd.Timestamp(last_day), pd.Timestamp(starts[-1]))
        weeks = pd.date_range(week_start(pd.Series([pd.Timestamp(starts[0])])).iloc[0],
                              week_start(pd.Series([pd.Timestamp(last_day)])).iloc[0], freq="7D")
        # The newest start on or before each Monday (by the day's end); the week her first starts in takes that one.
        ends = (weeks + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)).to_numpy()
        index = np.maximum(np.searchsorted(starts, ends, side="right") - 1, 0)
        picked.append(pd.DataFrame({"athlete": athlete, "week": weeks, "when": starts[index]}))
    return pd.concat(picked, ignore_index=True).merge(programmes, on=["athlete", "when"])


def _sides(per_side: object) -> list[str]:
    return ["left", "right"] if bool(per_side) else ["both"]


def prescribed_amount(row: dict) -> float:
    """One prescribed set's amount in the measure's unit: reps, s of work, or holds x s."""
    if row["measure"] == "time":
        return float(row["duration_s"])
    if row["measure"] == "hold":
        return float(row["reps"]) * float(row["hold_s"])
    return float(row["reps"])


def done_amounts(sets: pd.DataFrame) -> np.ndarray:
    """Each logged set's amount in its measure's unit (as :func:`prescribed_amount`); 0 where unknown."""
    measure = sets["measure"].astype(object).to_numpy()
    reps = pd.to_numeric(sets["reps"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    duration = pd.to_numeric(sets["duration_s"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    hold = pd.to_numeric(sets["hold_s"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    amount = np.where(measure == "time", duration, np.where(measure == "hold", np.nan_to_num(reps, nan=1.0) * hold, reps))
    return np.nan_to_num(amount, nan=0.0)


def exercise_adherence(sets: pd.DataFrame, programmes: pd.DataFrame, until: pd.Series | None = None) -> pd.DataFrame:
    """Per athlete, week, exercise of the programme in force and side: sets prescribed
    (sets x sessions a week), sets done (logged, up to the prescribed number counted in the share),
    ``sets_share`` and ``dose_share`` (0-1). ``until``: athlete -> the last day to cover (default:
    her latest set)."""
    if programmes.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EXERCISE_COLUMNS})
    if until is None:
        until = _latest_days(sets)
    weeks = programme_weeks(programmes, until)
    done = sets.assign(athlete=sets["athlete"].astype(object), exercise=sets["exercise"].astype(object),
                       side=sets["side"].astype(object), week=week_start(sets["when"]),
                       amount=done_amounts(sets))
    groups = {key: part["amount"].to_numpy() for key, part in done.groupby(["athlete", "week", "exercise", "side"])}
    rows = []
    for row in weeks.itertuples(index=False):
        line = row._asdict()
        prescribed = int(line["sets"]) * int(line["sessions_per_week"])
        per_set = prescribed_amount(line)
        for side in _sides(line["per_side"]):
            amounts = np.sort(groups.get((line["athlete"], line["week"], line["exercise"], side), np.array([])))[::-1]
            counted = amounts[:prescribed]
            dose = float(np.minimum(counted / per_set, 1.0).sum()) / prescribed if per_set > 0 else np.nan
            rows.append({"athlete": line["athlete"], "week": line["week"], "exercise": line["exercise"], "side": side,
                         "sets_prescribed": prescribed, "sets_done": int(len(amounts)),
                         "sets_share": len(counted) / prescribed, "dose_share": dose})
    return pd.DataFrame(rows, columns=EXERCISE_COLUMNS)


def weekly_adherence(sets: pd.DataFrame, programmes: pd.DataFrame, until: pd.Series | None = None) -> pd.DataFrame:
    """Per athlete and week under a programme: sessions prescribed and done (days with a set of a
    programme exercise), sets prescribed and done (over every exercise and side), and the shares
    (0-1) of sessions, sets (done sets counted up to the prescribed number per exercise and side)
    and dose."""
    if programmes.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in WEEK_COLUMNS})
    if until is None:
        until = _latest_days(sets)
    per = exercise_adherence(sets, programmes, until)
    weeks = programme_weeks(programmes, until)
    counted = per.assign(counted=per["sets_share"] * per["sets_prescribed"],
                         dosed=per["dose_share"] * per["sets_prescribed"])
    totals = counted.groupby(["athlete", "week"], sort=True).agg(
        sets_prescribed=("sets_prescribed", "sum"), sets_done=("sets_done", "sum"),
        counted=("counted", "sum"), dosed=("dosed", "sum")).reset_index()
    plan = weeks.groupby(["athlete", "week"], sort=True).agg(
        programme=("programme", "first"), sessions_prescribed=("sessions_per_week", "first")).reset_index()
    # A session: a day with a set of an exercise of that week's programme.
    days = pd.DataFrame({"athlete": sets["athlete"].astype(object).to_numpy(),
                         "exercise": sets["exercise"].astype(object).to_numpy(),
                         "week": week_start(sets["when"]).to_numpy(),
                         "day": pd.to_datetime(sets["when"]).dt.normalize().to_numpy()})
    prescribed = pd.DataFrame({"athlete": weeks["athlete"].astype(object).to_numpy(),
                               "exercise": weeks["exercise"].astype(object).to_numpy(),
                               "week": pd.to_datetime(weeks["week"]).to_numpy()}).drop_duplicates()
    sessions = (days.merge(prescribed, on=["athlete", "exercise", "week"])
                .groupby(["athlete", "week"])["day"].nunique().rename("sessions_done").reset_index())
    out = plan.merge(totals, on=["athlete", "week"], how="left").merge(sessions, on=["athlete", "week"], how="left")
    out["sessions_done"] = out["sessions_done"].fillna(0).astype(int)
    out["sessions_share"] = np.minimum(out["sessions_done"], out["sessions_prescribed"]) / out["sessions_prescribed"]
    out["sets_share"] = out["counted"] / out["sets_prescribed"]
    out["dose_share"] = out["dosed"] / out["sets_prescribed"]
    out["sets_done"] = out["sets_done"].astype(int)
    out["sets_prescribed"] = out["sets_prescribed"].astype(int)
    return out[WEEK_COLUMNS]


def exercise_totals(per: pd.DataFrame) -> pd.DataFrame:
    """One runner's adherence per exercise and side over the weeks under a programme, from
    :func:`exercise_adherence`: weeks, sets done and prescribed, and the shares (%) of sets and of
    dose done; empty without a programme."""
    if per.empty:
        return pd.DataFrame()
    per = per.assign(counted=per["sets_share"] * per["sets_prescribed"], dosed=per["dose_share"] * per["sets_prescribed"])
    table = per.groupby(["exercise", "side"], sort=False).agg(
        weeks=("week", "nunique"), sets_done=("sets_done", "sum"), sets_prescribed=("sets_prescribed", "sum"),
        counted=("counted", "sum"), dosed=("dosed", "sum")).reset_index()
    table["sets done (% of prescribed)"] = 100 * table["counted"] / table["sets_prescribed"]
    table["dose done (% of prescribed)"] = 100 * table["dosed"] / table["sets_prescribed"]
    return table.drop(columns=["counted", "dosed"]).rename(columns={
        "sets_done": "sets done", "sets_prescribed": "sets prescribed"})


def low_adherence_weeks(weekly: pd.DataFrame) -> dict[str, int]:
    """Per athlete, how many of her latest weeks in a row had sets adherence below
    ``ADHERENCE_LOW_PCT`` (0 when the latest week did not)."""
    out: dict[str, int] = {}
    for athlete, mine in weekly.groupby("athlete", sort=False):
        low = (mine.sort_values("week")["sets_share"] * 100 < T.ADHERENCE_LOW_PCT).to_numpy()[::-1]
        out[str(athlete)] = int(np.argmin(low)) if not low.all() else len(low)
    return out


def _latest_days(sets: pd.DataFrame) -> pd.Series:
    if sets.empty:
        return pd.Series(dtype="datetime64[ns]")
    return pd.to_datetime(sets["when"]).groupby(sets["athlete"].astype(object)).max().dt.normalize()
