"""The two homes a store can have in the tests: a SQLite file in a folder, or a database on the
suite's PostgreSQL server. A test asks the ``backend`` fixture for empty places or copies of a
store built once (``master``), so one test body runs on both."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import hipknee
from pg_server import EMPTY_TEMPLATE, PgServer

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
    """Each place a database of its own, copied from a template (``CREATE DATABASE ... TEMPLATE``).
    Databases are not dropped one by one: PostgreSQL checkpoints on every DROP DATABASE (about a
    second); the whole throwaway server goes at the end of the run."""

    name = "postgresql"

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._masters: dict[str, str] = {}

    def new(self) -> str:
        return self.server.url(self.server.create_database(EMPTY_TEMPLATE))

    def master(self, key: str, build: Callable[[hipknee.Store], object]) -> str:
        if key not in self._masters:
            database = self.server.create_database(EMPTY_TEMPLATE, prefix=f"m_{key}")
            with self.open(self.server.url(database)) as store:
                build(store)
            self._masters[key] = database
        return self.server.url(self._masters[key])

    def copy(self, place: str) -> str:
        template = place.rsplit("/", 1)[1]
        return self.server.url(self.server.create_database(template))

    def open(self, place: str) -> hipknee.Store:
        return hipknee.Store.open(url=place)
