"""GPX tracks (most apps' export format) read with gpxpy.

One recording is one activity: devices that start a new ``<trk>`` after each pause write one
outing as several tracks, so tracks that follow each other within :data:`SAME_OUTING_GAP` are
joined (distance and moving time summed, elapsed time from the first point to the last). A file
whose tracks have no times is a planned route (:class:`~.reasons.NotAnActivity`). Times without a
zone are UTC, as the GPX schema says. Heart rate comes from Garmin's TrackPointExtension
(``<gpxtpx:hr>``), which Strava, Garmin Connect and most watches write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import fmean

import gpxpy
import gpxpy.gpx

from . import reasons
from .activity import Activity, sport_label
from .reasons import NotAnActivity, Unreadable

__all__ = ["SAME_OUTING_GAP", "looks_like_gpx", "read_gpx"]

#: Tracks closer than this (end of one to start of the next) are one outing with a pause.
SAME_OUTING_GAP = timedelta(hours=1)

# Strava's older GPX exports name the sport by number.
_STRAVA_TYPES = {"1": "ride", "2": "alpine ski", "4": "hike", "9": "run", "10": "walk"}


def looks_like_gpx(head: bytes) -> bool:
    """Whether the first bytes of a file are a GPX document."""
    return b"<gpx" in head


def read_gpx(data: bytes, name: str = "") -> list[Activity]:
    """The activities of a GPX file; raises :class:`Unreadable` with the reason when it cannot be read."""
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXXMLSyntaxException as exc:
        raise Unreadable(reasons.xml_reason(exc.__cause__ or exc, "GPX")) from None
    except (gpxpy.gpx.GPXException, ValueError, TypeError, AttributeError) as exc:
        raise Unreadable(reasons.corrupt(f"not valid GPX: {exc}")) from None
    timed = sorted(((b, t) for t in gpx.tracks if (b := _bounds(t)) is not None), key=lambda found: found[0][0])
    if not timed:
        if any(seg.points for t in gpx.tracks for seg in t.segments) or gpx.routes:
            raise NotAnActivity("a planned route (its points have no times)")
        raise Unreadable(reasons.NO_ACTIVITY)
    outings = [[timed[0]]]
    for bounds, track in timed[1:]:
        if bounds[0] - outings[-1][-1][0][1] <= SAME_OUTING_GAP:
            outings[-1].append((bounds, track))
        else:
            outings.append([(bounds, track)])
    return [_from_tracks(outing) for outing in outings]


_Timed = tuple[tuple[datetime, datetime], gpxpy.gpx.GPXTrack]


def _bounds(track: gpxpy.gpx.GPXTrack) -> tuple[datetime, datetime] | None:
    """The track's first and last times (UTC), or None for a track without times."""
    bounds = track.get_time_bounds()
    if bounds.start_time is None or bounds.end_time is None:
        return None
    return _utc(bounds.start_time), _utc(bounds.end_time)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _from_tracks(outing: list[_Timed]) -> Activity:
    tracks = [track for _, track in outing]
    start = min(bounds[0] for bounds, _ in outing)
    end = max(bounds[1] for bounds, _ in outing)
    moving_s = sum(m.moving_time for t in tracks if (m := t.get_moving_data()) and m.moving_time)
    heart_rates = [hr for t in tracks for seg in t.segments for p in seg.points if (hr := _heart_rate(p)) is not None]
    kinds = [k for t in tracks if (k := (t.type or "").strip())]
    titles = [n for t in tracks if (n := (t.name or "").strip())]
    return Activity(
        start=start,
        distance_km=sum(t.length_2d() for t in tracks) / 1000,
        elapsed_min=(end - start).total_seconds() / 60,
        moving_min=moving_s / 60 if moving_s else None,
        avg_hr=fmean(heart_rates) if heart_rates else None,
        sport=sport_label(_STRAVA_TYPES.get(kinds[0], kinds[0])) if kinds else "",
        title=titles[0] if titles else "",
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
