"""Backups of a club's PostgreSQL database, made and put back with PostgreSQL's own tools:
``pg_dump`` in its custom format, ``pg_restore`` in one transaction.

They live beside a runner's SQLite backups, in ``DATA/backups/``, as
``DATABASE-YYYYMMDD-HHMMSS-ffffff-REASON.dump``; the newest ``$HIPKNEE_KEEP_BACKUPS`` (7) are kept.
A dump holds the tables, the club's row-level security, privileges and views; the logins
themselves belong to the server, so a dump is put back on the server (or a copy of it) whose
roles it names. The password never goes on a command line: the tools find it where libpq does
(``~/.pgpass``, ``PGPASSFILE``, a service file); one given in the URL is handed over in a temporary
password file that only this user can read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from glob import glob
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL

from ..errors import StoreError, ValidationError
from .backup import keep_backups
from .engine import CONNECT_TIMEOUT_S, parse_url, shown_url
from .locations import BACKUP_DIR, data_dir

__all__ = ["DUMP_FORMAT", "dump_database", "list_dumps", "restore_database"]

#: What ``pg_dump`` writes: its custom format (compressed; ``pg_restore`` reads it).
DUMP_FORMAT = "custom"
_REASON = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _server_url(url: str | URL) -> URL:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" or not (parsed.database or "service" in parsed.query):
        raise ValidationError("url", shown_url(parsed), "a PostgreSQL URL naming a database (or a service), "
                                                        "e.g. postgresql+psycopg://owner@club.example.org:5432/club")
    return parsed


def _name(url: URL) -> str:
    """What the dumps of the database at ``url`` are named after: the database, or the service."""
    return str(url.database or url.query["service"])


def _tool(name: str) -> str:
    """The PostgreSQL client program ``name`` (on PATH, or Debian's newest server version)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return versions[-1]
    raise StoreError(name, f"{name} was not found", advice="install PostgreSQL's client programs "
                                                           "(Debian: apt-get install postgresql-client)")


@contextmanager
def _connection(url: URL) -> Iterator[tuple[str, dict[str, str]]]:
    """A libpq connection string without the password, and the environment for the tools."""
    given = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    # A query value given twice in the URL comes as a tuple: the last one counts, as for libpq.
    given.update({k: v if isinstance(v, str) else v[-1] for k, v in url.query.items() if k != "password"})
    # Left out, not empty: an empty dbname would hide the service file's.
    params = {k: str(v) for k, v in given.items() if v not in (None, "")}
    password = url.password or url.query.get("password")
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", str(CONNECT_TIMEOUT_S))
    if password is None:
        yield make_conninfo(**params), env
        return
    with tempfile.TemporaryDirectory(prefix="hipknee-pg-") as folder:
        passfile = Path(folder) / "pgpass"
        escaped = str(password).replace("\\", "\\\\").replace(":", "\\:")
        descriptor = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as fh:
            fh.write(f"*:*:*:*:{escaped}\n")
        env["PGPASSFILE"] = str(passfile)
        yield make_conninfo(**params), env


def _run(tool: str, args: list[str], env: dict[str, str], where: str) -> None:
    done = subprocess.run([_tool(tool), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        said = "; ".join(line.strip() for line in done.stderr.splitlines() if line.strip())
        raise StoreError(where, f"{tool} failed ({said or f'exit code {done.returncode}'})",
                         advice="check that the server is running and that this login is the club's owner")


def _folder(data: str | os.PathLike[str] | None) -> Path:
    return data_dir(data) / BACKUP_DIR


def list_dumps(url: str | URL, data: str | os.PathLike[str] | None = None) -> list[Path]:
    """The dumps of the database at ``url`` in ``DATA/backups``, newest first."""
    database = _name(_server_url(url))
    pattern = re.compile(rf"^{re.escape(database)}-(\d{{8}}-\d{{6}}-\d{{6}})-[a-z0-9-]+\.dump$")
    folder = _folder(data)
    if not folder.is_dir():
        return []
    found = [(m.group(1), p) for p in folder.iterdir() if (m := pattern.match(p.name)) and p.is_file()]
    return [p for _stamp, p in sorted(found, reverse=True)]


def dump_database(url: str | URL, data: str | os.PathLike[str] | None = None, *, reason: str = "manual",
                  prune: bool = True) -> Path:
    """Back up the database at ``url`` with ``pg_dump`` (custom format) into ``DATA/backups``;
    returns the file. It appears only once ``pg_dump`` has finished."""
    if not isinstance(reason, str) or not _REASON.fullmatch(reason):
        raise ValidationError("reason", reason, "a word or two in lower case joined by '-', e.g. 'before-trip'")
    parsed = _server_url(url)
    folder = _folder(data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_name(parsed)}-{datetime.now():%Y%m%d-%H%M%S-%f}-{reason}.dump"
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with _connection(parsed) as (conninfo, env):
            _run("pg_dump", [f"--format={DUMP_FORMAT}", f"--file={partial}", f"--dbname={conninfo}"],
                 env, shown_url(parsed))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    if prune:
        for old in list_dumps(parsed, data)[keep_backups():]:
            old.unlink(missing_ok=True)
    return target


def _dump_file(backup: str | os.PathLike[str], url: URL, data: str | os.PathLike[str] | None) -> Path:
    given = Path(backup).expanduser()
    source = given if given.is_file() else _folder(data) / given.name
    if not str(backup).strip() or not source.is_file():
        available = ", ".join(p.name for p in list_dumps(url, data)[:5]) or "none yet"
        raise ValidationError("backup", str(backup), f"a pg_dump file (the newest in {_folder(data)}: {available})")
    with source.open("rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise ValidationError("backup", str(source), "a dump in pg_dump's custom format (made by `hipknee backup --url`)")
    return source


def restore_database(url: str | URL, backup: str | os.PathLike[str],
                     data: str | os.PathLike[str] | None = None) -> Path:
    """Put the dump ``backup`` (a path, or a name in ``DATA/backups``) back as the database at
    ``url`` with ``pg_restore``, in one transaction (all of it or none). The database is dumped
    first; returns that dump. Run it as the club's owner."""
    parsed = _server_url(url)
    source = _dump_file(backup, parsed, data)
    kept = dump_database(parsed, data, reason="before-restore", prune=False)
    with _connection(parsed) as (conninfo, env):
        _run("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                            f"--dbname={conninfo}", str(source)], env, shown_url(parsed))
    return kept
