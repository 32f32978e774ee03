"""A squad overview drawn by worker processes is the page drawn in one process, runner by runner."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

import hipknee
from hipknee.analyses import verdicts
from hipknee.analyses.season import season_summaries, squad_verdicts, summary_from_verdicts
from hipknee.analyses.verdicts import season_analyses
from hipknee.frames import as_frames
from hipknee.synthetic.coach_store import make_coach_store
from hipknee.views.report import build_overview
from hipknee.views.report import pool as report_pool

pytestmark = pytest.mark.slow

RUNNERS = 4


def _page(html: str) -> str:
    """The page without the minute it was made."""
    return re.sub(r"Made with hipknee on [^.]+\.", "", html)


@pytest.fixture(scope="module")
def squad(tmp_path_factory: pytest.TempPathFactory) -> hipknee.frames.LogFrames:
    folder = tmp_path_factory.mktemp("squad")
    with hipknee.Store.open(folder) as store:
        make_coach_store(store, runners=RUNNERS, seasons=1, weeks=6, seed=3)
        return as_frames(store)


@pytest.fixture(scope="module")
def one_process(squad: hipknee.frames.LogFrames) -> str:
    return build_overview(squad, progress=False, workers=1)


def test_two_workers_draw_the_same_page_as_one_process(squad, one_process: str) -> None:
    html = build_overview(squad, progress=False, workers=2)
    assert _page(html) == _page(one_process)
    assert html.count('class="hipknee-chart"') >= 3 * RUNNERS
    # the runners keep the attention order of the squad table
    names = re.findall(r'<section class="runner" id="runner-\d+">\s*<h2>([^<]+)</h2>', html)
    assert len(names) == RUNNERS


def test_the_progress_bar_counts_every_runner_drawn_by_a_worker(squad, monkeypatch) -> None:
    counted: list[int] = []
    real = report_pool.draw_sections

    def counting(*args, **kwargs):
        kwargs["advance"] = lambda: counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("hipknee.views.report.build.draw_sections", counting)
    build_overview(squad, progress=False, workers=2)
    assert len(counted) == RUNNERS


def test_workers_that_cannot_start_leave_the_page_whole(squad, one_process: str, tmp_path: Path,
                                                        monkeypatch) -> None:
    # A "python" that exits at once: every worker dies before drawing anything.
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr("multiprocessing.spawn.get_executable", lambda: os.fsencode(broken))
    html = build_overview(squad, progress=False, workers=2)
    assert _page(html) == _page(one_process)


def test_a_large_squad_uses_every_core_a_small_one_stays_in_this_process(monkeypatch) -> None:
    monkeypatch.setattr(report_pool.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert report_pool.default_workers(2) == 1
    assert report_pool.default_workers(report_pool.MIN_RUNNERS_PER_WORKER * 2) == 2
    assert report_pool.default_workers(100) == 4


def test_zero_workers_is_refused(squad) -> None:
    with pytest.raises(hipknee.ValidationError, match="workers"):
        build_overview(squad, progress=False, workers=0)


# -- sections take their runner's rows of the squad's analyses ---------------------------------------
@pytest.mark.parametrize("period", [(None, None), ("2025-11-26", "2025-12-16")])
def test_a_runners_rows_of_the_squads_analyses_are_her_own_logs(squad, period) -> None:  # noqa: ANN001
    frames = squad.only(None, *period)
    whole = season_analyses(frames)
    rows = squad_verdicts(frames)  # what the overview computes before drawing
    assert set(rows) == set(frames.names())
    for name in verdicts.PER_RUNNER:
        getattr(whole, name)  # as draw_sections computes them
    runners = squad.by_athlete()
    for name in frames.names():
        computed = whole.computed_for(name)
        assert {"lsi", "status", "days", "load", "acwr", "weekly_pain"} <= set(computed), name
        own = season_analyses(report_pool._own_rows(runners[name]).only(name, *period))
        for analysis, frame in computed.items():
            pd.testing.assert_frame_equal(frame, getattr(own, analysis), check_exact=True,
                                          obj=f"{name}: {analysis}")


@pytest.mark.parametrize("period", [(None, None), ("2025-11-26", "2025-12-16")])
def test_a_summary_made_where_a_section_is_drawn_is_the_squads(squad, period) -> None:  # noqa: ANN001
    """A worker makes a runner's summary from her verdicts and her rows of the squad's analyses
    (associations included): the same summary as the squad's, every field."""
    frames = squad.only(None, *period)
    whole = season_analyses(frames)
    rows = squad_verdicts(frames)
    runners = squad.by_athlete()
    for name, expected in season_summaries(frames).items():
        own = season_analyses(report_pool._own_rows(runners[name]).only(name, *period))
        own.adopt(whole.computed_for(name))
        made = summary_from_verdicts(own, rows[name])
        assert len(made.associations) >= 1, name
        # As frames: a coefficient of too few weeks is NaN on both sides.
        pd.testing.assert_frame_equal(pd.DataFrame(made.associations), pd.DataFrame(expected.associations),
                                      obj=f"{name}: associations")
        pd.testing.assert_frame_equal(made.pain_verdicts, expected.pain_verdicts)
        assert made.lines() == expected.lines(), name


