"""The coach report: one self-contained HTML file per runner, or one squad overview page."""

from .build import build_overview, build_report
from .files import report_download_link, report_path, report_preview, reports_dir, write_report

__all__ = [
    "build_overview",
    "build_report",
    "report_download_link",
    "report_path",
    "report_preview",
    "reports_dir",
    "write_report",
]
