"""The store: what notebooks, forms, importers and analyses call to save and read a training log.

One embedded SQLite file by default (``DATA/hipknee.db``); a club's PostgreSQL database (``--url`` or
``$HIPKNEE_URL``) works the same way, its access rules enforced by the server (:mod:`.club`).
Every save is one transaction; deletes are soft and can be undone; reads return tidy pandas
DataFrames (datetimes, categoricals for side, knee and context).

Every record has a global id (``uid``) and an updated-at time the store sets on add, update,
delete and undelete (see :mod:`.identity`); :meth:`Store.portable_rows` and
:meth:`Store.merge_rows` move records between stores by those ids (what share bundles carry).

This module opens, prepares and closes a store; what it reads is in :mod:`.reading` and what it
saves in :mod:`.saving` (the class's two halves).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from ..errors import StoreError
from ..records.catalogue import BUILTIN_EXERCISES
from . import locations as paths
from .backup import before_open
from .changes import ChangeListeners, Listener, Subscription
from .engine import (
    is_server,
    make_engine,
    parse_url,
    read_connection,
    shown_url,
    without_password,
    write_connection,
)
from .files import note_closed
from .identity import builtin_uid
from .migrations import as_version, table_names, upgrade
from .reading import KINDS
from .saving import Saving
from .schema import SCHEMA_VERSION, TABLES, meta, metadata

__all__ = ["KINDS", "Store", "open_store"]

# A PostgreSQL advisory lock key (any fixed number): held while an empty database gets its tables.
_CREATE_LOCK = 0x6869_706B_6E65


def open_store(data: str | os.PathLike[str] | None = None, *, url: str | None = None) -> Store:
    """Open (creating if needed) the store at ``url``, in ``data``, or where ``$HIPKNEE_URL`` /
    ``$HIPKNEE_DATA`` say (see :meth:`Store.open`)."""
    return Store.open(data, url=url)


class Store(Saving):
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
        # Reads of a SQLite file come as Arrow columns (arrow_reads); False reads rows only.
        self._arrow = True

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
    def open(cls, data: str | os.PathLike[str] | None = None, *, url: str | None = None) -> Store:
        """Open the store at the database ``url`` (a club's ``postgresql+psycopg://USER@HOST:PORT/DB``,
        or ``sqlite:///FILE``), else in the data directory ``data`` (made if missing), else at
        ``$HIPKNEE_URL``, else in ``$HIPKNEE_DATA`` or the project's ``data/``."""
        url = paths.store_url(url, data)
        parsed = parse_url(url) if url is not None else None
        path: Path | None = None
        if parsed is None:
            path = paths.db_path(data)
        elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(str(parsed.database)).expanduser()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Refuse a damaged file untouched; back up before a migration and once a day.
            before_open(path)
            engine_url = parse_url(f"sqlite:///{path}")
        elif parsed is not None:
            engine_url = parsed
        else:  # without a URL the store is always the data folder's file
            raise AssertionError("no store named")
        store = cls(make_engine(engine_url), path=path)
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
        return as_version(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar())

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with read_connection(self.engine, self._where) as conn:
            return self._schema_version(conn)

    def close(self) -> None:
        """Release the database connections (the store can be opened again later); the file,
        closed cleanly, carries over the day's integrity check to the next open."""
        self.engine.dispose()
        if self.path is not None:
            note_closed(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self._where)!r})"
