"""Reading a store's rows as Arrow columns (ADBC's SQLite and PostgreSQL drivers) instead of Python rows.

The query is the one :meth:`hipknee.Store.read` builds with SQLAlchemy, rendered to SQL, without
its ORDER BY: ADBC fetches the rows column by column into Arrow, Arrow parses the timestamps,
encodes names as dictionaries and sorts the rows (all several times quicker than SQLite's sort of
text and pandas' parse of it), and pandas takes the columns from there, with no Python object per
value. The frame is then typed exactly as the row path types it.

A large SQLite table is read in ranges of its ids, a few at once, one connection and thread each:
the driver spends its time in SQLite's C code with the GIL released, so the ranges run side by side
on a machine's cores; each range's text is typed as it arrives, so little raw text is held at once.
If another process commits while they run (``PRAGMA data_version`` moves), the ranges may have
seen different moments of the store, so the table is then read again in one go. The runner's and
exercise's names come as ids, decoded from their small tables in Arrow.

ADBC's driver carries its own copy of SQLite, beside Python's: two copies in one process must not
write and read the same file at the same moment (SQLite's file locks are per process, so one copy
closing the file drops the other's locks). hipknee never does: a read returns before the caller
can write, and the connections here are read-only.

Writes, and anything this path cannot read (a query it cannot render, a file or server it cannot
open), stay on SQLAlchemy: :func:`read_arrow` then returns None and the caller reads rows (as it
does for an empty result, whose columns Arrow cannot type).
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Float, Integer, Numeric, func, literal_column, select, union_all
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.sql import ColumnElement, CompoundSelect, Select

from .engine import BUSY_TIMEOUT_MS, CONNECT_TIMEOUT_S

__all__ = ["MAX_THREADS", "RANGE_ROWS", "SPLIT_ROWS", "TRIM_ROWS", "give_back_freed_memory", "read_arrow"]

#: Ids per range of a split read, at most: a range costs a connection, and bounds the raw text held at once.
RANGE_ROWS = 250_000
#: Ids per range, at least: a table of fewer than twice this many is read in one query.
SPLIT_ROWS = 50_000
#: Rows from which a read hands the memory it freed back to the system (:func:`give_back_freed_memory`).
TRIM_ROWS = 100_000
#: Ranges read at once (connections and threads): one per core, up to four.
MAX_THREADS = min(4, os.cpu_count() or 1)


def read_arrow(source: Path | URL, stmt: Select, dialect: Dialect, *, order: Sequence[str],
               timestamps: Collection[str], categories: Collection[str] = (), repeated: Collection[str] = (),
               drop: Collection[str] = (),
               split_on: ColumnElement[Any] | None = None,
               decode: Mapping[str, tuple[str, Select]] | None = None,
               columns: Sequence[str] | None = None) -> pd.DataFrame | None:
    """The rows of ``stmt`` (a query without ORDER BY) from ``source`` (a SQLite file, or a
    PostgreSQL server's URL: the same login, so the same rows), sorted by the result columns
    ``order`` (ascending), with the text columns ``timestamps`` as datetimes (us), the text columns
    ``categories`` as pandas categoricals (categories unsorted: the caller sorts them) and the columns
    ``drop`` (needed only to sort) left out, the text columns ``repeated`` (whose values recur, as a
    session's sets share its id) as categoricals too (for a caller that wants Python strings: one
    made per distinct value, not per row); or None when the Arrow path cannot read them (the
    caller then reads them as rows). ``split_on`` (an integer key of a SQLite table, such as its
    id) lets a large read run in ranges of it side by side. ``decode`` maps a column of the frame
    to the result column of ids it comes from and a query of (id, value) pairs: the column holds
    the values (as a dictionary, so a category, when they are text), and one column of ids can give
    several (an exercise's name and its measure). ``columns``: the frame's columns in order (default:
    the result's)."""
    try:
        # Imported here, not at the top: pyarrow costs a noticeable part of a second, and a
        # notebook that only logs a session never reads a whole table.
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    # malloc, not pyarrow's default pool (mimalloc), which keeps what it frees for its next
    # allocation: after a read of every set that is a few hundred MB the frames never use.
    pool = pa.system_memory_pool()
    try:
        decode = dict(decode or {})
        queries = [_query(query, dialect, source) for _, query in decode.values()]
        lookups = dict(zip(decode, _fetch_each(source, queries)))

        def shaped(table: Any) -> Any:
            # Done to each range as it arrives, so its raw text is let go before the next comes.
            out = {name: _decoded(table[ids], lookups[name], pa, pc) for name, (ids, _) in decode.items()}
            for name in table.column_names:
                column = table[name]
                if name in out:
                    continue
                if name in timestamps and _written_to_the_microsecond(column, pa, pc):
                    column = pc.cast(column, pa.timestamp("us"), memory_pool=pool)
                elif name in categories and pa.types.is_string(column.type):
                    column = pc.dictionary_encode(column, memory_pool=pool)
                out[name] = column
            names = [*columns, *(name for name in table.column_names if name not in columns)] if columns else list(out)
            return pa.table([out[name] for name in names], names=names)

        table = _fetch(source, stmt, dialect, split_on, shaped, pa)
        # No rows give Arrow no values to tell a column's type by: the row path types them as always.
        if not table.num_rows:
            return None
        for name in repeated:
            # Over the whole table, not range by range: one dictionary for every range (Arrow's hash
            # keeps it across chunks), and the sort then moves codes, not text.
            if name in table.column_names and pa.types.is_string(table[name].type):
                table = table.set_column(table.column_names.index(name), name,
                                         pc.dictionary_encode(table[name], memory_pool=pool))
        rows = _sorting_rows(table, order, pa, pc)
        table = table.drop_columns([name for name in drop if name in table.column_names])
        if rows is not None:
            # One column at a time, each unsorted column let go once sorted: memory for one more
            # column, not a second table. (Sorting a few at once in threads took as long on two
            # cores, and 50-100 MB more at its peak on every set of a 100-runner store.)
            for i, name in enumerate(table.column_names):
                table = table.set_column(i, name, pc.take(table[name], rows, memory_pool=pool))
    except Exception:  # noqa: BLE001 - any failure here means: read the rows the other way
        return None
    large = table.num_rows >= TRIM_ROWS
    frame = table.to_pandas(split_blocks=True, self_destruct=True, memory_pool=pool)  # table unusable after
    if large:
        del table, rows
        give_back_freed_memory()
    return frame


def give_back_freed_memory() -> None:
    """Hand the memory a large read has freed back to the system, where the C library allows it.

    glibc's malloc keeps freed memory for the process's next allocations: after a read of every set
    (the raw text of each range, its parsed columns, the sort) that is a few hundred MB, in the free
    lists of the threads that read the ranges, which the frames and the analyses never use again.
    ``malloc_trim`` returns it (tens of ms after a read of millions of rows). Elsewhere (macOS,
    Windows, musl) nothing is done: their allocators return memory their own way."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def _sorting_rows(table: Any, order: Sequence[str], pa: Any, pc: Any) -> Any:
    """The row positions that sort ``table`` by the columns ``order`` (ascending, the last one
    unique, such as an id), or None when it is in that order already.

    Rows mostly come in id order, and a log's ids in time order: when the last column only rises,
    a stable sort by the others gives the same order, and numpy's stable sort (a merge sort that
    finds runs) takes a nearly sorted column of times in one or two passes, several times quicker
    than a sort by two keys. Anything else is Arrow's sort by every key."""
    *by, last = order
    if _rising(table[last], pa):
        if not by:
            return None
        if len(by) == 1 and table[by[0]].null_count == 0 and (
                pa.types.is_timestamp(table[by[0]].type) or pa.types.is_integer(table[by[0]].type)):
            rows = np.argsort(table[by[0]].to_numpy(), kind="stable")
            return None if _rising(rows, pa) else pa.array(rows)
    return pc.sort_indices(table, sort_keys=[(name, "ascending") for name in order])


def _rising(values: Any, pa: Any) -> bool:
    """Whether integer ``values`` (a numpy or Arrow array, no nulls) rise strictly from each to the next."""
    if not isinstance(values, np.ndarray):
        if values.null_count or not pa.types.is_integer(values.type):
            return False
        values = values.to_numpy()
    return bool(np.all(values[1:] > values[:-1]))


def _fetch(source: Path | URL, stmt: Select, dialect: Dialect, split_on: ColumnElement[Any] | None,
           shaped: Callable[[Any], Any], pa: Any) -> Any:
    """The rows of ``stmt`` as one Arrow table, each part ``shaped`` as it arrives: a large SQLite
    table in ranges of ``split_on``, side by side on the machine's cores."""
    if split_on is None or not isinstance(source, Path):
        return shaped(_fetch_one(source, _query(stmt, dialect, source)))
    with _connect(source) as conn:
        version = _one_row(conn, "PRAGMA data_version")
        low, high = _one_row(conn, _bounds_sql(split_on, dialect))
        ranges = _ranges(low, high)
        if len(ranges) < 2:
            return shaped(_fetch_one(source, _query(stmt, dialect, source)))
        sqls = [_query(stmt.where(split_on.between(first, last)), dialect, source) for first, last in ranges]
        with ThreadPoolExecutor(min(MAX_THREADS, len(sqls)), thread_name_prefix="hipknee-read") as pool:
            parts = list(pool.map(lambda sql: shaped(_fetch_one(source, sql)), sqls))
        if _one_row(conn, "PRAGMA data_version") != version:  # a commit meanwhile: read the table at one moment
            del parts
            return shaped(_fetch_one(source, _query(stmt, dialect, source)))
    return pa.concat_tables(parts)


def _bounds_sql(key: ColumnElement[Any], dialect: Dialect) -> str:
    """The query of the lowest and highest ``key`` of its table. Each from a query of its own:
    SQLite finds a lone min() or max() of a key at once in its b-tree, but both in one query by a
    scan of the whole table (0.4 s on 2 M sets)."""
    return _sql(select(select(func.min(key)).scalar_subquery(), select(func.max(key)).scalar_subquery()), dialect)


def _one_row(conn: Any, sql: str) -> tuple[Any, ...]:
    # A cursor of its own, closed at once: a statement left open would hold a read transaction,
    # and with it an old snapshot in which data_version never moves.
    with conn.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _decoded(column: Any, lookup: Any, pa: Any, pc: Any) -> Any:
    """The values ``lookup`` (a table of id, value) gives the ids in ``column``: text as a dictionary
    of every value (a pandas category), anything else plainly."""
    ids, values = lookup.column(0).combine_chunks(), lookup.column(1).combine_chunks()
    pool = pa.system_memory_pool()
    at = pc.index_in(column, value_set=ids, memory_pool=pool)
    if at.null_count > column.null_count:  # an id that came after its table was read: read rows instead
        raise LookupError("an id missing from its lookup table")
    if pa.types.is_string(values.type):
        # Each distinct value once (exercises share a measure; a deleted runner's name can come back).
        distinct = pc.unique(values, memory_pool=pool)
        codes = pc.take(pc.index_in(values, value_set=distinct, memory_pool=pool), at, memory_pool=pool)
        return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk, distinct) for chunk in codes.chunks],
                                pa.dictionary(codes.type, distinct.type))
    return pc.take(values, at, memory_pool=pool)


