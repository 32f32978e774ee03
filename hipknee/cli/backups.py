"""Commands that keep a log safe: ``backup`` and ``restore`` (a SQLite file with SQLite's online
backup API; a club's PostgreSQL database with pg_dump / pg_restore)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ValidationError
from ..store import locations as paths
from ..store.engine import parse_url
from .options import data_option


def _server_url(args: argparse.Namespace) -> str | None:
    """The PostgreSQL URL the options name, or ``None`` for a SQLite store."""
    url = paths.store_url(args.url, args.data)
    if url is None or parse_url(url).get_backend_name() == "sqlite":
        return None
    return url


# -- backup / restore ------------------------------------------------------------------------
def _add_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="back up the store now (SQLite's online backup, safe while notebooks run; "
                                      "a club's database with pg_dump)")
    data_option(p)
    p.add_argument("--list", action="store_true", help="only list the backups, newest first")
    p.set_defaults(handler=_run_backup)


def _run_backup(args: argparse.Namespace) -> int:
    from ..store.backup import back_up, list_backups

    url = _server_url(args)
    if url is not None:
        from ..store.dump import dump_database, list_dumps

        if not args.list:
            print(f"backed up with pg_dump (custom format) to {dump_database(url, args.data)}")
        for found in list_dumps(url, args.data):
            print(found)
        return 0
    data = _sqlite_data(args)
    if not args.list:
        print(f"backed up to {back_up(data)}")
    for found in list_backups(data):
        print(found)
    return 0


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a backup back as the store (the current one is backed up first)")
    p.add_argument("backup", metavar="BACKUP", help="a backup file, or its name in DATA/backups")
    data_option(p)
    p.set_defaults(handler=_run_restore)


def _run_restore(args: argparse.Namespace) -> int:
    from ..store.backup import restore
    from ..store.engine import shown_url

    url = _server_url(args)
    if url is not None:
        from ..store.dump import restore_database

        dumped = restore_database(url, args.backup, args.data)
        print(f"restored {shown_url(url)} from {args.backup} with pg_restore (one transaction)")
        print(f"the database it replaced is kept as {dumped} (pg_dump, custom format)")
        return 0
    data = _sqlite_data(args)
    kept = restore(args.backup, data)
    print(f"restored {paths.db_path(data)} from {args.backup}")
    if kept is not None:
        print(f"the store it replaced is kept as {kept}")
    return 0


def _sqlite_data(args: argparse.Namespace) -> str | None:
    """The data directory of a SQLite store named by ``--data`` or by a ``sqlite:///.../FILE`` URL."""
    url = paths.store_url(args.url, args.data)
    if url is None:
        return args.data
    file = Path(parse_url(url).database or "").expanduser()
    if file.name != paths.DB_NAME:
        raise ValidationError("--url", url, f"a SQLite URL of a store file named {paths.DB_NAME} "
                                            "(or --data DIR), or a PostgreSQL URL")
    return str(file.parent)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_backup(sub)
    _add_restore(sub)
