"""GPX tracks (most apps' export format), streamed with lxml and measured with numpy.

One recording is one activity: devices that start a new ``<trk>`` after each pause write one
outing as several tracks, so tracks that follow each other within :data:`SAME_OUTING_GAP` are
joined (distance and moving time summed, elapsed time from the first point to the last). A file
whose tracks have no times is a planned route (:class:`~.reasons.NotAnActivity`). Times without a
zone are UTC, as the GPX schema says. Heart rate comes from Garmin's TrackPointExtension
(``<gpxtpx:hr>``), which Strava, Garmin Connect and most watches write.

Distances and moving time follow gpxpy's definitions exactly (its flat-earth distance between
points up to 0.2 degrees apart, haversine beyond; a step is moving above 1 km/h), computed per
segment over arrays instead of point by point. The file is read as a stream, a segment at a time,
within its :class:`~.limits.Budget` of points and seconds.
"""

from __future__ import annotations

import functools
import math
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd
from lxml import etree

from . import reasons
from .activity import Activity, sport_label
from .limits import Budget
from .reasons import NotAnActivity, Unreadable
from .xml_stream import end_events, local_name

__all__ = ["SAME_OUTING_GAP", "looks_like_gpx", "read_gpx"]

#: Tracks closer than this (end of one to start of the next) are one outing with a pause.
SAME_OUTING_GAP = timedelta(hours=1)

# Strava's older GPX exports name the sport by number.
_STRAVA_TYPES = {"1": "ride", "2": "alpine ski", "4": "hike", "9": "run", "10": "walk"}

#: The earth's radius (m) and the length of a degree of latitude (m), as gpxpy has them.
EARTH_RADIUS_M = 6378.137 * 1000
ONE_DEGREE_M = 2 * math.pi * EARTH_RADIUS_M / 360
#: Steps of more than this many degrees are measured on the sphere (haversine), shorter ones flat.
_FLAT_UP_TO_DEG = 0.2
#: A step at or under this speed (km/h) is a stop, not moving time.
STOPPED_KMH = 1.0
# The clock is looked at every this many points.
_CLOCK_EVERY = 4096


def looks_like_gpx(head: bytes) -> bool:
    """Whether the first bytes of a file are a GPX document."""
    return b"<gpx" in head


def read_gpx(data: bytes, name: str = "", budget: Budget | None = None) -> list[Activity]:
    """The activities of a GPX file; raises :class:`Unreadable` with the reason when it cannot be
    read, or when it is over its ``budget`` of points and seconds."""
    budget = budget or Budget()
    tracks, routes = _read_tracks(data, budget)
    timed = sorted((_Timed(t.start, t.end, t) for t in tracks if t.start is not None and t.end is not None),
                   key=lambda t: t.start)
    if not timed:
        if any(t.points for t in tracks) or routes:
            raise NotAnActivity("a planned route (its points have no times)")
        raise Unreadable(reasons.NO_ACTIVITY)
    outings = [[timed[0]]]
    for track in timed[1:]:
        if track.start - outings[-1][-1].end <= SAME_OUTING_GAP:
            outings[-1].append(track)
        else:
            outings.append([track])
    return [_from_tracks(outing) for outing in outings]


class _Timed(NamedTuple):
    """A track with times: its first and last (UTC)."""

    start: datetime
    end: datetime
    track: _Track


@dataclass
class _Segment:
    """The points of one ``<trkseg>`` as they are read: degrees, m (NaN: none), ISO times, bpm."""

    lat: array = field(default_factory=lambda: array("d"))
    lon: array = field(default_factory=lambda: array("d"))
    ele: array = field(default_factory=lambda: array("d"))
    hr: array = field(default_factory=lambda: array("d"))
    times: list[str | None] = field(default_factory=list)


@dataclass
class _Track:
    """One ``<trk>`` summed up: first and last times (UTC), length (m), moving time (s), HR samples."""

    start: datetime | None = None
    end: datetime | None = None
    points: int = 0
    length_m: float = 0.0
    moving_s: float = 0.0
    hr_sum: float = 0.0
    hr_count: int = 0
    kind: str = ""
    title: str = ""

    def add(self, segment: _Segment) -> None:
        self.points += len(segment.lat)
        if not segment.lat:
            return
        lat, lon, ele = (np.frombuffer(a, dtype=float) for a in (segment.lat, segment.lon, segment.ele))
        seconds = _seconds(segment.times)
        self.length_m += float(_distances(lat, lon, None).sum())
        self.moving_s += _moving_seconds(lat, lon, ele, seconds)
        timed = np.flatnonzero(~np.isnan(seconds))
        if timed.size:
            first, last = (datetime.fromtimestamp(seconds[i], UTC) for i in (timed[0], timed[-1]))
            self.start = self.start or first
            self.end = last
        hr = np.frombuffer(segment.hr, dtype=float)
        hr = hr[~np.isnan(hr)]
        self.hr_sum += float(hr.sum())
        self.hr_count += int(hr.size)


