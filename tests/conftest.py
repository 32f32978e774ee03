"""Shared fixtures: a temporary store (SQLite, or PostgreSQL on the suite's own server), the demo
season, and a guard that keeps tests out of data/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pg_server as pg_server_module
import pytest
from backends import BACKENDS, Backend, PostgresBackend, SqliteBackend
from browser_helpers import CHROMIUM_ARGS, ensure_chromium
from pg_server import PgServer

import hipknee
from hipknee.synthetic.demo import make_demo

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


# -- browsers (helpers shared with the tests are in browser_helpers.py) ------------------------
@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a playwright Browser
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
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

# -- the machine's time zone --------------------------------------------------------------------
@pytest.fixture
def machine_zone() -> Iterator[object]:
    """Set this process's time zone (``machine_zone("Europe/Berlin")``), as moving the laptop to
    another zone does; the original zone is put back after the test."""
    import os
    import time

    before = os.environ.get("TZ")

    def set_zone(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
