"""FIT activity files (Garmin, Coros, Wahoo, Suunto...) read with fitdecode.

One activity per ``session`` message; a file without sessions (a watch that died before saving
them) is summed up from its ``record`` messages instead.
"""

from __future__ import annotations

import io
import struct
from datetime import datetime, timedelta
from typing import Any

import fitdecode

from . import reasons
from .activity import Activity, local_time, sport_label
from .reasons import Unreadable

__all__ = ["looks_like_fit", "read_fit"]


def looks_like_fit(data: bytes) -> bool:
    """A FIT file says ``.FIT`` at bytes 8-11 of its header."""
    return len(data) >= 12 and data[8:12] == b".FIT"


def read_fit(data: bytes) -> list[Activity]:
    """The activities of a FIT file; raises :class:`Unreadable` with the reason when it cannot be read."""
    try:
        return _read(data)
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


def _read(data: bytes) -> list[Activity]:
    file_type: Any = None
    sessions: list[fitdecode.FitDataMessage] = []
    sport: Any = None
    sub_sport: Any = None
    first = last = None
    distance_m = 0.0
    hr_sum = hr_count = 0
    reader = fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    )
    with reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record":
                # Kept as running sums: a long ultra has tens of thousands of records.
                when = frame.get_value("timestamp", fallback=None)
                if isinstance(when, datetime):
                    first = first or when
                    last = when
                distance_m = max(distance_m, _number(frame.get_value("distance", fallback=None)) or 0.0)
                hr = _number(frame.get_value("heart_rate", fallback=None))
                if hr:
                    hr_sum += hr
                    hr_count += 1
            elif frame.name == "session":
                sessions.append(frame)
            elif frame.name == "file_id":
                file_type = frame.get_value("type", fallback=None)
            elif frame.name == "sport":
                sport = frame.get_value("sport", fallback=None)
                sub_sport = frame.get_value("sub_sport", fallback=None)
    if file_type not in (None, "activity"):
        raise Unreadable(f"not a recorded activity (a FIT {file_type} file)")
    if sessions:
        return [_from_session(s) for s in sessions]
    if first is None or last is None:
        raise Unreadable(reasons.NO_ACTIVITY)
    return [
        Activity(
            start=local_time(first),
            distance_km=distance_m / 1000,
            elapsed_min=(last - first).total_seconds() / 60,
            avg_hr=hr_sum / hr_count if hr_count else None,
            sport=sport_label(sub_sport, sport),
        )
    ]


def _from_session(session: fitdecode.FitDataMessage) -> Activity:
    def value(name: str) -> Any:
        return session.get_value(name, fallback=None)

    elapsed_s = _number(value("total_elapsed_time")) or 0.0
    start = value("start_time")
    if not isinstance(start, datetime):
        start = value("timestamp")
        if not isinstance(start, datetime):
            raise Unreadable(reasons.corrupt("a FIT session without a start time"))
        start = start - timedelta(seconds=elapsed_s)
    # Moving time when the watch records it, else timer time (which leaves out pauses).
    moving_s = _number(value("total_moving_time")) or _number(value("total_timer_time"))
    return Activity(
        start=local_time(start),
        distance_km=(_number(value("total_distance")) or 0.0) / 1000,
        elapsed_min=elapsed_s / 60,
        moving_min=moving_s / 60 if moving_s else None,
        avg_hr=_number(value("avg_heart_rate")),
        sport=sport_label(value("sub_sport"), value("sport")),
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
