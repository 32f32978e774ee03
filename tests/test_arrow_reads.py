"""Frames read as Arrow columns (ADBC) are exactly the frames read as rows: every kind of the demo
season and of a small coach store, whole, filtered and by columns, dtypes and categories included,
from a SQLite file and from a PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from backends import Backend

import hipknee
from hipknee.frames import LOG_COLUMNS
from hipknee.store import reading as store_module
from hipknee.synthetic.coach_store import make_coach_store
from hipknee.synthetic.demo import make_demo

KINDS = ("athlete", "exercise", "set", "test", "run", "pain", "outcome")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    demo, coach = tmp_path_factory.mktemp("demo"), tmp_path_factory.mktemp("coach")
    with hipknee.Store.open(demo) as st:
        make_demo(st)
        st.delete("run", int(st.runs()["id"].iloc[0]))
    with hipknee.Store.open(coach) as st:
        make_coach_store(st, runners=3, seasons=1, seed=3)
    return {"demo": demo, "coach": coach}


@pytest.fixture
def arrow_used(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether each read went the Arrow way (the real reader runs)."""
    used: list[bool] = []
    real = store_module.read_arrow

    def spied(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        frame = real(*args, **kwargs)
        used.append(frame is not None)
        return frame

    monkeypatch.setattr(store_module, "read_arrow", spied)
    yield used


def _queries(store: hipknee.Store) -> Iterator[tuple[str, dict]]:
    athlete = store.athlete_names()[0]
    first = store.sets()["when"].min()
    start, end = (first + pd.Timedelta(days=20)).date(), (first + pd.Timedelta(days=80)).date()
    for kind in KINDS:
        yield kind, {}
        yield kind, {"include_deleted": True}
        if kind not in ("athlete", "exercise"):
            yield kind, {"athlete": athlete, "start": start, "end": end}
            yield kind, {"ids": [1, 2, 5]}
    for kind, used in LOG_COLUMNS.values():
        yield kind, {"columns": list(used)}


@pytest.mark.parametrize("which", ["demo", "coach"])
def test_arrow_frames_equal_row_frames(folders: dict[str, Path], which: str, arrow_used: list[bool]) -> None:
    with hipknee.Store.open(folders[which]) as arrow, hipknee.Store.open(folders[which]) as rows:
        _compare(arrow, rows, arrow_used)


def _compare(arrow: hipknee.Store, rows: hipknee.Store, arrow_used: list[bool]) -> None:
    rows._arrow = False
    compared = 0
    for kind, options in _queries(rows):
        got = arrow.read(kind, **options)
        assert arrow_used.pop() or got.empty, (kind, options)  # from Arrow (an empty result is read as rows)
        pd.testing.assert_frame_equal(got, rows.read(kind, **options), check_exact=True, obj=f"{kind} {options}")
        compared += len(got)
    assert compared > 1000 and arrow_used == []


def _demo_with_a_deletion(store: hipknee.Store) -> None:
    make_demo(store)
    store.delete("run", int(store.runs()["id"].iloc[0]))


@pytest.mark.parametrize("which", ["demo", "coach"])
def test_arrow_frames_from_postgresql_equal_row_frames(postgresql_backend: Backend, which: str,
                                                       arrow_used: list[bool]) -> None:
    build = _demo_with_a_deletion if which == "demo" else (
        lambda st: make_coach_store(st, runners=3, seasons=1, seed=3))
    place = postgresql_backend.master(f"arrow-reads-{which}", build)
    with postgresql_backend.open(place) as arrow, postgresql_backend.open(place) as rows:
        arrow_used.clear()  # the reads that built the store
        _compare(arrow, rows, arrow_used)


def test_an_empty_result_is_read_as_rows(folders: dict[str, Path], arrow_used: list[bool]) -> None:
    with hipknee.Store.open(folders["demo"]) as arrow, hipknee.Store.open(folders["demo"]) as rows:
        rows._arrow = False
        for kind in KINDS[2:]:
            got = arrow.read(kind, start="1990-01-01", end="1990-01-02")
            pd.testing.assert_frame_equal(got, rows.read(kind, start="1990-01-01", end="1990-01-02"), obj=kind)
    assert arrow_used and not any(arrow_used)
