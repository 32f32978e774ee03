"""Frames read as Arrow columns (ADBC) are exactly the frames read as rows: every kind of the demo
season and of a small coach store, whole, filtered and by columns, dtypes and categories included,
from a SQLite file and from a PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backends import Backend
from hypothesis import given, settings
from hypothesis import strategies as st

import hipknee
from hipknee.frames import LOG_COLUMNS
from hipknee.store import arrow_reads
from hipknee.store import reading as store_module
from hipknee.synthetic.coach_store import make_coach_store
from hipknee.synthetic.demo import make_demo

KINDS = ("athlete", "exercise", "set", "test", "run", "pain", "outcome")
NOTED = ("set", "test", "run", "pain", "outcome")


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
    for kind in NOTED:
        yield kind, {"noted": True, "columns": ["when", "athlete", "note", "note_private"]}


@pytest.mark.parametrize("which", ["demo", "coach"])
def test_arrow_frames_equal_row_frames(folders: dict[str, Path], which: str, arrow_used: list[bool]) -> None:
    with hipknee.Store.open(folders[which]) as arrow, hipknee.Store.open(folders[which]) as rows:
        _compare(arrow, rows, arrow_used)


def _compare(arrow: hipknee.Store, rows: hipknee.Store, arrow_used: list[bool]) -> None:
    rows._arrow = False
    compared = 0
    for kind, options in _queries(rows):
        got = arrow.read(kind, **options)
        if kind not in store_module._FEW_ROWS:
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


def test_runners_exercises_and_programmes_are_read_as_rows_without_loading_adbc(folders: dict[str, Path]) -> None:
    # A fresh process, as a notebook that only logs sessions: its few-row reads leave ADBC unloaded.
    code = ("import sys, hipknee; s = hipknee.Store.open(sys.argv[1]); "
            "[len(s.read(k)) for k in ('athlete', 'exercise', 'prescription')]; "
            "print(any(m.startswith('adbc_driver') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(folders["demo"])], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    code = code.replace("('athlete', 'exercise', 'prescription')", "('set',)")
    out = subprocess.run([sys.executable, "-c", code, str(folders["demo"])], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"  # a log's table is read the Arrow way


def test_a_noted_read_is_the_rows_with_a_note(folders: dict[str, Path]) -> None:
    with hipknee.Store.open(folders["demo"]) as store:
        found = 0
        for kind in NOTED:
            every, noted = store.read(kind), store.read(kind, noted=True)
            assert list(noted["id"]) == list(every.loc[every["note"] != "", "id"]), kind
            found += len(noted)
        assert 0 < found < len(store.read("set"))
        with pytest.raises(hipknee.ValidationError, match="noted"):
            store.read("athlete", noted=True)


def test_an_empty_result_is_read_as_rows(folders: dict[str, Path], arrow_used: list[bool]) -> None:
    with hipknee.Store.open(folders["demo"]) as arrow, hipknee.Store.open(folders["demo"]) as rows:
        rows._arrow = False
        for kind in KINDS[2:]:
            got = arrow.read(kind, start="1990-01-01", end="1990-01-02")
            pd.testing.assert_frame_equal(got, rows.read(kind, start="1990-01-01", end="1990-01-02"), obj=kind)
    assert arrow_used and not any(arrow_used)


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Split any read of more than 150 ids into ranges of 150, two at once; the SQL of every fetch."""
    monkeypatch.setattr(arrow_reads, "RANGE_ROWS", 150)
    monkeypatch.setattr(arrow_reads, "MAX_THREADS", 2)
    fetched: list[str] = []
    real = arrow_reads._fetch_one

    def spied(source, sql):  # noqa: ANN001, ANN202
        fetched.append(sql)
        return real(source, sql)

    monkeypatch.setattr(arrow_reads, "_fetch_one", spied)
    return fetched


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Hand freed memory back after any read of 150 rows or more (the real call); the rows of each."""
    monkeypatch.setattr(arrow_reads, "TRIM_ROWS", 150)
    done: list[int] = []
    real = arrow_reads.give_back_freed_memory

    def spied() -> None:
        done.append(1)
        real()

    monkeypatch.setattr(arrow_reads, "give_back_freed_memory", spied)
    return done


@pytest.mark.parametrize("which", ["demo", "coach"])
def test_a_read_in_ranges_equals_the_row_read(folders: dict[str, Path], which: str, small_ranges: list[str],
                                               arrow_used: list[bool], trims: list[int]) -> None:
    with hipknee.Store.open(folders[which]) as arrow, hipknee.Store.open(folders[which]) as rows:
        _compare(arrow, rows, arrow_used)
    # The whole-table reads went in ranges; one runner's rows or a few ids in one.
    assert sum("BETWEEN" in sql for sql in small_ranges) >= 3 * 5
    assert any("BETWEEN" not in sql for sql in small_ranges)
    # The large reads handed their freed memory back, and their frames came out whole.
    assert len(trims) >= 5


def test_a_deletion_in_one_range_only_reads_alike_in_every_range(tmp_path: Path, small_ranges: list[str],
                                                                  arrow_used: list[bool]) -> None:
    """``deleted_at`` is empty through every range but one: each range still types it as times."""
    with hipknee.Store.open(tmp_path) as store:
        make_demo(store)
        store.delete("set", int(store.sets()["id"].iloc[-1]))
        small_ranges.clear()
        arrow_used.clear()
        got = store.sets(include_deleted=True)
        assert arrow_used == [True] and sum("BETWEEN" in sql for sql in small_ranges) >= 2
        store._arrow = False
        pd.testing.assert_frame_equal(got, store.sets(include_deleted=True), check_exact=True)
    assert got["deleted_at"].notna().sum() == 1


def test_a_commit_during_a_read_in_ranges_reads_the_table_again(tmp_path: Path, small_ranges: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Another notebook (another process) saves a session while the first range is read: the
    ranges may then have seen two moments of the store, so the table is read again in one go."""
    with hipknee.Store.open(tmp_path) as store:
        make_demo(store)
        before = len(store.sets())
        small_ranges.clear()
        real = arrow_reads._fetch_one
        once = threading.Lock()  # two ranges are read at once: only the first to come saves
        save = ("import sys, hipknee; st = hipknee.Store.open(sys.argv[1]); st.add_session([{'athlete': 'Maria', "
                "'exercise': 'clamshell', 'side': 'left', 'reps': 12, 'when': '2020-01-01 07:00'}]); st.close()")

        def saving_meanwhile(source, sql):  # noqa: ANN001, ANN202
            if "BETWEEN" in sql and once.acquire(blocking=False):
                subprocess.run([sys.executable, "-c", save, str(tmp_path)], check=True, timeout=120)
            return real(source, sql)

        monkeypatch.setattr(arrow_reads, "_fetch_one", saving_meanwhile)
        got = store.sets()
        store._arrow = False
        pd.testing.assert_frame_equal(got, store.sets(), check_exact=True)
    assert len(got) > before and got["when"].iloc[0] == pd.Timestamp("2020-01-01 07:00")
    sets = [sql for sql in small_ranges if "strength_sets" in sql]  # not the names' small tables
    assert len(sets) >= 3 and all("BETWEEN" in sql for sql in sets[:-1]) and "BETWEEN" not in sets[-1]


