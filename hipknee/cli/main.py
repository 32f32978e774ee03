"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``) or ``--url URL`` (default: ``$HIPKNEE_URL``: a club's PostgreSQL
database). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import HipkneeError, ValidationError
from . import backups, club, log, sharing

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (log, sharing, backups, club):
        module.register(sub)
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
