"""Import many sources for one athlete: parse, keep only runs, drop duplicates, save, summarise.

Each file is saved in its own transaction, so a bad file never stops the others and never
leaves part of a run behind. A run is a duplicate when the same file (by SHA-256 of its
uncompressed content) is already in the store, or when a run of the athlete starts within
2 min of it and is within 2% of its distance (the same run exported by another app).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from ..errors import ImportFileError, ValidationError
from ..records.model import Run, note_text, validate_record
from ..store import Store
from . import reasons
from .activity import RUNNING_LIMIT_KMH, Activity, is_running, sport_label, surface_of
from .reasons import Unreadable
from .source import Source, load, parse
from .walk import sources_from_paths, sources_from_upload

__all__ = [
    "PROGRESS_FROM",
    "SAME_DISTANCE",
    "SAME_START_S",
    "ImportSummary",
    "Imported",
    "Outcome",
    "choose_athlete",
    "import_paths",
    "import_sources",
    "import_uploads",
]

#: Two runs are the same when they start this close (s) ...
SAME_START_S = 120.0
#: ... and their distances differ by at most this fraction.
SAME_DISTANCE = 0.02
#: A progress bar is shown from this many files on.
PROGRESS_FROM = 10

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Imported:
    """A run saved from a file: where from, its id in the store, start (local) and distance (km)."""

    label: str
    id: int
    when: datetime
    distance_km: float


@dataclass(frozen=True)
class Outcome:
    """An activity not saved, and why (a duplicate, or not a run)."""

    label: str
    reason: str


@dataclass(repr=False)
class ImportSummary:
    """What an import did: runs imported, duplicates, activities skipped, files that failed."""

    imported: list[Imported] = field(default_factory=list)
    duplicates: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    failed: list[ImportFileError] = field(default_factory=list)

    #: Imported runs listed one by one in ``str()`` up to this many.
    LIST_IMPORTED = 10

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def headline(self) -> str:
        def count(n: int, word: str, plural: str) -> str:
            return f"{n} {word if n == 1 else plural}"

        return ", ".join([
            count(len(self.imported), "run imported", "runs imported"),
            count(len(self.duplicates), "duplicate", "duplicates"),
            count(len(self.skipped), "skipped", "skipped"),
            count(len(self.failed), "failed", "failed"),
        ])

    def lines(self) -> list[str]:
        """One line per outcome (imported runs beyond :attr:`LIST_IMPORTED` are counted, not listed)."""
        out = [f"imported   {r.label}: {r.when:%Y-%m-%d %H:%M}, {r.distance_km:.2f} km (run {r.id})"
               for r in self.imported[: self.LIST_IMPORTED]]
        if len(self.imported) > self.LIST_IMPORTED:
            out.append(f"imported   ... and {len(self.imported) - self.LIST_IMPORTED} more runs")
        out += [f"duplicate  {o.label}: {o.reason}" for o in self.duplicates]
        out += [f"skipped    {o.label}: {o.reason}" for o in self.skipped]
        out += [f"failed     {e.path}: {e.reason}" for e in self.failed]
        return out

    def __str__(self) -> str:
        return "\n".join([self.headline(), *("  " + line for line in self.lines())])

    __repr__ = __str__  # what a notebook cell shows


def choose_athlete(store: Store, athlete: str | None) -> str:
    """The athlete to import for: the one named, or the store's only athlete when none is named."""
    names = store.athlete_names()
    if athlete is None:
        if len(names) == 1:
            return names[0]
        allowed = ("the name of one of " + ", ".join(names)) if names else "an athlete, but the store has none yet: add one first"
        raise ValidationError("athlete", None, allowed, record="import")
    if athlete not in names:
        raise ValidationError("athlete", athlete, "an athlete in the store: " + (", ".join(names) or "none yet"), record="import")
    return athlete


