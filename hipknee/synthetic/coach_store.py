"""A coach's store at scale: many runners over several seasons, reproducible from a seed.

Used to measure the tracker with a realistic load (100 runners x 5 seasons is about 2 million
sets, 150,000 runs and 200,000 pain entries). Each season is ``weeks`` weeks (52 by default: a
training year); the last season ends on :data:`COACH_END`, so every date is in the past whatever
today's date. Runner ``i``'s log depends only on ``seed``, ``i``, ``seasons`` and ``weeks``, so a
store with fewer runners holds the first runners of a bigger one.

Rows are generated with numpy, a runner at a time, and bulk-inserted (SQLite: SQLAlchemy Core's
executemany; PostgreSQL: COPY) in one transaction per batch of runners rather than validated one
record at a time; the values are drawn inside the ranges :mod:`hipknee.records` allows (a test validates a
sample). Units as everywhere: kg, s (sets), km and min (runs), 0-10 NRS, RPE 0-10.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import column, insert, table

from ..errors import ValidationError
from ..records.model import Athlete
from ..store import Store
from ..store.engine import write_connection

__all__ = ["COACH_END", "CoachStoreSize", "coach_names", "make_coach_store"]

#: The Monday after the last generated day.
COACH_END = date(2025, 12, 29)

_DAY0 = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class CoachStoreSize:
    """How many rows of each kind :func:`make_coach_store` wrote."""

    athletes: int
    sets: int
    runs: int
    pain: int
    tests: int
    outcomes: int


def coach_names(runners: int) -> list[str]:
    """The runners' names, ``Runner 001`` onwards."""
    return [f"Runner {i + 1:03d}" for i in range(runners)]


# The hip programme as logged: (exercise, sets per side, chance it is in a session).
# Per-side exercises are logged on 'left' and 'right', hip thrust on 'both'.
_PLAN: tuple[tuple[str, int, float], ...] = (
    ("lateral band walk", 1, 1.0),
    ("single-leg deadlift", 3, 1.0),
    ("foam-roller hip release", 1, 1.0),
    ("clamshell", 3, 0.8),
    ("side plank", 2, 0.6),
    ("single-leg glute bridge", 3, 0.7),
    ("step-down", 3, 0.5),
    ("hip thrust", 3, 0.3),
)
_TWO_SIDED = {"hip thrust"}
_BANDS = np.array(["light", "medium", "heavy"], dtype=object)
_SURFACES = np.array(["road", "trail", "track", "treadmill", "grass"], dtype=object)
_SURFACE_P = [0.55, 0.2, 0.1, 0.1, 0.05]


def make_coach_store(
    store: Store,
    *,
    runners: int = 100,
    seasons: int = 5,
    weeks: int = 52,
    seed: int = 1,
    batch: int = 10,
    progress: bool = False,
) -> CoachStoreSize:
    """Write ``runners`` runners' logs over ``seasons`` seasons of ``weeks`` weeks into ``store``.

    Athletes go through :meth:`Store.add_many` (validated); their sets, runs, pain entries,
    strength tests and Kujala scores are bulk-inserted, ``batch`` runners per transaction.
    ``progress`` shows a tqdm bar. Raises :class:`hipknee.ValidationError` for bad sizes or a
    runner name already in the store.
    """
    for name, value, low in (("runners", runners, 1), ("seasons", seasons, 1), ("weeks", weeks, 1)):
        if not isinstance(value, int) or value < low:
            raise ValidationError(name, value, f"a whole number of {name}, {low} or more")
    start = COACH_END - timedelta(weeks=seasons * weeks)
    if start < date(1990, 1, 1):
        raise ValidationError("seasons", seasons, "fewer seasons: the first would start before 1990")
    names = coach_names(runners)
    profiles = [_profile(seed, i, names[i]) for i in range(runners)]
    store.add_many(
        [Athlete(name=p.name, body_mass_kg=p.body_mass_kg, involved_side=p.weaker) for p in profiles]
    )
    athlete_ids = dict(zip(store.athletes()["name"], store.athletes()["id"]))
    exercise_ids = dict(zip(store.exercises()["name"], store.exercises()["id"]))
    missing = [ex for ex, _, _ in _PLAN if ex not in exercise_ids]
    if missing:
        raise ValidationError("exercise", missing[0], "an exercise of the built-in catalogue")
    created = datetime.combine(COACH_END, datetime.min.time()).strftime("%Y-%m-%d %H:%M:%S.%f")
    totals = dict.fromkeys(("set", "run", "pain", "test", "outcome"), 0)
    bar = _bar(runners, progress)
    try:
        for first in range(0, runners, batch):
            chunk = profiles[first : first + batch]
            with write_connection(store.engine, store.path or store.where) as conn:
                for p in chunk:
                    rows = _season_rows(p, start, seasons, weeks, exercise_ids)
                    ids = np.random.default_rng([seed, p.index, 0x1D])  # the rows' global ids
                    for kind, cols in rows.items():
                        cols["athlete_id"] = int(athlete_ids[p.name])
                        totals[kind] += _insert(conn, kind, cols, created, ids)
                    bar.update(1)
    finally:
        bar.close()
    with write_connection(store.engine, store.path or store.where) as conn:
        conn.exec_driver_sql("ANALYZE")  # so the planner knows the big tables' indexes
    return CoachStoreSize(runners, totals["set"], totals["run"], totals["pain"], totals["test"], totals["outcome"])


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, shown: bool) -> Any:
    if not shown:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="runner", desc="coach store")


