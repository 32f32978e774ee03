"""What every subcommand shares: where the store is, and how paths are read."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..store import Store

__all__ = ["data_option", "open_store", "path_arg"]


def data_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data DIR`` (default: ``$HIPKNEE_DATA`` or the project's ``data/``)."""
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="data directory holding hipknee.db (default: $HIPKNEE_DATA or the project's data/)")


def open_store(args: argparse.Namespace) -> Store:
    """The store the command's options name."""
    return Store.open(args.data)


def path_arg(value: str) -> Path:
    """A path given on the command line (``~`` expanded)."""
    return Path(value).expanduser()