@settings(max_examples=300, deadline=None)
@given(st.integers(-5, 10**7), st.integers(0, 3 * 10**6), st.sampled_from([1, 2, 3, 4]))
def test_ranges_cover_every_id_once_and_keep_every_thread_busy(low: int, extra: int, threads: int) -> None:
    high = low + extra
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow_reads, "MAX_THREADS", threads)
        ranges = arrow_reads._ranges(low, high)
    assert ranges[0][0] == low and ranges[-1][1] == high
    assert all(first <= last for first, last in ranges)
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))
    sizes = [last - first + 1 for first, last in ranges]
    assert max(sizes) - min(sizes) <= 1 and max(sizes) <= arrow_reads.RANGE_ROWS
    span, fewest = extra + 1, -(-(extra + 1) // arrow_reads.RANGE_ROWS)
    if fewest > threads:  # a large table: every round of ranges keeps every thread busy
        assert len(ranges) >= fewest and len(ranges) % threads == 0
    else:  # one range a thread, none under SPLIT_ROWS ids (one for a small table)
        assert len(ranges) == max(fewest, min(threads, span // arrow_reads.SPLIT_ROWS), 1)
        assert len(ranges) == 1 or min(sizes) >= arrow_reads.SPLIT_ROWS


def test_no_ids_no_ranges() -> None:
    assert arrow_reads._ranges(None, None) == []


def test_a_column_empty_through_the_first_thousands_of_rows_is_read_the_arrow_way(
        tmp_path: Path, arrow_used: list[bool]) -> None:
    """SQLite's driver types a column by the values it has seen: a runner's first 1,500 sets
    without a load, band or session, then weighted ones, are still read as Arrow columns."""
    with hipknee.Store.open(tmp_path) as store:
        store.add({"name": "Ines"}, kind="athlete")
        day = pd.Timestamp("2026-01-05 07:00")
        plain = [{"athlete": "Ines", "exercise": "clamshell", "side": side, "reps": 15,
                  "when": day + pd.Timedelta(minutes=i)} for i in range(750) for side in ("left", "right")]
        weighted = [{"athlete": "Ines", "exercise": "single-leg deadlift", "side": "left", "reps": 8, "load_kg": 12.5,
                     "band": "medium", "when": day + pd.Timedelta(days=3, minutes=i)} for i in range(20)]
        store.add_many(plain + weighted, kind="set")
        got = store.sets()
        assert arrow_used == [True]
        store._arrow = False
        pd.testing.assert_frame_equal(got, store.sets(), check_exact=True)
    assert got["load_kg"].notna().sum() == 20


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=40), st.booleans(), st.randoms(use_true_random=False))
def test_the_rows_of_a_read_sort_as_arrows_sort_by_time_then_id(times: list[int], shuffled: bool, rnd) -> None:  # noqa: ANN001
    # Times with ties, and ids as they come: rising (as SQLite mostly returns them) or in any order.
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = list(range(1, len(times) + 1))
    if shuffled:
        rnd.shuffle(ids)
    table = pa.table({"when": pa.array([t * 1_000_000 for t in times], pa.timestamp("us")), "id": ids})
    rows = arrow_reads._sorting_rows(table, ["when", "id"], pa, pc)
    expected = pc.sort_indices(table, sort_keys=[("when", "ascending"), ("id", "ascending")]).to_pylist()
    assert (list(range(len(times))) if rows is None else list(np.asarray(rows))) == expected
    assert arrow_reads._sorting_rows(table.sort_by("id"), ["id"], pa, pc) is None


def test_when_the_arrow_way_gives_up_the_rows_come_with_names_not_ids(folders: dict[str, Path], arrow_used: list[bool],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # As when a runner is added by another notebook between the read of the names and of the rows.
    def missing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise LookupError("an id missing from its lookup table")

    monkeypatch.setattr(arrow_reads, "_decoded", missing)
    with hipknee.Store.open(folders["coach"]) as arrow, hipknee.Store.open(folders["coach"]) as rows:
        rows._arrow = False
        for kind, used in LOG_COLUMNS.values():
            if kind in store_module._FEW_ROWS:
                continue
            for options in ({}, {"columns": list(used)}):
                got = arrow.read(kind, **options)
                pd.testing.assert_frame_equal(got, rows.read(kind, **options), check_exact=True, obj=f"{kind} {options}")
    assert arrow_used and not any(arrow_used)


def test_the_sets_of_a_session_share_one_string_for_its_id(folders: dict[str, Path], tmp_path: Path,
                                                          small_ranges: list[str], arrow_used: list[bool]) -> None:
    """A session's id is made once as a Python string, not once per set (across ranges too), and
    sets without a session (as a store written before sessions had ids holds them) read as the row
    read gives them."""
    import shutil

    from sqlalchemy import update

    from hipknee.store.schema import TABLES

    shutil.copytree(folders["coach"], tmp_path, dirs_exist_ok=True)
    with hipknee.Store.open(tmp_path) as store:
        sets = TABLES["set"]
        with store.engine.begin() as conn:
            conn.execute(update(sets).where(sets.c.id.in_([3, 400])).values(session=None))
        got = store.sets()
        assert arrow_used[-1] and sum("BETWEEN" in sql for sql in small_ranges) >= 2
        sessions = got["session"].dropna()
        assert got["session"].isna().sum() == 2 and sessions.nunique() > 10
        assert sessions.map(id).nunique() == sessions.nunique()
        store._arrow = False
        pd.testing.assert_frame_equal(got, store.sets(), check_exact=True)
    assert got["session"].dtype == object


def test_the_bounds_of_a_split_read_come_without_a_scan_of_the_table(folders: dict[str, Path]) -> None:
    """SQLite's plan for the lowest and highest id looks each up; one query of both scans every row."""
    import sqlite3

    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from hipknee.store.schema import TABLES

    sql = arrow_reads._bounds_sql(TABLES["set"].c.id, sqlite_dialect.dialect())
    with sqlite3.connect(folders["coach"] / "hipknee.db") as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "SEARCH strength_sets" in plan and "SCAN strength_sets" not in plan, plan
        assert conn.execute(sql).fetchone() == conn.execute("SELECT min(id), max(id) FROM strength_sets").fetchone()
        both = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN SELECT min(id), max(id) FROM strength_sets"))
    assert "SCAN strength_sets" in both  # what the lone lookups avoid


def test_columns_the_arrow_way_types_already_are_kept_not_copied(folders: dict[str, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Timestamps and numbers come from Arrow in their final types: the frame holds those very
    arrays (a copy would cost 100 MB on every column of a coach's sets), and the rest is typed."""
    fetched: list[pd.DataFrame] = []
    real = store_module.read_arrow

    def spied(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        frame = real(*args, **kwargs)
        fetched.append(frame)
        return frame

    monkeypatch.setattr(store_module, "read_arrow", spied)
    with hipknee.Store.open(folders["coach"]) as store:
        got = store.sets()
        raw = fetched[-1]
        assert raw is not None
        for column in ("when", "duration_s", "load_kg", "rpe"):
            assert got[column].dtype == raw[column].dtype
            assert np.shares_memory(got[column].to_numpy(), raw[column].to_numpy()), column
        assert str(got["reps"].dtype) == "Int64" and str(raw["reps"].dtype) != "Int64"
        store._arrow = False
        pd.testing.assert_frame_equal(got, store.sets(), check_exact=True)


def test_a_deleted_runner_reads_alike_without_joins(folders: dict[str, Path], tmp_path: Path,
                                                    small_ranges: list[str], arrow_used: list[bool]) -> None:
    """The Arrow way asks for a runner by her id, with no join per row to the runners or the
    exercises: a deleted runner's rows read as the row read (with its joins) gives them, with and
    without the deleted ones, by her name and by another's."""
    import shutil

    shutil.copytree(folders["coach"], tmp_path, dirs_exist_ok=True)
    with hipknee.Store.open(tmp_path) as store:
        kept, gone = store.athlete_names()[:2]
        store.delete("athlete", int(store.athletes().set_index("name").loc[gone, "id"]))
        queries = [{}, {"include_deleted": True}, {"athlete": gone, "include_deleted": True}, {"athlete": kept}]
        small_ranges.clear()
        arrow_used.clear()
        got = [store.sets(**options) for options in queries]
        assert arrow_used == [True] * 4 and small_ranges
        assert not any("JOIN" in sql.upper() for sql in small_ranges), small_ranges[0]
        assert store.sets(athlete=gone).empty
        store._arrow = False
        for frame, options in zip(got, queries):
            pd.testing.assert_frame_equal(frame, store.sets(**options), check_exact=True, obj=str(options))
    every, with_deleted, hers, others = got
    assert gone not in set(every["athlete"]) and set(hers["athlete"]) == {gone} and set(others["athlete"]) == {kept}
    assert len(with_deleted) == len(every) + len(hers)
