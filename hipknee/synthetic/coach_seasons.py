"""The seasons of a coach's store: each runner's profile drawn from the seed, and her log as columns
of numbers (a runner at a time, with numpy) ready to be bulk-inserted by :mod:`.coach_store`.
Units as everywhere: kg, s (sets), km and min (runs), 0-10 NRS, RPE 0-10; sides ``left``/``right``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

__all__ = ["PLAN", "Profile", "profile", "season_rows"]

# The hip programme as logged: (exercise, sets per side, chance it is in a session).
# Per-side exercises are logged on 'left' and 'right', hip thrust on 'both'.
PLAN: tuple[tuple[str, int, float], ...] = (
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


@dataclass(frozen=True)
class Profile:
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


def profile(seed: int, index: int, name: str) -> Profile:
    rng = np.random.default_rng([seed, index])
    improving = rng.random() < 0.7
    return Profile(
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


def _set_template() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every set a full session of :data:`PLAN` holds: its exercise group, exercise and side."""
    template = [
        (g, ex, side)
        for g, (ex, n_sets, _) in enumerate(PLAN)
        for _ in range(n_sets)
        for side in (("both",) if ex in _TWO_SIDED else ("left", "right"))
    ]
    return (np.array([g for g, _, _ in template]), np.array([ex for _, ex, _ in template], dtype=object),
            np.array([side for _, _, side in template], dtype=object))


_SET_TEMPLATE = _set_template()


