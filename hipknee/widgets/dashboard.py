"""The coach dashboard: a read-only page served by Voila (``make dashboard``).

Who needs attention first (the squad table of :mod:`hipknee.attention`), then one runner's season:
the runner picker, the balance, knee-pain and running-load charts and the summary in words
(:class:`hipknee.ProgressView`). Nothing on the page writes to the store.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..analyses.attention import ORDER_RULE, attention_order
from ..analyses.season import summarise_all
from ..views.report import OVERVIEW_HEADERS, overview_row
from .progress import ProgressView

__all__ = ["DashboardApp", "squad_table_html"]

_BADGE = {"good": "#d3f9d8", "watch": "#ffe8cc", "act": "#ffc9c9", "": "#e4e7eb"}


class DashboardApp(widgets.VBox):
    """The squad table (runners needing attention first) over the season view of one runner,
    who is picked with the ``athlete`` dropdown (default: the runner needing most attention)."""

    def __init__(self, store: Any, *, athlete: str | None = None, dpi: int = 80) -> None:
        self.store = store
        names = store.athlete_names()
        self.overview: pd.DataFrame = (
            attention_order(summarise_all(store)) if names else pd.DataFrame()
        )
        if athlete is None and len(self.overview):
            athlete = str(self.overview["athlete"].iloc[0])
        demo = (
            " <b>Demo data</b>: a made-up squad, not real runners."
            if getattr(store, "is_demo", False)
            else ""
        )
        self.header = widgets.HTML(
            f"<p style='color:#52606d'>{len(names)} runner{'s' if len(names) != 1 else ''}; "
            f"read-only.{demo} hipknee informs, it does not diagnose: if pain persists, see a clinician.</p>"
        )
        self.squad = widgets.HTML(squad_table_html(self.overview))
        self.squad.add_class("hipknee-squad")
        self.progress = ProgressView(store, athlete=athlete, dpi=dpi)
        #: The runner picker.
        self.athlete = self.progress.athlete
        super().__init__([self.header, self.squad, self.progress])
        self.add_class("hipknee-coach-dashboard")


def squad_table_html(overview: pd.DataFrame) -> str:
    """The squad as an HTML table, in the order of ``overview`` (:func:`attention_order` output);
    runner names are escaped."""
    if overview.empty:
        return "<p>No runner in the store yet.</p>"
    head = "".join(
        f"<th style='text-align:left;padding:4px 8px'>{h}</th>"
        for h in ("Runner", *OVERVIEW_HEADERS)
    )
    rows = []
    for i, row in enumerate(overview.to_dict("records")):
        cells = overview_row(row, f"runner-{i + 1}")
        tds = "".join(
            f"<td style='padding:4px 8px'><span style='background:{_BADGE[c['level']]};padding:1px 6px;"
            f"border-radius:3px'>{html.escape(c['text'])}</span></td>"
            for c in cells["cells"]
        )
        rows.append(
            f"<tr><td style='padding:4px 8px'><b>{html.escape(cells['name'])}</b></td>{tds}</tr>"
        )
    return (
        f"<table class='hipknee-squad-table' style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p style='color:#52606d;font-size:0.9em'>Order: {html.escape(ORDER_RULE)}</p>"
    )
