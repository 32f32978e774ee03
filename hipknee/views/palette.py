"""Every colour hipknee draws with, in one place: sides, chart elements, verdict levels, messages.

Okabe-Ito colours (colour-blind safe) for data: left blue, right orange, the same on every chart,
knees too. Verdict levels (good / watch / act) have a badge background and an edge colour, used by
the report, the squad table and the dashboard alike.
"""

from __future__ import annotations

__all__ = ["LEVEL_BADGES", "LEVEL_EDGES", "MESSAGE_COLOURS", "PALETTE", "SIDE_COLOURS", "STATUS_COLOURS"]

#: Side (or knee) -> colour.
SIDE_COLOURS: dict[str, str] = {"left": "#0072B2", "right": "#E69F00", "both": "#7F7F7F"}
#: Chart element -> colour.
PALETTE: dict[str, str] = {
    "lsi": "#000000",
    "target": "#009E73",
    "fine": "#009E73",
    "acceptable": "#F0E442",
    "too much": "#D55E00",
    "km": "#C4C4C4",
    "jump": "#D55E00",
    "acwr": "#CC79A7",
    "spike": "#D55E00",
    "runs": "#BFBFBF",
    "kujala": "#56B4E9",
}
#: Pain-monitoring status -> the colour of its zone.
STATUS_COLOURS: dict[str, str] = {"green": PALETTE["fine"], "amber": PALETTE["acceptable"], "red": PALETTE["too much"]}
#: Verdict level -> badge background ("" = nothing to judge yet).
LEVEL_BADGES: dict[str, str] = {"good": "#d3f9d8", "watch": "#ffe8cc", "act": "#ffc9c9", "": "#e4e7eb"}
#: Verdict level -> the edge marking a verdict line.
LEVEL_EDGES: dict[str, str] = {"good": "#2f9e44", "watch": "#f08c00", "act": "#c92a2a", "": "#9aa5b1"}
#: Message kind -> text colour in forms and views.
MESSAGE_COLOURS: dict[str, str] = {"error": "#b00020", "ok": "#1b5e20", "quiet": "#52606d"}
