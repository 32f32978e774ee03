"""GPX tracks (most apps' export format) read with gpxpy.

One activity per track with timed points. Heart rate comes from Garmin's TrackPointExtension
(``<gpxtpx:hr>``), which Strava, Garmin Connect and most watches write.
"""

from __future__ import annotations

from statistics import fmean

import gpxpy
import gpxpy.gpx

from . import reasons
from .activity import Activity, local_time, sport_label
from .reasons import Unreadable

__all__ = ["looks_like_gpx", "read_gpx"]

# Strava's older GPX exports name the sport by number.
_STRAVA_TYPES = {"1": "ride", "2": "alpine ski", "4": "hike", "9": "run", "10": "walk"}


def looks_like_gpx(head: bytes) -> bool:
    """Whether the first bytes of a file are a GPX document."""
    return b"<gpx" in head


def read_gpx(data: bytes) -> list[Activity]:
    """The activities of a GPX file; raises :class:`Unreadable` with the reason when it cannot be read."""
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXXMLSyntaxException as exc:
        raise Unreadable(reasons.xml_reason(exc.__cause__ or exc, "GPX")) from None
    except (gpxpy.gpx.GPXException, ValueError, TypeError, AttributeError) as exc:
        raise Unreadable(reasons.corrupt(f"not valid GPX: {exc}")) from None
    activities = [a for a in map(_from_track, gpx.tracks) if a is not None]
    if not activities:
        raise Unreadable(reasons.NO_ACTIVITY)
    return activities


def _from_track(track: gpxpy.gpx.GPXTrack) -> Activity | None:
    bounds = track.get_time_bounds()
    if bounds.start_time is None or bounds.end_time is None:
        return None  # a planned route, not a recording
    moving = track.get_moving_data()
    heart_rates = [hr for seg in track.segments for p in seg.points if (hr := _heart_rate(p)) is not None]
    kind = (track.type or "").strip()
    return Activity(
        start=local_time(bounds.start_time),
        distance_km=track.length_2d() / 1000,
        elapsed_min=(bounds.end_time - bounds.start_time).total_seconds() / 60,
        moving_min=moving.moving_time / 60 if moving and moving.moving_time else None,
        avg_hr=fmean(heart_rates) if heart_rates else None,
        sport=sport_label(_STRAVA_TYPES.get(kind, kind)),
        title=(track.name or "").strip(),
    )


def _heart_rate(point: gpxpy.gpx.GPXTrackPoint) -> float | None:
    for extension in point.extensions:
        for element in extension.iter():
            if element.tag.rsplit("}", 1)[-1] == "hr" and element.text:
                try:
                    return float(element.text)
                except ValueError:
                    return None
    return None
