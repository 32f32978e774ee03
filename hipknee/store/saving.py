"""Saving to the log: every record validated first, every save one transaction (all or nothing),
deletes soft and undoable, each record's global id and updated-at time set here; listeners hear
of each change. The writing half of :class:`~.store.Store`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..errors import ValidationError
from ..records.model import (
    RECORD_KINDS,
    Athlete,
    Entry,
    Exercise,
    Prescription,
    Record,
    Run,
    StrengthSet,
    check_set_against_exercise,
    validate_record,
)
from ..records.zones import utc_of
from . import sync
from .changes import Change, ChangeListeners
from .duplicates import KnownRun, find_known_run, known_files, lock_runner
from .engine import (
    inserted_id,
    read_connection,
    write_connection,
)
from .identity import new_session, new_uid, next_stamp
from .reading import KINDS, Reading, as_list, record_id
from .schema import TABLES


class Saving(Reading):
    """What a :class:`~.store.Store` saves, updates and deletes."""

    _listeners: ChangeListeners

    # -- writing -------------------------------------------------------------------------
    def add(self, record: Record | Mapping[str, Any], kind: str | None = None) -> int:
        """Validate and save one record in one transaction; returns its id."""
        return self.add_many([record], kind=kind)[0]

    def add_many(self, records: Iterable[Record | Mapping[str, Any]], kind: str | None = None, *,
                 runner: Athlete | Mapping[str, Any] | None = None) -> list[int]:
        """Validate every record first, then save them all in one transaction (all or nothing).

        ``runner``: the runner the records are for, added first in the same transaction unless a
        runner of her name is in the store (not deleted); when she is added, her id comes first in
        the ids returned. (A form saving a new runner's first session: no separate check that could
        be out of date by the time of the save.)"""
        checked = [self._validate(r, kind) for r in as_list(records, "records")]
        new_runner = None if runner is None else cast(Athlete, self._validate(runner, "athlete"))
        _give_sessions(checked)
        _give_programmes(checked)
        now = datetime.now()
        ids: list[int] = []
        with write_connection(self.engine, self._where) as conn:
            lookup = _Lookup(conn)
            if new_runner is not None and lookup.id_of("athlete", new_runner.name) is None:
                checked = [new_runner, *checked]
            for rec in checked:
                row = self._resolve(rec, lookup, conn)
                table = TABLES[rec.kind]
                values = {**self._row(rec, now, row), "uid": new_uid(), "updated_at": now}
                # The values as parameters of the table's plain INSERT, compiled once and cached:
                # an INSERT built with .values() is a new statement per row, ten times slower.
                result = conn.execute(table.insert(), values)
                ids.append(inserted_id(result))
                lookup.added(rec, ids[-1])
        if ids:
            kinds = tuple(dict.fromkeys(rec.kind for rec in checked))
            self._listeners.notify(Change("add", kinds, tuple(ids)))
        return ids

    def add_imported_runs(self, runs: Sequence[tuple[Run, datetime | None]]) -> list[int | KnownRun]:
        """Save runs read from one file, each with its start as an instant (aware, or naive UTC;
        None: its ``when`` in the runner's zone), in one write transaction, each unless it is
        already in its runner's log (:mod:`.duplicates`): per run, its new id or the run it
        duplicates.

        The check and the insert happen under the write lock, so two imports at once cannot both
        add a run; the database's unique index on a runner's file hashes backs this up.
        """
        checked = [(self._validate_run(r), start) for r, start in as_list(runs, "runs")]
        now = datetime.now()
        out: list[int | KnownRun] = []
        with write_connection(self.engine, self._where) as conn:
            lookup = _Lookup(conn)
            locked: set[int] = set()
            for rec, start in checked:
                values = self._row(rec, now, self._resolve(rec, lookup, conn, check_file=False, start_utc=start))
                if values["athlete_id"] not in locked:
                    lock_runner(conn, values["athlete_id"])
                    locked.add(values["athlete_id"])
                known = find_known_run(conn, values["athlete_id"], rec.source_hash, values["start_utc"],
                                       rec.distance_km, rec.duration_min)
                if known is not None:
                    out.append(known)
                    continue
                result = conn.execute(TABLES["run"].insert(), {**values, "uid": new_uid(), "updated_at": now})
                out.append(inserted_id(result))
        added = tuple(id for id in out if isinstance(id, int))
        if added:
            self._listeners.notify(Change("add", ("run",), added))
        return out

    def known_run(self, run: Run, start_utc: datetime | None = None) -> KnownRun | None:
        """The run of the log that ``run`` (starting at the instant ``start_utc``, see
        :meth:`add_imported_runs`) would duplicate, or None; reads only (an import's dry run)."""
        rec = self._validate_run(run)
        with read_connection(self.engine, self._where) as conn:
            values = self._resolve(rec, _Lookup(conn), conn, check_file=False, start_utc=start_utc)
            return find_known_run(conn, values["athlete_id"], rec.source_hash, values["start_utc"],
                                  rec.distance_km, rec.duration_min)

    def known_files(self, athlete: str) -> dict[str, KnownRun]:
        """The files imported for ``athlete`` (deleted runs included): file hash (the run's
        ``source_hash``) -> the run from it; empty for a runner not in the store."""
        with read_connection(self.engine, self._where) as conn:
            athlete_id = _Lookup(conn).id_of("athlete", athlete)
            return {} if athlete_id is None else known_files(conn, athlete_id)

    def set_programme(self, athlete: str, when: Any, exercises: Iterable[Mapping[str, Any]], *,
                      sessions_per_week: int, note: str = "", note_private: bool = False) -> str:
        """Save a new hip programme for ``athlete`` in force from ``when`` (a date) until a newer one:
        ``exercises`` as mappings of exercise name and dose (``exercise``, ``sets`` per side, ``reps``,
        ``duration_s``, ``hold_s``, ``load_kg``, ``band``), ``sessions_per_week`` hip sessions a week,
        the physio's ``note``. One transaction; returns the programme's id. Earlier programmes are
        kept (the history); the newest one from a day on is in force that day."""
        programme = new_session()
        rows = []
        for item in as_list(exercises, "exercises"):
            if not isinstance(item, Mapping):
                raise ValidationError("exercises", item, "a mapping of exercise and dose", record="prescription")
            rows.append({**item, "when": when, "athlete": athlete, "sessions_per_week": sessions_per_week,
                         "note": note, "note_private": note_private, "programme": programme})
        if not rows:
            raise ValidationError("exercises", [], "at least one exercise", record="prescription")
        self.add_many(rows, kind="prescription")
        return programme

    def add_session(self, sets: Iterable[Record | Mapping[str, Any]]) -> str:
        """Save the strength sets of one session together; returns the session id."""
        session = new_session()
        records = []
        for item in as_list(sets, "sets"):
            if not isinstance(item, (Record, Mapping)):
                raise ValidationError("set", item, "a mapping of set fields or a StrengthSet", record="session")
            data = item.model_dump() if isinstance(item, Record) else dict(item)
            data["session"] = session
            records.append(data)
        if not records:
            raise ValidationError("sets", [], "at least one set", record="session")
        self.add_many(records, kind="set")
        return session

    def update(self, kind: str, id: int, **changes: Any) -> None:
        """Change fields of one record; the whole changed record is validated again."""
        self.update_many(kind, {id: changes})

    def update_many(self, kind: str, changes: Mapping[int, Mapping[str, Any]]) -> None:
        """Change fields of several records of one kind (id -> field changes) in one transaction:
        every changed record is validated again, and either all are saved or none."""
        if not isinstance(changes, Mapping):
            raise ValidationError("changes", changes, f"a mapping of {kind} id -> field changes", record=kind)
        checked: list[tuple[int, Record]] = []
        for id, fields in changes.items():
            current = self.get(kind, record_id(kind, id))
            if not isinstance(fields, Mapping):
                raise ValidationError("changes", fields, "a mapping of field -> new value", record=kind)
            data = current.model_dump()
            data.update(fields)
            checked.append((int(id), self._validate(data, kind)))
        if not checked:
            return
        table = TABLES[kind]
        with write_connection(self.engine, self._where) as conn:
            for id, rec in checked:
                # A run's instant follows a new time or runner; otherwise it stays (an imported file's own).
                moved = kind == "run" and bool({"when", "athlete"} & set(changes[id]))
                row = self._resolve(rec, _Lookup(conn), conn, updating=id, derive_start=moved)
                values = self._row(rec, None, row)
                previous = conn.execute(select(table.c.updated_at).where(table.c.id == id)).scalar()
                values["updated_at"] = next_stamp(previous)
                conn.execute(table.update().where(table.c.id == id).values(**values))
        self._listeners.notify(Change("update", (kind,), tuple(id for id, _rec in checked)))

    def delete(self, kind: str, id: int) -> None:
        """Soft-delete one record (hidden from reads; :meth:`undelete` brings it back)."""
        self._set_deleted(kind, id, datetime.now())

    def undelete(self, kind: str, id: int) -> None:
        """Undo :meth:`delete`."""
        self._set_deleted(kind, id, None)

    def _set_deleted(self, kind: str, id: int, when: datetime | None) -> None:
        table = self._table(kind)
        id = record_id(kind, id)
        with write_connection(self.engine, self._where) as conn:
            found = conn.execute(select(table.c.id, table.c.updated_at).where(table.c.id == id)).first()
            if found is None:
                raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
            if kind == "run" and when is None:
                _check_file_once(conn, id)
            stamp = next_stamp(found.updated_at, when)
            deleted = None if when is None else stamp  # a delete is the record's latest change
            conn.execute(table.update().where(table.c.id == id).values(deleted_at=deleted, updated_at=stamp))
        self._listeners.notify(Change("delete" if when is not None else "undelete", (kind,), (id,)))

    def delete_session(self, session: str) -> int:
        """Soft-delete every set of one hip session (its ``session`` id) in one transaction; returns
        how many sets. :meth:`undelete_session` brings them back."""
        return self._set_session_deleted(session, datetime.now())

    def undelete_session(self, session: str) -> int:
        """Undo :meth:`delete_session`: bring back the sets its last delete took out, in one
        transaction (a set deleted on its own before that stays deleted); returns how many."""
        return self._set_session_deleted(session, None)

    def _set_session_deleted(self, session: str, when: datetime | None) -> int:
        table = TABLES["set"]
        if not isinstance(session, str) or not session.strip():
            raise ValidationError("session", session, "the session id of a saved hip session", record="set")
        with write_connection(self.engine, self._where) as conn:
            which: ColumnElement[bool] | None
            if when is not None:
                which = table.c.deleted_at.is_(None)
            else:
                # One delete stamps all its sets with the same moment: that moment marks them.
                last = conn.execute(select(func.max(table.c.deleted_at)).where(table.c.session == session)).scalar()
                which = table.c.deleted_at == last if last is not None else None
            found = [] if which is None else conn.execute(
                select(table.c.id, table.c.updated_at).where(table.c.session == session, which)).all()
            ids = [int(row[0]) for row in found]
            if not ids:
                state = "saved sets" if when is not None else "deleted sets"
                raise ValidationError("session", session, f"the session id of a hip session with {state}", record="set")
            # One moment marks every set of this delete (what its undo brings back); each set's
            # updated-at moves on from its own.
            conn.execute(table.update().where(table.c.id == bindparam("set_id")).values(
                deleted_at=when, updated_at=bindparam("stamp")),
                [{"set_id": int(id), "stamp": next_stamp(previous, when)} for id, previous in found])
        self._listeners.notify(Change("delete" if when is not None else "undelete", ("set",), tuple(ids)))
        return len(ids)

    def merge_rows(self, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> sync.MergeCounts:
        """Merge records in portable form (see :mod:`.sync`) in one transaction: new ones added,
        newer ones (by ``updated_at``) replacing older, deletes and undeletes carried over.
        Everything is validated first; a :class:`ValidationError` means nothing was written."""
        checked = sync.check_rows(rows)
        with write_connection(self.engine, self._where) as conn:
            return sync.merge_rows(conn, checked)

    # -- checks and rows -------------------------------------------------------------------
    @staticmethod
    def _validate_run(run: Run | Mapping[str, Any]) -> Run:
        rec = Saving._validate(run, "run")
        assert isinstance(rec, Run)  # _validate made a run or refused
        return rec

    @staticmethod
    def _validate(record: Record | Mapping[str, Any], kind: str | None) -> Record:
        if isinstance(record, Record):
            cls = type(record)
            if kind is not None and cls.kind != kind:
                raise ValidationError("kind", cls.kind, f"a {kind} record")
            return validate_record(cls, record)
        if kind is None:
            raise ValidationError("kind", None, "one of " + ", ".join(KINDS))
        Saving._table(kind)
        if not isinstance(record, Mapping):
            raise ValidationError("record", record, f"a mapping of {kind} fields or a record", record=kind)
        return validate_record(RECORD_KINDS[kind], dict(record))

    def _resolve(self, rec: Record, lookup: _Lookup, conn: Connection, updating: int | None = None,
                 *, check_file: bool = True, start_utc: datetime | None = None, derive_start: bool = True) -> dict[str, Any]:
        """Cross-record checks and name -> id lookups, inside the write transaction. A run gets
        its UTC start: ``start_utc`` when given, else its local time read in the runner's zone
        (on an update only when ``derive_start``)."""
        ids: dict[str, Any] = {}
        if isinstance(rec, (Athlete, Exercise)):
            other = lookup.id_of(rec.kind, rec.name)
            if other is not None and other != updating:
                raise ValidationError("name", rec.name, f"a name no other {rec.kind} has", record=rec.kind)
            # A deleted one keeps its name (the table's UNIQUE constraint), so it can be undeleted.
            table = TABLES[rec.kind]
            deleted = conn.execute(select(table.c.id).where(table.c.name == rec.name)).scalar()
            if deleted is not None and deleted != updating:
                raise ValidationError(
                    "name", rec.name, f"a name no other {rec.kind} has (a deleted one has it: undelete it instead)",
                    record=rec.kind,
                )
            return ids
        if not isinstance(rec, Entry):
            raise TypeError(f"not a record of the log: {type(rec).__name__}")
        athlete_id = lookup.id_of("athlete", rec.athlete)
        if athlete_id is None:
            known = lookup.names("athlete")
            raise ValidationError(
                "athlete", rec.athlete, "an athlete in the store: " + (", ".join(known) or "none yet, add one first"),
                record=rec.kind,
            )
        ids["athlete_id"] = athlete_id
        if isinstance(rec, (StrengthSet, Prescription)):
            ex = lookup.exercise(rec.exercise)
            if ex is None:
                raise ValidationError(
                    "exercise", rec.exercise, "an exercise in the catalogue: " + ", ".join(lookup.names("exercise")),
                    record=rec.kind,
                )
            ids["exercise_id"] = ex["id"]
            check_set_against_exercise(rec, ex)
        if isinstance(rec, Run):
            if start_utc is not None:
                ids["start_utc"] = utc_of(start_utc, "UTC")
            elif derive_start:
                ids["start_utc"] = utc_of(rec.when, lookup.zone_of(rec.athlete))
            if check_file and rec.source_hash is not None:
                _check_file_once(conn, updating, athlete_id, rec.source_hash)
        return ids

    @staticmethod
    def _row(rec: Record, now: datetime | None, ids: dict[str, Any] | None = None) -> dict[str, Any]:
        data = rec.model_dump()
        for name in ("athlete", "exercise"):
            if name in data and rec.kind not in ("athlete", "exercise"):
                data.pop(name)
        if "when" in data:
            data["at"] = data.pop("when")
        if now is not None:
            data["created_at"] = now
        data.update(ids or {})
        return data


def _give_programmes(records: list[Record]) -> None:
    """Prescriptions saved without a programme id get one: a programme per athlete and day among ``records``."""
    made: dict[tuple[str, datetime], str] = {}
    for rec in records:
        if isinstance(rec, Prescription) and not rec.programme:
            rec.programme = made.setdefault((rec.athlete, rec.when), new_session())


def _give_sessions(records: list[Record]) -> None:
    """Sets saved without a session get one: a session per athlete and moment among ``records``."""
    made: dict[tuple[str, datetime], str] = {}
    for rec in records:
        if isinstance(rec, StrengthSet) and not rec.session:
            rec.session = made.setdefault((rec.athlete, rec.when), new_session())


def _check_file_once(conn: Connection, id: int | None, athlete_id: int | None = None, digest: str | None = None) -> None:
    """Refuse a second live run of one runner from the same file (the schema's unique index would:
    this says which run has it). With only ``id``, checks that run's own file (an undelete)."""
    table = TABLES["run"]
    if athlete_id is None:
        athlete_id, digest = conn.execute(select(table.c.athlete_id, table.c.source_hash).where(table.c.id == id)).one()
        if digest is None:
            return
    other = conn.execute(
        select(table.c.id).where(table.c.athlete_id == athlete_id, table.c.source_hash == digest,
                                 table.c.deleted_at.is_(None), table.c.id != (id or 0))
    ).scalar()
    if other is not None:
        raise ValidationError("source_hash", digest, f"a file not yet in this runner's log (run {other} is from it)", record="run")


class _Lookup:
    """Name -> id lookups for one write transaction, loaded once, updated as rows are added."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._ids: dict[str, dict[str, int]] = {}  # kind -> every live name's id
        self._asked: dict[str, dict[str, int | None]] = {}  # kind -> the names asked for one by one
        self._exercises: dict[str, dict[str, Any]] | None = None
        self._zones: dict[str, str] | None = None

    def _load(self, kind: str) -> dict[str, int]:
        if kind not in self._ids:
            table = TABLES[kind]
            rows = self._conn.execute(select(table.c.name, table.c.id).where(table.c.deleted_at.is_(None)))
            self._ids[kind] = {name: id for name, id in rows}
        return self._ids[kind]

    def id_of(self, kind: str, name: str) -> int | None:
        if kind in self._ids:
            return self._ids[kind].get(name)
        # One name at a time until every name is wanted (an error's list): a session names one
        # runner, and a club's store has hundreds.
        asked = self._asked.setdefault(kind, {})
        if name not in asked:
            table = TABLES[kind]
            asked[name] = self._conn.execute(
                select(table.c.id).where(table.c.name == name, table.c.deleted_at.is_(None)).limit(1)).scalar()
        return asked[name]

    def zone_of(self, athlete: str) -> str:
        """The runner's time zone (IANA name)."""
        if self._zones is None:
            table = TABLES["athlete"]
            self._zones = dict(self._conn.execute(select(table.c.name, table.c.timezone)).all())
        return self._zones[athlete]

    def names(self, kind: str) -> list[str]:
        return sorted(self._load(kind))

    def exercise(self, name: str) -> dict[str, Any] | None:
        if self._exercises is None:
            table = TABLES["exercise"]
            rows = self._conn.execute(
                select(table.c.id, table.c.name, table.c.measure, table.c.per_side).where(table.c.deleted_at.is_(None))
            ).mappings()
            self._exercises = {r["name"]: dict(r) for r in rows}
        return self._exercises.get(name)

    def added(self, rec: Record, id: int) -> None:
        if isinstance(rec, (Athlete, Exercise)):
            if rec.kind in self._ids:
                self._ids[rec.kind][rec.name] = id
            self._asked.setdefault(rec.kind, {})[rec.name] = id
        if isinstance(rec, Athlete) and self._zones is not None:
            self._zones[rec.name] = rec.timezone
        if isinstance(rec, Exercise) and self._exercises is not None:
            self._exercises[rec.name] = {"id": id, **rec.model_dump(include={"name", "measure", "per_side"})}


