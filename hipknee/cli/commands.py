"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import HipkneeError, ValidationError

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="data directory holding hipknee.db (default: $HIPKNEE_DATA or the project's data/)")


def _open(args: argparse.Namespace):  # noqa: ANN202
    from ..store import Store

    return Store.open(args.data)


# -- demo ------------------------------------------------------------------------------------
def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="write a reproducible demo season into a store")
    _data_option(p)
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same season; default 7)")
    p.add_argument("--runners", type=int, default=1, help="how many runners (a squad for the coach overview)")
    p.add_argument("--if-missing", action="store_true",
                   help="make the demo store in DATA/demo only if there is none (used by `make lab`)")
    p.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from ..store import Store
    from ..store import locations as paths
    from ..synthetic.demo import make_demo

    if args.if_missing:
        target = paths.data_dir(args.data) / paths.DEMO_DIR_NAME
        if (target / paths.DB_NAME).exists():
            print(f"demo store already at {target / paths.DB_NAME}")
            return 0
    else:
        target = paths.data_dir(args.data)
    with Store.open(target) as store:
        if not args.if_missing and store.athlete_names():
            raise ValidationError("--data", str(target), "a data directory whose store has no runners yet "
                                  "(the demo never writes into a store that holds a log)")
        names = make_demo(store, seed=args.seed, runners=args.runners)
        print(f"demo season for {', '.join(names)} written to {store.path} "
              f"({store.count('run')} runs, {store.count('set')} sets, {store.count('pain')} pain entries)")
    return 0


# -- export ----------------------------------------------------------------------------------
def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="every table as CSV files or an Excel workbook, units in the column names")
    _data_option(p)
    p.add_argument("--format", choices=("csv", "xlsx"), required=True,
                   help="csv: a folder of one file per table (a zip if --out ends in .zip); xlsx: one sheet per table")
    p.add_argument("--include-private", action="store_true", help="keep notes marked private (withheld by default)")
    p.add_argument("--out", type=_path, required=True, metavar="PATH", help="folder, .zip or .xlsx file to write")
    p.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from ..views.export import export_tables

    with _open(args) as store:
        out = export_tables(store, args.format, args.out, include_private=args.include_private)
        print(f"exported {store.count('athlete')} runners' tables to {out}"
              + ("" if args.include_private else " (private notes withheld)"))
    return 0


# -- backup / restore ------------------------------------------------------------------------
def _add_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="back up the store now (SQLite's online backup; safe while notebooks run)")
    _data_option(p)
    p.add_argument("--list", action="store_true", help="only list the backups, newest first")
    p.set_defaults(handler=_run_backup)


def _run_backup(args: argparse.Namespace) -> int:
    from ..store.backup import back_up, list_backups

    if not args.list:
        print(f"backed up to {back_up(args.data)}")
    for found in list_backups(args.data):
        print(found)
    return 0


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a backup back as the store (the current file is backed up first)")
    p.add_argument("backup", metavar="BACKUP", help="a backup file, or its name in DATA/backups")
    _data_option(p)
    p.set_defaults(handler=_run_restore)


def _run_restore(args: argparse.Namespace) -> int:
    from ..store import locations as paths
    from ..store.backup import restore

    kept = restore(args.backup, args.data)
    print(f"restored {paths.db_path(args.data)} from {args.backup}")
    if kept is not None:
        print(f"the store it replaced is kept as {kept}")
    return 0


# -- plot ------------------------------------------------------------------------------------
def _add_plot(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plot", help="draw a chart of the season to a PNG or SVG file")
    p.add_argument("chart", choices=["balance", "pain", "load", "dashboard"],
                   help="balance (left vs right, LSI), pain (knee pain), load (running load, ACWR) or dashboard")
    _data_option(p)
    p.add_argument("--athlete", metavar="NAME", default=None, help="the runner (default: the first in the store)")
    p.add_argument("--exercise", metavar="NAME", default=None,
                   help="exercise or strength test for the balance chart (default: a strength test if any)")
    p.add_argument("--out", metavar="FILE", required=True, type=_path, help="where to write: FILE.png or FILE.svg")
    p.set_defaults(handler=_run_plot)


def _run_plot(args: argparse.Namespace) -> int:
    from ..store import locations as paths
    from ..views.charts import plot_file

    if not paths.db_path(args.data).exists():
        raise ValidationError("--data", str(paths.data_dir(args.data)), "a data directory holding hipknee.db")
    with _open(args) as store:
        out = plot_file(args.chart, store, args.out, athlete=args.athlete, exercise=args.exercise)
    print(f"{args.chart} chart written to {out}")
    return 0


# -- import ----------------------------------------------------------------------------------
def _add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import runs from FIT, GPX and TCX files, .gz files, folders, zips "
                                      "and Strava bulk exports")
    p.add_argument("paths", nargs="+", type=_path, metavar="PATH",
                   help="files, folders (searched recursively) or zips, e.g. a Strava export zip")
    _data_option(p)
    p.add_argument("--athlete", metavar="NAME", default=None,
                   help="whose runs these are (may be left out when the store holds one athlete)")
    p.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from ..importers import import_paths

    with _open(args) as store:
        summary = import_paths(store, args.paths, args.athlete)
    print(summary)
    return 0 if summary.ok else 1


# -- report ----------------------------------------------------------------------------------
def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="a self-contained HTML report for the coach (one runner, or --all for a squad)")
    _data_option(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--athlete", metavar="NAME", help="the runner (needed when the store holds several)")
    who.add_argument("--all", action="store_true", help="the squad overview: every runner, those needing attention first")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day, e.g. 2026-03-02 (default: the season's first)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included (default: the season's last)")
    p.add_argument("--include-private", action="store_true", help="keep notes marked private (left out by default)")
    p.add_argument("--out", type=_path, required=True, metavar="FILE.html", help="the HTML file to write")
    p.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    from ..views.report import build_overview, build_report, report_path, write_report

    report_path(args.out)
    with _open(args) as store:
        if args.all:
            html = build_overview(store, start=args.start, end=args.end, include_private=args.include_private)
        else:
            html = build_report(store, athlete=args.athlete, start=args.start, end=args.end,
                                include_private=args.include_private)
    out = write_report(html, args.out)
    print(f"report written to {out}" + ("" if args.include_private else " (private notes left out)"))
    return 0


_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_demo, _add_export, _add_backup, _add_restore, _add_plot, _add_import, _add_report]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 store or file problem, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValidationError as exc:
        print(f"hipknee: error: {exc}", file=sys.stderr)
        return 2
    except HipkneeError as exc:
        print(f"hipknee: error: {exc}", file=sys.stderr)
        return 1


def _path(value: str) -> Path:
    return Path(value).expanduser()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
