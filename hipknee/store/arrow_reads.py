"""Reading a store's rows as Arrow columns (ADBC's SQLite and PostgreSQL drivers) instead of Python rows.

The query is the one :meth:`hipknee.Store.read` builds with SQLAlchemy, rendered to SQL, without
its ORDER BY: ADBC fetches the rows column by column into Arrow, Arrow parses the timestamps and
sorts the rows (both several times quicker than SQLite's sort of text and pandas' parse of it), and
pandas takes the columns from there, with no Python object per value for numbers. The frame is then
typed exactly as the row path types it. Writes, and
anything this path cannot read (a query it cannot render, a file or server it cannot open), stay
on SQLAlchemy: :func:`read_arrow` then returns None and the caller reads rows (as it does
for an empty result, whose columns Arrow cannot type).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.sql import Select

from .engine import BUSY_TIMEOUT_MS, CONNECT_TIMEOUT_S

__all__ = ["read_arrow"]


def read_arrow(source: Path | URL, stmt: Select, dialect: Dialect, *, order: Sequence[str],
               timestamps: Collection[str], drop: Collection[str] = ()) -> pd.DataFrame | None:
    """The rows of ``stmt`` (a query without ORDER BY) from ``source`` (a SQLite file, or a
    PostgreSQL server's URL: the same login, so the same rows), sorted by the result columns
    ``order`` (ascending), with the text columns ``timestamps`` as datetimes (us) and the columns
    ``drop`` (needed only to sort) left out; or None when the Arrow path cannot read them (the
    caller then reads them as rows)."""
    try:
        # Imported here, not at the top: pyarrow costs a noticeable part of a second, and a
        # notebook that only logs a session never reads a whole table.
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    try:
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        with _connect(source) as conn, conn.cursor() as cursor:
            if isinstance(source, Path):
                cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
        # No rows give Arrow no values to tell a column's type by: the row path types them as always.
        if not table.num_rows:
            return None
        for name in timestamps:
            if name in table.column_names and _written_to_the_microsecond(table[name], pa, pc):
                table = table.set_column(table.column_names.index(name), name,
                                         pc.cast(table[name], pa.timestamp("us")))
        table = table.take(pc.sort_indices(table, sort_keys=[(name, "ascending") for name in order]))
        table = table.drop_columns([name for name in drop if name in table.column_names])
    except Exception:  # noqa: BLE001 - any failure here means: read the rows the other way
        return None
    return table.to_pandas()


def _connect(source: Path | URL) -> Any:
    """An ADBC connection: read-only to a SQLite file, or through libpq to a PostgreSQL server (its
    password file and service file apply as they do to psycopg)."""
    if isinstance(source, Path):
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite.connect(f"{source.absolute().as_uri()}?mode=ro")
    import adbc_driver_postgresql.dbapi as postgresql

    url = source.set(drivername="postgresql")
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return postgresql.connect(url.render_as_string(hide_password=False))


#: How SQLAlchemy writes a datetime into SQLite: "2026-03-02 18:00:00.000000".
_ISO_MICROSECONDS = 26


def _written_to_the_microsecond(column: Any, pa: Any, pc: Any) -> bool:
    """Whether a text column holds only timestamps written to the microsecond, as SQLAlchemy writes
    them: Arrow then parses them to the same datetimes (us) as pandas does; any other text (written
    by SQLite's own clock, to the second) is left for pandas, which types it by its precision."""
    if not pa.types.is_string(column.type) or column.null_count == len(column):
        return False
    return bool(pc.all(pc.equal(pc.utf8_length(column), _ISO_MICROSECONDS)).as_py())