def season_rows(
    p: Profile, start: date, seasons: int, weeks: int, exercise_ids: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """One runner's seasons as columns per kind of record (the random draws in a fixed order, so a
    seed gives the same rows)."""
    days = _season_days(p, seasons, weeks)
    runs, ran = _runs(p, days, start)
    pain = _pain(p, days, ran, start)
    sets = _hip_sets(p, days, weeks, start, exercise_ids)
    tests, outcomes = _tests_and_outcomes(p, days, start)
    return {"set": sets, "run": runs, "pain": pain, "test": tests, "outcome": outcomes}


@dataclass(frozen=True)
class _Days:
    """The day axis of a runner's seasons: one entry a day, counted from the first."""

    day: np.ndarray  # day number from the start
    within: np.ndarray  # day number within its season
    frac: np.ndarray  # how far through its season (0 to 1)
    week: np.ndarray  # week number from the start
    week_in_season: np.ndarray
    spiking: np.ndarray  # in the season's mileage-spike week
    flaring: np.ndarray  # in the two weeks after it (a pain flare)
    lsi: np.ndarray  # the weaker side's strength as a share of the other's


def _season_days(p: Profile, seasons: int, weeks: int) -> _Days:
    season_days = weeks * 7
    day = np.arange(seasons * season_days)
    within = day % season_days
    frac = within / max(season_days - 1, 1)
    # One mileage spike (about +60%) in most seasons, a pain flare in the two weeks after.
    spike = np.full(seasons, -1)
    has_spike = p.rng.random(seasons) < 0.6
    spike[has_spike] = p.rng.integers(min(4, weeks - 1), max(weeks - 2, min(4, weeks - 1) + 1), has_spike.sum())
    week_in_season = within // 7
    season = day // season_days
    spiking = week_in_season == spike[season]
    flaring = (spike[season] >= 0) & (week_in_season > spike[season]) & (week_in_season <= spike[season] + 2)
    lsi = p.start_lsi + (p.end_lsi - p.start_lsi) * frac
    return _Days(day, within, frac, day // 7, week_in_season, spiking, flaring, lsi)


def _runs(p: Profile, days: _Days, start: date) -> tuple[dict[str, Any], np.ndarray]:
    """Runs on most days, a week's distance shared out, longer in a spike week; and which days ran."""
    rng = p.rng
    ran = rng.random(days.day.size) < p.run_rate
    week_noise = rng.lognormal(0.0, 0.12, days.week.max() + 1)[days.week]
    target = p.weekly_km * (0.85 + 0.35 * days.frac) * np.where(days.spiking, 1.6, 1.0) * week_noise
    rd = days.day[ran]
    n_runs = rd.size
    km = np.clip(np.round(target[ran] / (7 * p.run_rate) * rng.gamma(6.0, 1 / 6.0, n_runs), 2), 2.0, 60.0)
    duration = np.round(km * p.pace * rng.normal(1.0, 0.04, n_runs), 1)
    moving = np.where(rng.random(n_runs) < 0.5, np.round(duration * 0.97, 1), np.nan)
    run_rpe = np.clip(np.round(rng.normal(4.5 + 2.0 * days.spiking[ran], 1.2)), 1, 10)
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
    return runs, ran


def _pain(p: Profile, days: _Days, ran: np.ndarray, start: date) -> dict[str, Any]:
    """Pain on the painful knee: next morning most days, during/after runs, at rest on other days."""
    rng = p.rng
    level = p.start_pain + (p.end_pain - p.start_pain) * days.frac + 3.0 * days.flaring
    other = "left" if p.weaker == "right" else "right"
    parts = []
    for what, minute, share, when_ran, chance in (
        ("next_morning", 7 * 60, 0.7, None, 0.6),
        ("during", 8 * 60, 1.0, True, 0.35),
        ("after", 10 * 60, 0.85, True, 0.15),
        ("rest", 20 * 60, 0.45, False, 0.4),
    ):
        keep = rng.random(days.day.size) < chance
        if when_ran is not None:
            keep &= ran == when_ran
        d = days.day[keep]
        nrs = np.clip(np.round(rng.normal(level[keep] * share, 0.8)), 0, 10).astype(int)
        knee = np.where(rng.random(d.size) < 0.08, other, p.weaker)
        nrs = np.where(knee == other, np.clip(np.round(nrs * 0.2), 0, 10), nrs).astype(int)
        parts.append((d, np.full(d.size, minute), knee, nrs, np.full(d.size, what, dtype=object)))
    pd_day, pd_min, pd_knee, pd_nrs, pd_context = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((pd_min, pd_day))
    return {
        "at": _stamps(pd_day[order], pd_min[order], start),
        "knee": pd_knee[order].astype(object),
        "nrs": pd_nrs[order],
        "context": pd_context[order],
    }


def _hip_sets(p: Profile, days: _Days, weeks: int, start: date, exercise_ids: dict[str, int]) -> dict[str, Any]:
    """Hip sessions: the weaker side does less (reps, time) by its LSI; load and band progress."""
    rng = p.rng
    sd = days.day[rng.random(days.day.size) < p.hip_rate]
    n_sessions = sd.size
    included = rng.random((n_sessions, len(PLAN))) < np.array([c for _, _, c in PLAN])
    t_group, t_ex, t_side = _SET_TEMPLATE
    s_idx, t_idx = np.nonzero(included[:, t_group])
    n_sets = s_idx.size
    ex = t_ex[t_idx]
    side = t_side[t_idx]
    set_day = sd[s_idx]
    ratio = np.where(side == p.weaker, days.lsi[set_day], 1.0)
    progress = 0.9 + 0.2 * days.frac[set_day]
    stage = np.minimum(days.week_in_season[set_day] * 3 // max(weeks, 1), 2)
    noise = rng.normal(0.0, 0.7, n_sets)
    rpe = np.clip(np.round(rng.normal(6.0, 1.0, n_sets)), 1, 10)
    rpe[rng.random(n_sets) < 0.3] = np.nan
    session_ids = np.array([f"{p.index:08x}{k:024x}" for k in range(n_sessions)], dtype=object)
    session_at = _stamps(sd, 18 * 60 + rng.integers(0, 60, n_sessions), start)
    return {
        "at": session_at[s_idx],
        "exercise_id": np.vectorize(exercise_ids.__getitem__, otypes=[np.int64])(ex) if n_sets else ex,
        "side": side,
        **_doses(ex, ratio, progress, noise, stage),
        "rpe": rpe,
        "session": session_ids[s_idx],
    }


def _doses(ex: np.ndarray, ratio: np.ndarray, progress: np.ndarray, noise: np.ndarray,
           stage: np.ndarray) -> dict[str, np.ndarray]:
    """Each set's reps, time (s), hold (s), load (kg) and band from its exercise's dose: ``ratio`` is
    the side's share of the stronger side, ``progress`` the season's, ``stage`` (0-2) how far the
    load and band have progressed."""
    n_sets = ex.size
    reps = np.full(n_sets, np.nan)
    duration_s = np.full(n_sets, np.nan)
    hold_s = np.full(n_sets, np.nan)
    load = np.full(n_sets, np.nan)
    band = np.full(n_sets, None, dtype=object)
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
    return {"reps": reps, "duration_s": duration_s, "hold_s": hold_s, "load_kg": load, "band": band}


def _tests_and_outcomes(p: Profile, days: _Days, start: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """Hip-abduction dynamometry on both sides every 4 weeks, Kujala every 4 weeks too."""
    rng = p.rng
    other = "left" if p.weaker == "right" else "right"
    test_days = days.day[(days.within % 28 == 2)]
    strong = rng.normal(185, 5, test_days.size)
    weak = strong * days.lsi[test_days] * rng.normal(1, 0.02, test_days.size)
    tests = {
        "at": np.repeat(_stamps(test_days, np.full(test_days.size, 17 * 60), start), 2),
        "test": "hip abduction dynamometer",
        "side": np.array([other, p.weaker] * test_days.size, dtype=object),
        "value": np.round(np.column_stack([strong, weak]).ravel(), 1),
        "unit": "N",
    }
    outcome_days = days.day[(days.within % 28 == 6)]
    improving = p.end_pain < p.start_pain
    kujala = 62 + 30 * days.frac[outcome_days] * (1.0 if improving else 0.2) + rng.normal(0, 2, outcome_days.size)
    outcomes = {
        "at": _stamps(outcome_days, np.full(outcome_days.size, 19 * 60), start),
        "instrument": "kujala",
        "score": np.clip(np.round(kujala), 0, 100).astype(int),
    }
    return tests, outcomes
