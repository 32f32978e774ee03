"""A reproducible demo season, so every chart has something to show on a fresh machine.

One runner (or a small squad) over 16 weeks from a fixed start date: 3-4 runs a week, the hip
programme 2-4 times a week on both sides, pain most days in several contexts, a weaker side that
catches up, pain that falls, one mileage-spike week followed by a pain flare, missed days and a
private note. The same seed gives the same store, whatever today's date.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from ..records.model import Athlete, OutcomeScore, PainEntry, Record, Run, StrengthSet, StrengthTest
from ..store import Store, locations

__all__ = ["DEMO_NAMES", "DEMO_START", "DEMO_WEEKS", "DemoRunner", "make_demo", "notebook_store"]

DEMO_START = date(2026, 3, 2)  # a Monday
DEMO_WEEKS = 16
DEMO_NAMES = ("Maria", "Anna", "Sofia", "Lena", "Jo", "Kim", "Noor", "Eva", "Ines", "Tess")


@dataclass(frozen=True)
class DemoRunner:
    """What makes one demo runner's season differ from another's."""

    name: str
    weaker: str  # the painful, weaker side: 'left' or 'right'
    start_lsi: float  # weaker / stronger at the start, 0-1
    end_lsi: float
    start_pain: float  # typical NRS during a run at the start
    end_pain: float
    spike_week: int | None  # 0-based week with the mileage spike
    body_mass_kg: float


def _runners(n: int, rng: np.random.Generator) -> list[DemoRunner]:
    first = DemoRunner("Maria", "right", 0.72, 0.95, 5.5, 1.5, 9, 61.0)
    squad = [first]
    for i in range(1, n):
        name = DEMO_NAMES[i] if i < len(DEMO_NAMES) else f"Runner {i + 1}"
        improving = rng.random() < 0.7
        squad.append(
            DemoRunner(
                name=name,
                weaker=str(rng.choice(["left", "right"])),
                start_lsi=float(rng.uniform(0.65, 0.85)),
                end_lsi=float(rng.uniform(0.88, 0.98)) if improving else float(rng.uniform(0.7, 0.82)),
                start_pain=float(rng.uniform(3.5, 6.5)),
                end_pain=float(rng.uniform(0.5, 2.0)) if improving else float(rng.uniform(4.0, 6.5)),
                spike_week=int(rng.integers(6, 14)) if rng.random() < 0.6 else None,
                body_mass_kg=float(np.round(rng.uniform(52, 80), 1)),
            )
        )
    return squad


def make_demo(
    store: Store,
    *,
    seed: int = 7,
    runners: int = 1,
    start: date = DEMO_START,
    weeks: int = DEMO_WEEKS,
) -> list[str]:
    """Write a demo season for ``runners`` runners into ``store``; returns their names.

    Each runner is written in one transaction. Raises :class:`hipknee.ValidationError` when a
    demo runner's name is already in the store (nothing is written then).
    """
    if runners < 1:
        from ..errors import ValidationError

        raise ValidationError("runners", runners, "a whole number of runners, 1 or more")
    rng = np.random.default_rng(seed)
    squad = _runners(runners, rng)
    names = []
    for runner in squad:
        records = [Athlete(name=runner.name, body_mass_kg=runner.body_mass_kg, involved_side=runner.weaker)]
        records += _season(runner, rng, start, weeks)
        store.add_many(records)
        names.append(runner.name)
    return names


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _season(r: DemoRunner, rng: np.random.Generator, start: date, weeks: int) -> list[Record]:
    other = "left" if r.weaker == "right" else "right"
    out: list[Record] = []
    base_km = 16.0
    flare_until = -1
    for week in range(weeks):
        frac = week / max(weeks - 1, 1)
        lsi = r.start_lsi + (r.end_lsi - r.start_lsi) * frac
        week_start = start + timedelta(weeks=week)
        # Running: about +6% a week, a spike week of about +60%, then back to plan.
        planned = base_km * (1.06**week)
        target_km = planned * 1.6 if week == r.spike_week else planned
        if r.spike_week is not None and week == r.spike_week + 1:
            flare_until = week + 1
        n_runs = int(rng.choice([3, 4], p=[0.45, 0.55]))
        run_days = sorted(rng.choice([0, 1, 2, 3, 4, 5, 6], size=n_runs, replace=False).tolist())
        shares = rng.dirichlet(np.full(n_runs, 6.0))
        for day_i, share in zip(run_days, shares):
            day = week_start + timedelta(days=day_i)
            km = float(np.round(max(2.0, target_km * share), 2))
            pace = float(rng.normal(6.1, 0.25))  # min per km
            surface = str(rng.choice(["road", "trail", "track", "treadmill"], p=[0.6, 0.2, 0.1, 0.1]))
            rpe = float(np.clip(np.round(rng.normal(4.5 + (2.0 if week == r.spike_week else 0.0), 1.0)), 1, 10))
            out.append(Run(when=_at(day, 7, 30), athlete=r.name, distance_km=km, duration_min=round(km * pace, 1),
                           rpe=rpe, surface=surface))
        # Hip programme 2-4 times a week, on days without a long run where possible.
        n_hip = int(rng.choice([2, 3, 4], p=[0.3, 0.45, 0.25]))
        hip_days = sorted(rng.choice([0, 1, 2, 3, 4, 5, 6], size=n_hip, replace=False).tolist())
        for day_i in hip_days:
            session_at = _at(week_start + timedelta(days=day_i), 18, 15)
            out += _hip_session(r, rng, session_at, lsi, week)
        if week % 2 == 0 or week == weeks - 1:
            tested = _at(week_start + timedelta(days=int(rng.integers(0, 7))), 17)
            strong_n = float(rng.normal(185, 5))
            out.append(StrengthTest(when=tested, athlete=r.name, test="hip abduction dynamometer",
                                    side=other, value=round(strong_n, 1), unit="N"))
            out.append(StrengthTest(when=tested, athlete=r.name, test="hip abduction dynamometer",
                                    side=r.weaker, value=round(strong_n * lsi * rng.normal(1, 0.02), 1), unit="N"))
        # Pain most days; higher during and after runs, and a flare after the spike.
        for day_i in range(7):
            day = week_start + timedelta(days=day_i)
            if rng.random() < 0.12:  # a missed day
                continue
            level = r.start_pain + (r.end_pain - r.start_pain) * frac
            if week <= flare_until and r.spike_week is not None and week > r.spike_week:
                level += 3.0
            ran = day_i in run_days
            entries = [("next_morning", 7, level * 0.7)]
            if ran:
                entries += [("during", 8, level), ("after", 10, level * 0.85)]
            elif rng.random() < 0.5:
                entries.append(("rest", 20, level * 0.45))
            for context, hour, mean in entries:
                nrs = int(np.clip(np.round(rng.normal(mean, 0.8)), 0, 10))
                out.append(PainEntry(when=_at(day, hour), athlete=r.name, knee=r.weaker, nrs=nrs, context=context))
                if rng.random() < 0.5:  # the other knee, mostly quiet
                    quiet = int(np.clip(np.round(rng.normal(mean * 0.15, 0.5)), 0, 10))
                    out.append(PainEntry(when=_at(day, hour), athlete=r.name, knee=other, nrs=quiet, context=context))
        if week % 4 == 0 or week == weeks - 1:
            score = int(np.clip(round(62 + 30 * frac * (1 if r.end_pain < r.start_pain else 0.2) + rng.normal(0, 2)), 0, 100))
            out.append(OutcomeScore(when=_at(week_start + timedelta(days=6), 19), athlete=r.name, score=score))
    out += _notes(r, start)
    return out


def _hip_session(r: DemoRunner, rng: np.random.Generator, at: datetime, lsi: float, week: int) -> list[Record]:
    sets: list[Record] = []
    band = "light" if week < 5 else ("medium" if week < 11 else "heavy")
    load = 4.0 + 2.0 * (week // 4)
    for side in ("left", "right"):
        weak = side == r.weaker
        ratio = lsi if weak else 1.0
        common: dict[str, Any] = dict(when=at, athlete=r.name, side=side)
        sets.append(StrengthSet(exercise="lateral band walk", duration_s=float(np.round(15 * (0.8 + 0.2 * ratio), 0)),
                                band=band, rpe=float(rng.integers(4, 8)), **common))
        for _ in range(2):
            reps = int(max(1, round(10 * ratio + rng.normal(0, 0.6))))
            sets.append(StrengthSet(exercise="single-leg deadlift", reps=min(reps, 12), load_kg=load,
                                    rpe=float(rng.integers(5, 9)), **common))
        sets.append(StrengthSet(exercise="foam-roller hip release", reps=3, hold_s=5.0, **common))
        if rng.random() < 0.6:
            sets.append(StrengthSet(exercise="clamshell", reps=int(max(1, round(15 * ratio + rng.normal(0, 1)))),
                                    band=band, **common))
    return sets


def _notes(r: DemoRunner, start: date) -> list[Record]:
    return [
        PainEntry(when=_at(start + timedelta(days=3), 21), athlete=r.name, knee=r.weaker, nrs=4, context="rest",
                  note="Stairs at work hurt the knee again; going down is worse than up."),
        PainEntry(when=_at(start + timedelta(days=40), 21), athlete=r.name, knee=r.weaker, nrs=3, context="rest",
                  note="Bad night, stressed about the divorce papers. Not for the coach.", note_private=True),
        Run(when=_at(start + timedelta(days=75), 12), athlete=r.name, distance_km=5.0, duration_min=31.0, rpe=3,
            surface="grass", note="Easy loop in the park, knee felt fine."),
    ]


def notebook_store(data: str | os.PathLike[str] | None = None) -> Store:
    """The store a progress or report notebook shows.

    The runner's own store when it holds a runner; otherwise the demo season in ``DATA/demo``
    (written on first use), so a fresh machine has something to show. ``store.is_demo`` tells which.
    When ``$HIPKNEE_URL`` names a club's database (and ``data`` is not given), that store, as it is.
    """
    url = locations.store_url(None, data)
    if url is not None:
        club = Store.open(url=url)
        club.is_demo = False
        return club
    own_path = locations.db_path(data)
    if own_path.exists():
        own = Store.open(data)
        if own.athlete_names():
            own.is_demo = False
            return own
        own.close()
    demo = Store.open(locations.data_dir(data) / locations.DEMO_DIR_NAME)
    if not demo.athlete_names():
        make_demo(demo)
    demo.is_demo = True
    return demo
