"""Reading a SQLite store's rows as Arrow columns (ADBC's SQLite driver) instead of Python rows.

The query is the one :meth:`hipknee.Store.read` builds with SQLAlchemy, rendered to SQL; ADBC
fetches it column by column into Arrow, and pandas takes the columns from there, with no Python
object per value for numbers. The frame is then typed exactly as the row path types it. Writes,
PostgreSQL and anything this path cannot read (a query it cannot render, a file it cannot open)
stay on SQLAlchemy: :func:`read_arrow` then returns None and the caller reads rows (as it does
for an empty result, whose columns Arrow cannot type).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select

from .engine import BUSY_TIMEOUT_MS

__all__ = ["read_arrow"]


def read_arrow(path: Path, stmt: Select, dialect: Dialect) -> pd.DataFrame | None:
    """The rows of ``stmt`` from the SQLite file at ``path`` as an untyped frame, or None when the
    Arrow path cannot read them (the caller then reads them as rows)."""
    try:
        # Imported here, not at the top: pyarrow costs a noticeable part of a second, and a
        # notebook that only logs a session never reads a whole table.
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:
        return None
    try:
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        uri = f"{path.absolute().as_uri()}?mode=ro"
        with adbc.connect(uri) as conn, conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
    except Exception:  # noqa: BLE001 - any failure here means: read the rows the other way
        return None
    # No rows give Arrow no values to tell a column's type by: the row path types them as always.
    return table.to_pandas() if table.num_rows else None
