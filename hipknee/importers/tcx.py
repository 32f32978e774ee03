"""TCX (Garmin Training Center) activities read with defusedxml's ElementTree.

Elapsed time runs from the activity's start to its last trackpoint (or the end of its last lap);
moving time is the laps' timer time; average HR is the laps' time-weighted average. Times without
a zone are UTC. A file of planned courses or workouts only is :class:`~.reasons.NotAnActivity`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import fmean
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from . import reasons
from .activity import Activity, sport_label
from .reasons import NotAnActivity, Unreadable

__all__ = ["looks_like_tcx", "read_tcx"]


def looks_like_tcx(head: bytes) -> bool:
    """Whether the first bytes of a file are a TCX document."""
    return b"<TrainingCenterDatabase" in head


def read_tcx(data: bytes, name: str = "") -> list[Activity]:
    """The activities of a TCX file; raises :class:`Unreadable` with the reason when it cannot be read."""
    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException, LookupError) as exc:  # LookupError: an unknown encoding
        raise Unreadable(reasons.xml_reason(exc, "TCX")) from None
    if _local(root.tag) != "TrainingCenterDatabase":
        raise Unreadable(reasons.corrupt(f"an XML file whose root is <{_local(root.tag)}>, not a TCX file"))
    try:
        activities = [_from_activity(a) for a in root.iterfind("{*}Activities/{*}Activity")]
    except (ValueError, TypeError) as exc:
        raise Unreadable(reasons.corrupt(f"not valid TCX: {exc}")) from None
    found = [a for a in activities if a is not None]
    if not found:
        for path, what in (("{*}Courses/{*}Course", "a planned course"), ("{*}Workouts/{*}Workout", "a planned workout")):
            if root.find(path) is not None:
                raise NotAnActivity(what)
        raise Unreadable(reasons.NO_ACTIVITY)
    return found


def _from_activity(activity: Element) -> Activity | None:
    laps = activity.findall("{*}Lap")
    if not laps:
        return None
    lap_starts = [_time(lap.get("StartTime")) for lap in laps]
    start = _time(activity.findtext("{*}Id")) if activity.findtext("{*}Id") else lap_starts[0]
    lap_seconds = [_float(lap.findtext("{*}TotalTimeSeconds")) or 0.0 for lap in laps]
    points = [_time(t.text) for t in activity.iterfind("{*}Lap/{*}Track/{*}Trackpoint/{*}Time") if t.text]
    end = max([s + timedelta(seconds=d) for s, d in zip(lap_starts, lap_seconds)] + points)
    return Activity(
        start=start,
        distance_km=sum(_float(lap.findtext("{*}DistanceMeters")) or 0.0 for lap in laps) / 1000,
        elapsed_min=(end - start).total_seconds() / 60,
        moving_min=sum(lap_seconds) / 60 or None,
        avg_hr=_average_hr(activity, laps, lap_seconds),
        sport=sport_label(activity.get("Sport")),
        title=(activity.findtext("{*}Notes") or "").strip(),
    )


def _average_hr(activity: Element, laps: list[Element], lap_seconds: list[float]) -> float | None:
    weighted = [
        (hr, seconds)
        for lap, seconds in zip(laps, lap_seconds)
        if (hr := _float(lap.findtext("{*}AverageHeartRateBpm/{*}Value"))) and seconds > 0
    ]
    if weighted:
        return sum(hr * s for hr, s in weighted) / sum(s for _, s in weighted)
    values = [_float(v.text) for v in activity.iterfind("{*}Lap/{*}Track/{*}Trackpoint/{*}HeartRateBpm/{*}Value")]
    samples = [s for s in values if s]
    return fmean(samples) if samples else None


def _time(text: str | None) -> datetime:
    if not text:
        raise ValueError("a lap without a start time")
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _float(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
