"""Commands that fill a log: ``demo`` and ``import``."""

from __future__ import annotations

import argparse

from ..errors import ValidationError
from .options import data_option, open_store, path_arg, whole_number
from .terminal import printable


# -- demo ------------------------------------------------------------------------------------
def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="write a reproducible demo season into a store")
    data_option(p)
    p.add_argument("--seed", type=whole_number, default=7, help="random seed, 0 or more (same seed, same season; default 7)")
    p.add_argument("--runners", type=whole_number, default=1,
                   help="how many runners, 1 to 1000 (a squad for the coach overview)")
    p.add_argument("--if-missing", action="store_true",
                   help="make the demo store in DATA/demo only if there is none (used by `make lab`)")
    p.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from ..store import Store
    from ..store import locations as paths
    from ..synthetic.demo import check_demo, make_demo, write_demo

    check_demo(args.seed, args.runners)
    target = paths.data_dir(args.data)
    if args.if_missing:
        target = target / paths.DEMO_DIR_NAME
        if (target / paths.DB_NAME).exists():
            print(f"demo store already at {target / paths.DB_NAME}")
            return 0
    elif paths.store_url(args.url, args.data) is not None:
        # A club's database: the runners are written as they come (each one transaction).
        with open_store(args) as store:
            if store.count("athlete", include_deleted=True):
                raise ValidationError("url", store.where, "a database that has no runners yet "
                                      "(the demo never writes into a store that holds a log)")
            names = make_demo(store, seed=args.seed, runners=args.runners, progress=args.runners > 1)
            print(f"demo season for {', '.join(names)} written to {store.where} "
                  f"({store.count('run')} runs, {store.count('set')} sets, {store.count('pain')} pain entries)")
        return 0
    # All or nothing: Ctrl-C or a kill leaves no partial squad.
    names = write_demo(target, seed=args.seed, runners=args.runners, progress=args.runners > 1)
    with Store.open(target) as store:
        print(f"demo season for {', '.join(names)} written to {store.where} "
              f"({store.count('run')} runs, {store.count('set')} sets, {store.count('pain')} pain entries)")
    return 0


# -- import ----------------------------------------------------------------------------------
def _add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import runs from FIT, GPX and TCX files, .gz files, folders, zips "
                                      "and Strava bulk exports")
    p.add_argument("paths", nargs="+", type=path_arg, metavar="PATH",
                   help="files, folders (searched recursively) or zips, e.g. a Strava export zip")
    data_option(p)
    p.add_argument("--athlete", metavar="NAME", default=None,
                   help="whose runs these are; a new name adds that runner (may be left out when the store "
                        "holds one runner)")
    p.add_argument("--dry-run", action="store_true",
                   help="only say what would be imported, skipped and refused; write nothing")
    p.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from tempfile import TemporaryDirectory

    from ..importers import import_paths
    from ..store import Store
    from ..store import locations as paths

    if args.dry_run and not paths.db_path(args.data).exists():
        # Nothing to compare with, and a dry run must not make the store: check against an empty one.
        with TemporaryDirectory(prefix="hipknee-dry-run-") as empty, Store.open(empty) as store:
            summary = import_paths(store, args.paths, args.athlete, dry_run=True)
    else:
        # Naming the runner may start a log in a fresh folder; without one there is nobody to import for.
        with open_store(args, create=args.athlete is not None) as store:
            summary = import_paths(store, args.paths, args.athlete, dry_run=args.dry_run)
    # File names come from disk and from zips: shown with any control character escaped.
    print("\n".join(printable(line) for line in str(summary).split("\n")))
    return 0 if summary.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_demo(sub)
    _add_import(sub)