@dataclass(frozen=True)
class _Profile:
    name: str
    index: int
    rng: np.random.Generator
    weaker: str
    body_mass_kg: float
    start_lsi: float
    end_lsi: float
    start_pain: float
    end_pain: float
    weekly_km: float
    run_rate: float
    hip_rate: float
    pace: float


def _profile(seed: int, index: int, name: str) -> _Profile:
    rng = np.random.default_rng([seed, index])
    improving = rng.random() < 0.7
    return _Profile(
        name=name,
        index=index,
        rng=rng,
        weaker=str(rng.choice(["left", "right"])),
        body_mass_kg=float(np.round(rng.uniform(50, 85), 1)),
        start_lsi=float(rng.uniform(0.65, 0.85)),
        end_lsi=float(rng.uniform(0.88, 0.99) if improving else rng.uniform(0.7, 0.84)),
        start_pain=float(rng.uniform(3.5, 6.5)),
        end_pain=float(rng.uniform(0.5, 2.0) if improving else rng.uniform(3.5, 6.5)),
        weekly_km=float(rng.uniform(25, 50)),
        run_rate=float(rng.uniform(0.72, 0.93)),
        hip_rate=float(rng.uniform(0.36, 0.56)),
        pace=float(rng.uniform(5.2, 6.8)),
    )


def _stamps(days: np.ndarray, minutes: np.ndarray, start: date) -> np.ndarray:
    """Day offsets from ``start`` and minutes after midnight -> the store's text timestamps."""
    moments = (np.datetime64(start, "D") + days.astype("timedelta64[D]")).astype("datetime64[m]")
    moments = moments + minutes.astype("timedelta64[m]")
    text = np.datetime_as_string(moments, unit="s").astype(object)
    # SQLAlchemy's SQLite DateTime format, so range queries compare like with like.
    return np.array([t.replace("T", " ") + ".000000" for t in text], dtype=object)


