"""The coach report: one self-contained HTML page for a runner, or one for a squad with the runners
needing attention first.

Everything is inline (CSS, charts as SVG), with no external resource, so the file opens offline
and travels by e-mail. Runner-typed text (names, notes) is escaped. Notes marked private are left
out unless ``include_private`` is asked for. Units: LSI in %, pain as 0-10 NRS, distance in km,
session load (RPE x min) in AU.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...analyses.attention import ORDER_RULE, attention_order
from ...analyses.season import squad_verdicts, summarise_all
from ...analyses.verdicts import season_analyses
from ...errors import ValidationError
from ...frames import LogFrames, as_frames, read_frames, read_notes
from ...records.periods import period
from ...store import Store
from ..palette import LEVEL_BADGES, LEVEL_EDGES
from ..squad_table import squad_rows, squad_table
from ..templates import render
from .pool import default_workers, draw_sections, section_workers
from .sections import Section, period_words, runner_section

__all__ = ["build_overview", "build_report"]


def build_report(source: Store | LogFrames, athlete: str | None = None, start: Any = None, end: Any = None,
                 include_private: bool = False) -> str:
    """The HTML report of one runner (default: the log's only runner), optionally for
    ``start``..``end`` (dates, end inclusive): season-summary verdicts, balance, pain and load
    charts, a week-by-week table and the notes (from a store; frames carry none)."""
    lo, hi = period(start, end)
    if isinstance(source, Store):
        # Only this runner's rows, read once: a coach's store holds many runners' seasons.
        athlete = LogFrames.from_tables({"athletes": source.athletes()}).athlete(athlete, when_several="ask")
        frames = read_frames(source, athlete)
    else:
        frames = source
        athlete = frames.athlete(athlete, when_several="ask")
    notes = _notes(source, athlete, include_private)
    section = runner_section(frames, athlete, lo, hi, notes, anchor="runner-1")
    return _page(frames, title=f"{athlete}: season report", subtitle=section.period, runners=[section],
                 include_private=include_private)


def build_overview(source: Store | LogFrames, start: Any = None, end: Any = None, include_private: bool = False,
                   progress: bool = True, workers: int | None = None) -> str:
    """One HTML page for a squad: a table of every runner's current LSI, pain trend, ACWR zone and
    pain-monitoring status, the runners needing attention first (see
    :mod:`hipknee.analyses.attention`), each linking to a section with that runner's verdicts,
    charts, weeks and notes. Runners' sections are drawn by ``workers`` processes (default: one
    per core for a large squad, see :func:`~hipknee.views.report.pool.default_workers`; 1: in this
    process)."""
    from tqdm.auto import tqdm

    lo, hi = period(start, end)
    if workers is not None and workers < 1:
        raise ValidationError("workers", str(workers), "1 or more worker processes")
    # The workers start first: they import what they need while the squad is read and summarised.
    squad = source.athlete_names() if isinstance(source, Store) else source.names()
    with (section_workers(default_workers(len(squad)) if workers is None else workers) as pool,
          ThreadPoolExecutor(1, thread_name_prefix="hipknee-notes") as reader):
        frames = as_frames(source)
        if not frames.names():
            raise ValidationError("store", str(getattr(source, "path", "")) or "the log",
                                  "a store with at least one runner")
        # The notes are read while the squad is summarised: the read is SQLite's scan of every
        # table, which lets go of the GIL, and the summaries leave the other core idle.
        notes_read = reader.submit(_notes, source, None, include_private)
        ordered = attention_order(summarise_all(frames, start=lo, end=hi))
        anchors = {name: f"runner-{i + 1}" for i, name in enumerate(ordered["athlete"])}
        notes = notes_read.result()
        with tqdm(total=len(anchors), desc="runners", unit="runner", disable=not progress) as bar:
            sections = draw_sections(pool, frames.by_athlete(), list(anchors), start=lo, end=hi, notes=notes,
                                     anchors=anchors, verdicts=squad_verdicts(frames, start=lo, end=hi),
                                     squad=season_analyses(frames.only(None, lo, hi)), advance=bar.update)
    rows = squad_rows(ordered, anchors)
    when = period_words(lo, hi) or "whole season"
    return _page(frames, title="Squad overview", subtitle=f"{len(rows)} runners, {when}", runners=sections,
                 overview=squad_table(rows), include_private=include_private)


def _notes(source: Store | LogFrames, athlete: str | None, include_private: bool) -> pd.DataFrame:
    """The notes to show: a store's; frames hold none."""
    if isinstance(source, Store):
        return read_notes(source, athlete, include_private=include_private)
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ("when", "athlete", "kind", "note", "private")})


def _page(frames: LogFrames, *, title: str, subtitle: str, runners: Iterable[Section], include_private: bool,
          overview: dict[str, Any] | None = None) -> str:
    private_line = "Private notes are included." if include_private else "Notes the runner marked private are left out."
    css = Markup(render("report.css.j2", badge=LEVEL_BADGES, edge=LEVEL_EDGES))
    return render("report.html.j2", css=css, title=title, subtitle=subtitle, runners=list(runners),
                  overview=overview, order_rule=ORDER_RULE, demo=frames.is_demo,
                  generated=f"{datetime.now():%d %b %Y %H:%M}", private_line=private_line).lstrip()
