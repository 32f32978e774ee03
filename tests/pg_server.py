"""A throwaway PostgreSQL server for the test suite.

Debian's ``postgresql`` package (installed with apt-get when missing, as the browser tests do for
Chromium), ``initdb`` into a temporary folder, run as the ``postgres`` system user when the suite
runs as root (initdb refuses root), listening on 127.0.0.1 at a free port. Logins use passwords
(SCRAM) over TCP, kept in a password file the suite points ``PGPASSFILE`` at, so the tests reach
the server the way a runner's notebook does: a URL without a password. If the server cannot start,
:func:`start` raises with the reason and the server's log; the tests that need it then fail.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

HOST = "127.0.0.1"
SUPERUSER = "postgres"
#: A database holding an empty hipknee store, copied (``CREATE DATABASE ... TEMPLATE``) per test.
EMPTY_TEMPLATE = "hipknee_empty"


class ServerError(RuntimeError):
    """The test server could not be installed, started or stopped."""


def _bindir() -> Path:
    """The newest PostgreSQL server's programs, installing Debian's package when there is none."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]
        try:
            if subprocess.run(install, env=env, capture_output=True).returncode != 0:
                subprocess.run(["apt-get", "update"], env=env, check=True, capture_output=True)
                subprocess.run(install, env=env, check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ServerError(f"PostgreSQL is not installed and `apt-get install postgresql` failed: {exc}") from exc
        found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
        if not found:
            raise ServerError("PostgreSQL was installed but no initdb was found under /usr/lib/postgresql")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _as_server_user() -> list[str]:
    """The command prefix that runs the server's programs: as ``postgres`` when we are root."""
    return ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []


@dataclass
class PgServer:
    """One running test server; ``url(db)`` names a database on it (password from ``passfile``)."""

    bindir: Path
    folder: Path
    port: int
    password: str
    passfile: Path
    _lines: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str, user: str = SUPERUSER) -> str:
        return f"postgresql+psycopg://{user}@{HOST}:{self.port}/{database}"

    def remember(self, user: str, password: str) -> None:
        """Add a login's password to the suite's password file (as a runner adds hers to ~/.pgpass)."""
        with self.passfile.open("a") as fh:
            fh.write(f"{HOST}:{self.port}:*:{user}:{password}\n")

    def _ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*_as_server_user(), str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args],
                              capture_output=True, text=True, timeout=timeout)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c max_connections=120"
        done = self._ctl("-o", options, "-l", str(self.log), "-w", "-t", "60", "start")
        if done.returncode != 0:
            raise ServerError(f"the PostgreSQL test server did not start on {HOST}:{self.port}: "
                              f"{done.stdout.strip()} {done.stderr.strip()}\n--- server log ---\n{self._log_tail()}")

    def stop(self, mode: str = "immediate") -> None:
        done = self._ctl("-m", mode, "-w", "stop")
        if done.returncode != 0 and "Is server running?" not in done.stderr:
            raise ServerError(f"pg_ctl stop failed: {done.stderr.strip()}")

    @contextlib.contextmanager
    def durable(self) -> Iterator[None]:
        """Within the block the server flushes every commit to disk, as a production server does."""
        with self.connect() as conn:
            conn.execute("ALTER SYSTEM SET fsync = on")
            conn.execute("ALTER SYSTEM SET full_page_writes = on")
            conn.execute("SELECT pg_reload_conf()")
        try:
            yield
        finally:
            with self.connect() as conn:
                conn.execute("ALTER SYSTEM RESET fsync")
                conn.execute("ALTER SYSTEM RESET full_page_writes")
                conn.execute("SELECT pg_reload_conf()")

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def connect(self, database: str = "postgres"):  # noqa: ANN201 - a psycopg connection
        """A psycopg connection as the superuser, autocommit (for CREATE DATABASE and the like)."""
        import psycopg

        return psycopg.connect(host=HOST, port=self.port, user=SUPERUSER, dbname=database,
                               password=self.password, autocommit=True)

    def create_database(self, template: str = EMPTY_TEMPLATE, prefix: str = "t") -> str:
        """A new database copied from ``template``; returns its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name


def start(folder: Path | None = None, *, durable: bool = False) -> PgServer:
    """Install if needed, initdb and start a server; :class:`ServerError` with the reason if it cannot.

    ``folder``: keep the server's files there and start the server already in it, if any (the
    benchmarks keep their generated club this way); otherwise a temporary folder. ``durable``:
    flush every commit to disk, as a production server does (the suite's own server does not).
    """
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="hipknee-pg-")) if folder is None else folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder / "superuser-password"
    if not (folder / "data" / "PG_VERSION").exists():
        shutil.rmtree(folder / "data", ignore_errors=True)
        secret.unlink(missing_ok=True)
        _initdb(bindir, folder, durable)
    password = secret.read_text().strip()
    passfile = Path(tempfile.mkdtemp(prefix="hipknee-pgpass-")) / "pgpass"
    server = PgServer(bindir, folder, free_port(), password, passfile)
    passfile.touch(mode=0o600)
    server.remember(SUPERUSER, password)
    for attempt in range(3):
        try:
            server.start()
            break
        except ServerError:
            if attempt == 2:
                raise
            server.port = free_port()  # taken between choosing it and binding: try another
            passfile.write_text("")
            server.remember(SUPERUSER, password)
    return server


def _initdb(bindir: Path, folder: Path, durable: bool) -> None:
    password = secrets.token_urlsafe(16)
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise ServerError("the postgres system user is missing (Debian's postgresql package makes it)") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if user is not None:
        os.chown(pwfile, user.pw_uid, user.pw_gid)
    init = subprocess.run(
        [*_as_server_user(), str(bindir / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER,
         "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, timeout=120,
    )
    pwfile.unlink()
    if init.returncode != 0:
        raise ServerError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    secret = folder / "superuser-password"
    secret.touch(mode=0o600)
    secret.write_text(password)
    if not durable:
        # fsync off: a throwaway server need not survive a power cut, and every CREATE DATABASE
        # would otherwise wait for the disk. In postgresql.conf, not on the command line, so that
        # a test of durability can turn it on again (PgServer.durable).
        with (folder / "data" / "postgresql.conf").open("a") as conf:
            conf.write("\nfsync = off\nfull_page_writes = off\n")


def wait_until_ready(server: PgServer, timeout: float = 30) -> None:
    """Wait until the server accepts connections (after a restart)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            server.connect().close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def remove(server: PgServer) -> None:
    """Stop the server (immediate: nothing of it is kept) and delete its files."""
    try:
        server.stop("immediate")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
        shutil.rmtree(server.passfile.parent, ignore_errors=True)