def _season_rows(
    p: _Profile, start: date, seasons: int, weeks: int, exercise_ids: dict[str, int]
) -> dict[str, dict[str, Any]]:
    rng = p.rng
    season_days = weeks * 7
    n_days = seasons * season_days
    day = np.arange(n_days)
    within = day % season_days
    frac = within / max(season_days - 1, 1)
    week = day // 7
    # One mileage spike (about +60%) in most seasons, a pain flare in the two weeks after.
    spike = np.full(seasons, -1)
    has_spike = rng.random(seasons) < 0.6
    spike[has_spike] = rng.integers(min(4, weeks - 1), max(weeks - 2, min(4, weeks - 1) + 1), has_spike.sum())
    week_in_season = within // 7
    season = day // season_days
    spiking = week_in_season == spike[season]
    flaring = (spike[season] >= 0) & (week_in_season > spike[season]) & (week_in_season <= spike[season] + 2)
    lsi = p.start_lsi + (p.end_lsi - p.start_lsi) * frac

    # Runs: most days, a week's distance shared out, longer in a spike week.
    ran = rng.random(n_days) < p.run_rate
    week_noise = rng.lognormal(0.0, 0.12, week.max() + 1)[week]
    target = p.weekly_km * (0.85 + 0.35 * frac) * np.where(spiking, 1.6, 1.0) * week_noise
    rd = day[ran]
    n_runs = rd.size
    km = np.clip(np.round(target[ran] / (7 * p.run_rate) * rng.gamma(6.0, 1 / 6.0, n_runs), 2), 2.0, 60.0)
    duration = np.round(km * p.pace * rng.normal(1.0, 0.04, n_runs), 1)
    moving = np.where(rng.random(n_runs) < 0.5, np.round(duration * 0.97, 1), np.nan)
    run_rpe = np.clip(np.round(rng.normal(4.5 + 2.0 * spiking[ran], 1.2)), 1, 10)
    run_rpe[rng.random(n_runs) < 0.05] = np.nan
    hr = np.where(rng.random(n_runs) < 0.7, np.round(rng.normal(148, 9, n_runs)), np.nan)
    runs = {
        "at": _stamps(rd, 6 * 60 + 30 + rng.integers(0, 90, n_runs), start),
        "distance_km": km,
        "duration_min": duration,
        "moving_min": moving,
        "rpe": run_rpe,
        "surface": rng.choice(_SURFACES, n_runs, p=_SURFACE_P),
        "avg_hr": hr,
        "sport": "running",
        "source": "manual",
        "source_hash": None,
    }

    # Pain on the painful knee: next morning most days, during/after runs, at rest on other days.
    level = p.start_pain + (p.end_pain - p.start_pain) * frac + 3.0 * flaring
    other = "left" if p.weaker == "right" else "right"
    parts = []
    for what, minute, share, when_ran, chance in (
        ("next_morning", 7 * 60, 0.7, None, 0.6),
        ("during", 8 * 60, 1.0, True, 0.35),
        ("after", 10 * 60, 0.85, True, 0.15),
        ("rest", 20 * 60, 0.45, False, 0.4),
    ):
        keep = rng.random(n_days) < chance
        if when_ran is not None:
            keep &= ran == when_ran
        d = day[keep]
        nrs = np.clip(np.round(rng.normal(level[keep] * share, 0.8)), 0, 10).astype(int)
        knee = np.where(rng.random(d.size) < 0.08, other, p.weaker)
        nrs = np.where(knee == other, np.clip(np.round(nrs * 0.2), 0, 10), nrs).astype(int)
        parts.append((d, np.full(d.size, minute), knee, nrs, np.full(d.size, what, dtype=object)))
    pd_day, pd_min, pd_knee, pd_nrs, pd_context = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((pd_min, pd_day))
    pain = {
        "at": _stamps(pd_day[order], pd_min[order], start),
        "knee": pd_knee[order].astype(object),
        "nrs": pd_nrs[order],
        "context": pd_context[order],
    }

    # Hip sessions: the weaker side does less (reps, time) by its LSI; load and band progress.
    sd = day[rng.random(n_days) < p.hip_rate]
    n_sessions = sd.size
    included = rng.random((n_sessions, len(_PLAN))) < np.array([c for _, _, c in _PLAN])
    template = [
        (g, ex, side)
        for g, (ex, n_sets, _) in enumerate(_PLAN)
        for _ in range(n_sets)
        for side in (("both",) if ex in _TWO_SIDED else ("left", "right"))
    ]
    t_group = np.array([g for g, _, _ in template])
    t_ex = np.array([ex for _, ex, _ in template], dtype=object)
    t_side = np.array([side for _, _, side in template], dtype=object)
    s_idx, t_idx = np.nonzero(included[:, t_group])
    n_sets = s_idx.size
    ex = t_ex[t_idx]
    side = t_side[t_idx]
    set_day = sd[s_idx]
    ratio = np.where(side == p.weaker, lsi[set_day], 1.0)
    progress = 0.9 + 0.2 * frac[set_day]
    stage = np.minimum(week_in_season[set_day] * 3 // max(weeks, 1), 2)
    noise = rng.normal(0.0, 0.7, n_sets)
    reps = np.full(n_sets, np.nan)
    duration_s = np.full(n_sets, np.nan)
    hold_s = np.full(n_sets, np.nan)
    load = np.full(n_sets, np.nan)
    band = np.full(n_sets, None, dtype=object)
    rpe = np.clip(np.round(rng.normal(6.0, 1.0, n_sets)), 1, 10)
    rpe[rng.random(n_sets) < 0.3] = np.nan
    for name, dose in (("single-leg deadlift", 10), ("clamshell", 15), ("single-leg glute bridge", 10),
                       ("step-down", 10), ("hip thrust", 10)):
        m = ex == name
        reps[m] = np.clip(np.round(dose * ratio[m] * progress[m] + noise[m]), 1, 60)
    for name, dose_s in (("lateral band walk", 15.0), ("side plank", 30.0)):
        m = ex == name
        duration_s[m] = np.round(dose_s * (0.8 + 0.2 * ratio[m]) * progress[m] + noise[m], 0)
    m = ex == "foam-roller hip release"
    reps[m], hold_s[m] = 3, 5.0
    m = ex == "single-leg deadlift"
    load[m] = 4.0 + 2.0 * stage[m]
    m = ex == "hip thrust"
    load[m] = 20.0 + 10.0 * stage[m]
    m = (ex == "lateral band walk") | (ex == "clamshell")
    band[m] = _BANDS[stage[m]]
    session_ids = np.array([f"{p.index:08x}{k:024x}" for k in range(n_sessions)], dtype=object)
    session_at = _stamps(sd, 18 * 60 + rng.integers(0, 60, n_sessions), start)
    sets = {
        "at": session_at[s_idx],
        "exercise_id": np.vectorize(exercise_ids.__getitem__, otypes=[np.int64])(ex) if n_sets else ex,
        "side": side,
        "reps": reps,
        "duration_s": duration_s,
        "hold_s": hold_s,
        "load_kg": load,
        "band": band,
        "rpe": rpe,
        "session": session_ids[s_idx],
    }

    # Hip-abduction dynamometry on both sides every 4 weeks, Kujala every 4 weeks too.
    test_days = day[(within % 28 == 2)]
    strong = rng.normal(185, 5, test_days.size)
    tests = {
        "at": np.repeat(_stamps(test_days, np.full(test_days.size, 17 * 60), start), 2),
        "test": "hip abduction dynamometer",
        "side": np.array([other, p.weaker] * test_days.size, dtype=object),
        "value": np.round(np.column_stack([strong, strong * lsi[test_days] * rng.normal(1, 0.02, test_days.size)]).ravel(), 1),
        "unit": "N",
    }
    outcome_days = day[(within % 28 == 6)]
    improving = p.end_pain < p.start_pain
    kujala = 62 + 30 * frac[outcome_days] * (1.0 if improving else 0.2) + rng.normal(0, 2, outcome_days.size)
    outcomes = {
        "at": _stamps(outcome_days, np.full(outcome_days.size, 19 * 60), start),
        "instrument": "kujala",
        "score": np.clip(np.round(kujala), 0, 100).astype(int),
    }
    return {"set": sets, "run": runs, "pain": pain, "test": tests, "outcome": outcomes}


_TABLE_NAMES = {"set": "strength_sets", "run": "runs", "pain": "pain_entries", "test": "strength_tests",
                "outcome": "outcome_scores"}
_INT_COLUMNS = {"reps", "nrs", "score", "exercise_id", "athlete_id"}


def _plain_column(name: str, values: Any, n: int) -> list[Any]:
    """A column as plain Python values for the driver: NaN -> NULL, whole numbers as int."""
    if isinstance(values, list):
        return values
    if not isinstance(values, np.ndarray):
        return [values] * n
    if values.dtype.kind == "f":
        out = values.astype(object)
        out[np.isnan(values)] = None
        if name in _INT_COLUMNS:
            return [None if v is None else int(v) for v in out]
        return out.tolist()
    return values.tolist()


def _uids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random (version 4) UUIDs drawn from ``rng``, so the same seed gives the same ids."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return [str(uuid.UUID(bytes=row.tobytes(), version=4)) for row in raw]


def _insert(conn: Any, kind: str, cols: dict[str, Any], created: str, rng: np.random.Generator) -> int:
    n = len(cols["at"])
    if n == 0:
        return 0
    cols = {**cols, "note": "", "note_private": 0, "created_at": created, "updated_at": created,
            "uid": _uids(rng, n)}
    names = list(cols)
    values = [_plain_column(c, cols[c], n) for c in names]
    if conn.dialect.name == "postgresql":
        _copy(conn, _TABLE_NAMES[kind], names, values)
        return n
    # An untyped table clause: values are already in the store's stored form (text timestamps).
    target = table(_TABLE_NAMES[kind], *(column(c) for c in names))
    conn.execute(insert(target), [dict(zip(names, row)) for row in zip(*values)])
    return n


def _copy(conn: Any, name: str, names: list[str], values: list[list[Any]]) -> None:
    """PostgreSQL's COPY through psycopg, in this transaction: many times quicker than executemany
    for millions of rows. The text form suits every column (timestamps as text, 0/1 as booleans)."""
    columns = ", ".join(names)
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
            for row in zip(*values):
                copy.write_row(row)

