"""FIT activity files (Garmin, Coros, Wahoo, Suunto...) read with fitdecode.

One activity per ``session`` message; a file without sessions (a watch that died before saving
them) is summed up from its ``record`` messages instead. A ``.fit`` may chain several FIT files
(an activity followed by a settings file): each is read on its own and only activities count;
a file that holds no activity at all (settings, workouts, weight, monitoring) is
:class:`~.reasons.NotAnActivity`.

fitdecode reads with its lenient error handling (a field whose size does not fit its type is read
as bytes, as fitdecode itself does by default and some Coros firmware needs) but the file's
checksum must match. Times that count from the device's power-on (a Forerunner 70 has no clock)
are placed by the file's creation time, or else by a date and time in the file's name.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

import fitdecode

from . import reasons
from .activity import Activity, sport_label
from .limits import Budget
from .reasons import NotAnActivity, Unreadable

__all__ = ["looks_like_fit", "read_fit", "time_from_name"]

# 2012-03-04-07-30-00.fit (Garmin's own naming), 20120304-073000.fit, 2012-03-04_07-30-00.fit
_NAME_TIME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})[-_T ]?(\d{2})[-_.:]?(\d{2})[-_.:]?(\d{2})(?!\d)")


def looks_like_fit(data: bytes) -> bool:
    """A FIT file says ``.FIT`` at bytes 8-11 of its header."""
    return len(data) >= 12 and data[8:12] == b".FIT"


def read_fit(data: bytes, name: str = "", budget: Budget | None = None) -> list[Activity]:
    """The activities of a FIT file (``name``: its file name, which may date it); raises
    :class:`Unreadable` with the reason when it cannot be read, or when it is over its ``budget``
    of records (points) and seconds."""
    try:
        parts = _read(data, budget or Budget())
    except fitdecode.FitHeaderError as exc:
        raise Unreadable(reasons.TRUNCATED if "truncated" in str(exc) else reasons.corrupt("not a FIT file")) from None
    except fitdecode.FitEOFError:
        raise Unreadable(reasons.TRUNCATED) from None
    except fitdecode.FitCRCError:
        raise Unreadable(reasons.corrupt("FIT checksum does not match; the file was damaged")) from None
    except fitdecode.FitError as exc:
        raise Unreadable(reasons.corrupt(f"unreadable FIT data: {exc}")) from None
    except (ValueError, KeyError, IndexError, TypeError, OverflowError, struct.error, AssertionError) as exc:
        # fitdecode lets a few plain errors (and asserts) through on malformed field data.
        raise Unreadable(reasons.corrupt(f"unreadable FIT data: {exc}")) from None
    recordings = [p for p in parts if p.file_type in (None, "activity")]
    if not recordings:
        kinds = [p.kind for p in parts] or ["empty"]
        raise NotAnActivity(f"a FIT {kinds[0]} file")
    activities = [a for part in recordings for a in part.activities(name)]
    if not activities:
        raise Unreadable(reasons.NO_ACTIVITY)
    return activities


@dataclass
class _Part:
    """What one FIT file of a (possibly chained) ``.fit`` holds, summed as it is read."""

    file_type: Any = None
    created: Any = None
    sessions: list[fitdecode.FitDataMessage] = field(default_factory=list)
    sport: Any = None
    sub_sport: Any = None
    first: Any = None  # first and last record times: datetimes, or ints counted from power-on
    last: Any = None
    base: int | None = None  # the earliest time counted from power-on
    distance_m: float = 0.0
    hr_sum: float = 0.0
    hr_count: int = 0

    @property
    def kind(self) -> str:
        """'settings', 'workout', 'monitoring'... as a runner would say it."""
        text = str(self.file_type).replace("_", " ")
        return re.sub(r" (a|b|daily)$", "", text) if text.startswith("monitoring") else text

    def saw(self, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.base = value if self.base is None else min(self.base, value)

    def activities(self, name: str) -> list[Activity]:
        place = self._placer(name)
        if self.sessions:
            return [_from_session(s, place) for s in self.sessions]
        if self.first is None or self.last is None:
            return []
        first, last = place(self.first), place(self.last)
        return [Activity(
            start=first,
            distance_km=self.distance_m / 1000 or None,
            elapsed_min=(last - first).total_seconds() / 60,
            avg_hr=self.hr_sum / self.hr_count if self.hr_count else None,
            sport=sport_label(self.sub_sport, self.sport),
        )]

    def _placer(self, name: str):  # noqa: ANN202 - a function of a FIT time
        """Turns a FIT time into a datetime; times counted from power-on need an anchor."""
        if self.base is None:
            return lambda value: value
        # The file is created as the recording starts: its creation time is the first time.
        anchor = self.created if isinstance(self.created, datetime) else time_from_name(name)
        if anchor is None:
            raise Unreadable(reasons.UNDATED)
        base = self.base

        def place(value: Any) -> datetime:
            return value if isinstance(value, datetime) else anchor + timedelta(seconds=value - base)

        return place


def time_from_name(name: str) -> datetime | None:
    """The local date and time in a file's name (``2012-03-04-07-30-00.fit``), or None."""
    match = _NAME_TIME.search(PurePath(name).name)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