def test_sections_drawn_from_the_squads_analyses_compute_none_again(squad, monkeypatch) -> None:  # noqa: ANN001
    # As in a large squad, the summaries compute only each runner's latest weeks of pain status.
    monkeypatch.setattr(verdicts, "_WHOLE_STATUS_ROWS", 0)
    frames = hipknee.frames.LogFrames.from_tables(squad.frames())  # nothing computed on it yet
    names = frames.names()
    common = {"start": None, "end": None, "notes": frames.frames()["sets"].iloc[:0].assign(athlete=[]),
              "anchors": {n: f"runner-{i}" for i, n in enumerate(names)}, "verdicts": squad_verdicts(frames)}
    alone = report_pool.draw_sections(None, frames.by_athlete(), names, **common)
    whole = season_analyses(frames)
    assert "status" not in whole.__dict__  # the summaries needed the latest weeks only
    computed: list[str] = []
    real = verdicts.weekly_status
    monkeypatch.setattr(verdicts, "weekly_status", lambda pain: computed.append(
        "squad" if pain["athlete"].nunique() > 1 else "runner") or real(pain))
    shared = report_pool.draw_sections(None, frames.by_athlete(), names, squad=whole, **common)
    assert computed == ["squad"]  # once over the squad, no runner's again
    assert shared == alone


def test_only_a_runners_analyses_can_be_adopted(squad) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="not analyses of one runner: notes"):
        season_analyses(squad).adopt({"notes": pd.DataFrame()})


def test_the_page_does_not_wait_for_the_workers_to_exit_and_none_is_left_behind(squad, one_process: str) -> None:  # noqa: ANN001
    """Every section is in when the page is made: the workers' own teardown (a second or two of
    unloading pandas and matplotlib) goes on after it, and then they are gone."""
    import multiprocessing
    import time

    before = {p.pid for p in multiprocessing.active_children()}
    html = build_overview(squad, progress=False, workers=2)
    still_exiting = {p.pid for p in multiprocessing.active_children()} - before
    assert _page(html) == _page(one_process)
    assert still_exiting  # returned before its workers had exited
    deadline = time.monotonic() + 60
    while {p.pid for p in multiprocessing.active_children()} - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not {p.pid for p in multiprocessing.active_children()} - before


def test_a_worker_sets_its_imports_aside_from_the_garbage_collector() -> None:
    """What drawing imports lives as long as the worker: frozen (``gc.freeze``), so that no
    collection walks it again."""
    import gc

    with report_pool.section_workers(2) as pool:
        assert pool is not None
        frozen = pool.submit(gc.get_freeze_count).result(timeout=120)
    assert frozen > 50_000  # pandas, matplotlib and hipknee's objects (about 200,000)
