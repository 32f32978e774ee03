"""Where a runner's store lives: ``--url URL`` > ``--data DIR`` > ``$HIPKNEE_URL`` > ``$HIPKNEE_DATA``
> the project's ``data/``. A URL names a database server (a club's PostgreSQL); the rest a folder
holding the SQLite file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

__all__ = [
    "BACKUP_DIR",
    "DB_NAME",
    "DEMO_DIR_NAME",
    "backups",
    "backups_dir",
    "data_dir",
    "db_path",
    "demo_dir",
    "list_backups",
    "newest_backup",
    "project_root",
    "name_store_for_children",
    "store_url",
]

DB_NAME = "hipknee.db"
DEMO_DIR_NAME = "demo"
ENV_VAR = "HIPKNEE_DATA"
#: A database URL (``postgresql+psycopg://USER@HOST:PORT/DATABASE``) to use instead of the data folder.
URL_ENV_VAR = "HIPKNEE_URL"
BACKUP_DIR = "backups"
# hipknee-YYYYMMDD-HHMMSS-ffffff-REASON.db: the name sorts (and tells) when it was made.
_BACKUP_NAME = re.compile(r"^hipknee-(\d{8}-\d{6}-\d{6})-[a-z0-9-]+\.db$")


def project_root() -> Path | None:
    """The source checkout this package runs from, or ``None`` when installed elsewhere."""
    root = Path(__file__).resolve().parents[2]
    project = root / "pyproject.toml"
    # An editable install runs from the checkout; a wheel install has no pyproject.toml beside it.
    return root if project.is_file() and 'name = "hipknee"' in project.read_text() else None


def data_dir(data: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the argument, else ``$HIPKNEE_DATA``, else ``data/`` in the checkout
    (or the platform's user data folder when hipknee is installed without a checkout)."""
    if data is not None and str(data) != "":
        return Path(data).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    root = project_root()
    if root is not None:
        return root / "data"
    return Path(platformdirs.user_data_dir("hipknee"))


def store_url(url: str | None = None, data: str | os.PathLike[str] | None = None) -> str | None:
    """The database URL a store should open: ``url`` when given, else ``$HIPKNEE_URL`` unless a data
    directory was named; ``None`` means the SQLite file in :func:`data_dir`."""
    if url is not None and str(url).strip():
        return str(url).strip()
    if data is not None and str(data) != "":
        return None
    return os.environ.get(URL_ENV_VAR, "").strip() or None


def name_store_for_children(url: str | None = None, data: str | os.PathLike[str] | None = None) -> None:
    """Make the environment name the store a command was given (``--url`` or ``--data``), for the
    notebooks, kernels and servers it starts: they open the store the environment names, with the
    same precedence as :func:`store_url` (a URL, else a named folder, else what was already set)."""
    chosen = store_url(url, data)
    if url is not None and chosen is not None:
        os.environ[URL_ENV_VAR] = chosen
    elif data is not None and str(data) != "":
        os.environ.pop(URL_ENV_VAR, None)  # a folder named on the command line beats an exported URL
        os.environ[ENV_VAR] = str(Path(data).expanduser().resolve())


def db_path(data: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file of the store in ``data_dir(data)``."""
    return data_dir(data) / DB_NAME


def demo_dir() -> Path:
    """Where the demo season is kept beside a runner's own store (never mixed into it)."""
    return data_dir(None) / DEMO_DIR_NAME


def backups_dir(db: Path) -> Path:
    """The folder holding the backups of the store file ``db``."""
    return db.parent / BACKUP_DIR


def backups(db: Path) -> list[Path]:
    """The backups of the store file ``db``, newest first."""
    folder = backups_dir(db)
    if not folder.is_dir():
        return []
    found = [(match.group(1), p) for p in folder.iterdir()
             if (match := _BACKUP_NAME.match(p.name)) is not None and p.is_file()]
    return [p for _stamp, p in sorted(found, reverse=True)]


def list_backups(data: str | os.PathLike[str] | None = None) -> list[Path]:
    """The backups of the store in the data directory ``data``, newest first."""
    return backups(db_path(data))


def newest_backup(db: Path) -> Path | None:
    """The newest backup of the store file ``db``, or ``None`` when it has none."""
    found = backups(db)
    return found[0] if found else None
