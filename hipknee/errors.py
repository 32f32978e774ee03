"""The one error family hipknee raises.

Errors of the libraries below (SQLAlchemy, sqlite3, ADBC, pydantic, fitdecode, lxml) are translated
into these where they are called, so a notebook only ever has to catch :class:`HipkneeError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["HipkneeError", "ImportFileError", "OutputFileError", "StoreError", "ValidationError"]


class HipkneeError(Exception):
    """Base class of every error hipknee raises on purpose."""


class ValidationError(HipkneeError, ValueError):
    """Input was rejected before anything was written: names the field, the value and what is allowed."""

    def __init__(self, field: str, value: Any, allowed: str, *, record: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.record = record
        where = f"{record}.{field}" if record else field
        super().__init__(f"{where}: got {_show(value)}; allowed: {allowed}")


class StoreError(HipkneeError):
    """The store cannot be used as it is; names the file (or the database, by its URL without the
    password) and what to do about it."""

    def __init__(
        self, path: Path | str | None, problem: str, *, backup: Path | None = None, advice: str | None = None
    ) -> None:
        # A database URL names a server, not a file.
        self.path = Path(path) if path is not None and "://" not in str(path) else None
        self.where = str(path)
        self.problem = problem
        self.backup = backup
        if advice is None:
            advice = (
                f"restore the newest backup with `hipknee restore {backup}`"
                if backup is not None
                else "no backup of it was found; keep the file and ask for help"
            )
        super().__init__(f"{path}: {problem}; nothing was changed. To go on, {advice}.")


class ImportFileError(HipkneeError):
    """One file could not be imported; names the file and the reason (corrupt, truncated, empty...)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OutputFileError(HipkneeError):
    """A file hipknee was asked to write (a report, chart, export) could not be written; names the
    file and why. An earlier file of that name is left as it was."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}; nothing was written there.")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
