"""Writing the files people are given (reports, charts, exports): complete or not at all.

Each file is written under a temporary name beside its target and renamed over it only once it is
complete, so an interrupted or failed write never leaves a truncated file, nor destroys an earlier
file of the same name. Failures are :class:`hipknee.OutputFileError` naming the file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputFileError

__all__ = ["output_file", "output_folder"]


@contextmanager
def output_file(target: Path, what: str = "the file") -> Iterator[Path]:
    """A temporary path to write ``target``'s content to; it becomes ``target`` when the block ends
    without an error. ``what`` names the content in the error (e.g. "the report")."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputFileError(target, f"cannot write {what} there ({exc.strerror or exc})") from None
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, target)
    except OSError as exc:
        raise OutputFileError(target, f"cannot write {what} there ({exc.strerror or exc})") from None
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def output_folder(target: Path, what: str = "the files") -> Iterator[Path]:
    """A temporary folder to write ``target``'s files into; it replaces the files of the same names
    in ``target`` (made if missing) when the block ends without an error."""
    target = Path(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as exc:
        raise OutputFileError(target, f"cannot write {what} there ({exc.strerror or exc})") from None
    try:
        yield staging
        for item in sorted(staging.iterdir()):
            os.replace(item, target / item.name)
    except OSError as exc:
        raise OutputFileError(target, f"cannot write {what} there ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
