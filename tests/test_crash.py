"""Crash safety: a process saving sessions through the real store API is killed with SIGKILL at
random moments, again and again; every save it reported as committed is there afterwards, whole,
and SQLite finds the file sound (on PostgreSQL the server rolls back the killed transaction)."""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from backends import Backend, env_location

import hipknee

pytestmark = pytest.mark.both_backends

#: Kills per backend. A killed client leaves the server nothing to repair (it rolls the open
#: transaction back), so fewer do there; the server's own crash is tested in test_club_load.py.
KILLS = {"sqlite": 60, "postgresql": 10}
#: A saver that prints nothing for this long is stuck: the test fails instead of hanging the suite.
STUCK_S = 60

# One fresh interpreter per kill: nothing is shared between savers but the store file. A saver
# prints "saved SESSION" only after that save has committed.
SAVER = r"""
import sys
import hipknee

print("started", flush=True)
store = hipknee.open_store()
print("opened", flush=True)
for i in range(10**9):
    when = f"2026-03-{1 + i % 28:02d}T18:00"
    session = store.add_session([
        dict(when=when, athlete="Ana", exercise="clamshell", side="left", reps=15, note=f"{i}"),
        dict(when=when, athlete="Ana", exercise="clamshell", side="right", reps=12, note=f"{i}"),
    ])
    print(f"saved {session}", flush=True)
"""


def _lines(saver: subprocess.Popen[str]) -> queue.Queue[str]:
    """The saver's output lines, read by a thread of their own ("" at the end), so that waiting
    for one can time out."""
    out: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in saver.stdout:
            out.put(line)
        out.put("")

    threading.Thread(target=pump, daemon=True).start()
    return out


def _read_until(lines: queue.Queue[str], prefix: str | None) -> list[str]:
    """Lines up to the first starting with ``prefix`` (``None``: to the end of the output);
    returns the ``saved`` ones."""
    saved = []
    while True:
        try:
            line = lines.get(timeout=STUCK_S)
        except queue.Empty:
            raise AssertionError(f"the saver printed nothing for {STUCK_S} s while waiting for {prefix!r}") from None
        if line.startswith("saved "):
            saved.append(line.split()[1])
        if line == "":
            assert prefix is None, f"the saver ended on its own before {prefix!r}"
            return saved
        if prefix is not None and line.startswith(prefix):
            return saved


@pytest.mark.slow
def test_every_reported_save_survives_sigkill(store: hipknee.Store, backend: Backend, tmp_path: Path) -> None:
    kills = KILLS[backend.name]
    env = {**os.environ, **env_location(store)}  # the fixture's store, holding Ana
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    rng = random.Random(20260302)
    reported: list[str] = []
    before_any_save = 0
    for _ in range(kills):
        saver = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
        lines = _lines(saver)
        try:
            saved = _read_until(lines, "started")
            # One kill in five inside Store.open (checks, the daily backup), the others among the
            # saves (commits, checkpoints).
            if rng.random() < 0.2:
                time.sleep(rng.uniform(0.0, 0.05))
            else:
                saved += _read_until(lines, "opened")
                time.sleep(rng.uniform(0.0, 0.4))
            saver.send_signal(signal.SIGKILL)
            saved += _read_until(lines, None)  # the rest, up to the end of its output
        finally:
            saver.kill()
            saver.wait()
        assert saver.returncode == -signal.SIGKILL
        reported += saved
        before_any_save += not saved

    with hipknee.Store.open(url=store.url) as st:
        sets = st.sets()
    if store.path is not None:
        with sqlite3.connect(store.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
    per_session = sets.groupby("session").size()
    assert set(reported) <= set(per_session.index), "a save reported as committed is missing"
    assert (per_session == 2).all(), "a session was saved in part"
    # At most one save per kill can have committed without being reported.
    assert len(per_session) - len(reported) <= kills
    assert len(reported) >= kills // 2  # the kills landed among saves, not only before them
    print(f"{kills} kills ({before_any_save} before the first save), {len(reported)} reported saves all present, "
          f"{len(per_session)} sessions in the store, none in part")
