"""What a period of the log means: ``start``..``end`` as moments, a date meaning the whole day.

One rule for the store's reads, the frames' narrowing and the reports: a bound is a date or a
date-time (a time-zone-aware one is taken in this machine's local time, as entries are stored);
an ``end`` given as a date (midnight) includes that whole day; bounds are kept to the microsecond
the database holds.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import ValidationError

__all__ = ["moment", "period"]

_END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def moment(name: str, value: Any) -> pd.Timestamp | None:
    """``value`` as a naive local timestamp (``None`` stays ``None``); a
    :class:`~hipknee.ValidationError` naming ``name`` when it is not a date or date-time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        when = pd.Timestamp(value)
        if when.tzinfo is not None:
            when = pd.Timestamp(when.to_pydatetime().astimezone().replace(tzinfo=None))
        when = when.floor("us")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        when = pd.NaT
    if pd.isna(when):
        raise ValidationError(name, value, "a date such as 2026-03-02, or a date and time")
    return when


def period(start: Any = None, end: Any = None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The bounds of ``start``..``end`` (either may be ``None``: open); an ``end`` at midnight
    includes that whole day. A ``start`` after the ``end`` is refused."""
    lo, hi = moment("start", start), moment("end", end)
    if hi is not None and hi == hi.normalize():
        hi = hi + _END_OF_DAY
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError("end", end, f"a date on or after the start ({lo:%Y-%m-%d})")
    return lo, hi
