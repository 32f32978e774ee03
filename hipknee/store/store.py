"""The store: what notebooks, forms, importers and analyses call to save and read a training log.

One embedded SQLite file by default (``DATA/hipknee.db``); a club's PostgreSQL database (``--url`` or
``$HIPKNEE_URL``) works the same way, its access rules enforced by the server (:mod:`.club`).
Every save is one transaction; deletes are soft and can be undone; reads return tidy pandas
DataFrames (datetimes, categoricals for side, knee and context).
"""

from __future__ import annotations

import numbers
import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, select, text
from sqlalchemy.engine import Connection

from ..errors import StoreError, ValidationError
from ..records.catalogue import BUILTIN_EXERCISES
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
    validate_record,
)
from . import locations as paths
from .backup import before_open
from .engine import is_server, make_engine, parse_url, read_connection, shown_url, without_password, write_connection
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
_NULLABLE_INTS = {"reps", "dose_sets", "dose_reps"}
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
                    [self._row(e, now) for e in BUILTIN_EXERCISES],
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
        now = datetime.now()
        ids: list[int] = []
        with write_connection(self.engine, self._where) as conn:
            lookup = _Lookup(conn)
            for rec in checked:
                row = self._resolve(rec, lookup, conn)
                table = TABLES[rec.kind]
                result = conn.execute(table.insert().values(**self._row(rec, now, row)))
                ids.append(int(result.inserted_primary_key[0]))
                lookup.added(rec, ids[-1])
        return ids

    def add_session(self, sets: Iterable[Record | Mapping[str, Any]]) -> str:
        """Save the strength sets of one session together; returns the session id."""
        session = uuid.uuid4().hex
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
        current = self.get(kind, _record_id(kind, id))
        data = current.model_dump()
        data.update(changes)
        rec = self._validate(data, kind)
        with write_connection(self.engine, self._where) as conn:
            row = self._resolve(rec, _Lookup(conn), conn, updating=id)
            values = self._row(rec, None, row)
            table = TABLES[kind]
            conn.execute(table.update().where(table.c.id == id).values(**values))

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
            found = conn.execute(select(table.c.id).where(table.c.id == id)).first()
            if found is None:
                raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
            conn.execute(table.update().where(table.c.id == id).values(deleted_at=when))

    # -- reading -------------------------------------------------------------------------
    def get(self, kind: str, id: int) -> Record:
        """One record by id (deleted ones too), as its typed record."""
        frame = self.read(kind, include_deleted=True, ids=[_record_id(kind, id)])
        if frame.empty:
            raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
        row = frame.iloc[0].to_dict()
        cls = RECORD_KINDS[kind]
        data = {name: _plain(row.get(name)) for name in cls.model_fields if name in row}
        return cls.model_construct(**{k: v for k, v in data.items() if v is not None})

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
        start, end = _moment("start", start), _moment("end", end)
        athletes = TABLES["athlete"]
        exercises = TABLES["exercise"]
        if kind in ("athlete", "exercise"):
            cols = [c for c in table.c if c.name not in ("created_at", "deleted_at")]
            stmt = select(*cols)
            conds = [] if include_deleted else [table.c.deleted_at.is_(None)]
            if kind == "athlete" and athlete is not None:
                conds.append(table.c.name == athlete)
            order = [table.c.id]
        else:
            skip = {"at", "athlete_id", "exercise_id", "created_at", "deleted_at"}
            cols = [table.c.id, table.c.at.label("when"), athletes.c.name.label("athlete")]
            joined = table.join(athletes, table.c.athlete_id == athletes.c.id)
            if kind == "set":
                cols += [exercises.c.name.label("exercise"), exercises.c.measure]
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
                end_ts = end
                if end_ts == end_ts.normalize():
                    end_ts = end_ts + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
                conds.append(table.c.at <= end_ts.to_pydatetime())
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
        """Athletes: name, body mass (kg), involved side."""
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
        """Runs: distance_km, duration_min, moving_min, rpe, surface, avg_hr, source."""
        return self.read("run", **kw)

    def pain(self, **kw: Any) -> pd.DataFrame:
        """Pain entries: knee, nrs (0-10), context."""
        return self.read("pain", **kw)

    def outcomes(self, **kw: Any) -> pd.DataFrame:
        """Outcome scores (Kujala 0-100)."""
        return self.read("outcome", **kw)

    def athlete_names(self) -> list[str]:
        """Names of the athletes in the store, in the order they were added."""
        return self.athletes()["name"].tolist()

    def exercise_names(self) -> list[str]:
        """Names of the exercises in the catalogue."""
        return self.exercises()["name"].tolist()

    def count(self, kind: str, *, include_deleted: bool = False) -> int:
        """How many records of a kind the store holds."""
        table = self._table(kind)
        clause = "" if include_deleted else " WHERE deleted_at IS NULL"
        with read_connection(self.engine, self._where) as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table.name}{clause}")).scalar() or 0)

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

    def _resolve(self, rec: Record, lookup: "_Lookup", conn: Connection, updating: int | None = None) -> dict[str, Any]:
        """Cross-record checks and name -> id lookups, inside the write transaction."""
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
        if rec.kind == "set":
            ex = lookup.exercise(rec.exercise)  # type: ignore[attr-defined]
            if ex is None:
                raise ValidationError(
                    "exercise", rec.exercise, "an exercise in the catalogue: " + ", ".join(lookup.names("exercise")),  # type: ignore[attr-defined]
                    record="set",
                )
            ids["exercise_id"] = ex["id"]
            _check_set_against_exercise(rec, ex)
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


