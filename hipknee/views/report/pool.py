"""A squad's runner sections drawn side by side in worker processes.

Each section is CPU work (analyses, four charts rendered to SVG) that one core does one runner at a
time, and matplotlib does not draw in threads; so sections of a large squad are drawn in separate
processes, each handed one runner's rows, her verdicts and her rows of the squad's analyses. The
sections are the same as drawn in this process, in the same order.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

import pandas as pd

from ...analyses.season import summary_from_verdicts
from ...analyses.verdicts import PER_RUNNER, SeasonAnalyses, season_analyses
from ...frames import LogFrames
from .sections import Section, runner_section

__all__ = ["MIN_RUNNERS_PER_WORKER", "default_workers", "draw_sections", "section_workers"]

#: A fresh worker process costs about as much as one runner's section (it imports pandas and
#: matplotlib), so each worker is given at least this many runners.
MIN_RUNNERS_PER_WORKER = 3


def default_workers(runners: int) -> int:
    """Worker processes for ``runners`` sections: one per core this process may use, at most one
    per :data:`MIN_RUNNERS_PER_WORKER` runners; 1 means "in this process"."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, runners // MIN_RUNNERS_PER_WORKER))


@contextmanager
def section_workers(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` processes, started at once so that they import pandas and matplotlib while the
    caller reads and summarises the squad; None for 1 (or when no process can be started)."""
    if workers <= 1:
        yield None
        return
    try:
        # "spawn": a fork of a Jupyter kernel would copy its threads' locks; the workers start clean.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start)
        pool.submit(_ready)  # starts every worker
    except OSError:
        yield None
        return
    try:
        yield pool
    finally:
        # Not waiting for the workers to exit: every section is in by now (or the caller has given
        # up on them), and their interpreters' teardown held the page back by a second or two.
        pool.shutdown(wait=False, cancel_futures=True)


def draw_sections(pool: ProcessPoolExecutor | None, runners: dict[str, LogFrames], order: Sequence[str], *,
                  start: pd.Timestamp | None, end: pd.Timestamp | None, notes: pd.DataFrame, anchors: dict[str, str],
                  verdicts: dict[str, dict[str, Any]], squad: SeasonAnalyses | None = None,
                  advance: Callable[[], Any] = lambda: None) -> list[Section]:
    """The section of every runner in ``order`` (see :func:`runner_section`; ``verdicts``: each
    runner's row of :func:`~hipknee.analyses.season.squad_verdicts` over the same days, made her
    season summary where the section is drawn), drawn by the ``pool``'s workers (None: in this
    process); ``advance`` is called as each one is done (a progress bar). ``squad``: the analyses
    the verdicts came from; each section takes its runner's rows of them (the charts then show
    the verdicts' own numbers, and no worker computes them again)."""
    if squad is not None:
        # Every analysis a section uses, once over the whole squad: vectorised, that is a fraction
        # of a second, where each runner's own (a season's weekly pain status: 0.15 s) adds up.
        for name in PER_RUNNER:
            getattr(squad, name)

    def job(name: str) -> tuple[Any, ...]:
        return (_own_rows(runners[name]), name, start, end, notes[notes["athlete"] == name], anchors[name],
                verdicts[name], squad.computed_for(name) if squad is not None else {})

    done: dict[int, Section] = {}
    jobs: list[tuple[Any, ...]] = []
    if pool is not None and len(order) > 1:
        try:
            futures = {}
            for i, name in enumerate(order):  # each handed over as soon as it is made: the workers start at once
                jobs.append(job(name))
                futures[pool.submit(_section, *jobs[-1])] = i
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                advance()
        except (BrokenProcessPool, OSError):
            pass  # a worker could not start or was killed: what is left is drawn here, nothing is lost
    jobs += [job(name) for name in order[len(jobs):]]
    return [done[i] if i in done else _drawn(job, advance) for i, job in enumerate(jobs)]


def _ready() -> None:
    """A worker's first task: nothing but the imports its unpickling brings."""


def _worker_start() -> None:
    """Each worker's start: what drawing needs imported, then every object so far set aside from the
    garbage collector (``gc.freeze``). The modules live as long as the worker, and each collection
    would otherwise walk their objects again and again: a tenth of a section's time."""
    import matplotlib.backends.backend_svg  # noqa: F401 - what savefig(format="svg") imports at its first use

    gc.freeze()


def _own_rows(frames: LogFrames) -> LogFrames:
    """The runner's frames without what was computed from them (only the rows travel)."""
    return LogFrames.from_tables(frames.frames(), is_demo=frames.is_demo)


def _drawn(job: tuple[Any, ...], advance: Callable[[], Any]) -> Section:
    section = _section(*job)
    advance()
    return section


def _section(frames: LogFrames, athlete: str, start: pd.Timestamp | None, end: pd.Timestamp | None,
             notes: pd.DataFrame, anchor: str, verdicts: dict[str, Any], computed: dict[str, pd.DataFrame]) -> Section:
    analyses = season_analyses(frames.only(athlete, start, end))  # the log runner_section draws
    analyses.adopt(computed)
    # Her summary made here, not before handing out the work: its associations (a Spearman test
    # per runner) are the one part of it that is not squad-wide.
    return runner_section(frames, athlete, start, end, notes, anchor=anchor,
                          summary=summary_from_verdicts(analyses, verdicts))
