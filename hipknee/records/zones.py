"""Time zones: every runner has one (an IANA name such as ``Europe/Berlin``).

The log keeps each entry's moment as the runner's local wall time (``when``: what she saw on her
watch, what her weeks and days are made of). A run also keeps its start as an instant in UTC
(``start_utc``), so that the same run from two apps is recognised whatever the machine's zone was
when each was imported. These functions convert between the two in the runner's zone.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeGuard
from zoneinfo import ZoneInfo, available_timezones

import tzlocal

__all__ = ["ZONE_ALLOWED", "available_zones", "is_zone", "local_in", "machine_zone", "utc_of"]

ZONE_ALLOWED = "an IANA time zone name such as 'Europe/Berlin', 'America/New_York' or 'UTC'"


@lru_cache(maxsize=1)
def available_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (the system's database, or the tzdata package)."""
    return frozenset(available_timezones())


def is_zone(name: object) -> TypeGuard[str]:
    """Whether ``name`` is an IANA time zone name (not a path, not a POSIX TZ rule)."""
    return isinstance(name, str) and name in available_zones()


#: The files tzlocal reads a POSIX machine's zone from (beside ``$TZ``).
_ZONE_FILES = ("/etc/timezone", "/var/db/zoneinfo", "/etc/sysconfig/clock", "/etc/conf.d/clock", "/etc/localtime",
               "/usr/local/etc/localtime")
_machine_zone: tuple[object, str] | None = None


def machine_zone() -> str:
    """This machine's zone now (``$TZ`` first, then the system's setting); ``UTC`` when it has no
    IANA name. Read afresh whenever the setting may have changed: a laptop travels, and a process
    may change ``TZ``."""
    global _machine_zone
    setting = _zone_setting()
    if setting is not None and _machine_zone is not None and _machine_zone[0] == setting:
        return _machine_zone[1]
    try:
        tzlocal.reload_localzone()
        name = tzlocal.get_localzone_name()
    except Exception:  # noqa: BLE001 - tzlocal refuses POSIX rules such as CET-1CEST; fall back to UTC
        name = None
    zone = name if is_zone(name) else "UTC"
    _machine_zone = None if setting is None else (setting, zone)
    return zone


def _zone_setting() -> tuple[object, ...] | None:
    """What a POSIX machine's zone is read from: ``$TZ`` and the state of each file tzlocal reads
    (a link's target, a file's inode, size and time); None elsewhere (Windows keeps it in the
    registry), where the zone is read on every call. tzlocal's reading costs milliseconds (it loads
    the zone's data): a form saving a session asks every time."""
    if os.name != "posix":
        return None
    state: list[object] = [os.environ.get("TZ")]
    for path in _ZONE_FILES:
        try:
            info = os.lstat(path)
            target = os.readlink(path) if os.path.islink(path) else None
        except OSError:
            state.append(None)
            continue
        state.append((info.st_ino, info.st_size, info.st_mtime_ns, target))
    return tuple(state)


def local_in(moment: datetime, zone: str) -> datetime:
    """An instant (aware, or naive meaning UTC) as the naive wall time in ``zone``."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def utc_of(wall_time: datetime, zone: str) -> datetime:
    """A naive wall time in ``zone`` (or an aware moment) as a naive UTC instant.

    A wall time that a clock change skips or repeats is read as the earlier of its two meanings
    (``fold=0``), as most watches do.
    """
    aware = wall_time if wall_time.tzinfo is not None else wall_time.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(UTC).replace(tzinfo=None)
