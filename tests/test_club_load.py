"""A club under load: 20 runners saving at once through their own logins, a server stopped in the
middle of saves (``pg_ctl stop -m immediate``) and started again, and a server that cannot be
reached at all."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from clubs import Club
from pg_server import HOST, PgServer, free_port, wait_until_ready

import hipknee

RUNNERS = 20
SESSIONS = 100


def session(name: str, i: int) -> list[dict]:
    when = f"2026-03-{1 + i % 28:02d}T18:00"
    return [dict(when=when, athlete=name, exercise="clamshell", side=side, reps=12, note=f"{name}-{i}")
            for side in ("left", "right")]


@pytest.mark.slow
def test_twenty_runners_saving_at_once_lose_nothing(pg_server: PgServer, tmp_path: Path) -> None:
    club = Club(pg_server, tmp_path)
    club.init()
    names = [f"Runner {n:02d}" for n in range(RUNNERS)]
    logins = {name: club.add_runner(name, f"r{n:02d}_{club.tag}") for n, name in enumerate(names)}
    stores = {name: hipknee.open_store(url=club.url(login)) for name, login in logins.items()}  # 20 connections
    start = threading.Barrier(RUNNERS)

    def save_all(name: str) -> list[str]:
        store = stores[name]
        start.wait()
        return [store.add_session(session(name, i)) for i in range(SESSIONS)]

    try:
        with ThreadPoolExecutor(RUNNERS) as pool:
            acknowledged = dict(zip(names, pool.map(save_all, names)))
    finally:
        for store in stores.values():
            store.close()

    with hipknee.open_store(url=club.url()) as owner:  # the owner sees every runner's rows
        sets = owner.sets()
    per_session = sets.groupby("session").agg(n=("id", "size"), athlete=("athlete", "first"), note=("note", "first"))
    assert len(per_session) == RUNNERS * SESSIONS  # all there
    assert (per_session["n"] == 2).all()  # none partial
    assert per_session["note"].is_unique  # none twice
    for name in names:
        mine = per_session[per_session["athlete"] == name]
        assert set(mine.index) == set(acknowledged[name])
        assert set(mine["note"]) == {f"{name}-{i}" for i in range(SESSIONS)}
    # They really saved at the same time: runners alternate along the ids, not one after the other.
    order = sets.sort_values("id")["athlete"].astype(str)
    assert (order != order.shift()).sum() > RUNNERS * 5


@pytest.mark.slow
def test_a_server_stopped_in_the_middle_of_saves_loses_no_acknowledged_one(pg_server: PgServer,
                                                                            tmp_path: Path) -> None:
    club = Club(pg_server, tmp_path)
    club.init()
    names = ["Ana", "Bea", "Cleo"]
    logins = {name: club.add_runner(name, f"{name.lower()}_{club.tag}") for name in names}
    acknowledged: dict[str, list[str]] = {name: [] for name in names}
    failures: list[str] = []
    stop = threading.Event()

    def keep_saving(name: str) -> None:
        with hipknee.open_store(url=club.url(logins[name])) as store:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    acknowledged[name].append(store.add_session(session(name, i)))
                except hipknee.StoreError as exc:  # the server is down: not acknowledged, try the next
                    failures.append(str(exc))
                    time.sleep(0.05)

    def saved() -> int:
        return sum(map(len, acknowledged.values()))

    def wait_for_more(count: int) -> None:
        target = saved() + count
        deadline = time.monotonic() + 120
        while saved() < target:
            assert time.monotonic() < deadline, "the savers stopped saving"
            time.sleep(0.01)

    with pg_server.durable(), ThreadPoolExecutor(len(names)) as pool:
        running = [pool.submit(keep_saving, name) for name in names]
        try:
            for _ in range(3):
                wait_for_more(30)
                pg_server.stop("immediate")  # in the middle of saves: no shutdown checkpoint, no goodbye
                time.sleep(0.3)
                pg_server.start()
                wait_until_ready(pg_server)
            wait_for_more(30)  # and the notebooks go on saving once it is back
        finally:
            stop.set()
            for future in running:
                future.result()

    with hipknee.open_store(url=club.url()) as owner:
        per_session = owner.sets().groupby("session").size()
    for name in names:
        assert set(acknowledged[name]) <= set(per_session.index), f"an acknowledged save of {name} is lost"
    assert (per_session == 2).all(), "a session was saved in part"
    assert failures, "the server never went down during a save"
    assert all("could not connect" in f or "the database" in f for f in failures)


def test_an_unreachable_server_is_one_line_naming_host_and_port(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    secret = "Unreachable-S3cret-Pw"
    url = f"postgresql+psycopg://ana:{secret}@{HOST}:{port}/club"
    done = subprocess.run([sys.executable, "-m", "hipknee", "report", "--all", "--url", url,
                           "--out", str(tmp_path / "squad.html")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hipknee: error: "), done.stderr
    assert f"{HOST}:{port}" in lines[0] and "could not connect to the database server" in lines[0]
    assert secret not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "squad.html").exists()
