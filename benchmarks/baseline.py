"""The season analyses written the straightforward way: plain Python loops over rows.

The yardstick for the vectorised analyses in :mod:`hipknee.lsi`, :mod:`hipknee.pain_trend`,
:mod:`hipknee.pain_monitoring`, :mod:`hipknee.weekly_load` and :mod:`hipknee.season_summary`:
same definitions, same thresholds (:mod:`hipknee.thresholds`), same output columns, computed one
row at a time with dicts and lists. :func:`compare` checks that both give the same numbers.
Each function takes the store's DataFrames and turns them into rows itself, as a plain-Python
implementation would.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from hipknee.analyses import thresholds as T
from hipknee.analyses.measures import METRICS
from hipknee.analyses.pain_monitoring import FLAGS, STATUSES

__all__ = [
    "acwr",
    "all_analyses",
    "compare",
    "daily_pain",
    "pain_change",
    "pain_flags",
    "summarise_all",
    "weekly_load",
    "weekly_lsi",
    "weekly_status",
    "weekly_test_lsi",
]

Row = dict[str, Any]
NAN = float("nan")
WEEK = timedelta(days=7)


def _rows(frame: pd.DataFrame, columns: Iterable[str]) -> list[Row]:
    """The frame's rows as dicts of plain values (NaN/NA -> None, timestamps -> datetime)."""
    out = []
    for record in frame[list(columns)].to_dict("records"):
        row = {}
        for key, value in record.items():
            if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            row[key] = value
        out.append(row)
    return out


