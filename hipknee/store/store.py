"""The store: what notebooks, forms, importers and analyses call to save and read a training log.

One embedded SQLite file by default (``DATA/hipknee.db``); a club's PostgreSQL database (``--url`` or
``$HIPKNEE_URL``) works the same way, its access rules enforced by the server (:mod:`.club`).
Every save is one transaction; deletes are soft and can be undone; reads return tidy pandas
DataFrames (datetimes, categoricals for side, knee and context).

Every record has a global id (``uid``) and an updated-at time the store sets on add, update,
delete and undelete (see :mod:`.identity`); :meth:`Store.portable_rows` and
:meth:`Store.merge_rows` move records between stores by those ids (what share bundles carry).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, bindparam, func, select, text
from sqlalchemy.engine import Connection

from ..errors import StoreError, ValidationError
from ..records.catalogue import BUILTIN_EXERCISES
from ..records.kujala import KUJALA_FIELDS
from ..records.model import (
    BANDS,
    KNEES,
    MEASURES,
    PAIN_CONTEXTS,
    RECORD_KINDS,
    SIDES,
    SOURCES,
    SURFACES,
    TEST_UNITS,
    Record,
    Run,
    check_set_against_exercise,
    validate_record,
)
from ..records.periods import period
from ..records.zones import utc_of
from . import locations as paths
from . import sync
from .backup import before_open
from .changes import Change, ChangeListeners, Listener, Subscription
from .duplicates import KnownRun, find_known_run, lock_runner
from .engine import (
    is_server,
    make_engine,
    parse_url,
    read_connection,
    shown_url,
    without_password,
    write_connection,
)
from .identity import builtin_uid, new_session, new_uid, next_stamp
from .migrations import table_names, upgrade
from .schema import SCHEMA_VERSION, TABLES, meta, metadata

__all__ = ["KINDS", "Store", "open_store"]

KINDS: tuple[str, ...] = tuple(TABLES)

# Fixed categories so every frame has the same levels whatever rows it holds.
_CATEGORIES: dict[str, tuple[str, ...]] = {
    "side": SIDES,
    "knee": KNEES,
    "context": PAIN_CONTEXTS,
    "measure": MEASURES,
    "band": BANDS,
    "surface": SURFACES,
    "source": SOURCES,
    "unit": TEST_UNITS,
    "involved_side": KNEES,
}
_NULLABLE_INTS = {"reps", "dose_sets", "dose_reps", *KUJALA_FIELDS}
# Record kinds that name an exercise (by id in the table, by name in the record).
_OF_EXERCISE = ("set", "prescription")
_BOOLS = {"note_private", "per_side", "builtin"}
_NAME_CATEGORIES = {"athlete", "exercise"}
# A PostgreSQL advisory lock key (any fixed number): held while an empty database gets its tables.
_CREATE_LOCK = 0x6869_706B_6E65


def open_store(data: str | os.PathLike[str] | None = None, *, url: str | None = None) -> "Store":
    """Open (creating if needed) the store at ``url``, in ``data``, or where ``$HIPKNEE_URL`` /
    ``$HIPKNEE_DATA`` say (see :meth:`Store.open`)."""
    return Store.open(data, url=url)


class Store:
    """A runner's (or a squad's) training log.

    Use :meth:`open` rather than the constructor. Record kinds are ``athlete``, ``exercise``,
    ``set``, ``test``, ``run``, ``pain`` and ``outcome``.
    """

    def __init__(self, engine: Engine, *, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        # What messages name: the file, or the server's URL with any password masked.
        self._where: Path | str = path if path is not None else shown_url(engine.url)
        #: True when this is the demo season rather than a runner's own log.
        self.is_demo = False
        self._listeners = ChangeListeners()

    # -- change notification --------------------------------------------------------------
    def on_change(self, callback: Listener) -> Subscription:
        """Call ``callback(change)`` after every committed write through this store object (add,
        add_many, add_session, update, update_many, delete, undelete, delete_session,
        undelete_session); ``change`` is a :class:`hipknee.store.changes.Change` (action, kinds,
        ids). Returns a handle whose ``cancel()`` unsubscribes.

        The store refers to ``callback`` weakly, so a widget that subscribes its own method can
        still be garbage-collected; a lambda or plain function lives as long as the returned handle.
        An exception in a callback becomes a warning (the write is already saved)."""
        return self._listeners.add(callback)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, data: str | os.PathLike[str] | None = None, *, url: str | None = None) -> "Store":
        """Open the store at the database ``url`` (a club's ``postgresql+psycopg://USER@HOST:PORT/DB``,
        or ``sqlite:///FILE``), else in the data directory ``data`` (made if missing), else at
        ``$HIPKNEE_URL``, else in ``$HIPKNEE_DATA`` or the project's ``data/``."""
        url = paths.store_url(url, data)
        parsed = parse_url(url) if url is not None else None
        path: Path | None = None
        if parsed is None:
            path = paths.db_path(data)
        elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database).expanduser()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Refuse a damaged file untouched; back up before a migration and once a day.
            before_open(path)
            parsed = parse_url(f"sqlite:///{path}")
        store = cls(make_engine(parsed), path=path)
        try:
            store._prepare()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def where(self) -> str:
        """Where the store is, as messages name it: the file, or the URL with any password masked."""
        return str(self._where)

    @property
    def url(self) -> str:
        """The store's database URL without any password (a server's comes from ``~/.pgpass``)."""
        if self.path is not None:
            return f"sqlite:///{self.path}"
        return without_password(self.engine.url).render_as_string(hide_password=False)

    def _prepare(self) -> None:
        with write_connection(self.engine, self._where) as conn:
            if is_server(self.engine):
                # Two first opens of an empty club database create its tables once.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
            tables = table_names(conn)
            if not tables:
                metadata.create_all(conn)
                conn.execute(meta.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}])
                now = datetime.now()
                conn.execute(
                    TABLES["exercise"].insert(),
                    [{**self._row(e, now), "uid": builtin_uid(e.name), "updated_at": now} for e in BUILTIN_EXERCISES],
                )
                return
            if meta.name not in tables:
                what = "database" if is_server(self.engine) else "file"
                raise StoreError(self._where, f"this {what} is not a hipknee store (it has other tables)")
            version = self._schema_version(conn)
        if version != SCHEMA_VERSION:
            upgrade(self.engine, version, self.path)

    @staticmethod
    def _schema_version(conn: Connection) -> int:
        value = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return -1

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with read_connection(self.engine, self._where) as conn:
            return self._schema_version(conn)

    def close(self) -> None:
        """Release the database connections (the store can be opened again later)."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self._where)!r})"

    # -- writing -------------------------------------------------------------------------
    def add(self, record: Record | Mapping[str, Any], kind: str | None = None) -> int:
        """Validate and save one record in one transaction; returns its id."""
        return self.add_many([record], kind=kind)[0]

    def add_many(self, records: Iterable[Record | Mapping[str, Any]], kind: str | None = None) -> list[int]:
        """Validate every record first, then save them all in one transaction (all or nothing)."""
        checked = [self._validate(r, kind) for r in _items(records, "records")]
        _give_sessions(checked)
        _give_programmes(checked)
        now = datetime.now()
        ids: list[int] = []
        with write_connection(self.engine, self._where) as conn:
            lookup = _Lookup(conn)
            for rec in checked:
                row = self._resolve(rec, lookup, conn)
                table = TABLES[rec.kind]
                values = {**self._row(rec, now, row), "uid": new_uid(), "updated_at": now}
                result = conn.execute(table.insert().values(**values))
                ids.append(int(result.inserted_primary_key[0]))
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
        checked = [(self._validate(r, "run"), start) for r, start in _items(runs, "runs")]
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
                known = find_known_run(conn, values["athlete_id"], rec.source_hash, values["start_utc"],  # type: ignore[attr-defined]
                                       rec.distance_km, rec.duration_min)  # type: ignore[attr-defined]
                if known is not None:
                    out.append(known)
                    continue
                result = conn.execute(TABLES["run"].insert().values(**values, uid=new_uid(), updated_at=now))
                out.append(int(result.inserted_primary_key[0]))
        added = tuple(id for id in out if isinstance(id, int))
        if added:
            self._listeners.notify(Change("add", ("run",), added))
        return out

    def known_run(self, run: Run, start_utc: datetime | None = None) -> KnownRun | None:
        """The run of the log that ``run`` (starting at the instant ``start_utc``, see
        :meth:`add_imported_runs`) would duplicate, or None; reads only (an import's dry run)."""
        rec = self._validate(run, "run")
        with read_connection(self.engine, self._where) as conn:
            values = self._resolve(rec, _Lookup(conn), conn, check_file=False, start_utc=start_utc)
            return find_known_run(conn, values["athlete_id"], rec.source_hash, values["start_utc"],  # type: ignore[attr-defined]
                                  rec.distance_km, rec.duration_min)  # type: ignore[attr-defined]

    def add_session(self, sets: Iterable[Record | Mapping[str, Any]]) -> str:
        """Save the strength sets of one session together; returns the session id."""
        session = new_session()
        records = []
        for item in _items(sets, "sets"):
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
            current = self.get(kind, _record_id(kind, id))
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
        id = _record_id(kind, id)
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

    # -- reading -------------------------------------------------------------------------
    def get(self, kind: str, id: int) -> Record:
        """One record by id (deleted ones too), as its typed record."""
        frame = self.read(kind, include_deleted=True, ids=[_record_id(kind, id)])
        if frame.empty:
            raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
        row = frame.iloc[0].to_dict()
        cls = RECORD_KINDS[kind]
        data = {name: _plain(row.get(name)) for name in cls.model_fields if name in row}
        # Empty values are left to the defaults, but a required field that may be empty (a run's
        # unknown distance) keeps its None.
        return cls.model_construct(**{k: v for k, v in data.items() if v is not None or cls.model_fields[k].is_required()})

    def read(
        self,
        kind: str,
        *,
        athlete: str | None = None,
        start: Any = None,
        end: Any = None,
        include_deleted: bool = False,
        ids: Iterable[int] | None = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Rows of one kind as a typed DataFrame, oldest first; ``start``/``end`` bound ``when``
        (end inclusive, dates mean whole days). ``columns`` reads only those columns (quicker on
        a big store)."""
        table = self._table(kind)
        if athlete is not None and not isinstance(athlete, str):
            raise ValidationError("athlete", athlete, "an athlete's name, or None for all")
        start, end = period(start, end)
        athletes = TABLES["athlete"]
        exercises = TABLES["exercise"]
        if kind in ("athlete", "exercise"):
            cols = [c for c in table.c if c.name not in ("created_at", "deleted_at")]
            if include_deleted:
                cols.append(table.c.deleted_at)
            stmt = select(*cols)
            conds = [] if include_deleted else [table.c.deleted_at.is_(None)]
            if kind == "athlete" and athlete is not None:
                conds.append(table.c.name == athlete)
            order = [table.c.id]
        else:
            skip = {"at", "athlete_id", "exercise_id", "created_at", "deleted_at"}
            cols = [table.c.id, table.c.at.label("when"), athletes.c.name.label("athlete")]
            joined = table.join(athletes, table.c.athlete_id == athletes.c.id)
            if kind in _OF_EXERCISE:
                cols += [exercises.c.name.label("exercise"), exercises.c.measure]
                if kind == "prescription":
                    cols.append(exercises.c.per_side)
                joined = joined.join(exercises, table.c.exercise_id == exercises.c.id)
            cols += [c for c in table.c if c.name not in skip and c.name != "id"]
            if include_deleted:
                cols.append(table.c.deleted_at)
            stmt = select(*cols).select_from(joined)
            conds = []
            if not include_deleted:
                conds += [table.c.deleted_at.is_(None), athletes.c.deleted_at.is_(None)]
            if athlete is not None:
                conds.append(athletes.c.name == athlete)
            if start is not None:
                conds.append(table.c.at >= start.to_pydatetime())
            if end is not None:
                conds.append(table.c.at <= end.to_pydatetime())
            order = [table.c.at, table.c.id]
        if ids is not None:
            conds.append(table.c.id.in_(list(ids)))
        if columns is not None:
            stmt = stmt.with_only_columns(*_only(stmt, columns, kind), maintain_column_froms=True)
        if conds:
            stmt = stmt.where(and_(*conds))
        stmt = stmt.order_by(*order)
        with read_connection(self.engine, self._where) as conn:
            result = conn.execute(stmt)
            # The driver's plain rows into pandas in one go: on a million rows several times
            # quicker than Row objects; _typed gives every column its type (timestamps included).
            frame = pd.DataFrame.from_records(result.cursor.fetchall(), columns=list(result.keys()))
        return _typed(frame)

    def athletes(self, **kw: Any) -> pd.DataFrame:
        """Athletes: name, body mass (kg), involved side, time zone (IANA name)."""
        return self.read("athlete", **kw)

    def exercises(self, **kw: Any) -> pd.DataFrame:
        """The exercise catalogue with prescribed doses."""
        return self.read("exercise", **kw)

    def sets(self, **kw: Any) -> pd.DataFrame:
        """Strength sets: exercise, measure, side, reps, duration_s, hold_s, load_kg, band, rpe."""
        return self.read("set", **kw)

    def tests(self, **kw: Any) -> pd.DataFrame:
        """Strength tests: test, side, value, unit."""
        return self.read("test", **kw)

    def runs(self, **kw: Any) -> pd.DataFrame:
        """Runs: distance_km (NaN when unknown), duration_min, moving_min, rpe, surface, avg_hr,
        source, start_utc (the start as a UTC instant; ``when`` is the runner's local time)."""
        return self.read("run", **kw)

    def pain(self, **kw: Any) -> pd.DataFrame:
        """Pain entries: knee, nrs (0-10), context."""
        return self.read("pain", **kw)

    def outcomes(self, **kw: Any) -> pd.DataFrame:
        """Outcome scores (Kujala 0-100), with each item's answer (its points) when the questionnaire was filled in."""
        return self.read("outcome", **kw)

    def latest_sets(self, athlete: str, exercises: Iterable[str]) -> pd.DataFrame:
        """One runner's latest sets of each of ``exercises`` and each of its sides: the sets logged
        at the latest moment that has that exercise and side (the sets of one session share their
        moment), oldest id first; columns as :meth:`sets` without the notes. The log is read
        backwards from its newest entry only as far as needed, so this stays quick on a long log."""
        if not isinstance(athlete, str):
            raise ValidationError("athlete", athlete, "an athlete's name")
        names = [name for name in _items(exercises, "exercises") if isinstance(name, str)]
        sets, athletes, catalogue = TABLES["set"], TABLES["athlete"], TABLES["exercise"]
        columns = [sets.c.id, sets.c.at.label("when"), catalogue.c.name.label("exercise"), catalogue.c.measure,
                   sets.c.side, sets.c.reps, sets.c.duration_s, sets.c.hold_s, sets.c.load_kg, sets.c.band,
                   sets.c.rpe, sets.c.session]
        found: list[Any] = []
        with read_connection(self.engine, self._where) as conn:
            athlete_id = conn.execute(
                select(athletes.c.id).where(athletes.c.name == athlete, athletes.c.deleted_at.is_(None))
            ).scalar()
            known = conn.execute(
                select(catalogue.c.id, catalogue.c.per_side).where(catalogue.c.name.in_(names), catalogue.c.deleted_at.is_(None))
            ).all()
            wanted = {(ex, side) for ex, per_side in known for side in (("left", "right") if per_side else ("both",))}
            stmt = (
                select(sets.c.exercise_id, *columns)
                .select_from(sets.join(catalogue, sets.c.exercise_id == catalogue.c.id))
                .where(sets.c.athlete_id == athlete_id, sets.c.deleted_at.is_(None),
                       sets.c.exercise_id.in_([ex for ex, _ in known]))
                .order_by(sets.c.at.desc(), sets.c.id.desc())
            )
            latest: dict[tuple[int, str], Any] = {}
            seen: set[int] = set()
            boundary, limit = None, 64
            while athlete_id is not None and wanted:
                page = conn.execute(stmt.limit(limit) if boundary is None else stmt.where(sets.c.at <= boundary).limit(limit)).all()
                for row in page:
                    if row.id in seen:
                        continue
                    seen.add(row.id)
                    if latest.setdefault((row.exercise_id, row.side), row.when) == row.when:
                        found.append(row[1:])
                if len(page) < limit:
                    break  # the start of the log
                boundary = page[-1].when
                if len(latest) == len(wanted) and all(moment > boundary for moment in latest.values()):
                    break  # past the latest moment of every exercise and side
                limit *= 4  # rows at the boundary come again; a larger page always gets past them
        frame = pd.DataFrame.from_records(found, columns=[c.name for c in columns]).sort_values("id", ignore_index=True)
        return _typed(frame)

    def set_programme(self, athlete: str, when: Any, exercises: Iterable[Mapping[str, Any]], *,
                      sessions_per_week: int, note: str = "", note_private: bool = False) -> str:
        """Save a new hip programme for ``athlete`` in force from ``when`` (a date) until a newer one:
        ``exercises`` as mappings of exercise name and dose (``exercise``, ``sets`` per side, ``reps``,
        ``duration_s``, ``hold_s``, ``load_kg``, ``band``), ``sessions_per_week`` hip sessions a week,
        the physio's ``note``. One transaction; returns the programme's id. Earlier programmes are
        kept (the history); the newest one from a day on is in force that day."""
        programme = new_session()
        rows = []
        for item in _items(exercises, "exercises"):
            if not isinstance(item, Mapping):
                raise ValidationError("exercises", item, "a mapping of exercise and dose", record="prescription")
            rows.append({**item, "when": when, "athlete": athlete, "sessions_per_week": sessions_per_week,
                         "note": note, "note_private": note_private, "programme": programme})
        if not rows:
            raise ValidationError("exercises", [], "at least one exercise", record="prescription")
        self.add_many(rows, kind="prescription")
        return programme

    def programmes(self, **kw: Any) -> pd.DataFrame:
        """Prescriptions, one row per exercise of each programme (the history included): when (the
        day it starts), athlete, exercise, measure, sets, reps, duration_s, hold_s, load_kg, band,
        sessions_per_week, programme (its id), note."""
        return self.read("prescription", **kw)

    def athlete_names(self) -> list[str]:
        """Names of the athletes in the store, in the order they were added."""
        return self.athletes()["name"].tolist()

    def exercise_names(self) -> list[str]:
        """Names of the exercises in the catalogue."""
        return self.exercises()["name"].tolist()

    def sessions(self, *, athlete: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
        """Hip sessions, oldest first: ``session`` (the global id its sets share), athlete, when (its
        first set), sets (how many, not deleted) and ``updated_at`` (the latest change to any of its
        sets, deletes included). A session whose sets are all deleted shows only with ``include_deleted``."""
        sets = self.read("set", athlete=athlete, include_deleted=True,
                         columns=["when", "athlete", "session", "updated_at", "deleted_at"])
        live = sets["deleted_at"].isna()
        grouped = sets.assign(live=live).groupby("session", sort=False, observed=True)
        frame = pd.DataFrame({
            "athlete": grouped["athlete"].first().astype(object),
            "when": grouped["when"].min(),
            "sets": grouped["live"].sum().astype("int64"),
            "updated_at": grouped["updated_at"].max(),
        }).rename_axis("session").reset_index()
        if not include_deleted:
            frame = frame[frame["sets"] > 0]
        frame["athlete"] = frame["athlete"].astype("category")
        return frame.sort_values(["when", "session"], kind="stable").reset_index(drop=True)

    def count(self, kind: str, *, include_deleted: bool = False) -> int:
        """How many records of a kind the store holds."""
        table = self._table(kind)
        clause = "" if include_deleted else " WHERE deleted_at IS NULL"
        with read_connection(self.engine, self._where) as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table.name}{clause}")).scalar() or 0)

    # -- records by global id --------------------------------------------------------------
    def portable_rows(self, athlete: str, *, start: Any = None, end: Any = None) -> dict[str, list[dict[str, Any]]]:
        """One runner's records (deleted ones too, so deletes travel) in the portable form of
        :mod:`.sync`: per kind, rows keyed by global id, athletes and exercises named by uid.
        ``start``/``end`` bound ``when`` as in :meth:`read`; the exercises are those her sets use."""
        if not isinstance(athlete, str):
            raise ValidationError("athlete", athlete, "an athlete's name")
        start, end = period(start, end)
        with read_connection(self.engine, self._where) as conn:
            return sync.portable_rows(
                conn, athlete,
                start=None if start is None else start.to_pydatetime(),
                end=None if end is None else end.to_pydatetime(),
                where=self._where,
            )

    def merge_rows(self, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> sync.MergeCounts:
        """Merge records in portable form (see :mod:`.sync`) in one transaction: new ones added,
        newer ones (by ``updated_at``) replacing older, deletes and undeletes carried over.
        Everything is validated first; a :class:`ValidationError` means nothing was written."""
        checked = sync.check_rows(rows)
        with write_connection(self.engine, self._where) as conn:
            return sync.merge_rows(conn, checked)

    # -- internals -----------------------------------------------------------------------
    @staticmethod
    def _table(kind: str):  # noqa: ANN205
        try:
            return TABLES[kind]
        except (KeyError, TypeError):
            raise ValidationError("kind", kind, "one of " + ", ".join(KINDS)) from None

    @staticmethod
    def _validate(record: Record | Mapping[str, Any], kind: str | None) -> Record:
        if isinstance(record, Record):
            cls = type(record)
            if kind is not None and cls.kind != kind:
                raise ValidationError("kind", cls.kind, f"a {kind} record")
            return validate_record(cls, record)
        if kind is None:
            raise ValidationError("kind", None, "one of " + ", ".join(KINDS))
        Store._table(kind)
        if not isinstance(record, Mapping):
            raise ValidationError("record", record, f"a mapping of {kind} fields or a record", record=kind)
        return validate_record(RECORD_KINDS[kind], dict(record))

    def _resolve(self, rec: Record, lookup: "_Lookup", conn: Connection, updating: int | None = None,
                 *, check_file: bool = True, start_utc: datetime | None = None, derive_start: bool = True) -> dict[str, Any]:
        """Cross-record checks and name -> id lookups, inside the write transaction. A run gets
        its UTC start: ``start_utc`` when given, else its local time read in the runner's zone
        (on an update only when ``derive_start``)."""
        ids: dict[str, Any] = {}
        if rec.kind in ("athlete", "exercise"):
            other = lookup.id_of(rec.kind, rec.name)  # type: ignore[attr-defined]
            if other is not None and other != updating:
                raise ValidationError("name", rec.name, f"a name no other {rec.kind} has", record=rec.kind)  # type: ignore[attr-defined]
            # A deleted one keeps its name (the table's UNIQUE constraint), so it can be undeleted.
            table = TABLES[rec.kind]
            deleted = conn.execute(select(table.c.id).where(table.c.name == rec.name)).scalar()  # type: ignore[attr-defined]
            if deleted is not None and deleted != updating:
                raise ValidationError(
                    "name", rec.name, f"a name no other {rec.kind} has (a deleted one has it: undelete it instead)",  # type: ignore[attr-defined]
                    record=rec.kind,
                )
            return ids
        athlete_id = lookup.id_of("athlete", rec.athlete)  # type: ignore[attr-defined]
        if athlete_id is None:
            known = lookup.names("athlete")
            raise ValidationError(
                "athlete", rec.athlete, "an athlete in the store: " + (", ".join(known) or "none yet, add one first"),  # type: ignore[attr-defined]
                record=rec.kind,
            )
        ids["athlete_id"] = athlete_id
        if rec.kind in _OF_EXERCISE:
            ex = lookup.exercise(rec.exercise)  # type: ignore[attr-defined]
            if ex is None:
                raise ValidationError(
                    "exercise", rec.exercise, "an exercise in the catalogue: " + ", ".join(lookup.names("exercise")),  # type: ignore[attr-defined]
                    record=rec.kind,
                )
            ids["exercise_id"] = ex["id"]
            check_set_against_exercise(rec, ex)
        if rec.kind == "run":
            if start_utc is not None:
                ids["start_utc"] = utc_of(start_utc, "UTC")
            elif derive_start:
                ids["start_utc"] = utc_of(rec.when, lookup.zone_of(rec.athlete))  # type: ignore[attr-defined]
            if check_file and rec.source_hash is not None:  # type: ignore[attr-defined]
                _check_file_once(conn, updating, athlete_id, rec.source_hash)  # type: ignore[attr-defined]
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
        if rec.kind == "prescription" and not rec.programme:  # type: ignore[attr-defined]
            key = (rec.athlete, rec.when)  # type: ignore[attr-defined]
            rec.programme = made.setdefault(key, new_session())  # type: ignore[attr-defined]


def _give_sessions(records: list[Record]) -> None:
    """Sets saved without a session get one: a session per athlete and moment among ``records``."""
    made: dict[tuple[str, datetime], str] = {}
    for rec in records:
        if rec.kind == "set" and not rec.session:  # type: ignore[attr-defined]
            key = (rec.athlete, rec.when)  # type: ignore[attr-defined]
            rec.session = made.setdefault(key, new_session())  # type: ignore[attr-defined]


def _items(values: Any, name: str) -> list[Any]:
    """``values`` as a list; a :class:`ValidationError` when it is not a collection of records."""
    if isinstance(values, (str, bytes, Mapping, Record)) or not isinstance(values, Iterable):
        raise ValidationError(name, values, "a list of records")
    return list(values)


# SQLite's integers are 64-bit; a larger id cannot name a row.
_MAX_ID = 2**63 - 1


def _record_id(kind: str, id: Any) -> int:
    # numbers.Integral: ids taken from a DataFrame are numpy integers.
    if isinstance(id, (bool, np.bool_)) or not isinstance(id, numbers.Integral) or not 0 < id <= _MAX_ID:
        raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
    return int(id)


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
        self._ids: dict[str, dict[str, int]] = {}
        self._exercises: dict[str, dict[str, Any]] | None = None
        self._zones: dict[str, str] | None = None

    def _load(self, kind: str) -> dict[str, int]:
        if kind not in self._ids:
            table = TABLES[kind]
            rows = self._conn.execute(select(table.c.name, table.c.id).where(table.c.deleted_at.is_(None)))
            self._ids[kind] = {name: id for name, id in rows}
        return self._ids[kind]

    def id_of(self, kind: str, name: str) -> int | None:
        return self._load(kind).get(name)

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
        if rec.kind in ("athlete", "exercise"):
            self._load(rec.kind)[rec.name] = id  # type: ignore[attr-defined]
            if rec.kind == "athlete" and self._zones is not None:
                self._zones[rec.name] = rec.timezone  # type: ignore[attr-defined]
            if rec.kind == "exercise" and self._exercises is not None:
                self._exercises[rec.name] = {"id": id, **rec.model_dump(include={"name", "measure", "per_side"})}  # type: ignore[attr-defined]


def _only(stmt: Any, columns: Iterable[str], kind: str) -> list[Any]:
    """The selected columns named in ``columns``, in the usual order."""
    if isinstance(columns, str):
        columns = [columns]
    wanted = set(columns)
    selected = list(stmt.selected_columns)
    known = [c.name for c in selected]
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValidationError("columns", unknown[0], f"columns of a {kind}: " + ", ".join(known), record=kind)
    return [c for c in selected if c.name in wanted]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a raw query result tidy dtypes."""
    for col in frame.columns:
        if col in ("when", "deleted_at", "start_utc", "updated_at"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601") if len(frame) else pd.Series(dtype="datetime64[ns]")
        elif col in _CATEGORIES:
            frame[col] = pd.Categorical(frame[col], categories=list(_CATEGORIES[col]))
        elif col in _NAME_CATEGORIES:
            frame[col] = frame[col].astype("category")
        elif col in _NULLABLE_INTS:
            frame[col] = pd.array(frame[col], dtype="Int64")
        elif col in _BOOLS:
            frame[col] = frame[col].astype(bool)
        elif col in ("id", "nrs", "score", "sets", "sessions_per_week"):
            frame[col] = frame[col].astype("int64")
        elif col in ("name", "note", "test", "sport", "session", "source_hash", "target", "how", "instrument", "timezone", "uid",
                     "programme"):
            frame[col] = frame[col].astype(object)
        else:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame


def _plain(value: Any) -> Any:
    """A DataFrame cell back to a plain Python value for a record."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value
