"""Commands that fill a log: ``demo`` and ``import``."""

from __future__ import annotations

import argparse

from ..errors import ValidationError
from .options import data_option, open_store, path_arg


# -- demo ------------------------------------------------------------------------------------
def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="write a reproducible demo season into a store")
    data_option(p)
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
        # The demo shown beside a runner's own log is always a local file.
        target = paths.data_dir(args.data) / paths.DEMO_DIR_NAME
        if (target / paths.DB_NAME).exists():
            print(f"demo store already at {target / paths.DB_NAME}")
            return 0
        opened = Store.open(target)
    else:
        opened = open_store(args)
    with opened as store:
        if not args.if_missing and store.athlete_names():
            raise ValidationError("--data", store.where, "a store that has no runners yet "
                                  "(the demo never writes into a store that holds a log)")
        names = make_demo(store, seed=args.seed, runners=args.runners)
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
                   help="whose runs these are (may be left out when the store holds one athlete)")
    p.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from ..importers import import_paths

    with open_store(args) as store:
        summary = import_paths(store, args.paths, args.athlete)
    print(summary)
    return 0 if summary.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_demo(sub)
    _add_import(sub)