def _day(moment: datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _monday(moment: datetime | date) -> date:
    day = _day(moment)
    return day - timedelta(days=day.weekday())


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else NAN


# -- limb symmetry ---------------------------------------------------------------------------------
def _amount(row: Row) -> tuple[float | None, str]:
    measure, reps, load = row["measure"], row["reps"], row["load_kg"]
    if measure == "reps":
        if load is not None and load > 0:
            return (None if reps is None else load * reps), METRICS["load"]
        return (None if reps is None else float(reps)), METRICS["reps"]
    if measure == "time":
        return row["duration_s"], METRICS["time"]
    if measure == "hold":
        hold = row["hold_s"]
        return (None if hold is None else hold * (1.0 if reps is None else reps)), METRICS["hold"]
    return None, ""


def _involved_sides(athletes: pd.DataFrame | None) -> dict[str, str | None]:
    if athletes is None or athletes.empty:
        return {}
    return {r["name"]: (r["involved_side"] if r["involved_side"] in ("left", "right") else None)
            for r in _rows(athletes, ["name", "involved_side"])}


def _lsi_rows(per_side: dict[tuple, dict[str, float]], involved: dict[str, str | None], kind: str) -> list[Row]:
    out = []
    for (athlete, item, metric, week), sides in sorted(per_side.items()):
        if "left" not in sides or "right" not in sides:
            continue
        left, right = sides["left"], sides["right"]
        weaker_side = "left" if left < right else ("right" if right < left else "equal")
        inv = involved.get(athlete)
        if inv is not None:
            mine, other = (left, right) if inv == "left" else (right, left)
            lsi = mine / other * 100.0 if other > 0 else NAN
            reference = "involved/uninvolved"
        else:
            weaker, stronger = min(left, right), max(left, right)
            lsi = weaker / stronger * 100.0 if stronger > 0 else NAN
            reference = "weaker/stronger"
        out.append({"athlete": athlete, "item": item, "metric": metric, "week": week, "left": left,
                    "right": right, "weaker_side": weaker_side, "involved_side": inv, "lsi_pct": lsi,
                    "reference": reference, "kind": kind})
    return out


def weekly_lsi(sets: pd.DataFrame, athletes: pd.DataFrame | None = None) -> list[Row]:
    """Weekly LSI per athlete and exercise: mean amount per set of each side, involved/uninvolved
    (or weaker/stronger) x 100."""
    values: dict[tuple, list[float]] = defaultdict(list)
    for row in _rows(sets, ["when", "athlete", "exercise", "measure", "side", "reps", "duration_s", "hold_s", "load_kg"]):
        if row["side"] not in ("left", "right"):
            continue
        amount, metric = _amount(row)
        if amount is None or math.isnan(amount):
            continue
        values[row["athlete"], row["exercise"], metric, _monday(row["when"]), row["side"]].append(amount)
    per_side: dict[tuple, dict[str, float]] = defaultdict(dict)
    for (athlete, item, metric, week, side), amounts in values.items():
        per_side[athlete, item, metric, week][side] = _mean(amounts)
    return _lsi_rows(per_side, _involved_sides(athletes), "exercise")


def weekly_test_lsi(tests: pd.DataFrame, athletes: pd.DataFrame | None = None) -> list[Row]:
    """Weekly LSI per athlete and strength test from each side's best value of the week."""
    best: dict[tuple, dict[str, float]] = defaultdict(dict)
    for row in _rows(tests, ["when", "athlete", "test", "side", "value", "unit"]):
        if row["value"] is None:
            continue
        sides = best[row["athlete"], row["test"], row["unit"], _monday(row["when"])]
        sides[row["side"]] = max(sides.get(row["side"], -math.inf), row["value"])
    return _lsi_rows(best, _involved_sides(athletes), "test")


# -- pain ----------------------------------------------------------------------------------------
def daily_pain(pain: pd.DataFrame) -> list[Row]:
    """Daily mean NRS per athlete, knee and context, and the mean of the last 7 days' daily values."""
    days: dict[tuple, list[float]] = defaultdict(list)
    for row in _rows(pain, ["when", "athlete", "knee", "context", "nrs"]):
        days[row["athlete"], row["knee"], row["context"], _day(row["when"])].append(float(row["nrs"]))
    out: list[Row] = []
    series: dict[tuple, list[Row]] = defaultdict(list)
    for (athlete, knee, context, day), values in sorted(days.items()):
        row = {"athlete": athlete, "knee": knee, "context": context, "date": day, "nrs": _mean(values),
               "entries": len(values)}
        out.append(row)
        series[athlete, knee, context].append(row)
    window = timedelta(days=T.ROLLING_DAYS)
    for rows in series.values():
        first = 0
        for i, row in enumerate(rows):
            while rows[first]["date"] <= row["date"] - window:
                first += 1
            row["rolling_7d"] = _mean([r["nrs"] for r in rows[first : i + 1]])
    return out


def _mcid(change: float, pct: float) -> str:
    pct = 0.0 if math.isnan(pct) else pct
    big = abs(change) >= T.MCID_MIN_POINTS
    if change <= -T.MCID_POINTS or (pct <= -T.MCID_PCT and big):
        return "better"
    if change >= T.MCID_POINTS or (pct >= T.MCID_PCT and big):
        return "worse"
    return "no clear change"


def pain_change(pain: pd.DataFrame) -> list[Row]:
    """Mean daily NRS of the first and last 14 days of each athlete/knee/context log, and the MCID verdict."""
    series: dict[tuple, list[Row]] = defaultdict(list)
    for row in daily_pain(pain):
        series[row["athlete"], row["knee"], row["context"]].append(row)
    window = timedelta(days=T.PAIN_WINDOW_DAYS)
    out = []
    for (athlete, knee, context), rows in sorted(series.items()):
        first, last = rows[0]["date"], rows[-1]["date"]
        start = [r["nrs"] for r in rows if r["date"] < first + window]
        latest = [r["nrs"] for r in rows if r["date"] > last - window]
        start_mean, latest_mean = _mean(start), _mean(latest)
        change = latest_mean - start_mean
        pct = change / start_mean * 100.0 if start_mean > 0 else NAN
        verdict = _mcid(change, pct)
        if (len(start) < T.PAIN_WINDOW_MIN_DAYS or len(latest) < T.PAIN_WINDOW_MIN_DAYS
                or last - first < 2 * window - timedelta(days=1)):
            verdict = "not enough data"
        out.append({"athlete": athlete, "knee": knee, "context": context, "start": first, "end": last,
                    "start_days": len(start), "latest_days": len(latest), "start_mean": start_mean,
                    "latest_mean": latest_mean, "change": change, "change_pct": pct, "verdict": verdict})
    return out


def pain_flags(pain: pd.DataFrame) -> list[Row]:
    """The pain-monitoring flags: pain during above 2 or 5, worse next mornings, rising weekly mornings."""
    during: dict[tuple, float] = {}
    morning: dict[tuple, float] = {}
    for row in _rows(pain, ["when", "athlete", "knee", "context", "nrs"]):
        key = (row["athlete"], row["knee"], _day(row["when"]))
        nrs = float(row["nrs"])
        if row["context"] == "during":
            during[key] = max(during.get(key, -math.inf), nrs)
        elif row["context"] == "next_morning":
            morning[key] = max(morning.get(key, -math.inf), nrs)
    flags: list[Row] = []
    for (athlete, knee, day), nrs in during.items():
        flag = ("during above 5" if nrs > T.PAIN_ACCEPTABLE_MAX else "during 3-5" if nrs > T.PAIN_OK_MAX else "")
        if flag:
            flags.append({"athlete": athlete, "knee": knee, "date": day, "week": _monday(day), "flag": flag,
                          "nrs": nrs, "previous": NAN})
    previous: dict[tuple, tuple[date, float]] = {}
    weeks: dict[tuple, list[float]] = defaultdict(list)
    for (athlete, knee, day), nrs in sorted(morning.items()):
        before = previous.get((athlete, knee))
        if (before is not None and nrs - before[1] >= T.MORNING_WORSE_POINTS
                and day - before[0] <= timedelta(days=T.MORNING_GAP_DAYS)):
            flags.append({"athlete": athlete, "knee": knee, "date": day, "week": _monday(day),
                          "flag": "worse next morning", "nrs": nrs, "previous": before[1]})
        previous[athlete, knee] = (day, nrs)
        weeks[athlete, knee, _monday(day)].append(nrs)
    last_week: dict[tuple, tuple[date, float]] = {}
    for (athlete, knee, week), values in sorted(weeks.items()):
        mean = _mean(values)
        before = last_week.get((athlete, knee))
        if before is not None and week - before[0] == WEEK and mean - before[1] >= T.MORNING_RISE_POINTS:
            flags.append({"athlete": athlete, "knee": knee, "date": week, "week": week,
                          "flag": "morning pain rising", "nrs": mean, "previous": before[1]})
        last_week[athlete, knee] = (week, mean)
    flags.sort(key=lambda f: (f["athlete"], f["date"], f["knee"], f["flag"]))
    return flags


def weekly_status(pain: pd.DataFrame) -> list[Row]:
    """Green / amber / red per athlete and week with pain logged, and the reasons in words."""
    weeks = {(r["athlete"], _monday(r["when"])) for r in _rows(pain, ["when", "athlete"])}
    level_of = {"during above 5": 2, "during 3-5": 1, "worse next morning": 1, "morning pain rising": 1}
    groups: dict[tuple, list[Row]] = defaultdict(list)
    worse: dict[tuple, int] = defaultdict(int)
    for f in pain_flags(pain):
        groups[f["athlete"], f["week"], f["flag"]].append(f)
        if f["flag"] == "worse next morning":
            worse[f["athlete"], f["knee"], f["week"]] += 1
    level: dict[tuple, int] = {}
    reasons: dict[tuple, list[str]] = defaultdict(list)
    for (athlete, week, flag), rows in sorted(groups.items()):
        worst = max(r["nrs"] for r in rows)
        days = len({r["date"] for r in rows})
        knees = " and ".join(sorted({r["knee"] for r in rows}))
        if flag == "morning pain rising":
            detail = f"weekly mean {round(worst, 1):g}/10"
        else:
            detail = f"{days} day{'s' if days != 1 else ''}, up to {round(worst, 1):g}/10"
        reasons[athlete, week].append(f"{FLAGS[flag]} ({knees} knee, {detail})")
        level[athlete, week] = max(level.get((athlete, week), 0), level_of[flag])
    for (athlete, _knee, week), count in worse.items():
        if count >= T.MORNING_WORSE_RED_DAYS:
            level[athlete, week] = 2
    out = []
    for athlete, week in sorted(weeks):
        lvl = level.get((athlete, week), 0)
        out.append({"athlete": athlete, "week": week, "status": STATUSES[lvl],
                    "reasons": "; ".join(reasons.get((athlete, week), []))})
    return out


# -- running load --------------------------------------------------------------------------------
def _per_run(runs: pd.DataFrame) -> list[Row]:
    out = []
    for row in _rows(runs, ["when", "athlete", "distance_km", "duration_min", "rpe"]):
        minutes = row["duration_min"]
        srpe = row["rpe"] * minutes if row["rpe"] is not None and minutes is not None else 0.0
        out.append({"athlete": row["athlete"], "date": _day(row["when"]), "km": row["distance_km"],
                    "minutes": minutes, "srpe_load": srpe})
    return out


def weekly_load(runs: pd.DataFrame) -> list[Row]:
    """Km, minutes, session-RPE load and runs per athlete and week (every week from the first run
    to the last), the change in km on the week before and whether it jumps above 30 %."""
    weeks: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: {"km": [], "minutes": [], "srpe_load": []})
    span: dict[str, list[date]] = {}
    for run in _per_run(runs):
        week = _monday(run["date"])
        sums = weeks[run["athlete"], week]
        for key in ("km", "minutes", "srpe_load"):
            sums[key].append(run[key])
        first_last = span.setdefault(run["athlete"], [week, week])
        first_last[0], first_last[1] = min(first_last[0], week), max(first_last[1], week)
    out = []
    for athlete in sorted(span):
        week, last = span[athlete]
        before = None
        while week <= last:
            sums = weeks.get((athlete, week))
            km = math.fsum(sums["km"]) if sums else 0.0
            pct = (km - before) / before * 100.0 if before is not None and before > 0 else NAN
            out.append({"athlete": athlete, "week": week, "km": km,
                        "minutes": math.fsum(sums["minutes"]) if sums else 0.0,
                        "srpe_load": math.fsum(sums["srpe_load"]) if sums else 0.0,
                        "runs": len(sums["km"]) if sums else 0, "km_change_pct": pct,
                        "jump": pct > T.DISTANCE_JUMP_PCT})
            before = km
            week += WEEK
    return out


