"""A report as a file, and in a notebook: where it is saved, how it is shown and downloaded."""

from __future__ import annotations

import base64
import os
from html import escape
from pathlib import Path

from IPython.display import HTML

from ...errors import ValidationError
from ...store.locations import data_dir
from ..output_files import output_file

__all__ = ["report_download_link", "report_path", "report_preview", "reports_dir", "write_report"]


def report_path(out: str | os.PathLike[str]) -> Path:
    """``out`` as a path, checked to be an .html file name (before any work is done)."""
    path = Path(out).expanduser()
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValidationError("out", str(out), "a file name ending in .html")
    return path


def write_report(html: str, out: str | os.PathLike[str]) -> Path:
    """Write ``html`` to ``out`` (a .html file) as UTF-8, whole or not at all; returns the path."""
    path = report_path(out)
    with output_file(path, "the report") as partial:
        partial.write_text(html, encoding="utf-8")
    return path


def reports_dir(data: str | os.PathLike[str] | None = None) -> Path:
    """Where notebooks save reports: ``DATA/reports`` (inside the data folder, so git ignores it)."""
    return data_dir(data) / "reports"


def report_preview(html: str, height: int = 900) -> HTML:
    """The report shown in a notebook, in a frame so its styles stay out of the notebook's."""
    return HTML(
        f'<div class="hipknee-report"><iframe srcdoc="{escape(html, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #d9e2ec;"></iframe></div>'
    )


def report_download_link(html: str, filename: str) -> HTML:
    """A link in a notebook that downloads the report as ``filename`` (the file is in the link
    itself, so it works in JupyterLab, Voila and a browser alike)."""
    payload = base64.b64encode(html.encode("utf-8")).decode("ascii")
    return HTML(
        f'<a class="hipknee-report-link" download="{escape(filename, quote=True)}" '
        f'href="data:text/html;charset=utf-8;base64,{payload}">Download {escape(filename)}</a>'
    )
