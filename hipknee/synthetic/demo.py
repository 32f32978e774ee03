"""A reproducible demo season, so every chart has something to show on a fresh machine.

One runner (or a small squad) over 16 weeks from a fixed start date: 3-4 runs a week, the hip
programme 2-4 times a week on both sides (3 prescribed: some sessions are missed), a physio's
programme from the first day and a harder one from week 6, pain most days in several contexts, a
weaker side that catches up, pain that falls, one mileage-spike week followed by a pain flare,
three Kujala questionnaires (start, week 8, end), missed days and a private note. The same seed gives the same store, whatever today's date.

:func:`write_demo` (what ``hipknee demo`` and the notebooks use) is all or nothing: the squad is
written into a temporary store beside the target and put in place only when complete, so an
interrupted demo leaves no partial squad behind.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time as clock
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ValidationError
from ..records.kujala import KUJALA_ITEMS, kujala_total
from ..records.model import (
    Athlete,
    OutcomeScore,
    PainEntry,
    Prescription,
    Record,
    Run,
    StrengthSet,
    StrengthTest,
)
from ..store import Store, locations

__all__ = [
    "DEMO_NAMES",
    "DEMO_START",
    "DEMO_WEEKS",
    "MAX_RUNNERS",
    "DemoRunner",
    "check_demo",
    "make_demo",
    "notebook_store",
    "write_demo",
]

DEMO_START = date(2026, 3, 2)  # a Monday
DEMO_WEEKS = 16
DEMO_NAMES = ("Maria", "Anna", "Sofia", "Lena", "Jo", "Kim", "Noor", "Eva", "Ines", "Tess")
#: The largest demo squad: a big club (each runner is about 1,000 entries).
MAX_RUNNERS = 1000
_STAGING = (".demo-", ".partial")
# A staging folder this old belongs to a demo that was killed, not to one still running (the
# largest squad takes under an hour).
_STALE_STAGING_S = 24 * 3600


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
    progress: bool = False,
) -> list[str]:
    """Write a demo season for ``runners`` runners into ``store``; returns their names.

    Each runner is written in one transaction (use :func:`write_demo` for all or nothing).
    ``progress`` shows a bar (tqdm, on stderr). Raises :class:`hipknee.ValidationError` for a
    ``seed`` below 0, ``runners`` outside 1 to :data:`MAX_RUNNERS`, or a demo runner's name
    already in the store (nothing is written then).
    """
    check_demo(seed, runners)
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    squad = _runners(runners, rng)
    names = []
    for runner in tqdm(squad, desc="demo runners", unit="runner", disable=not progress):
        records: list[Record] = [Athlete(name=runner.name, body_mass_kg=runner.body_mass_kg, involved_side=runner.weaker)]
        records += _season(runner, rng, start, weeks)
        store.add_many(records)
        names.append(runner.name)
    return names


def check_demo(seed: Any, runners: Any) -> None:
    """:class:`hipknee.ValidationError` naming ``seed`` or ``runners`` unless both are allowed."""
    def whole(value: Any) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))

    if not whole(seed) or seed < 0:
        raise ValidationError("seed", seed, "a whole number 0 or more")
    if not whole(runners) or not 1 <= runners <= MAX_RUNNERS:
        raise ValidationError("runners", runners, f"a whole number of runners from 1 to {MAX_RUNNERS}")


def write_demo(
    data: str | os.PathLike[str] | None = None, *, seed: int = 7, runners: int = 1, progress: bool = False
) -> list[str]:
    """Write a demo season into the store of the data folder ``data``, all or nothing; returns the
    runners' names.

    The squad is written into a temporary store beside the target, then put in place in one step
    (a new file linked into place, or copied into an empty store under SQLite's locks), so an
    interrupted demo leaves nothing behind. Refuses (:class:`hipknee.ValidationError` naming
    ``data``) a store that holds a runner, deleted ones included: the demo never writes into a log.
    """
    check_demo(seed, runners)
    db = locations.db_path(data)
    if db.exists():
        with Store.open(db.parent) as existing:
            holds_runners = existing.count("athlete", include_deleted=True) > 0
        if holds_runners:
            raise _holds_a_log(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(db.parent)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING[0], suffix=_STAGING[1], dir=db.parent))
    try:
        with Store.open(staging) as store:
            names = make_demo(store, seed=seed, runners=runners, progress=progress)
        _put_in_place(locations.db_path(staging), db)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def _holds_a_log(db: Path) -> ValidationError:
    return ValidationError("data", str(db.parent), "a data folder whose store has no runners yet "
                           "(the demo never writes into a store that holds a log)")


def _put_in_place(complete: Path, db: Path) -> None:
    """Make the complete demo store ``complete`` the store ``db``, in one step."""
    if not db.exists():
        try:
            os.link(complete, db)  # atomic, and never over a store that appeared meanwhile
            return
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: the copy below also creates it
            pass
    # An empty store is there (perhaps open in a notebook): copy into it under SQLite's locks, in
    # one transaction, after checking again that it is still empty.
    with closing(sqlite3.connect(complete)) as source, closing(sqlite3.connect(db, timeout=30)) as target:
        found = target.execute("SELECT name FROM sqlite_master WHERE name = 'athletes'").fetchone()
        if found is not None and target.execute("SELECT count(*) FROM athletes").fetchone()[0]:
            raise _holds_a_log(db)
        source.backup(target)


def _remove_stale_staging(folder: Path) -> None:
    cutoff = clock.time() - _STALE_STAGING_S
    for old in folder.glob(f"{_STAGING[0]}*{_STAGING[1]}"):
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old)
        except OSError:
            pass


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
        # The noise is drawn every fourth week as before, so the season's random sequence stays the
        # same; the Kujala questionnaire is filled in at the start, in week 8 and at the end.
        noise = rng.normal(0, 2) if week % 4 == 0 or week == weeks - 1 else 0.0
        if week in (0, _KUJALA_WEEK, weeks - 1):
            score = int(np.clip(round(62 + 30 * frac * (1 if r.end_pain < r.start_pain else 0.2) + noise), 0, 100))
            out.append(OutcomeScore(when=_at(week_start + timedelta(days=6), 19), athlete=r.name,
                                    **kujala_answers(score)))
    out += _programmes(r, start, weeks)
    out += _notes(r, start)
    return out


#: The 0-based week of the second Kujala questionnaire ("week 8"), and of the harder programme ("week 6").
_KUJALA_WEEK = 7
_PROGRESSION_WEEK = 5
# Kujala items in the order a knee that hurts less answers them better: the demo's answers for a
# score lower these first.
_KUJALA_ORDER = ("stairs", "running", "jumping", "sitting", "squatting", "pain", "swelling", "kneecap", "limp",
                 "walking", "support", "atrophy", "flexion")


def kujala_answers(score: int) -> dict[str, int]:
    """A whole Kujala questionnaire (field -> the answer's points) scoring at most ``score`` and as
    close to it as the answers allow: the best answers, lowered item by item, a step at a time."""
    items = {item.key: item for item in KUJALA_ITEMS}
    steps = {key: 0 for key in items}  # how many answers below the best
    answers = {items[key].field: items[key].answers[0][0] for key in items}
    while kujala_total(answers) > score and any(steps[k] < len(items[k].answers) - 1 for k in items):
        for key in _KUJALA_ORDER:
            if kujala_total(answers) <= score:
                break
            if steps[key] < len(items[key].answers) - 1:
                steps[key] += 1
                answers[items[key].field] = items[key].answers[steps[key]][0]
    return answers


def _programmes(r: DemoRunner, start: date, weeks: int) -> list[Record]:
    """The physio's programme from the first day (3 sessions a week), and a harder one from week 6:
    a stronger band, more load and clamshells added."""
    first: list[tuple[str, dict[str, Any]]] = [("lateral band walk", dict(sets=1, duration_s=15.0, band="light")),
             ("single-leg deadlift", dict(sets=2, reps=10, load_kg=4.0)),
             ("foam-roller hip release", dict(sets=1, reps=3, hold_s=5.0))]
    harder: list[tuple[str, dict[str, Any]]] = [("lateral band walk", dict(sets=1, duration_s=15.0, band="medium")),
              ("single-leg deadlift", dict(sets=2, reps=10, load_kg=6.0)),
              ("foam-roller hip release", dict(sets=1, reps=3, hold_s=5.0)),
              ("clamshell", dict(sets=1, reps=15, band="medium"))]
    out: list[Record] = []
    for week, lines, note in ((0, first, "Start gently: quality over quantity."),
                              (_PROGRESSION_WEEK, harder, "Progressed: medium band, 6 kg, clamshells added.")):
        if week >= weeks:
            continue
        when = datetime.combine(start + timedelta(weeks=week), time())
        out += [Prescription(when=when, athlete=r.name, exercise=name, sessions_per_week=3, note=note, **dose)
                for name, dose in lines]
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
        # An easy release: RPE 3 every time (so it shows as ready to progress once done twice in a row).
        sets.append(StrengthSet(exercise="foam-roller hip release", reps=3, hold_s=5.0, rpe=3.0, **common))
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
    folder = locations.data_dir(data) / locations.DEMO_DIR_NAME
    demo = Store.open(folder)
    if not demo.athlete_names():
        demo.close()
        write_demo(folder)
        demo = Store.open(folder)
    demo.is_demo = True
    return demo
