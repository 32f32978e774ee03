"""Charts as files and as markup: PNG or SVG files for the command line, inline SVG for reports."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure

from ..errors import ValidationError
from ..frames import LogFrames, as_frames
from ..store import Store
from .charts import balance_chart, dashboard, kujala_chart, load_chart, pain_chart
from .output_files import output_file

__all__ = ["CHARTS", "FORMATS", "figure_svg", "plot_file", "save_figure"]

#: File endings a chart can be written as.
FORMATS = (".png", ".svg")
#: Chart name -> function, as the ``hipknee plot`` command names them.
CHARTS: dict[str, Callable[..., Figure]] = {"balance": balance_chart, "pain": pain_chart, "load": load_chart,
                                             "kujala": kujala_chart, "dashboard": dashboard}


def plot_file(kind: str, data: Store | LogFrames, out: str | os.PathLike[str], *, athlete: str | None = None,
              exercise: str | None = None, dpi: int = 140) -> Path:
    """Draw chart ``kind`` (a key of :data:`CHARTS`) of the log and write it to ``out`` (.png or
    .svg); returns the path. Unknown athletes or exercises raise :class:`hipknee.ValidationError`."""
    if kind not in CHARTS:
        raise ValidationError("chart", kind, "one of " + ", ".join(CHARTS))
    path = Path(out).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise ValidationError("out", str(out), "a file name ending in .png or .svg")
    frames = as_frames(data)
    if athlete is not None:
        frames.athlete(athlete)
    if exercise is not None:
        if kind not in ("balance", "dashboard"):
            raise ValidationError("exercise", exercise, "no exercise: only balance and dashboard take one")
        known = sorted(set(frames.sets["exercise"].astype(object)) | set(frames.tests["test"].astype(object)))
        if exercise not in known:
            raise ValidationError("exercise", exercise, "an exercise or test in the log: " + (", ".join(known) or "none yet"))
    chart = CHARTS[kind]
    fig = chart(frames, athlete=athlete, exercise=exercise) if exercise is not None else chart(frames, athlete=athlete)
    return save_figure(fig, path, dpi=dpi)


def save_figure(fig: Figure, path: Path, *, dpi: int = 110) -> Path:
    """Write ``fig`` to ``path`` (.png or .svg), whole or not at all; returns the path."""
    with output_file(path, "the chart") as partial:
        fig.savefig(partial, dpi=dpi, format=path.suffix.lower().lstrip("."))
    return path


def figure_svg(fig: Figure, prefix: str) -> Markup:
    """A matplotlib Figure as inline SVG markup: no XML prolog, DOCTYPE or metadata (they name
    external URLs), fonts as text (small files), element ids prefixed so several charts can share
    one page."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = svg.replace("<svg ", '<svg class="hipknee-chart" role="img" ', 1)
    return Markup(svg)
