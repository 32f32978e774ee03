"""The demo season: the console script writes a deterministic season with everything the charts need."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import hipknee

HIPKNEE = Path(sys.executable).with_name("hipknee")


def _demo(data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HIPKNEE), "demo", "--data", str(data), *extra], capture_output=True, text=True, check=False)


def _frames(data: Path) -> dict[str, pd.DataFrame]:
    with hipknee.Store.open(data) as st:
        return {k: st.read(k) for k in ("athlete", "set", "test", "run", "pain", "outcome")}


def test_console_script_writes_a_full_season(tmp_path: Path) -> None:
    result = _demo(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hipknee.db").exists()
    f = _frames(tmp_path)
    runs, sets, pain = f["run"], f["set"], f["pain"]
    weeks = runs["when"].dt.to_period("W")
    assert weeks.nunique() >= 16
    assert runs.groupby(weeks).size().between(3, 5).all()
    hip_days = sets.groupby(sets["when"].dt.to_period("W"))["when"].nunique()
    assert hip_days.between(2, 4).all()
    assert set(sets["side"]) == {"left", "right"}
    assert set(pain["context"]) == {"rest", "during", "after", "next_morning"}
    days = (runs["when"].max() - runs["when"].min()).days
    assert pain["when"].dt.normalize().nunique() >= 0.8 * days
    assert f["run"]["note_private"].any() or f["pain"]["note_private"].any()


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        assert _demo(tmp_path / name, "--seed", seed).returncode == 0
    a, b, c = (_frames(tmp_path / n) for n in "abc")
    # The same records; their global ids, sessions' ids and save times are each store's own.
    own = ["uid", "updated_at", "session"]
    for kind in a:
        pd.testing.assert_frame_equal(a[kind].drop(columns=own, errors="ignore"), b[kind].drop(columns=own, errors="ignore"))
    assert (pd.factorize(a["set"]["session"])[0] == pd.factorize(b["set"]["session"])[0]).all()
    assert not a["run"]["distance_km"].equals(c["run"]["distance_km"])


def test_demo_has_a_spike_week_then_a_flare(demo_store: hipknee.Store) -> None:
    runs = demo_store.runs()
    weekly = runs.groupby(runs["when"].dt.to_period("W"))["distance_km"].sum()
    jump = weekly.pct_change()
    spike = jump.idxmax()
    assert jump.max() > 0.3
    pain = demo_store.pain()
    involved = pain[(pain["knee"] == "right") & (pain["context"] == "during")]
    by_week = involved.groupby(involved["when"].dt.to_period("W"))["nrs"].mean()
    assert by_week.loc[spike + 1] > by_week.loc[spike - 1]
    assert by_week.iloc[-2:].mean() < by_week.iloc[:2].mean() - 2


def test_squad(tmp_path: Path) -> None:
    assert _demo(tmp_path, "--runners", "4").returncode == 0
    assert len(_frames(tmp_path)["athlete"]) == 4


def test_demo_refuses_a_store_with_a_log(store: hipknee.Store) -> None:
    assert store.path is not None
    result = _demo(store.path.parent)
    assert result.returncode == 2
    assert "--data" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("runners", ["0", "-2"])
def test_bad_runner_count_is_one_clear_line(tmp_path: Path, runners: str) -> None:
    result = _demo(tmp_path, "--runners", runners)
    assert result.returncode == 2
    assert result.stderr.startswith("hipknee: error: --runners: got")


def test_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hipknee", "demo", "--data", str(tmp_path), "--if-missing"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "hipknee.db").exists()
    again = subprocess.run([sys.executable, "-m", "hipknee", "demo", "--data", str(tmp_path), "--if-missing"],
                           capture_output=True, text=True, check=False)
    assert "already" in again.stdout


def _runners_in(db: Path) -> int:
    """Runners in a store file another process may be writing (read only; 0 when none can be read)."""
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            found = conn.execute("SELECT count(*) FROM athletes").fetchone()[0]
        conn.close()
        return int(found)
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_demo_leaves_no_partial_squad(tmp_path: Path, sig: signal.Signals) -> None:
    data = tmp_path / "data"
    # Ctrl-C as a terminal sends it, even when the suite itself runs in the background (where SIGINT
    # is ignored, and a child would inherit that).
    demo = subprocess.Popen([str(HIPKNEE), "demo", "--data", str(data), "--runners", "1000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # Wait until a few runners are written, wherever the demo writes them.
        deadline = time.monotonic() + 120
        while max([_runners_in(data / "hipknee.db"), *map(_runners_in, data.glob(".*/hipknee.db"))]) < 3:
            assert demo.poll() is None, demo.communicate()
            assert time.monotonic() < deadline, "the demo wrote no runner in 120 s"
            time.sleep(0.2)
        demo.send_signal(sig)
        _, err = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert _runners_in(data / "hipknee.db") == 0, "a partial squad was left in the store"
    if sig == signal.SIGINT:
        assert demo.returncode == 130
        assert err.splitlines()[-1].startswith("hipknee: stopped") and "Traceback" not in err
        assert sorted(p.name for p in data.iterdir()) in ([], ["hipknee.db"])  # no staging folder left
    # The next demo goes through whatever a killed one left behind.
    again = _demo(data)
    assert again.returncode == 0, again.stderr
    assert _runners_in(data / "hipknee.db") == 1
