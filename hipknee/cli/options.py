"""What every subcommand shares: where the store is, and how paths and numbers are read.

The argument types raise :class:`argparse.ArgumentTypeError` worded like hipknee's errors
("got ...; allowed: ..."), so argparse's one line names the option and what it takes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ValidationError
from ..store import Store
from ..store import locations as paths

__all__ = ["data_option", "open_store", "path_arg", "url_option", "whole_number"]


def _refuse(value: str, allowed: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"got {value!r}; allowed: {allowed}")


def data_folder(value: str) -> Path:
    """``--data DIR``: a folder (made when a command writes), never empty text or a file."""
    if not value.strip():
        raise _refuse(value, "a data folder (leave --data out for the default)")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise _refuse(value, "a data folder (this is a file)")
    return path


def data_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data DIR`` (default: ``$HIPKNEE_DATA`` or the project's ``data/``) and ``--url URL``
    (default: ``$HIPKNEE_URL``): a folder holding hipknee.db, or a club's database."""
    parser.add_argument("--data", metavar="DIR", default=None, type=data_folder,
                        help="data directory holding hipknee.db (default: $HIPKNEE_DATA or the project's data/)")
    url_option(parser, "a club's database instead")


def url_option(parser: argparse.ArgumentParser, what: str = "the club's database") -> None:
    """Add ``--url URL`` (default: ``$HIPKNEE_URL``)."""
    parser.add_argument("--url", metavar="URL", default=None,
                        help=f"{what}, e.g. postgresql+psycopg://ana@club.example.org:5432/club "
                             "(default: $HIPKNEE_URL; the password goes in ~/.pgpass, not in the URL)")


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store the command's options name: a club's database (``--url``, ``$HIPKNEE_URL``) or
    the SQLite file of a data folder. Only a command that adds to a log (``create``: adding a
    runner, importing her runs) makes a file in a folder without one; the others refuse the
    folder rather than fill it with an empty store."""
    url = getattr(args, "url", None)
    if paths.store_url(url, args.data) is None and not create and not paths.db_path(args.data).is_file():
        raise ValidationError("data", str(paths.data_dir(args.data)),
                              "a data directory holding hipknee.db (log a session, or run `hipknee demo`)")
    return Store.open(args.data, url=url)


def path_arg(value: str) -> Path:
    """A path given on the command line (``~`` expanded); empty text is refused, not read as ``.``."""
    if not value.strip():
        raise _refuse(value, "a file or folder name")
    return Path(value).expanduser()


def whole_number(value: str) -> int:
    """A whole number in decimal digits (the range is the command's to check)."""
    text = value.strip()
    if not text.removeprefix("-").isdecimal():
        raise _refuse(value, "a whole number")
    return int(text)
