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
from .coach_seasons import PLAN, profile, season_rows

__all__ = ["COACH_END", "CoachStoreSize", "coach_names", "make_coach_store"]

#: The Monday after the last generated day.
COACH_END = date(2025, 12, 29)

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
    profiles = [profile(seed, i, names[i]) for i in range(runners)]
    store.add_many(
        [Athlete(name=p.name, body_mass_kg=p.body_mass_kg, involved_side=p.weaker) for p in profiles]
    )
    athlete_ids = dict(zip(store.athletes()["name"], store.athletes()["id"]))
    exercise_ids = dict(zip(store.exercises()["name"], store.exercises()["id"]))
    missing = [ex for ex, _, _ in PLAN if ex not in exercise_ids]
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
                    rows = season_rows(p, start, seasons, weeks, exercise_ids)
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

