"""Commands that keep a log safe: ``backup`` and ``restore``."""

from __future__ import annotations

import argparse

from .options import data_option


# -- backup / restore ------------------------------------------------------------------------
def _add_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="back up the store now (SQLite's online backup; safe while notebooks run)")
    data_option(p)
    p.add_argument("--list", action="store_true", help="only list the backups, newest first")
    p.set_defaults(handler=_run_backup)


def _run_backup(args: argparse.Namespace) -> int:
    from ..store.backup import back_up, list_backups

    if not args.list:
        print(f"backed up to {back_up(args.data)}")
    for found in list_backups(args.data):
        print(found)
    return 0


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a backup back as the store (the current file is backed up first)")
    p.add_argument("backup", metavar="BACKUP", help="a backup file, or its name in DATA/backups")
    data_option(p)
    p.set_defaults(handler=_run_restore)


def _run_restore(args: argparse.Namespace) -> int:
    from ..store import locations as paths
    from ..store.backup import restore

    kept = restore(args.backup, args.data)
    print(f"restored {paths.db_path(args.data)} from {args.backup}")
    if kept is not None:
        print(f"the store it replaced is kept as {kept}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_backup(sub)
    _add_restore(sub)
