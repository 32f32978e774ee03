"""What a period of the log means: ``start``..``end`` as moments, a date meaning the whole day.

One rule for the store's reads, the frames' narrowing and the reports: a bound is a date or a
date-time (a time-zone-aware one is taken in this machine's local time, as entries are stored);
an ``end`` given as a date (midnight) includes that whole day; bounds are kept to the microsecond
the database holds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ValidationError

__all__ = ["ALLOWED", "YEARS", "moment", "period"]

_END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


#: The years a period may name.
YEARS = (1900, 2100)
ALLOWED = f"a date such as 2026-03-02, or a date and time (years {YEARS[0]} to {YEARS[1]})"


def moment(name: str, value: Any) -> pd.Timestamp | None:
    """``value`` as a naive local timestamp (``None`` and "" stay ``None``); a
    :class:`~hipknee.ValidationError` naming ``name`` when it is no date or date-time: ``NaT``,
    ``nan``, a bare number (pandas would read nanoseconds since 1970), a year outside :data:`YEARS`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, (str, datetime, date, np.datetime64)):
        raise ValidationError(name, value, ALLOWED)
    try:
        when = pd.Timestamp(value.strip() if isinstance(value, str) else value)
        if when is not pd.NaT and when.tzinfo is not None:  # the log keeps local times
            when = pd.Timestamp(when.to_pydatetime().astimezone().replace(tzinfo=None))
        when = when.floor("us")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        when = pd.NaT
    if pd.isna(when) or not YEARS[0] <= when.year <= YEARS[1]:
        raise ValidationError(name, value, ALLOWED)
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
