"""The two homes a store can have in the tests: a SQLite file in a folder, or a database on the
suite's PostgreSQL server. A test asks the ``backend`` fixture for empty places or copies of a
store built once (``master``), so one test body runs on both."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pg_server import EMPTY_TEMPLATE, PgServer

import hipknee

#: The backends a module marked ``both_backends`` runs on (test ids end in ``[sqlite]`` / ``[postgresql]``).
BACKENDS = ("sqlite", "postgresql")


def cli_location(store: hipknee.Store) -> list[str]:
    """The command-line options that name ``store``: ``--data DIR`` or ``--url URL``."""
    return ["--data", str(store.path.parent)] if store.path is not None else ["--url", store.url]


def env_location(store: hipknee.Store) -> dict[str, str]:
    """The environment that names ``store`` for a notebook or a process: HIPKNEE_DATA or HIPKNEE_URL."""
    return {"HIPKNEE_DATA": str(store.path.parent)} if store.path is not None else {"HIPKNEE_URL": store.url}


class Backend:
    """Where stores live for one backend. Places are a folder (SQLite) or a URL (PostgreSQL)."""

    name: str

    def new(self) -> str:
        """An empty store's place (the builtin catalogue, no runner)."""
        raise NotImplementedError

    def master(self, key: str, build: Callable[[hipknee.Store], object]) -> str:
        """A store built by ``build`` once per test run (do not write into it: :meth:`copy` it)."""
        raise NotImplementedError

    def copy(self, place: str) -> str:
        """A private copy of the store at ``place``."""
        raise NotImplementedError

    def open(self, place: str) -> hipknee.Store:
        raise NotImplementedError

    def release(self, place: str) -> None:
        """Remove the store at ``place`` (made by :meth:`new` or :meth:`copy`) once a test is done."""


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._masters: dict[str, str] = {}

    def new(self) -> str:
        return str(self._factory.mktemp("store"))

    def master(self, key: str, build: Callable[[hipknee.Store], object]) -> str:
        if key not in self._masters:
            place = self.new()
            with self.open(place) as store:
                build(store)
            self._masters[key] = place
        return self._masters[key]

    def copy(self, place: str) -> str:
        target = self._factory.mktemp("copy") / "store"
        shutil.copytree(place, target)
        return str(target)

    def open(self, place: str) -> hipknee.Store:
        return hipknee.Store.open(Path(place))


class PostgresBackend(Backend):
    """Each place a database of its own. An empty store is a database copied from a template once
    (``CREATE DATABASE ... TEMPLATE``), emptied again after its test (the template's rows put
    back, ids restarted) and handed to the next: copying a database costs the server far more
    than emptying one. A database whose tables a test changed is dropped instead."""

    name = "postgresql"

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._masters: dict[str, str] = {}
        self._empty: list[str] = []  # emptied, ready for the next test
        self._made: set[str] = set()  # made by new(): may be emptied and reused
        self._template: tuple[str, dict[str, tuple[list[str], list[tuple]]]] | None = None

    def new(self) -> str:
        name = self._empty.pop() if self._empty else self.server.create_database(EMPTY_TEMPLATE)
        self._made.add(name)
        return self.server.url(name)

    def master(self, key: str, build: Callable[[hipknee.Store], object]) -> str:
        if key not in self._masters:
            database = self.server.create_database(EMPTY_TEMPLATE, prefix=f"m_{key}")
            with self.open(self.server.url(database)) as store:
                build(store)
            self._masters[key] = database
        return self.server.url(self._masters[key])

    def copy(self, place: str) -> str:
        return self.server.url(self.server.create_database(place.rsplit("/", 1)[1]))

    def open(self, place: str) -> hipknee.Store:
        return hipknee.Store.open(url=place)

    def release(self, place: str) -> None:
        database = place.rsplit("/", 1)[1]
        if database in self._masters.values():
            return
        if database in self._made and self._emptied(database):
            self._empty.append(database)
            return
        self._made.discard(database)
        with self.server.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    # -- emptying a database -------------------------------------------------------------------
    _SHAPE = ("SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY 1) "
              "FROM information_schema.columns WHERE table_schema = 'public'")

    def _template_rows(self) -> tuple[str, dict[str, tuple[list[str], list[tuple]]]]:
        """The template's table shape and the rows it starts with (the catalogue, the version)."""
        if self._template is None:
            with self.server.connect(EMPTY_TEMPLATE) as conn:
                shape = conn.execute(self._SHAPE).fetchone()[0]
                tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                rows = {}
                for table in tables:
                    cursor = conn.execute(f'SELECT * FROM "{table}"')
                    rows[table] = ([c.name for c in cursor.description], cursor.fetchall())
            self._template = shape, rows
        return self._template

    def _emptied(self, database: str) -> bool:
        """Put ``database`` back as the template left it; False when its tables were changed."""
        shape, rows = self._template_rows()
        with self.server.connect(database) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            if conn.execute(self._SHAPE).fetchone()[0] != shape:
                return False
            with conn.transaction():
                conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in rows) + " RESTART IDENTITY CASCADE")
                for table, (columns, values) in rows.items():
                    if values:
                        with conn.cursor().copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                            for row in values:
                                copy.write_row(row)
                    if "id" in columns:
                        conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)")
        return True
