"""The log as plain DataFrames, from a store or from frames already read, optionally narrowed.

Analyses are pure functions of frames; this is the one place that turns "a store, or the frames a
notebook already holds" into those frames, for one athlete and a date range when asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

__all__ = ["LogFrames", "log_frames"]


@dataclass(frozen=True)
class LogFrames:
    """One DataFrame per record kind, as :meth:`hipknee.Store.read` returns them."""

    athletes: pd.DataFrame
    sets: pd.DataFrame
    tests: pd.DataFrame
    runs: pd.DataFrame
    pain: pd.DataFrame

    def names(self) -> list[str]:
        """Athletes with a record, in store order (then any name only seen in the log)."""
        names = list(self.athletes["name"]) if "name" in self.athletes else []
        for kind in ("sets", "tests", "runs", "pain"):
            frame = getattr(self, kind)
            if "athlete" in frame:
                names += [n for n in pd.unique(frame["athlete"].astype(object)) if n not in names]
        return names

    def only(self, athlete: str | None = None, start: Any = None, end: Any = None) -> LogFrames:
        """The same log for one athlete (None: all) and ``start``..``end`` (dates, end inclusive)."""
        out = {}
        lo = pd.Timestamp(start) if start is not None else None
        hi = pd.Timestamp(end) if end is not None else None
        if hi is not None and hi == hi.normalize():
            hi = hi + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        for f in fields(self):
            frame = getattr(self, f.name)
            keep = pd.Series(True, index=frame.index)
            if athlete is not None:
                col = "name" if f.name == "athletes" else "athlete"
                if col in frame:
                    keep &= frame[col].astype(object) == athlete
            if "when" in frame:
                if lo is not None:
                    keep &= frame["when"] >= lo
                if hi is not None:
                    keep &= frame["when"] <= hi
            out[f.name] = frame[keep] if not keep.all() else frame
        return replace(self, **out)


_EMPTY = {
    "athletes": ["name", "involved_side"],
    "sets": ["when", "athlete", "exercise", "measure", "side", "reps", "duration_s", "hold_s", "load_kg"],
    "tests": ["when", "athlete", "test", "side", "value", "unit"],
    "runs": ["when", "athlete", "distance_km", "duration_min", "rpe"],
    "pain": ["when", "athlete", "knee", "nrs", "context"],
}


def log_frames(source: Any, athlete: str | None = None, start: Any = None, end: Any = None) -> LogFrames:
    """Frames from a :class:`hipknee.Store`, a :class:`LogFrames`, or a mapping of kind -> frame.

    Missing kinds become empty frames with the usual columns.
    """
    if isinstance(source, LogFrames):
        frames = source
    elif isinstance(source, Mapping):
        got = {k: source[k] for k in _EMPTY if k in source}
        frames = LogFrames(**{k: got.get(k, pd.DataFrame(columns=cols)) for k, cols in _EMPTY.items()})
    elif hasattr(source, "read"):
        frames = LogFrames(athletes=source.athletes(), sets=source.sets(), tests=source.tests(),
                           runs=source.runs(), pain=source.pain())
    else:
        from .errors import ValidationError

        raise ValidationError("data", type(source).__name__, "a Store, LogFrames or a mapping of frames")
    if athlete is None and start is None and end is None:
        return frames
    return frames.only(athlete, start, end)
