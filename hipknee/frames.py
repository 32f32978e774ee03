"""The log as DataFrames: the one thing analyses, views and widgets receive.

A store is read here, at the edge, once: :func:`read_frames` reads the columns the analyses and
views use (:data:`LOG_COLUMNS`), for one runner or all, over a period (dates as whole days, end
inclusive). Everything above this module works on :class:`LogFrames` and never on a store.
The rules about a log's runners live here once: who is in it (:meth:`LogFrames.names`), which
side hurts (:meth:`LogFrames.involved_sides`), and which runner a view shows
(:meth:`LogFrames.athlete`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

import pandas as pd

from .errors import ValidationError
from .records.periods import period
from .store import Store

__all__ = ["LOG_COLUMNS", "LogFrames", "as_frames", "involved_sides", "log_frames", "read_frames", "read_notes"]

#: Frame -> (record kind, the columns read): what the analyses and views use, and nothing else.
LOG_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "athletes": ("athlete", ("name", "body_mass_kg", "involved_side")),
    "sets": ("set", ("when", "athlete", "exercise", "measure", "side", "reps", "duration_s", "hold_s",
                     "load_kg", "rpe")),
    "tests": ("test", ("when", "athlete", "test", "side", "value", "unit")),
    "runs": ("run", ("when", "athlete", "distance_km", "duration_min", "rpe")),
    "pain": ("pain", ("when", "athlete", "knee", "nrs", "context")),
    "outcomes": ("outcome", ("when", "athlete", "score")),
    "programmes": ("prescription", ("when", "athlete", "exercise", "measure", "per_side", "sets", "reps", "duration_s",
                                    "hold_s", "load_kg", "band", "sessions_per_week", "programme")),
}
_NOTE_KINDS = {"set": "strength set", "test": "strength test", "run": "run", "pain": "pain",
               "outcome": "Kujala score"}
_SIDES = ("left", "right")
#: The frames of a runner's records (every one but the athletes).
_LOG_FRAMES = ("sets", "tests", "runs", "pain", "outcomes", "programmes")
#: How many results computed from one log are kept with it (see :meth:`LogFrames.memo`).
MEMO_SIZE = 32
_MISSING = object()
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class LogFrames:
    """One DataFrame per record kind, as :meth:`hipknee.Store.read` returns them; ``is_demo`` is
    True for the demo season rather than a runner's own log.

    Frames are read-only: what is computed from them (a narrower log, the season's analyses, a
    chart's SVG) is kept with them (:meth:`memo`), so views drawn from one log compute it once."""

    athletes: pd.DataFrame
    sets: pd.DataFrame
    tests: pd.DataFrame
    runs: pd.DataFrame
    pain: pd.DataFrame
    outcomes: pd.DataFrame
    programmes: pd.DataFrame
    is_demo: bool = False
    _memo: OrderedDict[Any, Any] = field(init=False, repr=False, default_factory=OrderedDict)

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, computed once for these frames and ``key`` (the latest
        :data:`MEMO_SIZE` results are kept, so a long session does not pile them up)."""
        # Each step one operation on the dict: a squad's analyses may run in two threads
        # (:meth:`~hipknee.analyses.verdicts.SeasonAnalyses.verdicts`), and the other thread may let
        # a result go between a look and a move. At worst a result is computed twice.
        value = self._memo.get(key, _MISSING)
        if value is not _MISSING:
            try:
                self._memo.move_to_end(key)
            except KeyError:  # let go by the other thread meanwhile
                pass
            return value
        value = self._memo[key] = compute()
        while len(self._memo) > MEMO_SIZE:
            try:
                self._memo.popitem(last=False)
            except KeyError:  # emptied by the other thread meanwhile
                break
        return value

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame], *, is_demo: bool = False) -> LogFrames:
        """Frames from a mapping of frame name (``sets``, ``runs``...) -> DataFrame; a missing
        one is an empty frame with the usual columns."""
        unknown = sorted(set(tables) - set(LOG_COLUMNS))
        if unknown:
            raise ValidationError("tables", unknown[0], "frames named " + ", ".join(LOG_COLUMNS))
        got = {name: tables.get(name, pd.DataFrame(columns=list(cols))) for name, (_kind, cols) in LOG_COLUMNS.items()}
        return cls(**got, is_demo=is_demo)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Frame name -> DataFrame."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("is_demo", "_memo")}

    # -- who is in the log ---------------------------------------------------------------------
    def names(self) -> list[str]:
        """Athletes with a record, in store order (then any name only seen in the log)."""
        return list(self.memo("names", self._names))

    def _names(self) -> tuple[str, ...]:
        names = list(self.athletes["name"]) if "name" in self.athletes else []
        for kind in _LOG_FRAMES:
            frame = getattr(self, kind)
            if "athlete" in frame:
                # unique() of a categorical works on its codes: no string per row
                seen = set(names)
                names += [n for n in pd.unique(frame["athlete"]).tolist() if n not in seen]
        return tuple(names)

    def athlete(self, name: str | None = None, *, when_several: Literal["first", "ask"] = "first") -> str:
        """The runner a view shows: ``name`` checked to be in the log; when ``None``, the only
        runner, or with several the first (``when_several="first"``) or a
        :class:`~hipknee.ValidationError` asking which (``"ask"``)."""
        names = self.names()
        if name is None:
            if len(names) == 1 or (names and when_several == "first"):
                return names[0]
            allowed = "a runner's name: " + ", ".join(names) if names else "a store with at least one runner"
            raise ValidationError("athlete", None, allowed)
        if name not in names:
            raise ValidationError("athlete", name, "a runner in the store: " + (", ".join(names) or "none yet"))
        return name

    def involved_sides(self) -> dict[str, str | None]:
        """Each athlete's painful (involved) side, ``left`` or ``right``, or ``None`` when not set."""
        sides = involved_sides(self.athletes)
        return {name: sides.get(name) for name in self.names()}

    def involved_side(self, name: str) -> str | None:
        """``name``'s painful side (``left``/``right``), or ``None`` when not set."""
        return self.involved_sides().get(name)

    # -- narrowing ------------------------------------------------------------------------------
    def only(self, athlete: str | None = None, start: Any = None, end: Any = None) -> LogFrames:
        """The same log for one athlete (None: all) and ``start``..``end`` (dates, end inclusive)."""
        lo, hi = period(start, end)
        if lo is None and hi is None and (athlete is None or self.names() == [athlete]):
            return self
        return self.memo(("only", athlete, lo, hi), lambda: self._narrowed(athlete, lo, hi))

    def _narrowed(self, athlete: str | None, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> LogFrames:
        out = {}
        for name, frame in self.frames().items():
            keep = pd.Series(True, index=frame.index)
            if athlete is not None:
                col = "name" if name == "athletes" else "athlete"
                if col in frame:
                    keep &= frame[col].astype(object) == athlete
            if "when" in frame:
                # A programme set before the period is still in force in it.
                if lo is not None and name != "programmes":
                    keep &= frame["when"] >= lo
                if hi is not None:
                    keep &= frame["when"] <= hi
            out[name] = frame[keep] if not keep.all() else frame
        return replace(self, **out)

    def by_athlete(self) -> dict[str, LogFrames]:
        """The log split per runner in one pass (what :meth:`only` gives for every name)."""
        names = self.names()
        if len(names) == 1:
            return {names[0]: self}
        return self.memo("by athlete", self._split)

    def _split(self) -> dict[str, LogFrames]:
        parts: dict[str, dict[str, pd.DataFrame]] = {name: {} for name in self.names()}
        for kind in _LOG_FRAMES:
            frame = getattr(self, kind)
            groups = dict(iter(frame.groupby(frame["athlete"].astype(object), sort=False))) if len(frame) else {}
            for name, mine in parts.items():
                mine[kind] = groups.get(name, frame.iloc[:0])
        names = self.athletes["name"].astype(object) if "name" in self.athletes else None
        return {
            name: replace(self, athletes=self.athletes[names == name] if names is not None else self.athletes, **mine)
            for name, mine in parts.items()
        }


def involved_sides(athletes: pd.DataFrame) -> dict[str, str | None]:
    """Athlete name -> painful (involved) side, ``left`` or ``right``, or ``None`` when not set,
    from an athletes frame (columns ``name``, ``involved_side``)."""
    if athletes.empty or not {"name", "involved_side"} <= set(athletes):
        return {}
    first = athletes.drop_duplicates("name")
    pairs = zip(first["name"].astype(object), first["involved_side"].astype(object), strict=True)
    return {str(name): (str(side) if side in _SIDES else None) for name, side in pairs}


def read_frames(store: Store, athlete: str | None = None, start: Any = None, end: Any = None) -> LogFrames:
    """The log of ``store`` as frames: only :data:`LOG_COLUMNS`, only ``athlete``'s rows when given,
    only ``start``..``end`` (dates, end inclusive) when given; read once."""
    lo, hi = period(start, end)
    tables = {}
    for name, (kind, columns) in LOG_COLUMNS.items():
        if kind == "athlete":
            frame = store.read(kind, athlete=athlete)
            tables[name] = frame[[c for c in frame.columns if c in columns]]
        else:
            # A programme set before the period is still in force in it.
            tables[name] = store.read(kind, athlete=athlete, start=lo if name != "programmes" else None, end=hi,
                                      columns=columns)
    return LogFrames.from_tables(tables, is_demo=store.is_demo)


def read_notes(store: Store, athlete: str | None = None, *, include_private: bool = False) -> pd.DataFrame:
    """Every note of ``store`` (of ``athlete`` only, when given): when, athlete, kind (words), note,
    private. Private notes are dropped unless ``include_private``; a note written on every set of
    a session shows once."""
    cols = ["when", "athlete", "kind", "note", "private"]
    parts = []
    for kind, words in _NOTE_KINDS.items():
        # Only the rows with a note come from the store: a season's sets mostly have none.
        frame = store.read(kind, athlete=athlete, columns=["when", "athlete", "note", "note_private"], noted=True)
        if frame.empty:
            continue
        has = frame[frame["note"].fillna("").astype(str).str.strip() != ""]
        if not include_private:
            has = has[~has["note_private"].astype(bool)]
        parts.append(pd.DataFrame({
            "when": has["when"].to_numpy(),
            "athlete": has["athlete"].astype(object).to_numpy(),
            "kind": words,
            "note": has["note"].astype(object).to_numpy(),
            "private": has["note_private"].astype(bool).to_numpy(),
        }))
    if not parts:  # typed as a frame of notes is
        return pd.DataFrame({"when": pd.Series(dtype="datetime64[us]"), "athlete": pd.Series(dtype=str),
                             "kind": pd.Series(dtype=str), "note": pd.Series(dtype=str),
                             "private": pd.Series(dtype=bool)})
    notes = pd.concat(parts, ignore_index=True)
    notes["when"] = pd.to_datetime(notes["when"])
    return notes.drop_duplicates(["athlete", "when", "note"]).sort_values(["athlete", "when"], kind="stable")[cols]


def as_frames(source: Store | LogFrames) -> LogFrames:
    """The edge where a store becomes frames: a :class:`~hipknee.Store` is read with
    :func:`read_frames`, frames are passed on as they are."""
    if isinstance(source, LogFrames):
        return source
    if isinstance(source, Store):
        return read_frames(source)
    raise ValidationError("data", type(source).__name__, "a hipknee Store or LogFrames")


def log_frames(source: Store | LogFrames | Mapping[str, pd.DataFrame], athlete: str | None = None,
               start: Any = None, end: Any = None) -> LogFrames:
    """Frames from a :class:`~hipknee.Store`, a :class:`LogFrames`, or a mapping of frame name ->
    DataFrame (missing ones empty), for one athlete and ``start``..``end`` when given."""
    if isinstance(source, Mapping):
        frames = LogFrames.from_tables(source)
    elif isinstance(source, Store):
        return read_frames(source, athlete, start, end)
    else:
        frames = as_frames(source)
    if athlete is None and start is None and end is None:
        return frames
    return frames.only(athlete, start, end)
