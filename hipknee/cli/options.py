"""What every subcommand shares: where the store is, and how paths are read."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..store import Store

__all__ = ["data_option", "open_store", "path_arg", "url_option"]


def data_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data DIR`` (default: ``$HIPKNEE_DATA`` or the project's ``data/``) and ``--url URL``
    (default: ``$HIPKNEE_URL``): a folder holding hipknee.db, or a club's database."""
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="data directory holding hipknee.db (default: $HIPKNEE_DATA or the project's data/)")
    url_option(parser, "a club's database instead")


def url_option(parser: argparse.ArgumentParser, what: str = "the club's database") -> None:
    """Add ``--url URL`` (default: ``$HIPKNEE_URL``)."""
    parser.add_argument("--url", metavar="URL", default=None,
                        help=f"{what}, e.g. postgresql+psycopg://ana@club.example.org:5432/club "
                             "(default: $HIPKNEE_URL; the password goes in ~/.pgpass, not in the URL)")


def open_store(args: argparse.Namespace) -> Store:
    """The store the command's options name."""
    return Store.open(args.data, url=args.url)


def path_arg(value: str) -> Path:
    """A path given on the command line (``~`` expanded)."""
    return Path(value).expanduser()
