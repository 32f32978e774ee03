"""Import many sources for one runner: parse, keep only runs, place them in time, save, summarise.

Each file is saved in its own transaction, so a bad file never stops the others and never
leaves part of a run behind. Whether a run is already in the log (the same file, or the same run
from another app) is decided by the store inside that transaction (:mod:`hipknee.store.duplicates`),
so two imports running at once cannot both add it. A runner named on import who is not in the
store yet is added first (the summary says so).

Times: a file's instant is shown in the runner's time zone (``when``) and kept as UTC
(``start_utc``); a file that only gives a local date and time is read in the runner's zone.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from os import PathLike
from pathlib import Path

from tqdm.auto import tqdm

from ..errors import ImportFileError, ValidationError
from ..records.model import Athlete, Run, note_text, validate_record
from ..records.zones import local_in, machine_zone, utc_of
from ..store import Store
from ..store.duplicates import SAME_DISTANCE, SAME_START_S, KnownRun, same_run
from . import reasons
from .activity import Activity, not_a_run, other_sport, sport_label, surface_of
from .limits import Budget
from .reasons import NotAnActivity, Unreadable
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

#: A progress bar is shown from this many files on.
PROGRESS_FROM = 10

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Imported:
    """A run saved from a file (or, in a dry run, to be saved): where from, its id in the store
    (None in a dry run), start (the runner's local time) and distance (km, None when unknown)."""

    label: str
    id: int | None
    when: datetime
    distance_km: float | None
    duration_min: float | None = None


@dataclass(frozen=True)
class Outcome:
    """An activity or file not saved, and why (a duplicate, not a run, not an activity)."""

    label: str
    reason: str


@dataclass(repr=False)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do): runs imported, duplicates, activities
    skipped, files that hold no activity, files that failed, and the runner it added."""

    imported: list[Imported] = field(default_factory=list)
    duplicates: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    not_activities: list[Outcome] = field(default_factory=list)
    failed: list[ImportFileError] = field(default_factory=list)
    athlete: str = ""
    timezone: str = ""
    added_athlete: bool = False
    dry_run: bool = False

    #: Imported runs listed one by one in ``str()`` up to this many.
    LIST_IMPORTED = 10

    @property
    def ok(self) -> bool:
        """True when no file failed (files that are not activities are no failure)."""
        return not self.failed

    def headline(self) -> str:
        def count(n: int, word: str, plural: str) -> str:
            return f"{n} {word if n == 1 else plural}"

        parts = [
            count(len(self.imported), "run to import", "runs to import") if self.dry_run
            else count(len(self.imported), "run imported", "runs imported"),
            count(len(self.duplicates), "duplicate", "duplicates"),
            count(len(self.skipped), "skipped", "skipped"),
        ]
        if self.not_activities:  # a watch's folder is full of them; mentioned when there are any
            parts.append(count(len(self.not_activities), "not an activity", "not activities"))
        parts.append(count(len(self.failed), "failed", "failed"))
        return ("dry run, nothing written: " if self.dry_run else "") + ", ".join(parts)

    def lines(self) -> list[str]:
        """One line per outcome (imported runs beyond :attr:`LIST_IMPORTED` are counted, not listed)."""
        out = []
        if self.added_athlete:
            out.append(f"{'would add' if self.dry_run else 'added'} runner {self.athlete} (time zone {self.timezone})")
        word = "to import  " if self.dry_run else "imported   "
        for run in self.imported[: self.LIST_IMPORTED]:
            what = f"{run.distance_km:.2f} km" if run.distance_km is not None else (
                f"distance unknown, {run.duration_min:g} min" if run.duration_min else "distance unknown")
            out.append(f"{word}{run.label}: {run.when:%Y-%m-%d %H:%M}, {what}" + (f" (run {run.id})" if run.id else ""))
        if len(self.imported) > self.LIST_IMPORTED:
            out.append(f"{word}... and {len(self.imported) - self.LIST_IMPORTED} more runs")
        out += [f"duplicate  {o.label}: {o.reason}" for o in self.duplicates]
        out += [f"skipped    {o.label}: {o.reason}" for o in self.skipped]
        out += [f"not an activity {o.label}: {o.reason}" for o in self.not_activities]
        out += [f"failed     {e.path}: {e.reason}" for e in self.failed]
        return out

    def __str__(self) -> str:
        return "\n".join([self.headline(), *("  " + line for line in self.lines())])

    __repr__ = __str__  # what a notebook cell shows


def choose_athlete(store: Store, athlete: str | None) -> str:
    """The runner to import for: the one named (added later when new), or the store's only runner
    when none is named."""
    names = store.athlete_names()
    if athlete is None:
        if len(names) == 1:
            return names[0]
        allowed = ("the name of one of " + ", ".join(names) if names else
                   "a runner's name (a new name adds her), but the store has no runner yet")
        raise ValidationError("athlete", None, allowed, record="import")
    return validate_record(Athlete, {"name": athlete}).name


def _runner(store: Store, athlete: str | None, dry_run: bool) -> tuple[str, str, bool]:
    """The runner's name and time zone, and whether she is new (added now, or in a dry run would be)."""
    name = choose_athlete(store, athlete)
    found = store.athletes(athlete=name)
    if not found.empty:
        return name, str(found["timezone"].iloc[0]), False
    if dry_run:
        return name, machine_zone(), True
    try:
        store.add(Athlete(name=name))
        added = True
    except ValidationError as exc:
        # Another import added her a moment ago: go on with her. A deleted runner of that name
        # is refused (she can be brought back with store.undelete).
        if exc.field != "name" or store.athletes(athlete=name).empty:
            raise
        added = False
    return name, str(store.athletes(athlete=name)["timezone"].iloc[0]), added