_TAGS = ("trkpt", "trkseg", "trk", "rte")
# What the readers below look at when an element ends (a heart rate sits in an extension).
_NEEDS = {
    "trkpt": frozenset({"time", "ele", "extensions"}),
    "extensions": frozenset({"TrackPointExtension", "hr"}),
    "TrackPointExtension": frozenset({"hr"}),
    "trk": frozenset({"name", "type"}),
}


def _read_tracks(data: bytes, budget: Budget) -> tuple[list[_Track], int]:
    """The file's tracks, and how many planned routes it holds."""
    tracks: list[_Track] = []
    routes = 0
    track, segment = _Track(), _Segment()
    for element in end_events(data, "GPX", budget, "gpx", _TAGS, _NEEDS):
        tag = local_name(element)
        if tag == "trkpt":
            _add_point(segment, element)
            budget.add_points()
            if budget.points % _CLOCK_EVERY == 0:
                budget.check_time()
        elif tag == "trkseg":
            track.add(segment)
            segment = _Segment()
        elif tag == "trk":
            track.add(segment)  # points outside any <trkseg>, as some writers leave them
            segment = _Segment()
            track.kind = _child_text(element, "type")
            track.title = _child_text(element, "name")
            tracks.append(track)
            track = _Track()
        elif tag == "rte":
            routes += 1
    return tracks, routes


def _add_point(segment: _Segment, point: etree._Element) -> None:
    try:
        lat, lon = float(point.get("lat")), float(point.get("lon"))
    except (TypeError, ValueError):
        raise Unreadable(reasons.corrupt("not valid GPX: a track point without a valid lat and lon")) from None
    ele = when = hr = None
    for child in point:  # a plain loop: ElementPath's find() costs more than the whole point
        tag = child.tag
        if type(tag) is not str:
            continue
        kind = _point_child(tag)
        if kind == "time":
            when = child.text
        elif kind == "ele":
            ele = child.text
        elif kind == "extensions":
            # The first <hr> in any namespace (or none), found by lxml's own tag filter.
            found = next(child.iter("{*}hr"), None)
            hr = found.text if found is not None else None
    segment.times.append(when.strip() or None if when else None)
    segment.ele.append(_number(ele))
    segment.hr.append(_number(hr))
    segment.lat.append(lat)
    segment.lon.append(lon)


@functools.lru_cache(maxsize=256)
def _point_child(tag: str) -> str | None:
    """What a track point's child is to the reader, by its whole tag ('{namespace}name'): 'time',
    'ele', 'extensions' (any name ending so), or None. A file uses a few tags over and over: each
    is looked at once (a bounded cache, whatever tags a file makes up)."""
    name = tag.rpartition("}")[2]
    if name in ("time", "ele"):
        return name
    return "extensions" if tag.endswith("extensions") else None


def _number(text: str | None) -> float:
    try:
        return float(text) if text else math.nan
    except ValueError:
        return math.nan


def _child_text(element: etree._Element, tag: str) -> str:
    for child in element:
        if local_name(child) == tag:
            return (child.text or "").strip()
    return ""


def _seconds(times: list[str | None]) -> np.ndarray:
    """Seconds since 1970 (UTC; a time without a zone is UTC), NaN for a point without a time."""
    nanos = _utc_nanos(times)
    if nanos is not None:
        return nanos.astype(float) / 1e9
    parsed = pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601", errors="coerce")
    # A time pandas' nanoseconds cannot hold (before 1677 or after 2262) is no watch's time either.
    outside = (parsed < pd.Timestamp(_NANOS_SPAN[0], tz="UTC")) | (parsed > pd.Timestamp(_NANOS_SPAN[1], tz="UTC"))
    bad = (parsed.isna() & pd.Series([t is not None for t in times])) | outside
    if bad.any():
        raise Unreadable(reasons.corrupt(f"not valid GPX: invalid time {times[int(np.argmax(bad))]!r}"))
    nanos = parsed.dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    return np.where(parsed.isna().to_numpy(), np.nan, nanos / 1e9)


#: Where a time as watches write it, 'YYYY-MM-DDTHH:MM:SS[.f...]Z', has its digits (the rest: separators).
_DIGITS_AT = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_SEPARATORS = {4: b"-", 7: b"-", 10: b"T", 13: b":", 16: b":"}
#: The times pandas' nanoseconds hold; numpy's microseconds hold far more, and pandas refuses those.
_NANOS_SPAN = (np.datetime64("1677-09-22", "us"), np.datetime64("2262-04-11", "us"))


