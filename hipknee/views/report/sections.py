"""One runner's part of a report: the season in words with a level per line, the three charts,
the week-by-week table and the notes."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...analyses import thresholds as T
from ...analyses.adherence import exercise_totals
from ...analyses.levels import (
    ACWR_LEVELS,
    KUJALA_LEVELS,
    LEVEL_WORDS,
    PAIN_LEVELS,
    STATUS_LEVELS,
    adherence_level,
    hip_level,
    lsi_level,
)
from ...analyses.season import SeasonSummary, season_summary
from ...analyses.verdicts import season_analyses
from ...analyses.weekly_table import weekly_table
from ...frames import LogFrames
from ..chart_files import figure_svg
from ..charts import balance_chart, kujala_chart, load_chart, pain_chart

__all__ = ["Section", "period_words", "runner_section"]

CAPTIONS = {
    "balance": (f"Left and right side week by week, and below it the LSI (%) against the {T.LSI_TARGET_PCT:.0f}% "
                "target, with the start and now of the summary marked."),
    "pain": ("Knee pain (0-10 NRS) of each knee in the context the summary judges: daily values, the 7-day mean, "
             "the two-week means and the latest entry the summary speaks of, the pain-monitoring zones and each "
             "week's status."),
    "load": (f"Running distance per week (km; jumps over {T.DISTANCE_JUMP_PCT:.0f}% marked) and below it the ACWR "
             f"(comfortable {T.ACWR_LOW:g}-{T.ACWR_HIGH:g})."),
    "kujala": ("Knee function: the Kujala score (0-100, 100 = no problem) of each questionnaire, with the smallest "
               f"change that matters ({T.KUJALA_MCID_MIN}-{T.KUJALA_MCID_MAX} points) shaded from the first."),
}
# The Kujala chart shows once a questionnaire is logged.
_CHARTS = ("balance", "pain", "kujala", "load")
_TABLE_FORMATS = {
    "distance (km)": "{:.1f}",
    "change (%)": "{:+.0f}",
    "load (AU)": "{:.0f}",
    "ACWR": "{:.2f}",
    "LSI (%)": "{:.0f}",
    "sessions done (% of prescribed)": "{:.0f}",
    "sets done (% of prescribed)": "{:.0f}",
}
_PAIN_FORMAT = "{:.1f}"  # every "pain ..., <knee> knee (0-10)" column


@dataclass
class Section:
    """What the report template draws for one runner."""

    name: str
    anchor: str
    period: str
    verdicts: list[dict[str, str]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    weekly: Markup | None = None
    adherence: Markup | None = None
    progression: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)



def _chart_svg(frames: LogFrames, key: str, athlete: str, summary: SeasonSummary, svg_id: str) -> str:
    """Chart ``key`` of the report (balance, pain, kujala or load) as inline SVG; the Kujala and load
    charts need no summary."""
    if key == "balance":
        figure = balance_chart(frames, athlete=athlete, summary=summary)
    elif key == "pain":
        figure = pain_chart(frames, athlete=athlete, summary=summary)
    elif key == "kujala":
        figure = kujala_chart(frames, athlete=athlete)
    else:
        figure = load_chart(frames, athlete=athlete)
    return figure_svg(figure, svg_id)

def runner_section(frames: LogFrames, athlete: str, start: pd.Timestamp | None, end: pd.Timestamp | None,
                   notes: pd.DataFrame, *, anchor: str, summary: SeasonSummary | None = None) -> Section:
    """``athlete``'s section over ``start``..``end``; ``notes`` as :func:`hipknee.frames.read_notes`
    gives them; ``anchor`` prefixes the section's ids (several runners share a page); ``summary``:
    her season summary over the same days, when the caller has it already (a squad's are made from
    its :func:`~hipknee.analyses.season.squad_verdicts`)."""
    mine = frames.only(athlete, start, end)
    summary = summary or season_summary(mine, athlete)
    period = period_words(start, end) or (
        f"{summary.first_day:%d %b %Y} to {summary.last_day:%d %b %Y}" if summary.first_day is not None
        else "nothing logged yet")
    section = Section(name=athlete, anchor=anchor, period=period, verdicts=verdict_lines(summary))
    for key in _CHARTS:
        if key == "kujala" and mine.outcomes.empty:
            continue
        svg = mine.memo(("chart svg", key, athlete, anchor),
                        functools.partial(_chart_svg, mine, key, athlete, summary, f"{anchor}-{key}"))
        section.charts.append({"svg": svg, "caption": CAPTIONS[key], "kind": key})
    table = mine.memo(("weekly table", athlete, summary.lsi_item, summary.lsi_metric), lambda: weekly_table(
        mine, athlete, lsi_item=summary.lsi_item, lsi_metric=summary.lsi_metric))
    if len(table) > 1 or (len(table) == 1 and table.shape[1] > 1):
        section.weekly = _table_html(table)
    analyses = season_analyses(mine)
    per_exercise = exercise_totals(analyses.exercise_adherence)
    ready = analyses.progression[analyses.progression["ready"].astype(bool)]
    section.progression = [f"{row.exercise}: {row.suggestion} ({row.reason})." for row in ready.itertuples()]
    if len(per_exercise):
        section.adherence = _adherence_html(per_exercise)
    section.notes = _notes_for(notes, athlete, start, end)
    return section


def verdict_lines(summary: SeasonSummary) -> list[dict[str, str]]:
    """The summary's sentences after the first (which names the season, shown as the heading),
    each with a level ('good', 'watch', 'act' or '': just facts) and its word."""
    levels = {
        "Balance": lsi_level(summary.lsi_now),
        "Knee pain": PAIN_LEVELS.get(summary.pain_verdict, ""),
        "Knee function": KUJALA_LEVELS.get(summary.kujala_verdict, ""),
        "Hip work": hip_level(summary.hip_sessions_per_week),
        "Adherence": adherence_level(summary.adherence_pct, summary.low_adherence_weeks),
        "Running load": ACWR_LEVELS.get(summary.acwr_zone or "", ""),
        "Pain monitoring": STATUS_LEVELS.get(summary.status or "", ""),
    }
    out = []
    for line in summary.lines()[1:]:
        level = next((lvl for prefix, lvl in levels.items() if line.startswith(prefix)), "")
        out.append({"text": line, "level": level, "word": LEVEL_WORDS[level]})
    return out


def period_words(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """The period in words ("from 02 Mar 2026", "02 Mar 2026 to 30 Jun 2026"); "" for all of it."""
    if start is None and end is None:
        return ""
    if start is None:
        return f"up to {end:%d %b %Y}"
    if end is None:
        return f"from {start:%d %b %Y}"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def _notes_for(notes: pd.DataFrame, athlete: str, start: pd.Timestamp | None,
               end: pd.Timestamp | None) -> list[dict[str, Any]]:
    mine = notes[notes["athlete"] == athlete]
    if start is not None:
        mine = mine[mine["when"] >= start]
    if end is not None:
        mine = mine[mine["when"] <= end]
    return [{"when": f"{r['when']:%a %d %b %Y}", "kind": r["kind"], "text": r["note"], "private": bool(r["private"])}
            for r in mine.to_dict("records")]


def _table_html(table: pd.DataFrame) -> Markup:
    """The week-by-week table as HTML, laid out as pandas' ``to_html`` lays it out (the report's
    CSS styles ``table.weekly``), written cell by cell from already formatted text: several times
    quicker than ``to_html`` on a few seasons of weeks, which every section of an overview draws."""
    columns = []
    for col in table.columns:
        values = table[col]
        fmt = _TABLE_FORMATS.get(col) or (_PAIN_FORMAT if col.startswith("pain ") and col.endswith("(0-10)") else None)
        if col == "week":
            text = [_cell(v) for v in values.dt.strftime("%d %b %Y")]
        elif fmt is not None:
            text = [fmt.format(v) if _finite(v) else "" for v in values]
        else:
            text = [_cell(v) for v in values]
        columns.append(text)
    head = "".join(f"\n      <th>{_escaped(str(col))}</th>" for col in table.columns)
    body = "".join("\n    <tr>" + "".join(f"\n      <td>{_escaped(cell)}</td>" for cell in row) + "\n    </tr>"
                   for row in zip(*columns))
    return Markup(f'<table class="dataframe weekly">\n  <thead>\n    <tr style="text-align: right;">{head}\n'
                  f"    </tr>\n  </thead>\n  <tbody>{body}\n  </tbody>\n</table>")


def _cell(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _escaped(text: str) -> str:
    # What pandas escapes in a table cell (quotes need no escaping outside attributes).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _adherence_html(table: pd.DataFrame) -> Markup:
    shown = table.copy()
    for col in ("sets done (% of prescribed)", "dose done (% of prescribed)"):
        shown[col] = [f"{v:.0f}" if _finite(v) else "" for v in shown[col]]
    return Markup(shown.to_html(index=False, na_rep="", border=0, classes="weekly adherence", escape=True))


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
