"""The coach report: one self-contained HTML file per runner, or one overview page for a squad.

Everything is inline (CSS, charts as SVG), with no external resource, so the file opens offline
and travels by e-mail. Runner-typed text (names, notes) is escaped. Notes marked private are left
out unless ``include_private`` is asked for. Units: LSI in %, pain as 0-10 NRS, distance in km,
session load (RPE x min) in AU.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..analyses import thresholds as T
from ..analyses.attention import ORDER_RULE, attention_order
from ..analyses.measures import week_start
from ..errors import ValidationError
from ..frames import LogFrames, log_frames
from .output_files import output_file

__all__ = [
    "OVERVIEW_HEADERS",
    "build_overview",
    "build_report",
    "figure_svg",
    "notes_table",
    "overview_row",
    "report_download_link",
    "report_path",
    "report_period",
    "report_preview",
    "reports_dir",
    "weekly_table",
    "write_report",
]

#: The overview table's columns after the runner's name (see :func:`overview_row`).
OVERVIEW_HEADERS = ("Needs", "LSI now", "Knee pain", "Running load (ACWR)", "Pain monitoring")
_NOTE_KINDS = {
    "set": "strength set",
    "test": "strength test",
    "run": "run",
    "pain": "pain",
    "outcome": "Kujala score",
}


# -- public ------------------------------------------------------------------------------------
def build_report(
    store: Any,
    athlete: str | None = None,
    start: Any = None,
    end: Any = None,
    include_private: bool = False,
) -> str:
    """The HTML report of one runner (default: the store's only runner), optionally for
    ``start``..``end`` (dates, end inclusive): season-summary verdicts, balance, pain and load
    charts, a week-by-week table and the notes."""
    start, end = report_period(start, end)
    if hasattr(store, "read"):
        # Only this runner's rows, read once: a coach's store holds many runners' seasons.
        athlete = _athlete(log_frames({"athletes": store.athletes()}), athlete)
        frames = _read_log(store, athlete)
    else:
        frames = log_frames(store)
        athlete = _athlete(frames, athlete)
    notes = notes_table(store, include_private=include_private, athlete=athlete)
    section = _runner_section(frames, athlete, start, end, notes, anchor="runner-1")
    return _page(
        store,
        title=f"{athlete}: season report",
        subtitle=section.period,
        runners=[section],
        include_private=include_private,
    )


def build_overview(
    store: Any,
    start: Any = None,
    end: Any = None,
    include_private: bool = False,
    progress: bool = True,
) -> str:
    """One HTML page for a squad: a table of every runner's current LSI, pain trend, ACWR zone and
    pain-monitoring status, the runners needing attention first (see :mod:`hipknee.attention`),
    each linking to a section with that runner's verdicts, charts, weeks and notes."""
    from tqdm.auto import tqdm

    from ..analyses.season import summarise_all

    start, end = report_period(start, end)
    frames = _read_log(store) if hasattr(store, "read") else log_frames(store)
    if not frames.names():
        raise ValidationError(
            "store", str(getattr(store, "path", store)), "a store with at least one runner"
        )
    ordered = attention_order(summarise_all(frames, start=start, end=end))
    notes = notes_table(store, include_private=include_private)
    anchors = {name: f"runner-{i + 1}" for i, name in enumerate(ordered["athlete"])}
    runners = _by_runner(frames)
    sections = [
        _runner_section(runners[name], name, start, end, notes, anchor=anchors[name])
        for name in tqdm(ordered["athlete"], desc="runners", unit="runner", disable=not progress)
    ]
    rows = [overview_row(row, anchors[row["athlete"]]) for row in ordered.to_dict("records")]
    overview = {
        "headers": ["Runner", *OVERVIEW_HEADERS],
        "text_cols": {0, 1, 2, 3, 4, 5},
        "rows": rows,
    }
    when = _period_words(start, end) or "whole season"
    return _page(
        store,
        title="Squad overview",
        subtitle=f"{len(rows)} runners, {when}",
        runners=sections,
        overview=overview,
        include_private=include_private,
    )


def report_path(out: str | Path) -> Path:
    """``out`` as a path, checked to be an .html file name (before any work is done)."""
    path = Path(out).expanduser()
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValidationError("out", str(out), "a file name ending in .html")
    return path


def write_report(html: str, out: str | Path) -> Path:
    """Write ``html`` to ``out`` (a .html file) as UTF-8; returns the path."""
    path = report_path(out)
    with output_file(path, "the report") as partial:
        partial.write_text(html, encoding="utf-8")
    return path


def reports_dir(data: str | Path | None = None) -> Path:
    """Where notebooks save reports: ``DATA/reports`` (inside the data folder, so git ignores it)."""
    from ..store.locations import data_dir

    return data_dir(data) / "reports"


def report_preview(html: str, height: int = 900) -> Any:
    """The report shown in a notebook, in a frame so its styles stay out of the notebook's."""
    from html import escape

    from IPython.display import HTML

    return HTML(
        f'<div class="hipknee-report"><iframe srcdoc="{escape(html, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #d9e2ec;"></iframe></div>'
    )


def report_download_link(html: str, filename: str) -> Any:
    """A link in a notebook that downloads the report as ``filename`` (the file is in the link
    itself, so it works in JupyterLab, Voila and a browser alike)."""
    import base64
    from html import escape

    from IPython.display import HTML

    payload = base64.b64encode(html.encode("utf-8")).decode("ascii")
    return HTML(
        f'<a class="hipknee-report-link" download="{escape(filename, quote=True)}" '
        f'href="data:text/html;charset=utf-8;base64,{payload}">Download {escape(filename)}</a>'
    )


def figure_svg(fig: Any, prefix: str) -> Markup:
    """A matplotlib Figure as inline SVG markup: no XML prolog, DOCTYPE or metadata (they name
    external URLs), fonts as text (small files), element ids prefixed so several charts can share
    one page."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(
            buf,
            format="svg",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = svg.replace("<svg ", '<svg class="hipknee-chart" role="img" ', 1)
    return Markup(svg)


def weekly_table(
    frames: LogFrames, athlete: str, *, lsi_item: str | None = None, lsi_metric: str | None = None
) -> pd.DataFrame:
    """Week by week (weeks start on Monday) for one athlete: runs, distance (km), change on the
    week before (%), session load (AU), ACWR at the week's end, hip sessions, LSI (%) of
    ``lsi_item``, mean pain during runs and next morning (0-10 NRS, the painful knee when known,
    else both) and the pain-monitoring status."""
    from ..analyses.pain_monitoring import weekly_status
    from ..analyses.running_load import acwr, weekly_load
    from ..analyses.season import season_lsi

    mine = frames.only(athlete)
    parts: list[pd.Series] = []
    load = weekly_load(mine.runs).set_index("week")
    parts += [
        load["runs"].rename("runs"),
        load["km"].rename("distance (km)"),
        load["km_change_pct"].rename("change (%)"),
        load["srpe_load"].rename("load (AU)"),
    ]
    ratio = acwr(mine.runs)
    if len(ratio):
        ratio = ratio.assign(week=week_start(ratio["date"])).groupby("week")["ratio"].last()
        parts.append(ratio.rename("ACWR"))
    if len(mine.sets):
        days = pd.Series(pd.to_datetime(mine.sets["when"]).dt.normalize().unique())
        parts.append(week_start(days).value_counts().rename("hip sessions"))
    if lsi_item is not None:
        lsi = season_lsi(mine)
        lsi = lsi[(lsi["item"] == lsi_item) & (lsi["metric"] == lsi_metric)].set_index("week")[
            "lsi_pct"
        ]
        parts.append(lsi.rename("LSI (%)"))
    pain = mine.pain
    if len(pain):
        knee = _involved_knee(mine.athletes, athlete)
        if knee is not None and (pain["knee"] == knee).any():
            pain = pain[pain["knee"] == knee]
        frame = pd.DataFrame(
            {
                "week": week_start(pain["when"]).to_numpy(),
                "context": pain["context"].astype(object).to_numpy(),
                "nrs": pain["nrs"].astype(float).to_numpy(),
            }
        )
        means = frame.groupby(["week", "context"])["nrs"].mean().unstack("context")
        for context, label in (
            ("during", "pain during (0-10)"),
            ("next_morning", "pain next morning (0-10)"),
        ):
            if context in means:
                parts.append(means[context].rename(label))
        status = weekly_status(mine.pain).set_index("week")["status"]
        parts.append(status.rename("pain monitoring"))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["week"])
    table = pd.concat(parts, axis=1).sort_index()
    table.index = pd.to_datetime(table.index).rename("week")
    if "hip sessions" in table:
        table["hip sessions"] = table["hip sessions"].fillna(0).astype(int)
    if "runs" in table:
        table["runs"] = table["runs"].fillna(0).astype(int)
    return table.reset_index()


def notes_table(
    store: Any, *, include_private: bool = False, athlete: str | None = None
) -> pd.DataFrame:
    """Every note in the store (of ``athlete`` only, when given): when, athlete, kind (words), note,
    private. Private notes are dropped unless ``include_private``; a set note written on every set
    of a session shows once."""
    cols = ["when", "athlete", "kind", "note", "private"]
    parts = []
    for kind, words in _NOTE_KINDS.items():
        frame = (
            store.read(kind, athlete=athlete, columns=_NOTE_COLUMNS)
            if hasattr(store, "read")
            else pd.DataFrame()
        )
        if frame.empty or "note" not in frame:
            continue
        has = frame[frame["note"].fillna("").astype(str).str.strip() != ""]
        if not include_private:
            has = has[~has["note_private"].astype(bool)]
        parts.append(
            pd.DataFrame(
                {
                    "when": has["when"].to_numpy(),
                    "athlete": has["athlete"].astype(object).to_numpy(),
                    "kind": words,
                    "note": has["note"].astype(object).to_numpy(),
                    "private": has["note_private"].astype(bool).to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    notes = pd.concat(parts, ignore_index=True)
    notes["when"] = pd.to_datetime(notes["when"])
    return notes.drop_duplicates(["athlete", "when", "note"]).sort_values(
        ["athlete", "when"], kind="stable"
    )[cols]


_NOTE_COLUMNS = ["when", "athlete", "note", "note_private"]
#: The columns the summary, the charts and the weekly table use, per kind (see hipknee.log_frames).
_LOG_COLUMNS = {
    "sets": (
        "set",
        [
            "when",
            "athlete",
            "exercise",
            "measure",
            "side",
            "reps",
            "duration_s",
            "hold_s",
            "load_kg",
        ],
    ),
    "tests": ("test", ["when", "athlete", "test", "side", "value", "unit"]),
    "runs": ("run", ["when", "athlete", "distance_km", "duration_min", "rpe"]),
    "pain": ("pain", ["when", "athlete", "knee", "nrs", "context"]),
}


def _read_log(store: Any, athlete: str | None = None) -> LogFrames:
    """The frames a report draws on, read once from ``store``: only ``athlete``'s rows when given
    (every runner's otherwise), only the columns used."""
    athletes = store.athletes()
    if athlete is not None:
        athletes = athletes[athletes["name"].astype(object) == athlete]
    return LogFrames(
        athletes=athletes,
        **{
            name: store.read(kind, athlete=athlete, columns=cols)
            for name, (kind, cols) in _LOG_COLUMNS.items()
        },
    )


def _by_runner(frames: LogFrames) -> dict[str, LogFrames]:
    """``frames`` split per runner in one pass (what ``frames.only(name)`` gives, for every name)."""
    parts: dict[str, dict[str, pd.DataFrame]] = {name: {} for name in frames.names()}
    for kind in ("sets", "tests", "runs", "pain"):
        frame = getattr(frames, kind)
        groups = (
            dict(iter(frame.groupby(frame["athlete"].astype(object), sort=False)))
            if len(frame)
            else {}
        )
        for name, mine in parts.items():
            mine[kind] = groups.get(name, frame.iloc[:0])
    names = frames.athletes["name"].astype(object) if "name" in frames.athletes else None
    return {
        name: LogFrames(
            athletes=frames.athletes[names == name] if names is not None else frames.athletes,
            **mine,
        )
        for name, mine in parts.items()
    }


# -- building a runner's section ---------------------------------------------------------------
@dataclass
class _Section:
    name: str
    anchor: str
    period: str
    verdicts: list[dict[str, str]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    weekly: Markup | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)


def _runner_section(
    frames: LogFrames,
    athlete: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    notes: pd.DataFrame,
    *,
    anchor: str,
) -> _Section:
    from ..analyses.season import season_summary
    from .charts import balance_chart, load_chart, pain_chart

    mine = frames.only(athlete, start, end)
    summary = season_summary(mine, athlete)
    period = _period_words(start, end) or (
        f"{summary.first_day:%d %b %Y} to {summary.last_day:%d %b %Y}"
        if summary.first_day is not None
        else "nothing logged yet"
    )
    section = _Section(name=athlete, anchor=anchor, period=period, verdicts=_verdicts(summary))
    captions = {
        "balance": (
            f"Left and right side week by week, and the LSI (%) against the "
            f"{T.LSI_TARGET_PCT:.0f}% target."
        ),
        "pain": (
            "Knee pain (0-10 NRS) per knee: daily values, the 7-day mean and the pain-monitoring zones; "
            "runs (km) as grey bars."
        ),
        "load": (
            f"Running distance per week (km; jumps over {T.DISTANCE_JUMP_PCT:.0f}% marked) and the ACWR "
            f"(comfortable {T.ACWR_LOW:g}-{T.ACWR_HIGH:g})."
        ),
    }
    for key, chart in (("balance", balance_chart), ("pain", pain_chart), ("load", load_chart)):
        caption = captions[key]
        fig = chart(mine, athlete=athlete)
        section.charts.append(
            {"svg": figure_svg(fig, f"{anchor}-{key}"), "caption": caption, "kind": key}
        )
    table = weekly_table(mine, athlete, lsi_item=summary.lsi_item, lsi_metric=summary.lsi_metric)
    if len(table) > 1 or (len(table) == 1 and table.shape[1] > 1):
        section.weekly = _table_html(table)
    section.notes = _notes_for(notes, athlete, start, end)
    return section


def _verdicts(summary: Any) -> list[dict[str, str]]:
    """The summary's sentences, each with a level: 'good', 'watch', 'act' or '' (just facts)."""
    lsi = summary.lsi_now
    levels = {
        "Balance": "" if not np.isfinite(lsi) else ("good" if lsi >= T.LSI_TARGET_PCT else "watch"),
        "Knee pain": {"better": "good", "no clear change": "watch", "worse": "act"}.get(
            summary.pain_verdict, ""
        ),
        "Hip work": ""
        if not np.isfinite(summary.hip_sessions_per_week)
        else ("good" if summary.hip_sessions_per_week >= T.HIP_SESSIONS_MIN else "watch"),
        "Running load": {"spike": "act", "high": "watch", "comfortable": "good"}.get(
            summary.acwr_zone or "", ""
        ),
        "Pain monitoring": {"green": "good", "amber": "watch", "red": "act"}.get(
            summary.status or "", ""
        ),
    }
    words = {"good": "on track", "watch": "watch", "act": "act now", "": "note"}
    out = []
    for line in summary.lines()[1:]:  # the first line names the season, shown as the heading
        level = next((lvl for prefix, lvl in levels.items() if line.startswith(prefix)), "")
        out.append({"text": line, "level": level, "word": words[level]})
    return out


def overview_row(row: dict[str, Any], anchor: str) -> dict[str, Any]:
    """One row of :func:`hipknee.attention.attention_order` as table cells: text and a level
    ('good', 'watch', 'act' or '') for Needs, LSI now, Knee pain, Running load and Pain monitoring."""
    lsi = row["lsi_now"]
    lsi_cell = (
        {"text": f"{lsi:.0f}%", "level": "good" if lsi >= T.LSI_TARGET_PCT else "watch"}
        if _finite(lsi)
        else {"text": "not enough data", "level": ""}
    )
    verdict = row["pain_verdict"] or "not enough data"
    pain_text = (
        f"{verdict} ({row['pain_start']:.1f} to {row['pain_now']:.1f}/10)"
        if verdict != "not enough data" and _finite(row["pain_now"])
        else verdict
    )
    pain_cell = {
        "text": pain_text,
        "level": {"better": "good", "no clear change": "watch", "worse": "act"}.get(verdict, ""),
    }
    zone = row["acwr_zone"]
    acwr_cell = (
        {
            "text": f"{zone} ({row['acwr']:.2f})",
            "level": {"spike": "act", "high": "watch", "comfortable": "good"}.get(zone, ""),
        }
        if zone
        else {"text": "not enough data", "level": ""}
    )
    status = row["status"]
    status_cell = (
        {"text": status, "level": {"green": "good", "amber": "watch", "red": "act"}[status]}
        if status in ("green", "amber", "red")
        else {"text": "no pain logged", "level": ""}
    )
    need = {"act": "attention now", "watch": "keep an eye", "good": "on track"}[row["attention"]]
    need_cell = {"text": f"{need} ({row['attention_points']} pts)", "level": row["attention"]}
    return {
        "name": row["athlete"],
        "anchor": anchor,
        "level": row["attention"],
        "cells": [need_cell, lsi_cell, pain_cell, acwr_cell, status_cell],
    }


def _notes_for(
    notes: pd.DataFrame, athlete: str, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> list[dict[str, Any]]:
    mine = notes[notes["athlete"] == athlete]
    if start is not None:
        mine = mine[mine["when"] >= start]
    if end is not None:
        mine = mine[mine["when"] <= end]
    return [
        {
            "when": f"{r['when']:%a %d %b %Y}",
            "kind": r["kind"],
            "text": r["note"],
            "private": bool(r["private"]),
        }
        for r in mine.to_dict("records")
    ]


def _table_html(table: pd.DataFrame) -> Markup:
    shown = table.copy()
    shown["week"] = shown["week"].dt.strftime("%d %b %Y")
    formats = {
        "distance (km)": "{:.1f}",
        "change (%)": "{:+.0f}",
        "load (AU)": "{:.0f}",
        "ACWR": "{:.2f}",
        "LSI (%)": "{:.0f}",
        "pain during (0-10)": "{:.1f}",
        "pain next morning (0-10)": "{:.1f}",
    }
    for col, fmt in formats.items():
        if col in shown:
            shown[col] = [fmt.format(v) if _finite(v) else "" for v in shown[col]]
    # to_html escapes every cell; the table holds numbers, dates and fixed words only anyway.
    return Markup(shown.to_html(index=False, na_rep="", border=0, classes="weekly", escape=True))


def _page(
    store: Any,
    *,
    title: str,
    subtitle: str,
    runners: Iterable[_Section],
    include_private: bool,
    overview: dict[str, Any] | None = None,
) -> str:
    from .report_template import render_page

    private_line = (
        "Private notes are included."
        if include_private
        else "Notes the runner marked private are left out."
    )
    return render_page(
        title=title,
        subtitle=subtitle,
        runners=list(runners),
        overview=overview,
        order_rule=ORDER_RULE,
        demo=bool(getattr(store, "is_demo", False)),
        generated=f"{datetime.now():%d %b %Y %H:%M}",
        private_line=private_line,
    )


# -- small helpers -----------------------------------------------------------------------------
def _athlete(frames: LogFrames, athlete: str | None) -> str:
    names = frames.names()
    if athlete is None:
        if len(names) == 1:
            return names[0]
        allowed = (
            ("a runner's name: " + ", ".join(names) + " (or --all for the squad overview)")
            if names
            else "a store with a runner (add one, or run `hipknee demo`)"
        )
        raise ValidationError("athlete", None, allowed)
    if athlete not in names:
        raise ValidationError(
            "athlete", athlete, "a runner in the store: " + (", ".join(names) or "none yet")
        )
    return athlete


#: The years a report's period may name.
PERIOD_YEARS = (1900, 2100)
PERIOD_ALLOWED = f"a date such as 2026-03-02 (years {PERIOD_YEARS[0]} to {PERIOD_YEARS[1]})"


def report_period(start: Any, end: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The period ``start``..``end`` of a report as local times (``end`` as a date means the whole
    day; None for an open end). :class:`hipknee.ValidationError` names ``start`` or ``end`` when it
    is no date (``NaT``, ``nan``, a bare number), outside the years :data:`PERIOD_YEARS`, or when
    the period ends before it starts."""
    out = []
    for name, value in (("start", start), ("end", end)):
        if value is None or (isinstance(value, str) and value == ""):
            out.append(None)
            continue
        out.append(_moment(name, value))
    lo, hi = out
    if hi is not None and hi == hi.normalize():
        hi = hi + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError("end", str(end), f"a date on or after {lo:%Y-%m-%d}")
    return lo, hi


def _moment(name: str, value: Any) -> pd.Timestamp:
    # A bare number is no date to a runner (pandas would read it as nanoseconds since 1970).
    if not isinstance(value, (str, datetime, date, np.datetime64)):
        raise ValidationError(name, value, PERIOD_ALLOWED)
    try:
        moment = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(name, value, PERIOD_ALLOWED) from None
    if moment is pd.NaT or not PERIOD_YEARS[0] <= moment.year <= PERIOD_YEARS[1]:
        raise ValidationError(name, value, PERIOD_ALLOWED)
    if moment.tzinfo is not None:  # the log keeps local times
        moment = pd.Timestamp(moment.to_pydatetime().astimezone().replace(tzinfo=None))
    return moment


def _period_words(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    if start is None and end is None:
        return ""
    if start is None:
        return f"up to {end:%d %b %Y}"
    if end is None:
        return f"from {start:%d %b %Y}"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _involved_knee(athletes: pd.DataFrame, name: str) -> str | None:
    if athletes.empty or "involved_side" not in athletes:
        return None
    side = athletes.loc[athletes["name"].astype(object) == name, "involved_side"]
    return str(side.iloc[0]) if len(side) and side.iloc[0] in ("left", "right") else None
