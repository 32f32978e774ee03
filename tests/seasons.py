"""Seasons built for the purpose of testing every view as a log really grows: the demo season and
irregular ones (only runs, only knee pain, one side only, strength tests only, a three-week gap,
everything on one day, one knee only, no painful side set, two runners with one who logged
nothing), and their prefixes: the log as it stood N days after its first day."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import hipknee
from hipknee.records import Record
from hipknee.synthetic.demo import DEMO_START, make_demo

START = datetime(2026, 3, 2)  # a Monday
#: The cuts: how many days of the season each prefix holds (0: nothing yet).
CUTS = (0, 1, 2, 3, 6, 7, 8, 13, 14, 21, 35)
_TABLES = ("strength_sets", "strength_tests", "runs", "pain_entries", "outcome_scores")


def _day(n: int, hour: int = 18) -> datetime:
    return START + timedelta(days=n, hours=hour)


def _runs(name: str, days: range | list[int]) -> list[Record]:
    return [hipknee.Run(when=_day(d, 7), athlete=name, distance_km=5 + (d % 5), duration_min=30 + 2 * (d % 5), rpe=5)
            for d in days]


def _pain(name: str, days: range | list[int], knees: tuple[str, ...] = ("left", "right")) -> list[Record]:
    out: list[Record] = []
    for d in days:
        for knee in knees:
            base = 5 if knee == "right" else 2
            out.append(hipknee.PainEntry(when=_day(d, 19), athlete=name, knee=knee, nrs=max(0, base - d // 10),
                                         context="during"))
            out.append(hipknee.PainEntry(when=_day(d + 1, 7), athlete=name, knee=knee, nrs=max(0, base - 1 - d // 12),
                                         context="next_morning"))
    return out


def _sets(name: str, days: range | list[int], sides: tuple[str, ...] = ("left", "right")) -> list[Record]:
    return [hipknee.StrengthSet(when=_day(d), athlete=name, exercise="single-leg deadlift", side=side,
                                reps=10 if side == "left" else 7 + d // 7, load_kg=6)
            for d in days for side in sides]


def _tests(name: str, days: range | list[int], sides: tuple[str, ...] = ("left", "right")) -> list[Record]:
    return [hipknee.StrengthTest(when=_day(d, 17), athlete=name, test="hip abduction dynamometer", side=side,
                                 value=200 if side == "left" else 150 + 2 * d, unit="N")
            for d in days for side in sides]


def _athlete(name: str, involved: str | None = "right") -> Record:
    return hipknee.Athlete(name=name, body_mass_kg=60, involved_side=involved)


def _full(name: str, days: list[int], involved: str | None = "right") -> list[Record]:
    hip = [d for d in days if d % 7 in (0, 3)]
    return [_athlete(name, involved), *_runs(name, [d for d in days if d % 2 == 0]), *_pain(name, days),
            *_sets(name, hip), *_tests(name, [d for d in days if d % 7 == 1])]


SEASON_DAYS = list(range(42))
IRREGULAR: dict[str, Callable[[], list[Record]]] = {
    "only runs": lambda: [_athlete("Runa"), *_runs("Runa", range(0, 42, 2))],
    "only knee pain, one knee": lambda: [_athlete("Pia"), *_pain("Pia", range(42), knees=("right",))],
    "one side only": lambda: [_athlete("Sol"), *_sets("Sol", range(0, 42, 3), sides=("left",)),
                              *_tests("Sol", range(1, 42, 7), sides=("left",))],
    "strength tests only": lambda: [_athlete("Tess"), *_tests("Tess", range(0, 42, 4))],
    "three-week gap, no painful side set": lambda: _full("Gap", [d for d in SEASON_DAYS if not 4 <= d < 25],
                                                         involved=None),
    "everything on one day": lambda: _full("Una", [0]),
    "two runners, one with nothing": lambda: [*_full("Duo", SEASON_DAYS), _athlete("Quiet", None)],
}


def build_season(name: str, folder: Path) -> Path:
    """The whole season ``name`` (a key of :data:`IRREGULAR`, or "demo") in a store in ``folder``."""
    with hipknee.Store.open(folder) as store:
        if name == "demo":
            make_demo(store)
            assert DEMO_START == START.date()
        else:
            store.add_many(IRREGULAR[name]())
    return folder


def cut_season(full: Path, days: int, folder: Path) -> Path:
    """A copy of the season in ``full`` as it stood ``days`` days after its first day: the rows
    dated later are removed from the copy (runners stay: they were added before logging)."""
    shutil.copytree(full, folder)
    db = folder / "hipknee.db"
    before = (START + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(db) as conn:
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table} WHERE at >= ?", (before,))  # noqa: S608 - fixed table names
    shutil.rmtree(folder / "backups", ignore_errors=True)
    return folder
