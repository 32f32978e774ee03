"""Reading the log: one kind of record as a typed DataFrame (datetimes, categoricals for side,
knee and context), one record, names, hip sessions, counts, and a runner's records in portable form.
The reading half of :class:`~.store.Store`."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, func, select, text

from ..errors import ValidationError
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
    Athlete,
    Record,
)
from ..records.periods import period
from . import sync
from .arrow_reads import read_arrow
from .engine import (
    read_connection,
)
from .schema import TABLES

KINDS: tuple[str, ...] = tuple(TABLES)

# Kinds with a few rows to a few thousand (runners, exercises, programmes): rows are as quick for
# them, and a notebook that only logs sessions never loads ADBC's driver (a tenth of a second).
_FEW_ROWS = frozenset({"athlete", "exercise", "prescription"})

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
OF_EXERCISE = ("set", "prescription")
_BOOLS = {"note_private", "per_side", "builtin"}
_NAME_CATEGORIES = {"athlete", "exercise"}


class Reading:
    """What a :class:`~.store.Store` reads (its database: ``engine``; messages name ``_where``)."""

    engine: Engine
    path: Path | None
    _where: Path | str
    _arrow: bool

    @staticmethod
    def _table(kind: str):  # noqa: ANN205
        try:
            return TABLES[kind]
        except (KeyError, TypeError):
            raise ValidationError("kind", kind, "one of " + ", ".join(KINDS)) from None


    # -- reading -------------------------------------------------------------------------
    @overload
    def get(self, kind: Literal["athlete"], id: int) -> Athlete: ...
    @overload
    def get(self, kind: str, id: int) -> Record: ...
    def get(self, kind: str, id: int) -> Record:
        """One record by id (deleted ones too), as its typed record."""
        frame = self.read(kind, include_deleted=True, ids=[record_id(kind, id)])
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
        noted: bool = False,
    ) -> pd.DataFrame:
        """Rows of one kind as a typed DataFrame, oldest first; ``start``/``end`` bound ``when``
        (end inclusive, dates mean whole days). ``columns`` reads only those columns (quicker on
        a big store); ``noted`` only the rows with a note (not empty)."""
        table = self._table(kind)
        if noted and "note" not in table.c:
            raise ValidationError("noted", noted, f"False: {kind} rows have no note")
        coded: dict[str, tuple[Any, Any]] = {}
        of_runner: list[Any] = []  # conditions on the runner's row of the athletes table (the rest: conds)
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
            # The Arrow path fetches the runner's and exercise's ids in these columns, and their
            # names (measure, per_side) from a small table each: no text copied per row.
            coded["athlete"] = (table.c.athlete_id.label("athlete"), select(athletes.c.id, athletes.c.name))
            if kind in OF_EXERCISE:
                cols += [exercises.c.name.label("exercise"), exercises.c.measure]
                if kind == "prescription":
                    cols.append(exercises.c.per_side)
                joined = joined.join(exercises, table.c.exercise_id == exercises.c.id)
                for name in ("exercise", "measure", "per_side"):
                    coded[name] = (table.c.exercise_id.label(name), select(exercises.c.id, getattr(
                        exercises.c, "name" if name == "exercise" else name)))
            cols += [c for c in table.c if c.name not in skip and c.name != "id"]
            if include_deleted:
                cols.append(table.c.deleted_at)
            stmt = select(*cols).select_from(joined)
            conds = [] if include_deleted else [table.c.deleted_at.is_(None)]
            if not include_deleted:
                of_runner.append(athletes.c.deleted_at.is_(None))
            if athlete is not None:
                of_runner.append(athletes.c.name == athlete)
            if start is not None:
                conds.append(table.c.at >= start.to_pydatetime())
            if end is not None:
                conds.append(table.c.at <= end.to_pydatetime())
            order = [table.c.at, table.c.id]
        if ids is not None:
            conds.append(table.c.id.in_(list(ids)))
        if noted:
            conds.append(table.c.note != "")
        if columns is not None:
            stmt = stmt.with_only_columns(*_only(stmt, columns, kind), maintain_column_froms=True)
        if conds or of_runner:
            stmt = stmt.where(and_(*conds, *of_runner))
        source = self.path if self.path is not None else (
            self.engine.url if self.engine.dialect.name == "postgresql" else None)
        if source is not None and self._arrow and kind not in _FEW_ROWS:
            # Sorted by the same columns, after the fetch: whichever of them was not asked for is
            # fetched to sort by and dropped.
            names = {c.name for c in stmt.selected_columns}
            by = ["when" if c.name == "at" else c.name for c in order]
            extra = [c.label(name) for c, name in zip(order, by) if name not in names]
            columns_in_order = [c.name for c in stmt.selected_columns]
            # Each column of ids fetched once, under the first name it gives (an exercise's id
            # gives its name and its measure); the other names are decoded from it.
            decode: dict[str, tuple[str, Any]] = {}
            fetched: dict[str, str] = {}
            selected: list[Any] = []
            for c in stmt.selected_columns:
                if c.name not in coded:
                    selected.append(c)
                    continue
                id_column, lookup = coded[c.name]
                first = fetched.setdefault(id_column.element.name, c.name)
                decode[c.name] = (first, lookup)
                if first == c.name:
                    selected.append(id_column)
            # A statement of its own: if the Arrow way gives up, the rows are read with the names.
            fetch = stmt.with_only_columns(*selected, maintain_column_froms=True) if decode else stmt
            if decode and all(getattr(getattr(c, "element", c), "table", None) is table for c in selected):
                # Every column from the table itself: no join for each row to the runners and the
                # exercises (a quarter of SQLite's time on a coach's sets), the runner's conditions
                # asked of her id instead. An id missing from its table shows in the decoding,
                # which then leaves the read to the rows, with the joins.
                fetch = select(*selected).where(*conds)
                if of_runner:
                    fetch = fetch.where(table.c.athlete_id.in_(select(athletes.c.id).where(*of_runner)))
            # Only a whole table is read in id ranges: SQLite finds one runner's rows, a period's
            # (by the index on runner and time) or a few ids quicker in one query than in many.
            whole = athlete is None and ids is None and start is None and end is None
            split = table.c.id if whole else None
            frame = read_arrow(source, fetch.add_columns(*extra), self.engine.dialect, order=by,
                               timestamps=_TIMESTAMPS, categories={*_CATEGORIES, *_NAME_CATEGORIES},
                               repeated=_REPEATED_TEXT,
                               drop=[c.name for c in extra], split_on=split, decode=decode,
                               columns=columns_in_order)
            if frame is not None:
                return _typed(frame)
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
        names = [name for name in as_list(exercises, "exercises") if isinstance(name, str)]
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

    def programmes(self, **kw: Any) -> pd.DataFrame:
        """Prescriptions, one row per exercise of each programme (the history included): when (the
        day it starts), athlete, exercise, measure, sets, reps, duration_s, hold_s, load_kg, band,
        sessions_per_week, programme (its id), note."""
        return self.read("prescription", **kw)

    def programme_stamp(self, athlete: str) -> tuple[int, Any]:
        """How many prescriptions ``athlete`` has (deleted ones too) and when the latest one changed:
        every write changes it, so a form reads her programmes again only when it has changed."""
        prescriptions, athletes = TABLES["prescription"], TABLES["athlete"]
        stmt = (select(func.count(prescriptions.c.id), func.max(prescriptions.c.updated_at))
                .select_from(prescriptions.join(athletes, prescriptions.c.athlete_id == athletes.c.id))
                .where(athletes.c.name == athlete))
        with read_connection(self.engine, self._where) as conn:
            count, latest = conn.execute(stmt).one()
        return int(count), latest

    def has_athlete(self, name: str) -> bool:
        """Whether a runner of that name is in the store (not deleted)."""
        athletes = TABLES["athlete"]
        stmt = select(athletes.c.id).where(athletes.c.name == name, athletes.c.deleted_at.is_(None)).limit(1)
        with read_connection(self.engine, self._where) as conn:
            return conn.execute(stmt).first() is not None

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


def as_list(values: Any, name: str) -> list[Any]:
    """``values`` as a list; a :class:`ValidationError` when it is not a collection of records."""
    if isinstance(values, (str, bytes, Mapping, Record)) or not isinstance(values, Iterable):
        raise ValidationError(name, values, "a list of records")
    return list(values)


# SQLite's integers are 64-bit; a larger id cannot name a row.
_MAX_ID = 2**63 - 1


def record_id(kind: str, id: Any) -> int:
    # numbers.Integral: ids taken from a DataFrame are numpy integers.
    if isinstance(id, (bool, np.bool_)) or not isinstance(id, numbers.Integral) or not 0 < int(id) <= _MAX_ID:
        raise ValidationError("id", id, f"the id of an existing {kind}", record=kind)
    return int(id)


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


#: Text read as Python strings whose values recur (a session's sets share its id): the Arrow path
#: makes each distinct string once, not once per row (half the time of a set's session column).
_REPEATED_TEXT = ("session",)

#: The columns stored as text timestamps.
_TIMESTAMPS = ("when", "deleted_at", "start_utc", "updated_at")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a raw query result tidy dtypes."""
    # One new frame from typed columns: assigning them one by one splits and rebuilds the frame's
    # blocks each time, which is most of the cost of a small read (a form's lookups).
    # copy=False: the typed columns are new already; a copy would double a big read's memory.
    return pd.DataFrame({col: _typed_column(col, frame[col]) for col in frame.columns}, index=frame.index, copy=False)


