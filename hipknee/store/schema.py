"""The SQL schema behind the store (SQLAlchemy Core), kept apart from the store's interface.

Every record table keeps the moment of the entry in ``at`` (the runner's local wall time, in her
``athletes.timezone``), names its athlete (and exercise) by id, and is soft-deleted through
``deleted_at`` so a delete can be undone. A run also keeps its start as a UTC instant
(``start_utc``); a file is imported once per runner (``ux_runs_athlete_file``).
Since schema 5 every row also has a global id (``uid``, unique in its table) and the time it last
changed (``updated_at``), both set by the store (see :mod:`.identity`); they are nullable only because
a migration adds them to existing tables.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)

from ..records.kujala import KUJALA_FIELDS

__all__ = ["SCHEMA_VERSION", "metadata", "TABLES", "meta"]

#: Bump with a migration in ``hipknee.migrations`` whenever the tables below change.
SCHEMA_VERSION = 7

metadata = MetaData()

meta = Table(
    "hipknee_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def _audit() -> list[Column]:
    return [
        Column("created_at", DateTime, nullable=False),
        Column("deleted_at", DateTime, nullable=True),
        # Schema 3: stable identities (see hipknee.store.identity).
        Column("uid", String(36), nullable=True),
        Column("updated_at", DateTime, nullable=True),
    ]


def _noted() -> list[Column]:
    return [
        Column("note", Text, nullable=False, default=""),
        Column("note_private", Boolean, nullable=False, default=False),
    ]


athletes = Table(
    "athletes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("body_mass_kg", Float),
    Column("involved_side", String(8)),
    # Schema 3: the IANA zone her times are kept and shown in.
    Column("timezone", String(64), nullable=False, server_default="UTC"),
    *_audit(),
)

exercises = Table(
    "exercises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("measure", String(8), nullable=False),
    Column("per_side", Boolean, nullable=False),
    Column("dose_sets", Integer),
    Column("dose_reps", Integer),
    Column("dose_seconds", Float),
    Column("target", Text, nullable=False, default=""),
    Column("how", Text, nullable=False, default=""),
    Column("builtin", Boolean, nullable=False, default=False),
    *_audit(),
)


def _athlete_fk() -> Column:
    return Column("athlete_id", Integer, ForeignKey("athletes.id"), nullable=False)


strength_sets = Table(
    "strength_sets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    Column("exercise_id", Integer, ForeignKey("exercises.id"), nullable=False),
    Column("side", String(8), nullable=False),
    Column("reps", Integer),
    Column("duration_s", Float),
    Column("hold_s", Float),
    Column("load_kg", Float),
    Column("band", String(16)),
    Column("rpe", Float),
    Column("session", String(64)),
    *_noted(),
    *_audit(),
    Index("ix_sets_athlete_at", "athlete_id", "at"),
    Index("ix_sets_session", "session"),
    # Schema 2: progress per exercise, and the foreign-key check when an exercise changes,
    # no longer scan every set.
    Index("ix_sets_exercise", "exercise_id"),
)

strength_tests = Table(
    "strength_tests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    Column("test", String(80), nullable=False),
    Column("side", String(8), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(8), nullable=False),
    *_noted(),
    *_audit(),
    Index("ix_tests_athlete_at", "athlete_id", "at"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    # Schema 4: NULL when unknown (a treadmill run recorded without a foot pod).
    Column("distance_km", Float),
    Column("duration_min", Float, nullable=False),
    Column("moving_min", Float),
    Column("rpe", Float),
    Column("surface", String(16)),
    Column("avg_hr", Float),
    Column("sport", String(40), nullable=False, default="running"),
    Column("source", String(16), nullable=False, default="manual"),
    Column("source_hash", String(128)),
    # Schema 3: the start as a UTC instant (duplicates are found on instants, not wall times).
    Column("start_utc", DateTime),
    *_noted(),
    *_audit(),
    Index("ix_runs_athlete_at", "athlete_id", "at"),
    Index("ix_runs_source_hash", "source_hash"),
    Index("ix_runs_athlete_start", "athlete_id", "start_utc"),
)
# Schema 4: one run per imported file (and per activity of a file) among a runner's runs that are
# not deleted, kept by the database itself so two imports at once cannot double it. Written as SQL
# (the same for SQLite and PostgreSQL) rather than as an Index with a where clause per dialect: those
# keywords make SQLAlchemy load its PostgreSQL dialect, a tenth of a second, on every import.
event.listen(runs, "after_create", DDL(
    "CREATE UNIQUE INDEX ux_runs_athlete_file ON runs (athlete_id, source_hash) "
    "WHERE deleted_at IS NULL AND source_hash IS NOT NULL"
))

pain_entries = Table(
    "pain_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    Column("knee", String(8), nullable=False),
    Column("nrs", Integer, nullable=False),
    Column("context", String(16), nullable=False),
    *_noted(),
    *_audit(),
    Index("ix_pain_athlete_at", "athlete_id", "at"),
)

outcome_scores = Table(
    "outcome_scores",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    Column("instrument", String(16), nullable=False),
    Column("score", Integer, nullable=False),
    # Schema 6: the Kujala questionnaire's answers (each item's points), empty for a bare score.
    *(Column(name, Integer) for name in KUJALA_FIELDS),
    *_noted(),
    *_audit(),
    Index("ix_outcomes_athlete_at", "athlete_id", "at"),
)

# Schema 7: a runner's hip programme, one row per exercise; a programme's rows share its day and id.
prescriptions = Table(
    "prescriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    _athlete_fk(),
    Column("exercise_id", Integer, ForeignKey("exercises.id"), nullable=False),
    Column("sets", Integer, nullable=False),
    Column("reps", Integer),
    Column("duration_s", Float),
    Column("hold_s", Float),
    Column("load_kg", Float),
    Column("band", String(16)),
    Column("sessions_per_week", Integer, nullable=False),
    Column("programme", String(64)),
    *_noted(),
    *_audit(),
    Index("ix_prescriptions_athlete_at", "athlete_id", "at"),
)

#: Record kind -> its table.
TABLES: dict[str, Table] = {
    "athlete": athletes,
    "exercise": exercises,
    "set": strength_sets,
    "test": strength_tests,
    "run": runs,
    "pain": pain_entries,
    "outcome": outcome_scores,
    "prescription": prescriptions,
}

# Schema 3: a record's global id is unique in its table (and found quickly when bundles merge).
for _table in TABLES.values():
    Index(f"ux_{_table.name}_uid", _table.c.uid, unique=True)
del _table
