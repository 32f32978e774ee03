"""Schema migrations: a small ordered list of steps, each taking the schema from version N to N+1.

Why not Alembic: the store is one embedded file per runner, opened by notebooks that should just
work; a handful of plain, tested SQL steps run in one transaction is easier to read and to trust
than an Alembic environment shipped inside the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.engine import Connection

from .backend import write_connection
from .errors import StoreError
from .schema import SCHEMA_VERSION, meta

if TYPE_CHECKING:
    from .store import Store

__all__ = ["MIGRATIONS", "upgrade"]

#: ``MIGRATIONS[n]`` upgrades a store at schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


def upgrade(store: "Store", version: int) -> None:
    """Bring ``store`` from ``version`` to :data:`SCHEMA_VERSION` in one transaction."""
    where = store.path or "the store"
    if version > SCHEMA_VERSION:
        raise StoreError(where, f"it was written by a newer hipknee (schema {version}, this one knows {SCHEMA_VERSION}); upgrade hipknee")
    if version < 1 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise StoreError(where, f"its schema version ({version}) is not one hipknee can upgrade")
    with write_connection(store.engine, where) as conn:
        for v in range(version, SCHEMA_VERSION):
            MIGRATIONS[v](conn)
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
