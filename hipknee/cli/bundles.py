"""Commands that move a log between stores: ``share`` (a runner's log as one file) and ``merge``
(a coach gathers those files into her store)."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from .options import data_option, open_store, path_arg


# -- share -------------------------------------------------------------------------------------
def _add_share(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("share", help="write a runner's log to one file (a bundle) to send to a coach")
    data_option(p)
    p.add_argument("--athlete", metavar="NAME", help="the runner (needed when the store holds several)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day, e.g. 2026-03-02 (default: the log's first)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included (default: the log's last)")
    p.add_argument("--include-private", action="store_true", help="send notes marked private too (withheld by default)")
    p.add_argument("--out", type=path_arg, required=True, metavar="FILE",
                   help="the bundle to write, e.g. maria.hipknee")
    p.set_defaults(handler=_run_share)


def _run_share(args: argparse.Namespace) -> int:
    from ..bundles import share_bundle

    with open_store(args) as store:
        bundle = share_bundle(store, args.out, athlete=args.athlete, start=args.start, end=args.end,
                              include_private=args.include_private)
    print(f"{bundle.describe()} written to {bundle.path}")
    return 0


# -- merge -------------------------------------------------------------------------------------
def _add_merge(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge runners' bundles into this store (new records added, newer ones "
                                     "replacing older, deletes carried over)")
    p.add_argument("files", nargs="+", type=path_arg, metavar="FILE", help="bundles made with `hipknee share`")
    data_option(p)
    p.set_defaults(handler=_run_merge)


def _run_merge(args: argparse.Namespace) -> int:
    from ..bundles import Merged, Refused, merge_bundles

    def report(result: Merged | Refused) -> None:
        if isinstance(result, Merged):
            print(result.line(), flush=True)
        else:
            print(f"hipknee: error: {result.line()}", file=sys.stderr, flush=True)

    with ExitStack() as stack:
        summary = merge_bundles(lambda: stack.enter_context(open_store(args)), args.files, on_result=report)
    if len(args.files) > 1:
        print(summary.headline())
    return 0 if summary.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_share(sub)
    _add_merge(sub)
