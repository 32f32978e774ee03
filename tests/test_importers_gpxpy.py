"""The streaming GPX and TCX readers agree with the readers they replace: gpxpy's figures (length,
moving time, time bounds) and an ElementTree walk of a TCX file's laps, on every GPX and TCX file
the importer tests use and on shapes they do not: stops, climbs, long jumps, time zones,
points without times, several segments, GPX 1.0 and a noisy recorded track."""

from __future__ import annotations

import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import fmean
from xml.etree import ElementTree as ET

import gpxpy
import pytest
from activity_files import START, gpx_bytes, gpx_of_tracks, tcx_bytes

from hipknee.importers import read_gpx, read_tcx
from hipknee.importers.gpx import SAME_OUTING_GAP

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.import_gpx import write_files  # noqa: E402

#: Distances and times agree to this fraction.
CLOSE = 1e-3


def _gpx(points: str, *, header: str = '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">',
         name: str = "Run", kind: str = "running") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{header}<trk><name>{name}</name><type>{kind}</type>'
            f"{points}</trk></gpx>").encode()


def _segment(rows: list[tuple[float, float, float | None, str | None]]) -> str:
    out = []
    for lat, lon, ele, when in rows:
        inner = (f"<ele>{ele}</ele>" if ele is not None else "") + (f"<time>{when}</time>" if when else "")
        out.append(f'<trkpt lat="{lat}" lon="{lon}">{inner}</trkpt>')
    return "<trkseg>" + "".join(out) + "</trkseg>"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _noisy_track(seed: int, points: int = 2000) -> bytes:
    """A recorded-looking run: jittery steps, stops at lights, a hill, 1 s to 5 s between points."""
    rng = random.Random(seed)
    lat, lon, ele, at = 47.3, 8.5, 410.0, START
    rows = []
    for i in range(points):
        stopped = 600 <= i < 640
        step = 0.0 if stopped else rng.uniform(1.5, 4.0) * 1e-5
        lat += step + rng.gauss(0, 2e-6)
        lon += step / 2 + rng.gauss(0, 2e-6)
        ele += rng.gauss(0.05, 0.4)
        at += timedelta(seconds=rng.choice((1, 1, 2, 5)))
        rows.append((round(lat, 7), round(lon, 7), round(ele, 1), _iso(at)))
    return _gpx(_segment(rows))


def _gpx_files(tmp_path: Path) -> dict[str, bytes]:
    t = [START + timedelta(seconds=30 * i) for i in range(6)]
    files = {
        "default": gpx_bytes(),
        "no heart rate, no sport": gpx_bytes(sport=None, hr=None),
        "long": gpx_bytes(km=42.2, minutes=200, points=2400),
        "short": gpx_bytes(km=0.1, minutes=1, points=3),
        "tracks with pauses": gpx_of_tracks([(START, 3.0, 15.0), (START + timedelta(minutes=20), 2.0, 10.0),
                                             (START + SAME_OUTING_GAP * 3, 5.0, 25.0)], sport="running"),
        "stops and climbs": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.001, 11.0, 530, _iso(t[1])),
                                           (48.001, 11.0, 530, _iso(t[2])), (48.0010001, 11.0, 0, _iso(t[3])),
                                           (48.002, 11.001, None, _iso(t[4])), (48.003, 11.001, 520, _iso(t[5]))])),
        "long jumps": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.5, 11.0, 510, _iso(t[1])),
                                     (48.5, 11.3, 520, _iso(t[2])), (48.6, 11.3, 530, _iso(t[3]))])),
        "time zones and fractions": _gpx(_segment([
            (48.0, 11.0, 500, "2026-03-02T19:00:00+02:00"), (48.001, 11.0, 500, "2026-03-02T17:00:04.250Z"),
            (48.002, 11.0, 500, "2026-03-02T17:00:09+00:00"), (48.003, 11.0, 500, "2026-03-02T12:00:15-05:00")])),
        "times without a zone": _gpx(_segment([(48.0, 11.0, 500, "2026-03-02T17:00:00"),
                                               (48.001, 11.0, 500, "2026-03-02T17:00:30.5")])),
        "points without times": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.001, 11.0, 500, None),
                                               (48.002, 11.0, 500, _iso(t[2])), (48.003, 11.0, 500, _iso(t[3])),
                                               (48.004, 11.0, 500, None)])),
        "several segments": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.001, 11.0, 501, _iso(t[1]))])
                                 + _segment([(48.01, 11.0, 502, _iso(t[3])), (48.012, 11.0, 503, _iso(t[4])),
                                             (48.013, 11.0, 503, _iso(t[5]))])),
        "GPX 1.0": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.002, 11.0, 500, _iso(t[2]))]),
                        header='<gpx version="1.0" creator="t" xmlns="http://www.topografix.com/GPX/1/0">', kind=""),
        "no namespace": _gpx(_segment([(48.0, 11.0, 500, _iso(t[0])), (48.002, 11.0, 500, _iso(t[2]))]),
                             header="<gpx>", kind=""),  # gpxpy reads a track's type from GPX 1.1 only
    }
    files |= {f"noisy {seed}": _noisy_track(seed) for seed in range(3)}
    write_files(tmp_path, 3, 541)
    files |= {f"benchmark {p.name}": p.read_bytes() for p in sorted(tmp_path.glob("*.gpx"))}
    return files