def _zone(ratio: float) -> str | None:
    if math.isnan(ratio):
        return None
    if ratio < T.ACWR_LOW:
        return "low"
    if ratio <= T.ACWR_HIGH:
        return "comfortable"
    if ratio <= T.ACWR_SPIKE:
        return "high"
    return "spike"


def acwr(runs: pd.DataFrame, until: dict[str, date] | None = None) -> list[Row]:
    """Daily session-RPE load, the last 7 days' sum (acute), the last 28 days' sum / 4 (chronic),
    their ratio and its zone, every day from each athlete's first run to the last (or to the
    athlete's day in ``until`` when later)."""
    daily: dict[tuple, list[float]] = defaultdict(list)
    span: dict[str, list[date]] = {}
    for run in _per_run(runs):
        daily[run["athlete"], run["date"]].append(run["srpe_load"])
        first_last = span.setdefault(run["athlete"], [run["date"], run["date"]])
        first_last[0], first_last[1] = min(first_last[0], run["date"]), max(first_last[1], run["date"])
    out = []
    for athlete in sorted(span):
        day, last = span[athlete]
        if until is not None and athlete in until:
            last = max(last, until[athlete])
        loads: list[float] = []
        while day <= last:
            loads.append(math.fsum(daily.get((athlete, day), [])))
            n = len(loads)
            acute = math.fsum(loads[n - T.ACUTE_DAYS:]) if n >= T.ACUTE_DAYS else NAN
            chronic = math.fsum(loads[n - T.CHRONIC_DAYS:]) / (T.CHRONIC_DAYS / 7) if n >= T.CHRONIC_DAYS else NAN
            ratio = acute / chronic if chronic > 0 else NAN
            out.append({"athlete": athlete, "date": day, "load": loads[-1], "acute": acute, "chronic": chronic,
                        "ratio": ratio, "zone": _zone(ratio)})
            day += timedelta(days=1)
    return out