def _ranges(low: int | None, high: int | None) -> list[tuple[int, int]]:
    """Inclusive ranges splitting the ids ``low..high``, as even as ids allow: of at most
    :data:`RANGE_ROWS` ids, and as many as keep every thread busy to the end (a multiple of
    :data:`MAX_THREADS`, or one per thread for a table of a few hundred thousand rows), but none
    of fewer than :data:`SPLIT_ROWS` ids (one range for a small or empty table)."""
    if low is None or high is None:
        return []
    span = high - low + 1
    count = -(-span // RANGE_ROWS)
    if count > MAX_THREADS:
        count = -(-count // MAX_THREADS) * MAX_THREADS
    else:
        count = max(count, min(MAX_THREADS, span // SPLIT_ROWS))
    if count < 2:
        return [(low, high)]
    bounds = [low + span * i // count for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(count)]


def _fetch_one(source: Path | URL, sql: str) -> Any:
    return _fetch_each(source, [sql])[0]


def _fetch_each(source: Path | URL, sqls: Sequence[str]) -> list[Any]:
    """The result of each query (from :func:`_query`), as an Arrow table, through one connection."""
    if not sqls:
        return []
    out = []
    with _connect(source) as conn:
        for sql in sqls:
            with conn.cursor() as cursor:
                if isinstance(source, Path):
                    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
                cursor.execute(sql)
                table = cursor.fetch_arrow_table()
            out.append(_without_witness(table) if isinstance(source, Path) else table)
    return out


#: The column that tells the typed first row of a SQLite query (1) from the rows asked for (0).
_WITNESS = "hipknee_witness"


def _query(stmt: Select, dialect: Dialect, source: Path | URL) -> str:
    """``stmt`` as SQL; from SQLite, after a first row with a value of each column's type.

    SQLite's driver types each column by the values of its first batch of rows: a column null all
    through it (no band in the first thousand sets) would become integers, and its first text or
    float a "type mismatch". The first row makes every column's type plain; it is taken off again."""
    if not isinstance(source, Path):
        return _sql(stmt, dialect)
    witness: Select = select(*[literal_column(_typed_value(c.type)).label(c.name) for c in stmt.selected_columns],
                     literal_column("1").label(_WITNESS))
    return _sql(union_all(witness, stmt.add_columns(literal_column("0").label(_WITNESS))), dialect)


def _typed_value(kind: Any) -> str:
    if isinstance(kind, (Float, Numeric)):
        return "0.5"
    if isinstance(kind, (Integer, Boolean)):
        return "0"
    return "''"


def _without_witness(table: Any) -> Any:
    import pyarrow.compute as pc

    marks = table[_WITNESS]
    # The union gives the typed row first; were it ever elsewhere, the row path would read instead.
    if not len(marks) or marks[0].as_py() != 1 or pc.sum(marks).as_py() != 1:
        raise LookupError("the typed first row is not first")
    return table.slice(1).drop_columns([_WITNESS])


def _sql(stmt: Select | CompoundSelect, dialect: Dialect) -> str:
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _connect(source: Path | URL) -> Any:
    """An ADBC connection: read-only to a SQLite file, or through libpq to a PostgreSQL server (its
    password file and service file apply as they do to psycopg). A SQLite connection is in
    autocommit mode: no read transaction outlives its statement (one would hold an old snapshot of
    the store, and hide other connections' commits from ``PRAGMA data_version``)."""
    if isinstance(source, Path):
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite.connect(f"{source.absolute().as_uri()}?mode=ro", autocommit=True)
    import adbc_driver_postgresql.dbapi as postgresql

    url = source.set(drivername="postgresql")
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return postgresql.connect(url.render_as_string(hide_password=False))


#: How SQLAlchemy writes a datetime into SQLite: "2026-03-02 18:00:00.000000".
_ISO_MICROSECONDS = 26


def _written_to_the_microsecond(column: Any, pa: Any, pc: Any) -> bool:
    """Whether a text column holds only timestamps written to the microsecond, as SQLAlchemy writes
    them, or none at all: Arrow then parses them to the same datetimes (us) as pandas does, and
    every range of a read types the column alike; any other text (written by SQLite's own clock, to
    the second) is left for pandas."""
    if not pa.types.is_string(column.type):
        return False
    return column.null_count == len(column) or bool(pc.all(pc.equal(pc.utf8_length(column), _ISO_MICROSECONDS)).as_py())
