"""The squad table of the coach dashboard: one row a runner, those needing attention first; a
runner's name is a button that shows her season below. Cells and colours are the squad overview's
(:mod:`hipknee.views.squad_table`, :mod:`hipknee.views.palette`)."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd

from ..analyses.attention import ORDER_RULE
from ..views.palette import LEVEL_BADGES, MESSAGE_COLOURS
from ..views.squad_table import OVERVIEW_HEADERS, squad_rows

__all__ = ["SquadTable"]

_CELL = "padding:2px 6px;border-radius:3px;white-space:nowrap;display:inline-block"


class SquadTable(widgets.VBox):
    """The squad in attention order (``ordered``: :func:`~hipknee.analyses.attention.attention_order`
    output); clicking a runner's name calls ``pick(name)``."""

    def __init__(self, ordered: pd.DataFrame, pick: Callable[[str], None]) -> None:
        super().__init__()
        self.add_class("hipknee-squad")
        self.buttons: dict[str, widgets.Button] = {}
        if ordered.empty:
            self.children = [widgets.HTML("<p>No runner in the store yet.</p>")]
            return
        anchors = {name: "" for name in ordered["athlete"]}
        rows = squad_rows(ordered, anchors)
        headers = ["Runner", *OVERVIEW_HEADERS]
        cells: list[widgets.Widget] = [widgets.HTML(f"<b>{html.escape(h)}</b>") for h in headers]
        for row in rows:
            name = str(row["name"])
            button = widgets.Button(description=name, tooltip=f"show {name}'s season below",
                                    layout=widgets.Layout(width="auto"))
            button.add_class("hipknee-squad-pick")
            button.on_click(lambda _b, name=name: pick(name))
            self.buttons[name] = button
            cells.append(button)
            cells += [widgets.HTML(f"<span style='{_CELL};background:{LEVEL_BADGES[c['level']]}'>"
                                   f"{html.escape(c['text'])}</span>") for c in row["cells"]]
        grid = widgets.GridBox(cells, layout=widgets.Layout(
            grid_template_columns=f"repeat({len(headers)}, auto)", grid_gap="2px 10px", align_items="center"))
        grid.add_class("hipknee-squad-table")
        rule = widgets.HTML(f"<p style='color:{MESSAGE_COLOURS['quiet']};font-size:0.9em'>"
                            f"Order: {html.escape(ORDER_RULE)}</p>")
        self.children = [grid, rule]