# The clock is looked at every this many messages.
_CLOCK_EVERY = 4096


def _read(data: bytes, budget: Budget) -> list[_Part]:
    parts: list[_Part] = []
    reader = fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    )
    with reader:
        for count, frame in enumerate(reader, start=1):
            if count % _CLOCK_EVERY == 1:  # from the first message on
                budget.check_time()
            if isinstance(frame, fitdecode.FitHeader) or not parts:
                parts.append(_Part())  # each FIT file of a chain starts with its own header
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            part = parts[-1]
            if frame.name == "record":
                budget.add_points()
                # Kept as running sums: a long ultra has tens of thousands of records.
                when = frame.get_value("timestamp", fallback=None)
                if isinstance(when, (datetime, int)) and not isinstance(when, bool):
                    part.saw(when)
                    part.first = part.first if part.first is not None else when
                    part.last = when
                part.distance_m = max(part.distance_m, _number(frame.get_value("distance", fallback=None)) or 0.0)
                hr = _number(frame.get_value("heart_rate", fallback=None))
                if hr:
                    part.hr_sum += hr
                    part.hr_count += 1
            elif frame.name == "session":
                part.sessions.append(frame)
                part.saw(frame.get_value("start_time", fallback=None))
                part.saw(frame.get_value("timestamp", fallback=None))
            elif frame.name == "file_id":
                part.file_type = frame.get_value("type", fallback=None)
                part.created = frame.get_value("time_created", fallback=None)
                part.saw(part.created)
            elif frame.name == "sport":
                part.sport = frame.get_value("sport", fallback=None)
                part.sub_sport = frame.get_value("sub_sport", fallback=None)
    return parts


def _from_session(session: fitdecode.FitDataMessage, place) -> Activity:  # noqa: ANN001
    def value(name: str) -> Any:
        return session.get_value(name, fallback=None)

    elapsed_s = _number(value("total_elapsed_time")) or 0.0
    start = value("start_time")
    if not isinstance(start, (datetime, int)) or isinstance(start, bool):
        end = value("timestamp")
        if not isinstance(end, (datetime, int)) or isinstance(end, bool):
            raise Unreadable(reasons.corrupt("a FIT session without a start time"))
        start = place(end) - timedelta(seconds=elapsed_s)
    # Moving time when the watch records it, else timer time (which leaves out pauses).
    moving_s = _number(value("total_moving_time")) or _number(value("total_timer_time"))
    distance_m = _number(value("total_distance"))
    return Activity(
        start=place(start),
        distance_km=distance_m / 1000 if distance_m else None,
        elapsed_min=elapsed_s / 60,
        moving_min=moving_s / 60 if moving_s else None,
        avg_hr=_number(value("avg_heart_rate")),
        sport=sport_label(value("sub_sport"), value("sport")),
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
