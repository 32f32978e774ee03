"""The ``hipknee`` command line. Every subcommand takes ``--data DIR`` (default: ``$HIPKNEE_DATA``
or the project's ``data/``). Errors are printed as one clear line, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ..errors import HipkneeError, ValidationError
from . import backups, log, runners, sharing

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="hipknee", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (log, runners, sharing, backups):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 store or file problem, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(_ClosedPipeGuard(sys.stdout)) as out:
        try:
            code = int(args.handler(args) or 0)
        except ValidationError as exc:
            print(f"hipknee: error: {exc}", file=sys.stderr)
            code = 2
        except HipkneeError as exc:
            print(f"hipknee: error: {exc}", file=sys.stderr)
            code = 1
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