# -- the season summary --------------------------------------------------------------------------
def summarise_all(frames: dict[str, pd.DataFrame]) -> list[Row]:
    """Per athlete: the last day logged, headline LSI in the first and the latest week with both
    sides, pain as two-week means at the start and recently with the verdict and the latest entry,
    hip sessions a week, the latest ACWR and zone, and the latest pain-monitoring status."""
    athletes = frames["athletes"]
    involved = _involved_sides(athletes)
    names = list(athletes["name"])
    lsi = weekly_test_lsi(frames["tests"], athletes) + weekly_lsi(frames["sets"], athletes)
    changes = pain_change(frames["pain"])
    status = weekly_status(frames["pain"])

    first_day: dict[str, date] = {}
    last_day: dict[str, date] = {}
    hip_days: set[tuple[str, date]] = set()
    for kind in ("sets", "tests", "runs", "pain"):
        for row in _rows(frames[kind], ["athlete", "when"]):
            name, day = row["athlete"], _day(row["when"])
            if name not in names:
                names.append(name)
            first_day[name] = min(first_day.get(name, day), day)
            last_day[name] = max(last_day.get(name, day), day)
            if kind == "sets":
                hip_days.add((name, day))
    # Rest days after the last run count: the ratio runs on to the last day anything was logged.
    ratios = acwr(frames["runs"], until=last_day)
    sessions: dict[tuple[str, date], int] = defaultdict(int)
    for name, day in hip_days:
        sessions[name, _monday(day)] += 1

    latest_pain: dict[tuple[str, str, str], tuple[datetime, float]] = {}
    for r in _rows(frames["pain"], ["athlete", "knee", "context", "when", "nrs"]):  # in time order
        key = (r["athlete"], r["knee"], r["context"])
        if key not in latest_pain or r["when"] >= latest_pain[key][0]:
            latest_pain[key] = (r["when"], float(r["nrs"]))

    test_items = {r["item"] for r in lsi if r["kind"] == "test"}
    stats: dict[tuple, list[float]] = {}
    for r in lsi:  # first appearance order breaks ties, as a stable sort would
        stats.setdefault((r["athlete"], r["item"], r["metric"]), [])
        if not math.isnan(r["lsi_pct"]):
            stats[r["athlete"], r["item"], r["metric"]].append(r["lsi_pct"])
    headline: dict[str, tuple[str, str]] = {}
    best_score: dict[str, int] = {}
    for (athlete, item, metric), values in stats.items():
        spread = max(values) - min(values) if values else NAN
        score = (10_000 if item in test_items and len(values) >= 2 else 0) + (1_000 if spread > 0 else 0) + len(values)
        if score > best_score.get(athlete, -1):
            best_score[athlete], headline[athlete] = score, (item, metric)

    by_athlete: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for kind, rows in (("lsi", lsi), ("changes", changes), ("status", status), ("ratios", ratios)):
        for r in rows:
            by_athlete[r["athlete"]][kind].append(r)
    out = []
    for name in names:
        mine_all = by_athlete[name]
        row: Row = {"athlete": name, "last_logged": last_day.get(name), "lsi_item": None, "lsi_start": NAN,
                    "lsi_now": NAN, "pain_start": NAN, "pain_recent": NAN, "pain_now": NAN,
                    "pain_verdict": "not enough data", "hip_sessions_per_week": NAN, "acwr": NAN, "acwr_zone": None,
                    "status": None, "status_reasons": ""}
        if name in headline:
            item, metric = headline[name]
            weekly = sorted((r["week"], r["lsi_pct"]) for r in mine_all["lsi"] if r["item"] == item
                            and r["metric"] == metric and not math.isnan(r["lsi_pct"]))
            if weekly:
                row["lsi_item"] = item
                row["lsi_start"] = weekly[0][1]
                row["lsi_now"] = weekly[-1][1]
        mine = mine_all["changes"]
        if mine:
            knee = involved.get(name)
            if knee not in {r["knee"] for r in mine}:
                knee = max(mine, key=lambda r: r["start_mean"])["knee"]
            mine = [r for r in mine if r["knee"] == knee]
            pool = [r for r in mine if r["verdict"] != "not enough data"] or mine
            during = [r for r in pool if r["context"] == "during"]
            pick = during[0] if during else max(pool, key=lambda r: r["latest_days"])
            row["pain_start"], row["pain_recent"], row["pain_verdict"] = pick["start_mean"], pick["latest_mean"], pick["verdict"]
            row["pain_now"] = latest_pain[name, pick["knee"], pick["context"]][1]
        if name in first_day:
            week, last = _monday(first_day[name]), _monday(last_day[name])
            counts = []
            while week <= last:
                counts.append(sessions.get((name, week), 0))
                week += WEEK
            row["hip_sessions_per_week"] = _mean(counts)
        latest = [r for r in mine_all["ratios"] if not math.isnan(r["ratio"])]
        if latest:
            row["acwr"], row["acwr_zone"] = latest[-1]["ratio"], latest[-1]["zone"]
        weeks = mine_all["status"]
        if weeks:
            row["status"], row["status_reasons"] = weeks[-1]["status"], weeks[-1]["reasons"]
        out.append(row)
    return out


