"""A club on the suite's PostgreSQL server, set up as the README says: an owner login with
CREATEROLE owning the database, then ``hipknee club`` commands. Members' passwords go where a
runner puts hers (a ~/.pgpass line; here the suite's PGPASSFILE), never into a URL."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import psycopg
from pg_server import HOST, PgServer

from hipknee.cli import main


class Club:
    """One club database, its owner and the logins the tests add. Role names are the server's, not
    the database's: tests give logins names of their own (``tag``); the throwaway server goes at the
    end of the run with every role on it."""

    def __init__(self, server: PgServer, folder: Path, *, prefix: str = "club") -> None:
        self.server = server
        self.folder = folder
        self.database = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.tag = self.database.rsplit("_", 1)[1]
        self.owner = f"{self.database}_owner"
        self.logins: list[str] = []
        password = secrets.token_urlsafe(12)
        with server.connect() as conn:
            conn.execute(f'CREATE ROLE "{self.owner}" LOGIN CREATEROLE PASSWORD \'{password}\'')
            conn.execute(f'CREATE DATABASE "{self.database}" OWNER "{self.owner}" TEMPLATE template0')
        server.remember(self.owner, password)

    def url(self, login: str | None = None) -> str:
        return self.server.url(self.database, login or self.owner)

    def hipknee(self, *argv: str) -> int:
        """Run ``hipknee ARGV --url OWNER_URL``."""
        return main([*argv, "--url", self.url()])

    def init(self) -> None:
        assert self.hipknee("club", "init") == 0

    def _add(self, command: str, name: str, role: str, *extra: str) -> str:
        secret = self.folder / f"{role}.pgpass"
        assert self.hipknee("club", command, name, "--role", role, "--password-file", str(secret), *extra) == 0
        self.logins.append(role)
        self.learn(secret)
        return role

    def learn(self, secret: Path) -> None:
        """Put a member's password line where libpq finds it (as she adds it to ~/.pgpass)."""
        with self.server.passfile.open("a") as fh:
            fh.write(secret.read_text())

    def add_coach(self, name: str, role: str) -> str:
        return self._add("add-coach", name, role)

    def add_runner(self, name: str, role: str, *coaches: str) -> str:
        return self._add("add-runner", name, role, *(a for c in coaches for a in ("--coach", c)))

    def connect(self, login: str | None = None) -> psycopg.Connection:
        """A plain psycopg connection as ``login`` (autocommit): raw SQL, no hipknee in between."""
        return psycopg.connect(host=HOST, port=self.server.port, dbname=self.database, user=login or self.owner,
                               autocommit=True)
