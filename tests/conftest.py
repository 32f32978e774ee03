"""Shared fixtures: a temporary store, the demo season, and a guard that keeps tests out of data/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import hipknee
from hipknee.demo import make_demo

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HIPKNEE_DATA at a fresh folder so no test can write into the real data/."""
    folder = tmp_path_factory.mktemp("hipknee-data")
    monkeypatch.setenv("HIPKNEE_DATA", str(folder))
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[hipknee.Store]:
    """An empty store in a temporary folder, with one athlete, Ana (painful side: left)."""
    with hipknee.Store.open(tmp_path / "store") as st:
        st.add(hipknee.Athlete(name="Ana", body_mass_kg=60.0, involved_side="left"))
        yield st


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


@pytest.fixture
def demo_store(demo_dir: Path) -> Iterator[hipknee.Store]:
    """The demo season, opened from a private copy."""
    with hipknee.Store.open(demo_dir) as st:
        yield st
