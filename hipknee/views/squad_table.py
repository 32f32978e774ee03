"""The squad table: each runner's verdicts as cells with a level, runners needing attention first.

One definition of the cells (:func:`squad_rows`) and one HTML rendering of them
(``templates/squad_table.html.j2``), used by the squad overview report and the coach dashboard.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analyses.attention import ORDER_RULE
from ..analyses.levels import ACWR_LEVELS, PAIN_LEVELS, STATUS_LEVELS, lsi_level
from .palette import LEVEL_BADGES, MESSAGE_COLOURS
from .templates import render

__all__ = ["OVERVIEW_HEADERS", "overview_row", "squad_rows", "squad_table", "squad_table_html"]

#: The table's columns after the runner's name (see :func:`overview_row`).
OVERVIEW_HEADERS = ("Needs", "LSI now", "Knee pain", "Running load (ACWR)", "Pain monitoring")
_NEEDS = {"act": "attention now", "watch": "keep an eye", "good": "on track"}
_NOT_ENOUGH = "not enough data"


def overview_row(row: dict[str, Any], anchor: str) -> dict[str, Any]:
    """One row of :func:`hipknee.analyses.attention.attention_order` as table cells: text and a
    level ('good', 'watch', 'act' or '') for Needs, LSI now, Knee pain, Running load and Pain
    monitoring; ``anchor`` is where the runner's name links to."""
    lsi = row["lsi_now"]
    lsi_cell = {"text": f"{lsi:.0f}%", "level": lsi_level(lsi)} if _finite(lsi) else {"text": _NOT_ENOUGH, "level": ""}
    verdict = row["pain_verdict"] or _NOT_ENOUGH
    pain_text = (f"{verdict} ({row['pain_start']:.1f} to {row['pain_now']:.1f}/10)"
                 if verdict != _NOT_ENOUGH and _finite(row["pain_now"]) else verdict)
    pain_cell = {"text": pain_text, "level": PAIN_LEVELS.get(verdict, "")}
    zone = row["acwr_zone"]
    acwr_cell = ({"text": f"{zone} ({row['acwr']:.2f})", "level": ACWR_LEVELS.get(zone, "")} if zone
                 else {"text": _NOT_ENOUGH, "level": ""})
    status = row["status"]
    status_cell = ({"text": status, "level": STATUS_LEVELS[status]} if status in STATUS_LEVELS
                   else {"text": "no pain logged", "level": ""})
    need_cell = {"text": f"{_NEEDS[row['attention']]} ({row['attention_points']} pts)", "level": row["attention"]}
    return {"name": row["athlete"], "anchor": anchor, "level": row["attention"],
            "cells": [need_cell, lsi_cell, pain_cell, acwr_cell, status_cell]}


def squad_rows(ordered: pd.DataFrame, anchors: dict[str, str]) -> list[dict[str, Any]]:
    """:func:`overview_row` of every runner of ``ordered`` (attention order), linking to ``anchors``."""
    return [overview_row(row, anchors[row["athlete"]]) for row in ordered.to_dict("records")]


def squad_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the squad table template draws: headers, which columns hold text, the rows."""
    return {"headers": ["Runner", *OVERVIEW_HEADERS], "text_cols": {0, 1, 2, 3, 4, 5}, "rows": rows}


def squad_table_html(ordered: pd.DataFrame) -> str:
    """The squad table as a self-styled HTML fragment (for a notebook or dashboard), in the
    order of ``ordered`` (:func:`~hipknee.analyses.attention.attention_order` output)."""
    if ordered.empty:
        return "<p>No runner in the store yet.</p>"
    anchors = {name: f"runner-{i + 1}" for i, name in enumerate(ordered["athlete"])}
    return render("squad_fragment.html.j2", overview=squad_table(squad_rows(ordered, anchors)),
                  badge=LEVEL_BADGES, quiet=MESSAGE_COLOURS["quiet"], order_rule=ORDER_RULE)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
