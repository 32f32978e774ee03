"""Shared fixtures: a temporary store (SQLite, or PostgreSQL on the suite's own server), the demo
season, and a guard that keeps tests out of data/."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import hipknee
import pg_server as pg_server_module
from backends import BACKENDS, Backend, PostgresBackend, SqliteBackend
from hipknee.synthetic.demo import make_demo
from pg_server import PgServer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HIPKNEE_DATA at a fresh folder so no test can write into the real data/."""
    folder = tmp_path_factory.mktemp("hipknee-data")
    monkeypatch.setenv("HIPKNEE_DATA", str(folder))
    return folder


# -- stores on either backend -------------------------------------------------------------------
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test in a module marked ``both_backends`` that uses a store runs on SQLite and on PostgreSQL."""
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The suite's PostgreSQL server (started on first use, stopped at the end); its password file
    is PGPASSFILE for the whole run, so URLs carry no password."""
    try:
        server = pg_server_module.start()
    except pg_server_module.ServerError as exc:
        pytest.fail(f"the PostgreSQL test server could not start, so the PostgreSQL tests cannot run: {exc}",
                    pytrace=False)
    saved = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        with server.connect() as conn:
            conn.execute(f'CREATE DATABASE "{pg_server_module.EMPTY_TEMPLATE}"')
        hipknee.Store.open(url=server.url(pg_server_module.EMPTY_TEMPLATE)).close()
        yield server
    finally:
        if saved is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = saved
        pg_server_module.remove(server)


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> SqliteBackend:
    return SqliteBackend(tmp_path_factory)


@pytest.fixture(scope="session")
def postgresql_backend(pg_server: PgServer) -> PostgresBackend:
    return PostgresBackend(pg_server)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Backend:
    """Where the test's stores live: SQLite unless the module is marked ``both_backends``."""
    return request.getfixturevalue(f"{getattr(request, 'param', 'sqlite')}_backend")


@pytest.fixture
def store(backend: Backend) -> Iterator[hipknee.Store]:
    """An empty store with one athlete, Ana (painful side: left)."""
    place = backend.new()
    with backend.open(place) as st:
        st.add(hipknee.Athlete(name="Ana", body_mass_kg=60.0, involved_side="left"))
        yield st
    backend.release(place)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo season's data folder, written once per test run; copy it before writing."""
    folder = tmp_path_factory.mktemp("demo-master")
    with hipknee.Store.open(folder) as st:
        make_demo(st)
    return folder


@pytest.fixture
def demo_dir(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo season's data folder (safe to write into)."""
    target = tmp_path / "demo"
    shutil.copytree(demo_master, target)
    return target


@pytest.fixture(scope="session")
def demo_place(backend: Backend, demo_master: Path) -> str:
    """Where the demo season written once for the backend is (copy it before writing)."""
    return str(demo_master) if backend.name == "sqlite" else backend.master("demo", make_demo)


@pytest.fixture
def demo_store(backend: Backend, demo_place: str) -> Iterator[hipknee.Store]:
    """The demo season, opened from a private copy."""
    place = backend.copy(demo_place)
    with backend.open(place) as st:
        yield st
    backend.release(place)


# -- browsers ---------------------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing so browser tests run rather than skip."""
    if not CHROMIUM.exists():
        import subprocess

        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=True, capture_output=True)
            subprocess.run(install, env=env, check=True, capture_output=True)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a playwright Browser
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = _ensure_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201 - a fresh playwright Page per test
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave screenshots and other artefacts for people to look at (git ignores it)."""
    folder = REPO / "test-output"
    folder.mkdir(exist_ok=True)
    return folder


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail after ``timeout`` s."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - localhost only
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.5)


# -- analyses and charts -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_frames(demo_master: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - LogFrames
    """The demo season read once into DataFrames (analyses are pure functions of these; read only)."""
    from hipknee.frames import log_frames

    copy = tmp_path_factory.mktemp("demo-frames") / "demo"
    shutil.copytree(demo_master, copy)
    with hipknee.Store.open(copy) as st:
        return log_frames(st)


# -- hypothesis profiles ----------------------------------------------------------------------
# "ci" (the default) keeps the generated-input tests short; "full" is the long run:
# HYPOTHESIS_PROFILE=full python -m pytest tests/test_fuzz.py


from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("full", parent=settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@contextlib.contextmanager
def served(command: list[str], *, cwd: Path, env: dict[str, str], url: str, log: Path) -> Iterator[None]:
    """Run a server (JupyterLab, Voila) in a process group of its own until the block ends;
    ``url`` must answer before the block starts. The group holds the kernels it starts, so
    stopping it stops them too. The server's output goes to ``log``."""
    import os
    import signal
    import subprocess

    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_http(url, timeout=60)
            yield
        finally:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            except ProcessLookupError:
                pass
