"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``) or ``--url URL`` (default: ``$HIPKNEE_URL``: a club's PostgreSQL
database). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from ..errors import HipkneeError, ValidationError
from . import backups, bundles, club, log, runners, serve, sharing
from .terminal import printable

__all__ = ["build_parser", "main"]

#: Exit codes: bad input, and stopped with Ctrl-C (as shells report SIGINT).
BAD_INPUT = 2
STOPPED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (pointing at ``--help`` instead of printing usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {printable(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (log, runners, sharing, bundles, backups, club, serve):
        module.register(sub)
    for command in sub.choices.values():
        command.set_defaults(options=_options(command))
        # A group's own commands (``club add-runner``, ``runner set``) name their options too.
        for inner in command._actions:
            if isinstance(inner, argparse._SubParsersAction):
                for leaf in inner.choices.values():
                    leaf.set_defaults(options=_options(leaf))
    return parser


def _options(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each option's destination -> the option (``start`` -> ``--from``); positional arguments are
    named by their field already."""
    return {action.dest: action.option_strings[-1] for action in parser._actions
            if action.option_strings and action.dest != "help"}


def _as_given(exc: ValidationError, args: argparse.Namespace) -> ValidationError:
    """A library error about one of the command's own arguments, named as the option the user typed."""
    option = getattr(args, "options", {}).get(exc.field)
    if option is None or exc.record not in (None, args.command):
        return exc
    return ValidationError(option, exc.value, exc.allowed)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 store or file problem, 2 bad input, 130 stopped)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_on_options", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra  # options a command passes on to the program it starts (`lab`)
    with contextlib.redirect_stdout(_ClosedPipeGuard(sys.stdout)) as out:
        try:
            code = int(args.handler(args) or 0)
        except ValidationError as exc:
            print(f"hipknee: error: {printable(_as_given(exc, args))}", file=sys.stderr)
            code = BAD_INPUT
        except HipkneeError as exc:
            print(f"hipknee: error: {printable(exc)}", file=sys.stderr)
            code = 1
        except KeyboardInterrupt:
            print(f"hipknee: stopped before {args.command} finished", file=sys.stderr)
            code = STOPPED
        out.flush()  # inside the guard: a reader that has gone shows here, not at exit
    return code


class _ClosedPipeGuard(io.TextIOBase):
    """Standard output that lets its reader go (``hipknee import ... | head -1``): once the pipe is
    closed, the rest of the output is dropped quietly and the command ends with its own exit code."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._let_go()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._let_go()

    def _let_go(self) -> None:
        # What is still buffered would fail again when Python flushes at exit: send it nowhere.
        self._gone = True
        with contextlib.suppress(AttributeError, OSError, ValueError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
