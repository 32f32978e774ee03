"""The squad table: each runner's verdicts as cells with a level, runners needing attention first.

One definition of the cells (:func:`squad_rows`) and one HTML rendering of them
(``templates/squad_table.html.j2``), used by the squad overview report and the coach dashboard.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analyses import thresholds as T
from ..analyses.attention import NO_RECENT_DATA, ORDER_RULE
from ..analyses.levels import ACWR_LEVELS, PAIN_LEVELS, STATUS_LEVELS, lsi_level
from .palette import LEVEL_BADGES, MESSAGE_COLOURS
from .templates import render

__all__ = ["OVERVIEW_HEADERS", "overview_row", "squad_rows", "squad_table", "squad_table_html"]

#: The table's columns after the runner's name (see :func:`overview_row`).
OVERVIEW_HEADERS = ("Needs", "Last logged", "LSI now", "Knee pain", "Running load (ACWR)", "Pain monitoring",
                    "Adherence")
_NEEDS = {"act": "attention now", "watch": "keep an eye", "good": "on track", NO_RECENT_DATA: "no recent data"}
_NOT_ENOUGH = "not enough data yet"


def overview_row(row: dict[str, Any], anchor: str) -> dict[str, Any]:
    """One row of :func:`hipknee.analyses.attention.attention_order` as table cells, each a text
    (formatted: never NaN or None) and a level ('good', 'watch', 'act' or ''); ``anchor`` is where
    the runner's name links to."""
    attention = row["attention"]
    points = int(row["attention_points"])
    needs = _NEEDS[attention] if attention == NO_RECENT_DATA else f"{_NEEDS[attention]} ({_count(points, 'point')})"
    need_cell = {"text": needs, "level": "" if attention == NO_RECENT_DATA else attention}
    last = row.get("last_logged")
    last_cell = {"text": f"{pd.Timestamp(last):%d %b %Y}" if pd.notna(last) else "nothing yet", "level": ""}
    lsi = row["lsi_now"]
    lsi_cell = {"text": f"{lsi:.0f}%", "level": lsi_level(lsi)} if _finite(lsi) else {"text": _NOT_ENOUGH, "level": ""}
    zone = row["acwr_zone"]
    acwr_cell = ({"text": f"{zone} ({row['acwr']:.2f})", "level": ACWR_LEVELS.get(zone, "")} if zone
                 else {"text": _NOT_ENOUGH, "level": ""})
    status = row["status"]
    status_cell = ({"text": status, "level": STATUS_LEVELS[status]} if status in STATUS_LEVELS
                   else {"text": "no pain logged", "level": ""})
    return {"name": row["athlete"], "anchor": anchor, "level": need_cell["level"] or "quiet",
            "cells": [need_cell, last_cell, lsi_cell, _pain_cell(row), acwr_cell, status_cell, _adherence_cell(row)]}


def _adherence_cell(row: dict[str, Any]) -> dict[str, str]:
    """The share (%) of the prescribed sets done, and the low weeks in a row at the end."""
    if not _finite(row.get("adherence_pct")):
        return {"text": "no programme set", "level": ""}
    pct = float(row["adherence_pct"])
    low = int(row.get("low_adherence_weeks") or 0)
    if low >= T.ADHERENCE_LOW_WEEKS:
        return {"text": f"{pct:.0f}% of sets; below {T.ADHERENCE_LOW_PCT:.0f}% for {low} weeks", "level": "act"}
    return {"text": f"{pct:.0f}% of sets", "level": "good" if pct >= T.ADHERENCE_LOW_PCT else "watch"}


def _pain_cell(row: dict[str, Any]) -> dict[str, str]:
    """The pain verdict with the two-week means it compares, and the latest entry (0-10 NRS)."""
    verdict = row["pain_verdict"] or "not enough data"
    now = f"now {row['pain_now']:g}/10" if _finite(row["pain_now"]) else ""
    if verdict == "not enough data":
        text = f"{now}; {_NOT_ENOUGH} for a trend" if now else "no pain logged"
        return {"text": text, "level": ""}
    means = f"{row['pain_start']:.1f} to {row['pain_recent']:.1f}/10, two-week means"
    return {"text": f"{verdict} ({means}); {now}", "level": PAIN_LEVELS.get(verdict, "")}


def squad_rows(ordered: pd.DataFrame, anchors: dict[str, str]) -> list[dict[str, Any]]:
    """:func:`overview_row` of every runner of ``ordered`` (attention order), linking to ``anchors``."""
    return [overview_row(row, anchors[row["athlete"]]) for row in ordered.to_dict("records")]


def squad_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the squad table template draws: headers, which columns hold text, the rows."""
    return {"headers": ["Runner", *OVERVIEW_HEADERS], "text_cols": set(range(len(OVERVIEW_HEADERS) + 1)), "rows": rows}


def squad_table_html(ordered: pd.DataFrame) -> str:
    """The squad table as a self-styled HTML fragment (for a notebook or dashboard), in the
    order of ``ordered`` (:func:`~hipknee.analyses.attention.attention_order` output)."""
    if ordered.empty:
        return "<p>No runner in the store yet.</p>"
    anchors = {name: f"runner-{i + 1}" for i, name in enumerate(ordered["athlete"])}
    return render("squad_fragment.html.j2", overview=squad_table(squad_rows(ordered, anchors)),
                  badge=LEVEL_BADGES, quiet=MESSAGE_COLOURS["quiet"], order_rule=ORDER_RULE)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