def import_paths(
    store: Store,
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    athlete: str | None = None,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import the runs in files, folders, ``.gz`` files, zips and Strava bulk-export zips.

    ``athlete`` may be left out when the store holds one athlete. ``progress`` shows a tqdm bar
    (None: from :data:`PROGRESS_FROM` files on); ``on_progress(done, total)`` is called per file.
    """
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    name = choose_athlete(store, athlete)
    with ExitStack() as stack:
        return import_sources(store, sources_from_paths(paths, stack), name, progress=progress, on_progress=on_progress)


def import_uploads(
    store: Store,
    files: Iterable[tuple[str, bytes]],
    athlete: str | None = None,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Like :func:`import_paths` for files given as ``(name, content)`` pairs (an upload widget)."""
    name = choose_athlete(store, athlete)
    with ExitStack() as stack:
        sources = [s for file_name, content in files for s in sources_from_upload(file_name, bytes(content), stack)]
        return import_sources(store, sources, name, progress=progress, on_progress=on_progress)


def import_sources(
    store: Store,
    sources: Sequence[Source],
    athlete: str,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import walked sources for an athlete already in the store.

    Files are read here and saved by one writer thread, in order, one transaction per file: the
    next file is parsed while the last one is committed (a commit mostly waits on the disk).
    """
    summary = ImportSummary()
    known = _KnownRuns(store.read("run", athlete=athlete, include_deleted=True))
    show = len(sources) >= PROGRESS_FROM if progress is None else progress
    saving: deque[tuple[list[tuple[str, Run]], Future[list[int]]]] = deque()

    def collect(wait: bool) -> None:
        # Results in file order; a store error (a full disk, a locked file) stops the import here.
        while saving and (wait or saving[0][1].done()):
            planned, future = saving.popleft()
            for (label, run), id in zip(planned, future.result()):
                summary.imported.append(Imported(label, id, run.when, run.distance_km))

    bar = tqdm(total=len(sources), unit="file", desc="importing", disable=not show, leave=True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hipknee-import") as writer:
        try:
            for done, source in enumerate(sources, start=1):
                planned = _plan(athlete, source, known, summary)
                if planned:
                    saving.append((planned, writer.submit(store.add_many, [run for _, run in planned])))
                collect(wait=False)
                bar.update()
                if on_progress is not None:
                    on_progress(done, len(sources))
            collect(wait=True)
        finally:
            bar.close()
    return summary


def _plan(athlete: str, source: Source, known: _KnownRuns, summary: ImportSummary) -> list[tuple[str, Run]]:
    """Read one source; note what is skipped, duplicated or failed; return the runs to save."""
    listed_sport = sport_label(source.sport) if source.sport else ""
    if listed_sport and not is_running(listed_sport):
        summary.skipped.append(Outcome(source.label, f"{listed_sport} is not running"))
        return []
    try:
        if source.listed is not None:
            fmt, activities = "strava", [source.listed]
            digest = hashlib.sha256(source.key.encode()).hexdigest()
        else:
            data = load(source)
            fmt, activities = parse(source, data)
            digest = hashlib.sha256(data).hexdigest()
    except Unreadable as exc:
        summary.failed.append(ImportFileError(source.label, exc.reason))
        return []
    except Exception as exc:  # noqa: BLE001
        # A parser library failing in a way its reader did not foresee is still one bad file:
        # report it and go on with the others.
        summary.failed.append(ImportFileError(source.label, reasons.corrupt(f"unreadable: {type(exc).__name__}: {exc}")))
        return []
    planned: list[tuple[str, Run]] = []
    for number, found in enumerate(activities, start=1):
        label = source.label if len(activities) == 1 else f"{source.label} #{number}"
        activity = found.with_sport(source.sport, source.title)
        if activity.sport and not is_running(activity.sport):
            summary.skipped.append(Outcome(label, f"{activity.sport} is not running"))
            continue
        if not activity.sport and activity.speed_kmh > RUNNING_LIMIT_KMH:
            summary.skipped.append(Outcome(
                label, f"the file names no sport, and {activity.speed_kmh:.0f} km/h on average is faster than running"))
            continue
        duplicate = known.match(digest, activity)
        if duplicate is not None:
            summary.duplicates.append(Outcome(label, duplicate))
            continue
        try:
            planned.append((label, _run(activity, athlete, source.origin or fmt, digest, source.label)))
        except ValidationError as exc:
            summary.failed.append(ImportFileError(label, f"not a valid run: {exc}"))
    for label, run in planned:
        known.add(digest, run, label)
    return planned


def _run(activity: Activity, athlete: str, source: str, digest: str, label: str) -> Run:
    # The title and the file name come from the file, not a person: shown, never refused.
    note = note_text("; ".join(filter(None, [activity.title[:200], f"imported from {Path(label).name}"])))
    return validate_record(Run, {
        "when": activity.start,
        "athlete": athlete,
        "distance_km": round(activity.distance_km, 3),
        "duration_min": round(activity.elapsed_min, 2),
        "moving_min": round(activity.moving_min, 2) if activity.moving_min else None,
        "avg_hr": round(activity.avg_hr, 1) if activity.avg_hr else None,
        "sport": (activity.sport or "running")[:40],
        "surface": surface_of(activity.sport),
        "source": source,
        "source_hash": digest,
        "note": note,
    })  # type: ignore[return-value]


class _KnownRuns:
    """The athlete's runs (deleted ones too, so a re-import never brings them back), by file hash
    and by start time, with the runs of this import added as they are planned."""

    def __init__(self, runs: pd.DataFrame) -> None:
        deleted = runs["deleted_at"].notna() if "deleted_at" in runs else pd.Series(False, index=runs.index)
        stored = [f"run {int(i)}" + (_deleted(int(i)) if d else "") for i, d in zip(runs["id"], deleted)]
        self._hashes = {h: what for h, what in zip(runs["source_hash"], stored) if isinstance(h, str)}
        self._starts = sorted(
            (_seconds(w), float(km), what) for w, km, what in zip(runs["when"], runs["distance_km"], stored)
        )

    def match(self, digest: str, activity: Activity) -> str | None:
        """Why ``activity`` is already in the store (or earlier in this import), or None."""
        if digest in self._hashes:
            return f"already imported ({self._hashes[digest]})"
        start = _seconds(activity.start)
        at = bisect_left(self._starts, (start - SAME_START_S,))
        for when, km, what in self._starts[at:]:
            if when > start + SAME_START_S:
                break
            if abs(km - activity.distance_km) <= SAME_DISTANCE * max(km, activity.distance_km):
                return f"the same run as {what} ({_EPOCH + timedelta(seconds=when):%Y-%m-%d %H:%M}, {km:.2f} km)"
        return None

    def add(self, digest: str, run: Run, label: str) -> None:
        what = f"{label}, imported just now"
        self._hashes.setdefault(digest, what)
        insort(self._starts, (_seconds(run.when), run.distance_km, what))


_EPOCH = datetime(1970, 1, 1)


def _seconds(moment: datetime) -> float:
    """Naive local times as plain seconds (no time zone guessing; the store keeps local times)."""
    return (moment - _EPOCH).total_seconds()


def _deleted(id: int) -> str:
    return f", deleted; store.undelete('run', {id}) brings it back"
