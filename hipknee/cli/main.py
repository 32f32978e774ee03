"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import HipkneeError, ValidationError
from . import backups, log, serve, sharing

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (log, sharing, backups, serve):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 store or file problem, 2 bad input)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_on_options", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra  # options a command passes on to the program it starts (`lab`)
    try:
        return int(args.handler(args) or 0)
    except ValidationError as exc:
        print(f"hipknee: error: {exc}", file=sys.stderr)
        return 2
    except HipkneeError as exc:
        print(f"hipknee: error: {exc}", file=sys.stderr)
        return 1