def _typed_column(col: str, values: pd.Series) -> Any:
    # A column typed already (the Arrow path's timestamps and numbers) is kept as it is: converted,
    # it would be copied (a tenth of a second and 100 MB on every column of 2 M sets).
    if col in _TIMESTAMPS:
        if values.dtype == "datetime64[us]":
            return values
        # To the microsecond, whatever the values: pandas would type text or datetimes that happen
        # to fall on whole seconds as seconds, and the same column would change type with its data.
        return pd.to_datetime(values, format="ISO8601").dt.as_unit("us") if len(values) else pd.Series(
            dtype="datetime64[ns]")
    if col in _CATEGORIES:
        return pd.Categorical(values, categories=list(_CATEGORIES[col]))
    if col in _NAME_CATEGORIES:
        if isinstance(values.dtype, pd.CategoricalDtype):  # from Arrow: every name of its table, unsorted
            return _sorted_used_categories(values)
        return values.astype("category")
    if col in _NULLABLE_INTS:
        return pd.array(values, dtype="Int64")
    if col in _BOOLS:
        return values.astype(bool)
    if col in ("id", "nrs", "score", "sets", "sessions_per_week"):
        return values.astype("int64")
    if col in ("name", "note", "test", "sport", "session", "source_hash", "target", "how", "instrument", "timezone", "uid",
               "programme"):
        if isinstance(values.dtype, pd.CategoricalDtype):  # from Arrow, a text that recurs (_REPEATED_TEXT)
            return _as_objects(values)
        return values.astype(object)
    if values.dtype == "float64":
        return values
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _as_objects(values: pd.Series) -> pd.Series:
    """Categorical text ``values`` as Python strings (NaN where missing, as ``astype(object)``
    gives them), each distinct string made once and shared by its rows."""
    names = np.append(np.asarray(values.cat.categories, dtype=object), np.nan)  # code -1: the last one
    # A Series, not an array: the frame then keeps it as a block of its own, not copied into one with the others.
    return pd.Series(names[values.cat.codes.to_numpy()], index=values.index, name=values.name, dtype=object, copy=False)


def _sorted_used_categories(values: pd.Series) -> pd.Categorical:
    """The categorical ``values`` with only the categories in use, sorted (as ``astype("category")``
    gives them): one pass over the codes, where removing and reordering would take two."""
    codes = values.cat.codes.to_numpy()
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(values.cat.categories)))
    names = values.cat.categories[used]
    names, order = names.sort_values(return_indexer=True)
    new = np.full(len(values.cat.categories) + 1, -1, dtype=codes.dtype)  # the last one: missing (-1)
    new[used[order]] = np.arange(len(used), dtype=codes.dtype)
    return pd.Categorical.from_codes(new[codes], categories=names)


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