def _gpxpy_activities(data: bytes) -> list[tuple]:
    """What gpxpy says of the file: per outing start, km, elapsed and moving min, average HR, sport, title."""
    gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))

    def utc(moment: datetime) -> datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    timed = []
    for track in gpx.tracks:
        bounds = track.get_time_bounds()
        if bounds.start_time is not None:
            timed.append(((utc(bounds.start_time), utc(bounds.end_time)), track))
    timed.sort(key=lambda found: found[0][0])
    outings = [[timed[0]]]
    for bounds, track in timed[1:]:
        if bounds[0] - outings[-1][-1][0][1] <= SAME_OUTING_GAP:
            outings[-1].append((bounds, track))
        else:
            outings.append([(bounds, track)])
    out = []
    for outing in outings:
        tracks = [track for _, track in outing]
        start, end = min(b[0] for b, _ in outing), max(b[1] for b, _ in outing)
        moving_s = sum(t.get_moving_data().moving_time for t in tracks)
        hrs = [float(e.text) for t in tracks for s in t.segments for p in s.points for x in p.extensions
               for e in x.iter() if e.tag.rsplit("}", 1)[-1] == "hr" and e.text]
        out.append((start, sum(t.length_2d() for t in tracks) / 1000, (end - start).total_seconds() / 60,
                    moving_s / 60 or None, fmean(hrs) if hrs else None,
                    next((t.type for t in tracks if t.type), "") or "", next((t.name for t in tracks if t.name), "")))
    return out


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=CLOSE, abs_tol=1e-9))


def test_gpx_reader_equals_gpxpy_on_every_file(tmp_path: Path) -> None:
    files = _gpx_files(tmp_path)
    for label, data in files.items():
        expected = _gpxpy_activities(data)
        found = read_gpx(data)
        assert len(found) == len(expected), label
        for run, (start, km, elapsed, moving, hr, sport, title) in zip(found, expected):
            assert run.start == start, label
            assert _close(run.distance_km, km), (label, run.distance_km, km)
            assert _close(run.elapsed_min, elapsed), (label, run.elapsed_min, elapsed)
            assert _close(run.moving_min, moving), (label, run.moving_min, moving)
            assert _close(run.avg_hr, hr), (label, run.avg_hr, hr)
            assert (run.sport, run.title) == (sport.strip().lower(), title.strip()), label
    # The figures are not all alike: the check has something to compare.
    assert len({round(a.distance_km, 3) for d in files.values() for a in read_gpx(d)}) > 10


def _tcx_laps(data: bytes) -> tuple[datetime, float, float, float, float | None]:
    """An ElementTree walk of a one-activity TCX: start, km, elapsed and timer min, weighted HR."""
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    activity = ET.fromstring(data).find("t:Activities/t:Activity", ns)
    start = datetime.fromisoformat(activity.findtext("t:Id", namespaces=ns))
    laps = activity.findall("t:Lap", ns)
    seconds = [float(lap.findtext("t:TotalTimeSeconds", namespaces=ns)) for lap in laps]
    points = [datetime.fromisoformat(t.text) for t in activity.iterfind("t:Lap/t:Track/t:Trackpoint/t:Time", ns)]
    ends = [datetime.fromisoformat(lap.get("StartTime")) + timedelta(seconds=s) for lap, s in zip(laps, seconds)]
    hrs = [float(lap.findtext("t:AverageHeartRateBpm/t:Value", namespaces=ns)) for lap in laps]
    return (start, sum(float(lap.findtext("t:DistanceMeters", namespaces=ns)) for lap in laps) / 1000,
            (max(ends + points) - start).total_seconds() / 60, sum(seconds) / 60,
            sum(h * s for h, s in zip(hrs, seconds)) / sum(seconds))


@pytest.mark.parametrize("laps, pause", [
    (((2.0, 10.0, 140), (4.0, 20.0, 160)), 0.0),
    (((1.0, 5.5, 120),), 0.0),
    (((5.0, 24.0, 150), (5.0, 25.0, 155), (0.4, 3.0, 170)), 4.0),
])
def test_tcx_reader_equals_the_laps(laps: tuple, pause: float) -> None:
    data = tcx_bytes(laps=laps, pause_minutes=pause)
    [run] = read_tcx(data)
    start, km, elapsed, timer, hr = _tcx_laps(data)
    assert run.start == start
    assert _close(run.distance_km, km) and _close(run.elapsed_min, elapsed)
    assert _close(run.moving_min, timer) and _close(run.avg_hr, hr)
