"""Where a runner's store lives: ``--data DIR`` > ``$HIPKNEE_DATA`` > the project's ``data/``."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["DB_NAME", "DEMO_DIR_NAME", "data_dir", "db_path", "demo_dir", "project_root"]

DB_NAME = "hipknee.db"
DEMO_DIR_NAME = "demo"
ENV_VAR = "HIPKNEE_DATA"


def project_root() -> Path | None:
    """The source checkout this package runs from, or ``None`` when installed elsewhere."""
    root = Path(__file__).resolve().parent.parent
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


def db_path(data: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file of the store in ``data_dir(data)``."""
    return data_dir(data) / DB_NAME


def demo_dir() -> Path:
    """Where the demo season is kept beside a runner's own store (never mixed into it)."""
    return data_dir(None) / DEMO_DIR_NAME
