"""Commands that show a log to others: ``report``, ``plot`` and ``export``."""

from __future__ import annotations

import argparse

from ..errors import ValidationError
from ..records.periods import period
from .options import data_option, open_store, path_arg


# -- report ----------------------------------------------------------------------------------
def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="a self-contained HTML report for the coach (one runner, or --all for a squad)")
    data_option(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--athlete", metavar="NAME", help="the runner (needed when the store holds several)")
    who.add_argument("--all", action="store_true", help="the squad overview: every runner, those needing attention first")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day, e.g. 2026-03-02 (default: the season's first)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included (default: the season's last)")
    p.add_argument("--include-private", action="store_true", help="keep notes marked private (left out by default)")
    p.add_argument("--out", type=path_arg, required=True, metavar="FILE.html", help="the HTML file to write")
    p.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    from ..views.report import build_overview, build_report, report_path, write_report

    report_path(args.out)  # bad input is refused before any work is done
    period(args.start, args.end)
    with open_store(args) as store:
        if args.all:
            html = build_overview(store, start=args.start, end=args.end, include_private=args.include_private)
        else:
            try:
                html = build_report(store, athlete=args.athlete, start=args.start, end=args.end,
                                    include_private=args.include_private)
            except ValidationError as exc:
                if exc.field == "athlete" and exc.value is None:  # several runners: say how to pick
                    raise ValidationError("athlete", None, f"{exc.allowed} (or --all for the squad overview)") from None
                raise
    out = write_report(html, args.out)
    print(f"report written to {out}" + ("" if args.include_private else " (private notes left out)"))
    return 0


# -- plot ------------------------------------------------------------------------------------
def _add_plot(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plot", help="draw a chart of the season to a PNG or SVG file")
    p.add_argument("chart", choices=["balance", "pain", "load", "kujala", "dashboard"],
                   help="balance (left vs right, LSI), pain (knee pain), load (running load, ACWR), kujala (knee "
                        "function, Kujala score) or dashboard")
    data_option(p)
    p.add_argument("--athlete", metavar="NAME", default=None, help="the runner (default: the first in the store)")
    p.add_argument("--exercise", metavar="NAME", default=None,
                   help="exercise or strength test for the balance chart (default: a strength test if any)")
    p.add_argument("--out", metavar="FILE", required=True, type=path_arg, help="where to write: FILE.png or FILE.svg")
    p.set_defaults(handler=_run_plot)


def _run_plot(args: argparse.Namespace) -> int:
    from ..views.chart_files import plot_file

    with open_store(args) as store:
        out = plot_file(args.chart, store, args.out, athlete=args.athlete, exercise=args.exercise)
    print(f"{args.chart} chart written to {out}")
    return 0


# -- export ----------------------------------------------------------------------------------
def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="every table as CSV files or an Excel workbook, units in the column names")
    data_option(p)
    p.add_argument("--format", choices=("csv", "xlsx"), required=True,
                   help="csv: a folder of one file per table (a zip if --out ends in .zip); xlsx: one sheet per table")
    p.add_argument("--include-private", action="store_true", help="keep notes marked private (withheld by default)")
    p.add_argument("--out", type=path_arg, required=True, metavar="PATH", help="folder, .zip or .xlsx file to write")
    p.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from ..views.export import export_tables

    with open_store(args) as store:
        out = export_tables(store, args.format, args.out, include_private=args.include_private)
        print(f"exported {store.count('athlete')} runners' tables to {out}"
              + ("" if args.include_private else " (private notes withheld)"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_report(sub)
    _add_plot(sub)
    _add_export(sub)