def _utc_nanos(times: list[str | None]) -> np.ndarray | None:
    """Nanoseconds since 1970 (int64) when every point has a time written in one shape as watches
    write them ('2024-05-01T07:00:00Z', or with up to six decimals of a second, all alike), parsed
    by numpy in one go: the same numbers as pandas' ISO 8601 parse, several times quicker on a
    file's few hundred points. None for anything else (another shape, a time zone, a point
    without a time, a date that does not exist), which pandas then parses or refuses."""
    try:
        # As ASCII bytes: numpy parses those several times quicker than its unicode strings.
        text = np.array(times, dtype=bytes)  # None becomes b"None", which fails the shape below
    except (TypeError, ValueError):  # not ASCII
        return None
    width = text.dtype.itemsize
    if not text.size or not (width == 20 or 22 <= width <= 27):
        return None
    chars = text.view(np.uint8).reshape(len(text), width)  # shorter ones are padded with zero bytes
    digits = chars[:, np.r_[_DIGITS_AT, 20:width - 1]] - ord("0")  # uint8: any non-digit wraps above 9
    shaped = (np.all(digits <= 9) and np.all(chars[:, -1] == ord("Z"))
              and all(np.all(chars[:, at] == ord(mark)) for at, mark in _SEPARATORS.items())
              and (width == 20 or np.all(chars[:, 19] == ord("."))))
    if not shaped:
        return None
    try:
        parsed = text.astype(f"S{width - 1}").astype("datetime64[us]")  # the Z cut off: numpy reads no zone as UTC
    except ValueError:  # a day or an hour that does not exist: pandas words the refusal
        return None
    if parsed.min() < _NANOS_SPAN[0] or parsed.max() > _NANOS_SPAN[1]:
        return None
    return parsed.astype("int64") * 1000


def _distances(lat: np.ndarray, lon: np.ndarray, ele: np.ndarray | None) -> np.ndarray:
    """Metres from each point to the next (gpxpy's rule; with ``ele``, climbs count where both
    points have a non-zero elevation)."""
    lat1, lat2, lon1, lon2 = lat[1:], lat[:-1], lon[1:], lon[:-1]
    flat = np.hypot(lat1 - lat2, (lon1 - lon2) * np.cos(np.radians(lat1))) * ONE_DEGREE_M
    if ele is not None:
        e1, e2 = ele[1:], ele[:-1]
        climbs = ~np.isnan(e1) & ~np.isnan(e2) & (e1 != 0) & (e2 != 0)
        flat = np.where(climbs, np.hypot(flat, np.where(climbs, e1 - e2, 0.0)), flat)
    far = (np.abs(lat1 - lat2) > _FLAT_UP_TO_DEG) | (np.abs(lon1 - lon2) > _FLAT_UP_TO_DEG)
    if not far.any():
        return flat
    a = (np.sin(np.radians(lat1 - lat2) / 2) ** 2
         + np.sin(np.radians(lon1 - lon2) / 2) ** 2 * np.cos(np.radians(lat1)) * np.cos(np.radians(lat2)))
    sphere = 2 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * EARTH_RADIUS_M
    return np.where(far, sphere, flat)


def _moving_seconds(lat: np.ndarray, lon: np.ndarray, ele: np.ndarray, seconds: np.ndarray) -> float:
    """Seconds of steps between timed points faster than :data:`STOPPED_KMH` (gpxpy's moving time)."""
    if lat.size < 2:
        return 0.0
    step_s = seconds[1:] - seconds[:-1]  # NaN where either point has no time
    step_m = _distances(lat, lon, ele)
    counted = (step_s > 0) & (step_m != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        moving = counted & ((step_m / 1000) / (step_s / 3600) > STOPPED_KMH)
    return float(step_s[moving].sum())


def _from_tracks(timed: list[_Timed]) -> Activity:
    start = min(t.start for t in timed)
    end = max(t.end for t in timed)
    outing = [t.track for t in timed]
    moving_s = sum(t.moving_s for t in outing)
    hr_count = sum(t.hr_count for t in outing)
    kinds = [t.kind for t in outing if t.kind]
    titles = [t.title for t in outing if t.title]
    return Activity(
        start=start,
        distance_km=sum(t.length_m for t in outing) / 1000,
        elapsed_min=(end - start).total_seconds() / 60,
        moving_min=moving_s / 60 if moving_s else None,
        avg_hr=sum(t.hr_sum for t in outing) / hr_count if hr_count else None,
        sport=sport_label(_STRAVA_TYPES.get(kinds[0], kinds[0])) if kinds else "",
        title=titles[0] if titles else "",
    )