def import_paths(
    store: Store,
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    athlete: str | None = None,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import the runs in files, folders, ``.gz`` files, zips and Strava bulk-export zips.

    ``athlete`` may be left out when the store holds one runner; a name the store does not know
    adds that runner. ``dry_run`` reads everything and says what would be imported, skipped and
    refused, writing nothing. ``progress`` shows a tqdm bar (None: from :data:`PROGRESS_FROM`
    files on); ``on_progress(done, total)`` is called per file.
    """
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    with ExitStack() as stack:
        sources = sources_from_paths(paths, stack)
        return _import(store, sources, athlete, progress=progress, on_progress=on_progress, dry_run=dry_run)


def import_uploads(
    store: Store,
    files: Iterable[tuple[str, bytes]],
    athlete: str | None = None,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Like :func:`import_paths` for files given as ``(name, content)`` pairs (an upload widget)."""
    with ExitStack() as stack:
        sources = [s for file_name, content in files for s in sources_from_upload(file_name, bytes(content), stack)]
        return _import(store, sources, athlete, progress=progress, on_progress=on_progress, dry_run=dry_run)


def _import(store: Store, sources: Sequence[Source], athlete: str | None, **options) -> ImportSummary:  # noqa: ANN003
    name, zone, added = _runner(store, athlete, options["dry_run"])
    summary = import_sources(store, sources, name, **options)
    summary.added_athlete = added
    return summary


def import_sources(
    store: Store,
    sources: Sequence[Source],
    athlete: str,
    *,
    progress: bool | None = None,
    on_progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import walked sources for a runner (in the store, or in a dry run about to be).

    Files are read here and saved by one writer thread, in order, one transaction per file: the
    next file is parsed while the last one is committed (a commit mostly waits on the disk).
    """
    found = store.athletes(athlete=athlete)
    zone = str(found["timezone"].iloc[0]) if not found.empty else machine_zone()
    summary = ImportSummary(athlete=athlete, timezone=zone, dry_run=dry_run)
    show = len(sources) >= PROGRESS_FROM if progress is None else progress
    saving: deque[tuple[list[_Planned], Future[list[int | KnownRun]]]] = deque()
    rehearsal = _Rehearsal(store, in_store=not found.empty)
    # Files seen before are known by their hash, before anything is parsed.
    seen = store.known_files(athlete) if not found.empty else {}

    def collect(wait: bool) -> None:
        # Results in file order; a store error (a full disk, a locked file) stops the import here.
        while saving and (wait or saving[0][1].done()):
            planned, future = saving.popleft()
            for plan, result in zip(planned, future.result()):
                if isinstance(result, KnownRun):
                    summary.duplicates.append(Outcome(plan.label, _duplicate_reason(result)))
                else:
                    summary.imported.append(plan.imported(result))

    bar = tqdm(total=len(sources), unit="file", desc="checking" if dry_run else "importing", disable=not show, leave=True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hipknee-import") as writer:
        try:
            for done, source in enumerate(sources, start=1):
                planned = _plan(athlete, zone, source, summary, seen)
                if planned and dry_run:
                    for plan in planned:
                        reason = rehearsal.duplicate(plan)
                        if reason is None:
                            summary.imported.append(plan.imported(None))
                        else:
                            summary.duplicates.append(Outcome(plan.label, reason))
                elif planned:
                    saving.append((planned, writer.submit(store.add_imported_runs, [(p.run, p.start_utc) for p in planned])))
                collect(wait=False)
                bar.update()
                if on_progress is not None:
                    on_progress(done, len(sources))
            collect(wait=True)
        finally:
            bar.close()
    return summary


@dataclass(frozen=True)
class _Planned:
    """A run read from a file, ready to save: its label, the record and its start as a UTC instant."""

    label: str
    run: Run
    start_utc: datetime

    def imported(self, id: int | None) -> Imported:
        return Imported(self.label, id, self.run.when, self.run.distance_km, self.run.duration_min)


def _plan(athlete: str, zone: str, source: Source, summary: ImportSummary,
          seen: Mapping[str, KnownRun] | None = None) -> list[_Planned]:
    """Read one source; note what is skipped, not an activity or failed; return the runs to save.

    A file whose hash is in ``seen`` (the runner's imported files) is a duplicate and is not parsed.
    """
    listed = other_sport(sport_label(source.sport)) if source.sport else None
    if listed is not None:  # the app's list says it is no run: the file need not be read
        summary.skipped.append(Outcome(source.label, listed))
        return []
    try:
        if source.listed is not None:
            fmt, activities = "strava", [source.listed]
            digest = hashlib.sha256(source.key.encode()).hexdigest()
        else:
            budget = Budget()
            data = load(source, budget)
            digest = hashlib.sha256(data).hexdigest()
            if seen and digest in seen:
                summary.duplicates.append(Outcome(source.label, _duplicate_reason(seen[digest])))
                return []
            fmt, activities = parse(source, data, budget)
    except NotAnActivity as exc:
        summary.not_activities.append(Outcome(source.label, exc.reason))
        return []
    except Unreadable as exc:
        summary.failed.append(ImportFileError(source.label, exc.reason))
        return []
    except Exception as exc:  # noqa: BLE001
        # A parser library failing in a way its reader did not foresee is still one bad file:
        # report it and go on with the others.
        summary.failed.append(ImportFileError(source.label, reasons.corrupt(f"unreadable: {type(exc).__name__}: {exc}")))
        return []
    planned: list[_Planned] = []
    for number, found in enumerate(activities, start=1):
        label = source.label if len(activities) == 1 else f"{source.label} #{number}"
        activity = found.with_sport(source.sport, source.title)
        why_not = not_a_run(activity)
        if why_not is not None:
            summary.skipped.append(Outcome(label, why_not))
            continue
        # Each activity of a file of several is a file of its own to the duplicate rule.
        key = digest if number == 1 else f"{digest}#{number}"
        try:
            planned.append(_run(activity, athlete, zone, source.origin or fmt, key, source.label, label))
        except ValidationError as exc:
            summary.failed.append(ImportFileError(label, f"not a valid run: {exc}"))
    return planned


def _run(activity: Activity, athlete: str, zone: str, source: str, digest: str, file_label: str, label: str) -> _Planned:
    if activity.start.tzinfo is not None:  # an instant: shown at her local time
        when, start_utc = local_in(activity.start, zone), utc_of(activity.start, zone)
    else:  # only a local date and time (a file's name): hers
        when, start_utc = activity.start, utc_of(activity.start, zone)
    # The title and the file name come from the file, not a person: shown, never refused.
    note = note_text("; ".join(filter(None, [activity.title[:200], f"imported from {Path(file_label).name}"])))
    run = validate_record(Run, {
        "when": when,
        "athlete": athlete,
        "distance_km": round(activity.km, 3) if activity.km is not None else None,
        "duration_min": round(activity.elapsed_min, 2),
        "moving_min": round(activity.moving_min, 2) if activity.moving_min else None,
        "avg_hr": round(activity.avg_hr, 1) if activity.avg_hr else None,
        "sport": (activity.sport or "running")[:40],
        "surface": surface_of(activity.sport),
        "source": source,
        "source_hash": digest,
        "note": note,
    })
    return _Planned(label, run, start_utc)


def _duplicate_reason(known: KnownRun) -> str:
    what = f"run {known.id}" + (f", deleted; store.undelete('run', {known.id}) brings it back" if known.deleted else "")
    if known.same_file:
        return f"already imported ({what})"
    km = f"{known.distance_km:.2f} km" if known.distance_km is not None else "distance unknown"
    return f"the same run as {what} ({known.when:%Y-%m-%d %H:%M}, {km})"


class _Rehearsal:
    """A dry run's duplicate check: the store's own rule against the log (read only), then
    against the runs this dry run has already counted in."""

    def __init__(self, store: Store, *, in_store: bool) -> None:
        self._store = store
        self._in_store = in_store
        self._planned: list[_Planned] = []

    def duplicate(self, plan: _Planned) -> str | None:
        known = self._store.known_run(plan.run, plan.start_utc) if self._in_store else None
        if known is not None:
            return _duplicate_reason(known)
        run = plan.run
        for earlier in self._planned:
            if earlier.run.source_hash == run.source_hash:
                return f"already in this import ({earlier.label})"
            if same_run(plan.start_utc, run.distance_km, run.duration_min,
                        earlier.start_utc, earlier.run.distance_km, earlier.run.duration_min):
                return f"the same run as {earlier.label}, earlier in this import"
        self._planned.append(plan)
        return None
