"""When an imported run is already in a runner's log: the one rule, checked inside the write
transaction that would add it, so two imports at the same time cannot both add it.

A run is already there when the same file (its SHA-256, and the activity's number for a file of
several) was imported for the runner, or when one of her runs starts within :data:`SAME_START_S`
of it (as UTC instants, whatever zone each import ran in) and its distance is within
:data:`SAME_DISTANCE` (the same run exported by another app). When either distance is unknown,
the elapsed times must agree as closely instead. Deleted runs count too: a re-import never brings
back what the runner deleted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from .schema import runs

__all__ = ["SAME_DISTANCE", "SAME_START_S", "KnownRun", "find_known_run", "known_files", "lock_runner", "same_run"]

#: Two runs are the same when they start this close (s) ...
SAME_START_S = 120.0
#: ... and their distances (or, when a distance is unknown, elapsed times) differ by at most this fraction.
SAME_DISTANCE = 0.02

# pg_advisory_xact_lock(namespace, athlete id): the namespace keeps hipknee's locks apart from others'.
_LOCK_NAMESPACE = 0x68_6B  # "hk"


@dataclass(frozen=True)
class KnownRun:
    """A run in the log that an imported one duplicates: its id, start (the runner's local time),
    distance (km, None when unknown), whether it is deleted, and whether the same file matched."""

    id: int
    when: datetime
    distance_km: float | None
    deleted: bool
    same_file: bool


def _known(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def same_run(start_a: datetime, km_a: float | None, minutes_a: float,
             start_b: datetime, km_b: float | None, minutes_b: float) -> bool:
    """Whether two runs (UTC starts, km or None, elapsed min) are one run recorded twice."""
    if abs((start_a - start_b).total_seconds()) > SAME_START_S:
        return False
    km_a, km_b = _known(km_a), _known(km_b)
    if km_a is not None and km_b is not None:
        return abs(km_a - km_b) <= SAME_DISTANCE * max(km_a, km_b)
    return abs(minutes_a - minutes_b) <= SAME_DISTANCE * max(minutes_a, minutes_b)


def lock_runner(conn: Connection, athlete_id: int) -> None:
    """Serialise imports for one runner until the transaction ends.

    SQLite needs nothing more: its write transactions take the database's write lock up front
    (``BEGIN IMMEDIATE``). PostgreSQL takes a transaction-level advisory lock keyed on the runner.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:namespace, :athlete)"),
                     {"namespace": _LOCK_NAMESPACE, "athlete": int(athlete_id)})


def find_known_run(conn: Connection, athlete_id: int, source_hash: str | None, start_utc: datetime,
                   distance_km: float | None, duration_min: float) -> KnownRun | None:
    """The runner's run (deleted ones included) that this one duplicates, or None."""
    columns = (runs.c.id, runs.c.at, runs.c.distance_km, runs.c.deleted_at)
    if source_hash is not None:
        # A live run before a deleted one, so the message points at the run she sees.
        row = conn.execute(
            select(*columns).where(runs.c.athlete_id == athlete_id, runs.c.source_hash == source_hash)
            .order_by(runs.c.deleted_at.is_not(None), runs.c.id).limit(1)
        ).first()
        if row is not None:
            return KnownRun(row.id, row.at, _known(row.distance_km), row.deleted_at is not None, True)
    window = timedelta(seconds=SAME_START_S)
    near = conn.execute(
        select(*columns, runs.c.start_utc, runs.c.duration_min)
        .where(runs.c.athlete_id == athlete_id, runs.c.start_utc.between(start_utc - window, start_utc + window))
        .order_by(runs.c.deleted_at.is_not(None), runs.c.id)
    ).all()
    for run in near:
        if same_run(start_utc, distance_km, duration_min, run.start_utc, run.distance_km, run.duration_min):
            return KnownRun(run.id, run.at, _known(run.distance_km), run.deleted_at is not None, False)
    return None


def known_files(conn: Connection, athlete_id: int) -> dict[str, KnownRun]:
    """The runner's imported files (deleted runs included): file hash -> the run from it (a live
    run before a deleted one, as :func:`find_known_run` gives it). Lets an import pass over a file
    it has seen before without parsing it; the write transaction still has the last word."""
    rows = conn.execute(
        select(runs.c.source_hash, runs.c.id, runs.c.at, runs.c.distance_km, runs.c.deleted_at)
        .where(runs.c.athlete_id == athlete_id, runs.c.source_hash.is_not(None))
        .order_by(runs.c.deleted_at.is_not(None).desc(), runs.c.id.desc())
    ).all()
    # Later rows win: the first live run (lowest id) of each file is the one kept.
    return {row.source_hash: KnownRun(row.id, row.at, _known(row.distance_km), row.deleted_at is not None, True)
            for row in rows}
