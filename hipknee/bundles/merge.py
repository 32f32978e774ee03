"""Merging share bundles into a store: a coach gathers her squad's logs, runner by runner.

Each bundle is read and checked whole (:func:`~hipknee.bundles.format.read_bundle`), then merged
in one transaction (:meth:`hipknee.Store.merge_rows`): new records added, newer ones replacing
older, deletes carried over, identities kept. A bundle that is refused changes nothing; the
others are merged all the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportFileError, ValidationError
from ..store import Store
from ..store.sync import OUTCOMES, MergeCounts
from .format import Bundle, read_bundle

__all__ = ["Merged", "MergeSummary", "Refused", "inbox_dir", "merge_bundle", "merge_bundles"]


@dataclass(frozen=True)
class Merged:
    """A bundle merged: its file, what it held and what the merge did."""

    path: Path
    bundle: Bundle
    counts: MergeCounts

    def line(self) -> str:
        """One line: the file, whose log, and the records added, changed, deleted, restored, unchanged."""
        done = ", ".join(f"{self.counts.count(o)} {o}" for o in OUTCOMES)
        line = f"{self.path.name}: {self.bundle.describe()}: {done}"
        for kind, sent, shown in self.counts.renamed:
            line += f"; the {'runner' if kind == 'athlete' else kind} {sent!r} is shown as {shown!r} (another has that name)"
        return line


@dataclass(frozen=True)
class Refused:
    """A bundle refused whole: nothing of it was written."""

    path: Path
    error: ImportFileError

    def line(self) -> str:
        return f"{self.error}; nothing was merged from it"


@dataclass
class MergeSummary:
    """What :func:`merge_bundles` did, bundle by bundle."""

    merged: list[Merged] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no bundle was refused."""
        return not self.refused

    def headline(self) -> str:
        changes = sum(m.counts.changes for m in self.merged)
        text = f"{len(self.merged)} bundle{'s' if len(self.merged) != 1 else ''} merged ({changes} records new or changed)"
        if self.refused:
            text += f", {len(self.refused)} refused"
        return text

    def lines(self) -> list[str]:
        return [m.line() for m in self.merged] + [r.line() for r in self.refused]


def merge_bundle(store: Store, bundle: Bundle | str | os.PathLike[str]) -> Merged:
    """Merge one bundle (read and checked first when given as a path) into ``store`` in one
    transaction. Raises :class:`ImportFileError` naming the file when it is refused; nothing is
    written then."""
    if not isinstance(bundle, Bundle):
        bundle = read_bundle(bundle)
    try:
        counts = store.merge_rows(bundle.rows)
    except ValidationError as exc:
        raise ImportFileError(bundle.path, f"it holds a record hipknee refuses ({exc})") from None
    return Merged(bundle.path, bundle, counts)


def merge_bundles(
    store: Store | Callable[[], Store],
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_result: Callable[[Merged | Refused], None] | None = None,
) -> MergeSummary:
    """Merge the bundles at ``paths`` into ``store``, each in its own transaction; a refused one
    is listed with its reason and never stops the others. ``store`` may be a function that opens
    it: it is called at the first bundle that passes its checks, so refused files alone never
    create or open a store. ``on_result`` hears of each bundle as it is done (for progress)."""
    summary = MergeSummary()
    opened: Store | None = store if isinstance(store, Store) else None
    for path in paths:
        result: Merged | Refused
        try:
            bundle = read_bundle(path)
            if opened is None:
                opened = store() if callable(store) else store
            result = merge_bundle(opened, bundle)
            summary.merged.append(result)
        except ImportFileError as exc:
            result = Refused(Path(path), exc)
            summary.refused.append(result)
        if on_result is not None:
            on_result(result)
    return summary


def inbox_dir(data: str | os.PathLike[str] | None = None) -> Path:
    """Where a coach saves the bundles her runners send, for a notebook to merge: ``DATA/inbox``."""
    from ..store.locations import data_dir

    return data_dir(data) / "inbox"
