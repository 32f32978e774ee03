"""TCX (Garmin Training Center) activities, streamed with lxml.

Elapsed time runs from the activity's start to its last trackpoint (or the end of its last lap);
moving time is the laps' timer time; average HR is the laps' time-weighted average. Times without
a zone are UTC. A file of planned courses or workouts only is :class:`~.reasons.NotAnActivity`.
The file is read as a stream, an activity at a time, within its :class:`~.limits.Budget` of
points and seconds: a trackpoint's time and heart rate are kept, then the point is let go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import fmean

from lxml import etree

from . import reasons
from .activity import Activity, sport_label
from .limits import Budget
from .reasons import NotAnActivity, Unreadable
from .xml_stream import end_events, local_name

__all__ = ["looks_like_tcx", "read_tcx"]

# The clock is looked at every this many points.
_CLOCK_EVERY = 4096
_TAGS = ("Trackpoint", "Lap", "Activity", "Course", "Workout")
# What the readers below look at when an element ends.
_NEEDS = {
    "Trackpoint": frozenset({"Time", "HeartRateBpm"}),
    "HeartRateBpm": frozenset({"Value"}),
    "Lap": frozenset({"TotalTimeSeconds", "DistanceMeters", "AverageHeartRateBpm"}),
    "AverageHeartRateBpm": frozenset({"Value"}),
    "Activity": frozenset({"Id", "Notes"}),
}


def looks_like_tcx(head: bytes) -> bool:
    """Whether the first bytes of a file are a TCX document."""
    return b"<TrainingCenterDatabase" in head


@dataclass
class _Lap:
    """A lap: start (UTC), timer time (s), distance (m), average HR (bpm)."""

    start: datetime
    seconds: float
    distance_m: float
    avg_hr: float | None


@dataclass
class _Points:
    """What an activity's laps and trackpoints say, gathered as they stream by: laps, trackpoint
    times (UTC) and HR (bpm)."""

    laps: list[_Lap] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    heart_rates: list[float] = field(default_factory=list)


def read_tcx(data: bytes, name: str = "", budget: Budget | None = None) -> list[Activity]:
    """The activities of a TCX file; raises :class:`Unreadable` with the reason when it cannot be
    read, or when it is over its ``budget`` of points and seconds."""
    budget = budget or Budget()
    activities: list[Activity | None] = []
    planned: list[str] = []
    points = _Points()
    root_checked = False
    try:
        for element in end_events(data, "TCX", budget, "TrainingCenterDatabase", _TAGS, _NEEDS):
            if not root_checked:
                root = element.getroottree().getroot()
                if local_name(root) != "TrainingCenterDatabase":
                    raise Unreadable(reasons.corrupt(f"an XML file whose root is <{local_name(root)}>, not a TCX file"))
                root_checked = True
            tag = local_name(element)
            if tag == "Trackpoint":
                _add_point(points, element)
                budget.add_points()
                if budget.points % _CLOCK_EVERY == 0:
                    budget.check_time()
            elif tag == "Lap":
                points.laps.append(_lap(element))
                budget.add_points()
            elif tag == "Activity":
                activities.append(_from_activity(element, points))
                points = _Points()
            elif tag == "Course" or tag == "Workout":
                planned.append("a planned course" if tag == "Course" else "a planned workout")
                points = _Points()  # a course's laps belong to no activity
    except (ValueError, TypeError) as exc:
        raise Unreadable(reasons.corrupt(f"not valid TCX: {exc}")) from None
    found = [a for a in activities if a is not None]
    if not found:
        if planned:
            raise NotAnActivity(sorted(planned)[0])
        raise Unreadable(reasons.NO_ACTIVITY)
    return found


def _add_point(points: _Points, trackpoint: etree._Element) -> None:
    for child in trackpoint:
        tag = local_name(child)
        if tag == "Time" and child.text:
            points.times.append(_time(child.text))
        elif tag == "HeartRateBpm":
            value = next((c.text for c in child if local_name(c) == "Value"), None)
            if (hr := _float(value)):
                points.heart_rates.append(hr)


def _children(element: etree._Element, tag: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == tag]


def _child_text(element: etree._Element, *path: str) -> str | None:
    for tag in path:
        found = _children(element, tag)
        if not found:
            return None
        element = found[0]
    return element.text


def _lap(lap: etree._Element) -> _Lap:
    return _Lap(
        start=_time(lap.get("StartTime")),
        seconds=_float(_child_text(lap, "TotalTimeSeconds")) or 0.0,
        distance_m=_float(_child_text(lap, "DistanceMeters")) or 0.0,
        avg_hr=_float(_child_text(lap, "AverageHeartRateBpm", "Value")),
    )


def _from_activity(activity: etree._Element, points: _Points) -> Activity | None:
    laps = points.laps
    if not laps:
        return None
    ident = _child_text(activity, "Id")
    start = _time(ident) if ident else laps[0].start
    end = max([lap.start + timedelta(seconds=lap.seconds) for lap in laps] + points.times)
    return Activity(
        start=start,
        distance_km=sum(lap.distance_m for lap in laps) / 1000,
        elapsed_min=(end - start).total_seconds() / 60,
        moving_min=sum(lap.seconds for lap in laps) / 60 or None,
        avg_hr=_average_hr(laps, points.heart_rates),
        sport=sport_label(activity.get("Sport")),
        title=(_child_text(activity, "Notes") or "").strip(),
    )


def _average_hr(laps: list[_Lap], samples: list[float]) -> float | None:
    weighted = [(lap.avg_hr, lap.seconds) for lap in laps if lap.avg_hr and lap.seconds > 0]
    if weighted:
        return sum(hr * s for hr, s in weighted) / sum(s for _, s in weighted)
    return fmean(samples) if samples else None


def _time(text: str | None) -> datetime:
    if not text:
        raise ValueError("a lap without a start time")
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _float(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None
