"""Writers of real activity files for the importer tests: GPX with gpxpy, FIT with fit-tool,
TCX as XML, and a Strava bulk-export zip. Each run goes due north at an even pace."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import gpxpy.geo
import gpxpy.gpx
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
GPXTPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def local(moment: datetime) -> datetime:
    """What the store keeps for a UTC moment: the machine's local time, naive."""
    return moment.astimezone().replace(tzinfo=None)


def gpx_bytes(start: datetime = START, km: float = 6.0, minutes: float = 30.0, *, sport: str | None = "running",
              hr: int | None = 150, points: int = 61, name: str = "Morning Run") -> bytes:
    gpx = gpxpy.gpx.GPX()
    gpx.nsmap["gpxtpx"] = GPXTPX
    track = gpxpy.gpx.GPXTrack(name=name)
    track.type = sport
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    gpx.tracks.append(track)
    step_deg = km * 1000 / (points - 1) / gpxpy.geo.ONE_DEGREE
    for i in range(points):
        point = gpxpy.gpx.GPXTrackPoint(48.0 + i * step_deg, 11.0, elevation=500.0,
                                        time=start + timedelta(minutes=minutes * i / (points - 1)))
        if hr is not None:
            point.extensions.append(ET.fromstring(
                f'<gpxtpx:TrackPointExtension xmlns:gpxtpx="{GPXTPX}"><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>'))
        segment.points.append(point)
    return gpx.to_xml().encode()


def fit_bytes(start: datetime = START, km: float = 6.0, minutes: float = 30.0, *, sport: Sport = Sport.RUNNING,
              sub_sport: SubSport | None = None, hr: int | None = 150, timer_minutes: float | None = None,
              session: bool = True, records: int = 31) -> bytes:
    ms = int(start.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.time_created = ms
    file_id.serial_number = 1
    builder.add(file_id)
    for i in range(records):
        record = RecordMessage()
        record.timestamp = ms + round(minutes * 60_000 * i / (records - 1))
        record.distance = km * 1000 * i / (records - 1)
        if hr is not None:
            record.heart_rate = hr
        builder.add(record)
    if session:
        message = SessionMessage()
        message.timestamp = ms + round(minutes * 60_000)
        message.start_time = ms
        message.sport = sport
        if sub_sport is not None:
            message.sub_sport = sub_sport
        message.total_elapsed_time = minutes * 60
        message.total_timer_time = (timer_minutes or minutes) * 60
        message.total_distance = km * 1000
        if hr is not None:
            message.avg_heart_rate = hr
        builder.add(message)
    return builder.build().to_bytes()


def tcx_bytes(start: datetime = START, laps: tuple[tuple[float, float, int], ...] = ((2.0, 10.0, 140), (4.0, 20.0, 160)),
              *, sport: str = "Running", pause_minutes: float = 0.0) -> bytes:
    """Laps of (km, minutes, average HR); ``pause_minutes`` pass between laps (not timer time)."""
    root = ET.Element("TrainingCenterDatabase", xmlns=TCX_NS)
    activity = ET.SubElement(ET.SubElement(root, "Activities"), "Activity", Sport=sport)
    ET.SubElement(activity, "Id").text = start.isoformat().replace("+00:00", "Z")
    at, done_m = start, 0.0
    for km, minutes, hr in laps:
        lap = ET.SubElement(activity, "Lap", StartTime=at.isoformat().replace("+00:00", "Z"))
        ET.SubElement(lap, "TotalTimeSeconds").text = str(minutes * 60)
        ET.SubElement(lap, "DistanceMeters").text = str(km * 1000)
        ET.SubElement(ET.SubElement(lap, "AverageHeartRateBpm"), "Value").text = str(hr)
        track = ET.SubElement(lap, "Track")
        for i in range(11):
            point = ET.SubElement(track, "Trackpoint")
            ET.SubElement(point, "Time").text = (at + timedelta(minutes=minutes * i / 10)).isoformat().replace("+00:00", "Z")
            ET.SubElement(point, "DistanceMeters").text = str(done_m + km * 1000 * i / 10)
            ET.SubElement(ET.SubElement(point, "HeartRateBpm"), "Value").text = str(hr)
        at += timedelta(minutes=minutes + pause_minutes)
        done_m += km * 1000
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Strava's activities.csv repeats "Elapsed Time" and "Distance" (the second Distance is in metres).
STRAVA_COLUMNS = ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
                  "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute", "Activity Private Note",
                  "Activity Gear", "Filename", "Athlete Weight", "Bike Weight", "Elapsed Time", "Moving Time",
                  "Distance", "Max Speed", "Average Speed", "Elevation Gain", "Average Heart Rate"]


def strava_row(ident: int, start: datetime, kind: str, name: str, filename: str, km: float, elapsed_s: float,
               moving_s: float, avg_hr: float | str = "") -> list[str]:
    date = start.astimezone(UTC).strftime("%b %-d, %Y, %-I:%M:%S %p")
    return [str(ident), date, name, kind, "", str(int(elapsed_s)), f"{km:.2f}", "", "", "false", "", "",
            filename, "", "", str(elapsed_s), str(moving_s), str(km * 1000), "", "", "", str(avg_hr)]


def strava_export(rows: list[list[str]], files: dict[str, bytes]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(STRAVA_COLUMNS)
    writer.writerows(rows)
    return zipped({"activities.csv": text.getvalue().encode(), "profile.csv": b"Athlete ID\n1\n", **files})