def _moment(name: str, value: Any) -> pd.Timestamp | None:
    """A read bound as a naive local timestamp; :class:`ValidationError` when it is not a date."""
    if value is None:
        return None
    try:
        moment = pd.Timestamp(value)
        if moment.tzinfo is not None:
            moment = pd.Timestamp(moment.to_pydatetime().astimezone().replace(tzinfo=None))
        moment = moment.floor("us")  # what the database holds
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        moment = pd.NaT
    if pd.isna(moment):
        raise ValidationError(name, value, "a date or date-time, or None")
    return moment


def _check_set_against_exercise(rec: Any, ex: Mapping[str, Any]) -> None:
    if ex["per_side"] and rec.side == "both":
        raise ValidationError("side", rec.side, f"'left' or 'right': {ex['name']} is done one side at a time", record="set")
    if not ex["per_side"] and rec.side != "both":
        raise ValidationError("side", rec.side, f"'both': {ex['name']} is a two-sided exercise", record="set")
    needed = {"reps": "reps", "time": "duration_s", "hold": "hold_s"}[ex["measure"]]
    if getattr(rec, needed) is None:
        raise ValidationError(
            needed, None, f"a value: {ex['name']} is measured by {ex['measure']} ({needed})", record="set"
        )


class _Lookup:
    """Name -> id lookups for one write transaction, loaded once, updated as rows are added."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._ids: dict[str, dict[str, int]] = {}
        self._exercises: dict[str, dict[str, Any]] | None = None

    def _load(self, kind: str) -> dict[str, int]:
        if kind not in self._ids:
            table = TABLES[kind]
            rows = self._conn.execute(select(table.c.name, table.c.id).where(table.c.deleted_at.is_(None)))
            self._ids[kind] = {name: id for name, id in rows}
        return self._ids[kind]

    def id_of(self, kind: str, name: str) -> int | None:
        return self._load(kind).get(name)

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
        if col in ("when", "deleted_at"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601") if len(frame) else pd.Series(dtype="datetime64[ns]")
        elif col in _CATEGORIES:
            frame[col] = pd.Categorical(frame[col], categories=list(_CATEGORIES[col]))
        elif col in _NAME_CATEGORIES:
            frame[col] = frame[col].astype("category")
        elif col in _NULLABLE_INTS:
            frame[col] = pd.array(frame[col], dtype="Int64")
        elif col in _BOOLS:
            frame[col] = frame[col].astype(bool)
        elif col in ("id", "nrs", "score"):
            frame[col] = frame[col].astype("int64")
        elif col in ("name", "note", "test", "sport", "session", "source_hash", "target", "how", "instrument"):
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
