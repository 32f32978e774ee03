"""Stable identities: the global id (a UUID) and the updated-at time every record carries.

A record's local ``id`` is a row number that only means something in one store; its ``uid`` means
the same record in every store it travels to (a runner's, her coach's, a club server), so bundles
can be merged record by record. ``updated_at`` says which of two copies of a record is newer.

Built-in exercises get a uid derived from their name (UUID version 5), so "clamshell" is one
exercise in every store; everything else gets a random one (UUID version 4). Sessions are named by
their sets' shared ``session`` id (a random UUID as 32 hex digits).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

__all__ = ["BUILTIN_NAMESPACE", "builtin_uid", "is_uid", "new_session", "new_uid", "next_stamp"]

#: The namespace of built-in exercises' uids. Never change it: stores would no longer agree.
BUILTIN_NAMESPACE = uuid.UUID("6f1c2a43-3c1e-4d59-9a57-0b6a1e0d8c21")

# The smallest step the stores keep (they hold microseconds).
_TICK = timedelta(microseconds=1)


def new_uid() -> str:
    """A fresh global id: a random UUID in its 36-character text form."""
    return str(uuid.uuid4())


def builtin_uid(name: str) -> str:
    """The global id of the built-in exercise called ``name``, the same in every store."""
    return str(uuid.uuid5(BUILTIN_NAMESPACE, name))


def new_session() -> str:
    """A fresh session id (32 hex digits, as :meth:`hipknee.Store.add_session` has always made them)."""
    return uuid.uuid4().hex


def is_uid(value: object) -> bool:
    """Whether ``value`` is a UUID in its canonical 36-character lower-case text form."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def next_stamp(previous: datetime | None, now: datetime | None = None) -> datetime:
    """The updated-at time of a change made ``now`` to a record last changed at ``previous``:
    ``now``, but always after ``previous`` (a clock set back must not make an edit look older)."""
    now = now or datetime.now()
    if previous is not None and now <= previous:
        return previous + _TICK
    return now