# -- running them all, and checking they agree ---------------------------------------------------
#: Figure name in the benchmark -> (baseline function, the columns that identify a row).
ANALYSES: dict[str, tuple[Any, list[str]]] = {
    "LSI (weekly_lsi)": (lambda f: weekly_lsi(f["sets"], f["athletes"]), ["athlete", "item", "metric", "week"]),
    "pain trend (daily_pain)": (lambda f: daily_pain(f["pain"]), ["athlete", "knee", "context", "date"]),
    "pain change (pain_change)": (lambda f: pain_change(f["pain"]), ["athlete", "knee", "context"]),
    "pain flags (pain_flags)": (lambda f: pain_flags(f["pain"]), ["athlete", "date", "knee", "flag"]),
    "pain status (weekly_status)": (lambda f: weekly_status(f["pain"]), ["athlete", "week"]),
    "weekly load (weekly_load)": (lambda f: weekly_load(f["runs"]), ["athlete", "week"]),
    "ACWR (acwr)": (lambda f: acwr(f["runs"]), ["athlete", "date"]),
    "season summary (summarise_all)": (summarise_all, ["athlete"]),
}


def all_analyses(frames: dict[str, pd.DataFrame], names: Iterable[str] | None = None) -> dict[str, list[Row]]:
    """Every baseline analysis (or those ``names``) over ``frames`` (athletes, sets, tests, runs, pain)."""
    wanted = list(ANALYSES) if names is None else list(names)
    return {name: ANALYSES[name][0](frames) for name in wanted}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date() if value == pd.Timestamp(value).normalize() else pd.Timestamp(value).to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare(fast: dict[str, pd.DataFrame], slow: dict[str, list[Row]], limit: int = 5) -> list[str]:
    """Differences between the vectorised results and the baseline's, in words ([] when they agree).

    Rows are matched on their identifying columns; every baseline column is compared (numbers to
    1e-9 relative, NaN equal to NaN and None)."""
    problems: list[str] = []
    for name, rows in slow.items():
        keys = ANALYSES[name][1]
        frame = fast[name]
        if len(frame) != len(rows):
            problems.append(f"{name}: {len(frame)} rows, the baseline has {len(rows)}")
            continue
        columns = list(rows[0]) if rows else []
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            problems.append(f"{name}: no column(s) {', '.join(missing)}")
            continue
        fast_rows = {tuple(_plain(r[k]) for k in keys): r for r in frame[columns].to_dict("records")}
        found = 0
        for row in rows:
            key = tuple(_plain(row[k]) for k in keys)
            other = fast_rows.get(key)
            if other is None:
                problems.append(f"{name}: row {key} missing from the analysis")
            else:
                bad = [c for c in columns if not _same(_plain(other[c]), _plain(row[c]))]
                if bad:
                    problems.append(f"{name}: row {key}: " + ", ".join(
                        f"{c} = {_plain(other[c])!r}, baseline {_plain(row[c])!r}" for c in bad))
            if len(problems) > found:
                found = len(problems)
                if found >= limit:
                    return problems
    return problems
