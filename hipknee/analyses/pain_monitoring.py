"""The pain-monitoring model: flags per day and a green / amber / red status per week.

Pain is 0-10 NRS per knee. The rules (numbers in :mod:`hipknee.thresholds`):

- pain during activity: up to 2 fine, 3-5 acceptable (amber), above 5 not acceptable (red);
- next-morning pain 2 or more points above the previous morning's (logged within 3 days): amber,
  on 2 or more days of a week red; the next-morning response matters most, so it weighs more than pain during;
- weekly mean next-morning pain rising by 1 point or more on the week before: amber.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import thresholds as T
from .measures import (
    NO_WEEK,
    categorical,
    dense_ranks,
    distinct_keys,
    group_codes,
    group_means,
    labelled,
    pair_ranks,
    same_as_before,
    sorted_key,
    week_monday,
    week_numbers,
    week_start,
)

__all__ = ["FLAGS", "STATUSES", "pain_flags", "weekly_status"]

#: flag name -> what it means, worded for the runner.
FLAGS: dict[str, str] = {
    "during above 5": "pain during activity above 5/10",
    "during 3-5": "pain during activity 3-5/10",
    "worse next morning": "next-morning pain up on the morning before",
    "morning pain rising": "next-morning pain up on last week",
}
STATUSES = ("green", "amber", "red")
_FLAG_COLUMNS = ["athlete", "knee", "date", "week", "flag", "nrs", "previous"]


def pain_flags(pain: pd.DataFrame) -> pd.DataFrame:
    """One row per flag raised: athlete, knee, date (for weekly flags: the Monday), week, flag
    (a key of :data:`FLAGS`), ``nrs`` (the value that raised it) and ``previous`` (what it was
    compared with, NaN when not a comparison)."""
    if pain.empty:
        return _empty_flags()
    # Grouped on one int64 key per knee log (athlete, knee, context ranked as sorted strings, so in
    # the order a groupby on the names gives), not on text columns; the names come back at the end.
    key, names = sorted_key(pain, ["athlete", "knee", "context"])
    context = categorical(pain["context"])
    date = pd.to_datetime(pain["when"]).dt.normalize().to_numpy()
    nrs = pain["nrs"].astype(float).to_numpy()
    known = (key >= 0) & ~pd.isna(date)

    day = date.astype("datetime64[D]").view("int64")

    def daily_max(when: str) -> pd.DataFrame:
        """Per knee log and day of entries in context ``when``: the highest NRS, by log then day."""
        rows = known & np.asarray(context == when)
        if not rows.any():
            return pd.DataFrame({"key": key[:0], "date": date[:0], "nrs": nrs[:0]})
        rank, log, on = pair_ranks(key[rows], day[rows])
        highest = pd.Series(nrs[rows], copy=False).groupby(group_codes(rank, len(log)), observed=False).max()
        return pd.DataFrame({"key": log, "date": on.astype("datetime64[D]").astype(date.dtype),
                             "nrs": highest.to_numpy()})

    out = []
    during = daily_max("during")
    level = np.select([during["nrs"] > T.PAIN_ACCEPTABLE_MAX, during["nrs"] > T.PAIN_OK_MAX], [0, 1], default=-1)
    during = during[level >= 0].assign(flag=labelled(level[level >= 0], ["during above 5", "during 3-5"]),
                                       previous=np.nan)
    out.append(during)

    morning = daily_max("next_morning")
    same_log = same_as_before(morning["key"].to_numpy())  # the row before is the same knee's morning before
    morning["previous"] = np.where(same_log, morning["nrs"].shift(1), np.nan)
    gap = morning["date"] - morning["date"].shift(1).where(same_log)
    worse = (morning["nrs"] - morning["previous"] >= T.MORNING_WORSE_POINTS) & (gap <= pd.Timedelta(days=T.MORNING_GAP_DAYS))
    out.append(morning[worse].assign(flag="worse next morning"))

    # Each knee's weekly mean, by log then week: grouped on ranks of (log, week) pairs, not by pandas
    # on two columns (the same means: NRS scores are whole numbers, whose sums are exact either way).
    if len(morning):
        rank, of_log, week = pair_ranks(morning["key"].to_numpy(), week_numbers(morning["date"]))
        weekly = pd.DataFrame({"key": of_log, "week": week_monday(week),
                               "nrs": group_means(morning["nrs"].to_numpy(dtype=float), rank, len(of_log))})
    else:
        weekly = pd.DataFrame({"key": morning["key"], "week": week_start(morning["date"]), "nrs": morning["nrs"]})
    same_log = same_as_before(weekly["key"].to_numpy())
    weekly["previous"] = np.where(same_log, weekly["nrs"].shift(1), np.nan)
    consecutive = (weekly["week"] - weekly["week"].shift(1).where(same_log)) == pd.Timedelta(weeks=1)
    rising = consecutive & (weekly["nrs"] - weekly["previous"] >= T.MORNING_RISE_POINTS)
    out.append(weekly[rising].assign(flag="morning pain rising", date=lambda f: f["week"]))

    flags = pd.concat(out, ignore_index=True)
    if flags.empty:
        return _empty_flags()
    of_log = flags["key"].to_numpy()
    flags["athlete"] = names["athlete"].to_numpy(dtype=object)[of_log]
    flags["knee"] = names["knee"].to_numpy(dtype=object)[of_log]
    flags["week"] = week_start(flags["date"])
    # Sorted by athlete, date, knee and flag as a stable sort of those columns would sort them, by
    # integer ranks instead of text: the names' codes in order of first appearance are their
    # ranks (sorted_key lists them sorted), and the few flags are ranked once.
    athlete_rank = pd.factorize(names["athlete"])[0][of_log]
    knee_rank = pd.factorize(names["knee"])[0][of_log]
    flag_code, flag_names = pd.factorize(flags["flag"])
    flag_rank = np.argsort(np.argsort(np.asarray(flag_names, dtype=object), kind="stable"))[flag_code]
    rows = np.lexsort((flag_rank, knee_rank, flags["date"].to_numpy().view("int64"), athlete_rank))
    return flags.take(rows)[_FLAG_COLUMNS].reset_index(drop=True)


def weekly_status(pain: pd.DataFrame) -> pd.DataFrame:
    """Per athlete and week with any pain logged: ``status`` green / amber / red and ``reasons``
    (plain words; empty when green). Weeks start on Monday; both knees count."""
    cols = ["athlete", "week", "status", "reasons"]
    if pain.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        frame["week"] = pd.Series(dtype="datetime64[ns]")
        return frame
    athlete, names = sorted_key(pain, ["athlete"])
    week_of = week_numbers(pain["when"])
    known = (athlete >= 0) & (week_of != NO_WEEK)
    if not known.any():
        return weekly_status(pain.iloc[:0])
    # Each runner's weeks with pain logged, as distinct values of one int64 key (runner ranked by
    # name, week): the rows of the table, in its order.
    first = week_of[known].min()
    span = week_of[known].max() - first + 1
    runner_weeks = distinct_keys(athlete[known] * span + (week_of[known] - first))
    runner, week = np.divmod(runner_weeks, span)
    out = pd.DataFrame({"athlete": labelled(runner, list(names["athlete"])), "week": week_monday(first + week)})
    level = np.zeros(len(out), dtype="int64")
    reasons = np.full(len(out), "", dtype=object)
    flags = pain_flags(pain)
    if not flags.empty:
        summary = _flagged_weeks(flags)
        rank = {name: i for i, name in enumerate(names["athlete"])}
        at = np.searchsorted(runner_weeks, summary["athlete"].map(rank).to_numpy(dtype="int64") * span
                             + (week_numbers(summary["week"]) - first))
        level[at] = summary["level"].to_numpy()
        reasons[at] = summary["reasons"].to_numpy(dtype=object)
    out["status"] = np.asarray(STATUSES, dtype=object)[level]
    out["reasons"] = reasons
    return out[cols]


def _flagged_weeks(flags: pd.DataFrame) -> pd.DataFrame:
    """Per athlete and week with a flag, sorted by both: ``athlete``, ``week``, ``level`` (0 green,
    1 amber, 2 red) and ``reasons``."""
    # Grouped on integer ranks (the athletes and flags ranked as sorted text, so the groups come in
    # the order a sorted groupby on the names gives them), not by pandas on columns of text.
    athlete, athletes = pd.factorize(flags["athlete"], sort=True)
    flag, flag_names = pd.factorize(flags["flag"], sort=True)
    week = week_numbers(flags["week"])
    first_week = week.min()
    weeks = int(week.max() - first_week) + 1
    runner_week = athlete.astype("int64") * weeks + (week - first_week)
    rank, key = dense_ranks(runner_week * len(flag_names) + flag)  # per (athlete, week, flag)
    groups = len(key)
    level = np.full(groups, -1)
    np.maximum.at(level, rank, np.asarray([_LEVELS[name] for name in flag_names])[flag])
    worst = np.full(groups, np.nan)
    np.fmax.at(worst, rank, flags["nrs"].to_numpy(dtype=float))  # fmax: NaN left out, as max() does
    knee = flags["knee"].to_numpy(dtype=object)
    left = np.bincount(rank, weights=knee == "left", minlength=groups) > 0
    right = np.bincount(rank, weights=knee == "right", minlength=groups) > 0
    _, of_group, _ = pair_ranks(rank, flags["date"].to_numpy().astype("datetime64[D]").view("int64"))
    per_flag = pd.DataFrame({
        "flag": np.asarray(flag_names, dtype=object)[key % len(flag_names)],
        "knees": np.select([left & right, left], ["left and right", "left"], default="right").astype(object),
        "days": np.bincount(of_group, minlength=groups),  # distinct days of each group
        "worst": worst,
    })
    # Per (athlete, week): its flags are neighbours, in flag order.
    week_rank, week_key = dense_ranks(key // len(flag_names))
    position = np.arange(groups) - np.searchsorted(week_rank, week_rank)
    week_level = np.full(len(week_key), -1)
    np.maximum.at(week_level, week_rank, level)
    # Worse next mornings are counted per knee: on that many days of one knee the week is red.
    worse = np.asarray(flag_names == "worse next morning")[flag]
    if worse.any():
        per_knee = pd.DataFrame({"week": runner_week[worse], "knee": knee[worse]}).value_counts()
        red = per_knee[per_knee >= T.MORNING_WORSE_RED_DAYS].index.get_level_values("week")
        week_level[np.isin(week_key, red)] = 2
    runner, at = np.divmod(week_key, weeks)
    return pd.DataFrame({
        "athlete": np.asarray(athletes, dtype=object)[runner],
        "week": week_monday(first_week + at),
        "level": week_level,
        "reasons": _joined(_reason(per_flag), week_rank, position, len(week_key)),
    })


#: Each flag's level: 2 makes its week red, 1 amber.
_LEVELS = {"during above 5": 2, "during 3-5": 1, "worse next morning": 1, "morning pain rising": 1}


def _reason(per_flag: pd.DataFrame) -> np.ndarray:
    """Each row's reason in plain words (an object array), worded once per distinct flag, knees,
    days and worst value (a squad's seasons repeat a few hundred of them) and taken by group."""
    parts = pd.DataFrame({"flag": per_flag["flag"], "knees": per_flag["knees"], "days": per_flag["days"],
                          "worst": per_flag["worst"].round(1)})
    by = parts.groupby(list(parts), sort=False, dropna=False)
    words = [_worded(*key) for key in by.size().index]  # in the groups' own order, as ngroup numbers them
    return np.asarray(words, dtype=object)[by.ngroup().to_numpy()]


def _worded(flag: str, knees: str, days: int, worst: float) -> str:
    detail = (f"weekly mean {worst:g}/10" if flag == "morning pain rising"
              else f"{days} day{'s' if days != 1 else ''}, up to {worst:g}/10")
    return f"{FLAGS[flag]} ({knees} knee, {detail})"


def _joined(reasons: np.ndarray, group: np.ndarray, position: np.ndarray, groups: int) -> np.ndarray:
    """The reasons of each group joined with "; " in their order: one vectorised concatenation per
    position (a week has at most a few flags), not one Python join per week."""
    out = np.full(groups, "", dtype=object)
    first = position == 0
    out[group[first]] = reasons[first]
    for k in range(1, int(position.max()) + 1 if len(position) else 0):
        at = position == k
        out[group[at]] = out[group[at]] + "; " + reasons[at]
    return out


def _empty_flags() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in _FLAG_COLUMNS})
    for col in ("date", "week"):
        frame[col] = pd.Series(dtype="datetime64[ns]")
    return frame.astype({"nrs": float, "previous": float})
