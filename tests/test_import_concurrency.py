"""Two imports at the same time, in two processes, into one store: every run is stored once, both
when they import the same folder and when one imports the watch's FIT files while the other
imports the app's GPX files of the same runs. The duplicate rule is kept by the database (a unique
file hash among a runner's runs) and checked inside the write transaction."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, gpx_bytes

import hipknee

DAY = timedelta(days=1)
RUNS = 40

# Each process loads hipknee and opens the store first, then waits for the go file, so that both
# imports really run at the same time.
IMPORTER = textwrap.dedent("""
    import os, sys, time
    import hipknee
    data, folder, ready, go = sys.argv[1:5]
    store = hipknee.open_store(data)
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.005)
    summary = hipknee.import_paths(store, folder, "Ana", progress=False)
    print(len(summary.imported), len(summary.duplicates), len(summary.failed))
""")


def write_runs(folder: Path, kind: str) -> None:
    folder.mkdir(parents=True)
    for n in range(RUNS):
        start = START + n * DAY
        if kind == "fit":
            (folder / f"{n:02}.fit").write_bytes(fit_bytes(start, km=5.0 + n / 10, minutes=30.0, records=6))
        else:  # the same runs as an app exports them: 30 s later, 1% longer
            (folder / f"{n:02}.gpx").write_bytes(
                gpx_bytes(start + timedelta(seconds=30), km=(5.0 + n / 10) * 1.01, minutes=30.0, points=6))


def import_together(tmp_path: Path, data: Path, folders: list[Path]) -> list[tuple[int, int, int]]:
    ready = [tmp_path / f"ready-{i}" for i in range(len(folders))]
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-c", IMPORTER, str(data), str(folder), str(r), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for folder, r in zip(folders, ready)]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready):
        assert time.monotonic() < deadline, "the importing processes did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(tuple(int(x) for x in out.split()))
    return results


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with hipknee.Store.open(folder) as st:
        st.add(hipknee.Athlete(name="Ana"))
    return folder


def test_two_imports_of_one_folder_store_every_run_once(tmp_path: Path, data: Path) -> None:
    write_runs(tmp_path / "watch", "fit")
    results = import_together(tmp_path, data, [tmp_path / "watch", tmp_path / "watch"])
    with hipknee.Store.open(data) as st:
        runs = st.runs()
    assert len(runs) == RUNS
    assert runs["source_hash"].is_unique
    # Between them the two imports saw every file once as new and once as a duplicate.
    assert sum(r[0] for r in results) == RUNS and sum(r[1] for r in results) == RUNS
    assert all(r[2] == 0 for r in results)


def test_the_watch_and_the_app_imported_at_once_store_every_run_once(tmp_path: Path, data: Path) -> None:
    write_runs(tmp_path / "watch", "fit")
    write_runs(tmp_path / "app", "gpx")
    results = import_together(tmp_path, data, [tmp_path / "watch", tmp_path / "app"])
    with hipknee.Store.open(data) as st:
        runs = st.runs()
    assert len(runs) == RUNS
    assert runs["when"].dt.normalize().is_unique  # one run a day
    assert sum(r[0] for r in results) == RUNS and sum(r[1] for r in results) == RUNS
