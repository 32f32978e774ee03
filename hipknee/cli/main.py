"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import HipkneeError, ValidationError
from . import backups, log, sharing

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (log, sharing, backups):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 store or file problem, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValidationError as exc:
        print(f"hipknee: error: {_as_options(exc, parser, args.command)}", file=sys.stderr)
        return 2
    except HipkneeError as exc:
        print(f"hipknee: error: {exc}", file=sys.stderr)
        return 1


def _as_options(exc: ValidationError, parser: argparse.ArgumentParser, command: str) -> str:
    """``exc`` in the command line's words: a field the command has an option for is named by
    that option (``start`` -> ``--from``); the library itself never speaks of options."""
    options = _options_of(parser, command)
    if exc.record is None and exc.field in options:
        return str(ValidationError(options[exc.field], exc.value, exc.allowed))
    return str(exc)


def _options_of(parser: argparse.ArgumentParser, command: str) -> dict[str, str]:
    """Destination -> the option that sets it (its long form), for subcommand ``command``."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, str] = {}
    for action in sub.choices[command]._actions:
        longs = [o for o in action.option_strings if o.startswith("--")]
        if longs:
            found[action.dest] = longs[0]
    return found
