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
    steps = max(points - 1, 1)  # one point: a track that recorded nothing
    step_deg = km * 1000 / steps / gpxpy.geo.ONE_DEGREE
    for i in range(points):
        point = gpxpy.gpx.GPXTrackPoint(48.0 + i * step_deg, 11.0, elevation=500.0,
                                        time=start + timedelta(minutes=minutes * i / steps))
        if hr is not None:
            point.extensions.append(ET.fromstring(
                f'<gpxtpx:TrackPointExtension xmlns:gpxtpx="{GPXTPX}"><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>'))
        segment.points.append(point)
    return gpx.to_xml().encode()


def fit_bytes(start: datetime = START, km: float | None = 6.0, minutes: float = 30.0, *, sport: Sport = Sport.RUNNING,
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
        if km is not None:  # a treadmill run without a foot pod records no distance
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
        if km is not None:
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


# -- what real watches write besides plain activities ----------------------------------------------
#: FIT times count seconds from this moment; values below 0x10000000 count from the device's power-on.
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)


def _fit_ms(seconds_since_fit_epoch: float) -> int:
    """fit-tool takes times as ms since 1970; this gives the FIT file a raw value of ``seconds``."""
    return round((FIT_EPOCH.timestamp() + seconds_since_fit_epoch) * 1000)


def fit_of(file_type: FileType, *messages: object, created: datetime = START) -> bytes:
    """A FIT file of another type than an activity (settings, workout, weight, monitoring...)."""
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = file_type
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.time_created = int(created.timestamp() * 1000)
    file_id.serial_number = 1
    builder.add(file_id)
    for message in messages:
        builder.add(message)
    return builder.build().to_bytes()


def settings_fit() -> bytes:
    from fit_tool.profile.messages.user_profile_message import UserProfileMessage

    profile = UserProfileMessage()
    profile.weight = 61.0
    return fit_of(FileType.SETTINGS, profile)


def workout_fit() -> bytes:
    from fit_tool.profile.messages.workout_message import WorkoutMessage

    workout = WorkoutMessage()
    workout.sport = Sport.RUNNING
    workout.num_valid_steps = 1
    return fit_of(FileType.WORKOUT, workout)


def weight_fit() -> bytes:
    from fit_tool.profile.messages.weight_scale_message import WeightScaleMessage

    weight = WeightScaleMessage()
    weight.timestamp = int(START.timestamp() * 1000)
    weight.weight = 61.2
    return fit_of(FileType.WEIGHT, weight)


def monitoring_fit() -> bytes:
    from fit_tool.profile.messages.monitoring_message import MonitoringMessage

    monitoring = MonitoringMessage()
    monitoring.timestamp = int(START.timestamp() * 1000)
    monitoring.cycles = 1200.0
    return fit_of(FileType.MONITORING_B, monitoring)


def relative_fit(km: float = 5.0, minutes: float = 30.0, *, created: datetime | None = None, records: int = 31) -> bytes:
    """A running file as a Forerunner 70 writes it: every timestamp counts seconds from the device's
    power-on (no date); ``created`` gives the file_id's creation time as a real date, else it too
    is relative."""
    power_on = 5000  # s after the device was switched on
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.serial_number = 70
    file_id.time_created = int(created.timestamp() * 1000) if created else _fit_ms(power_on)
    builder.add(file_id)
    for i in range(records):
        record = RecordMessage()
        record.timestamp = _fit_ms(power_on + minutes * 60 * i / (records - 1))
        record.distance = km * 1000 * i / (records - 1)
        record.heart_rate = 145
        builder.add(record)
    session = SessionMessage()
    session.timestamp = _fit_ms(power_on + minutes * 60)
    session.start_time = _fit_ms(power_on)
    session.sport = Sport.RUNNING
    session.total_elapsed_time = minutes * 60
    session.total_timer_time = minutes * 60
    session.total_distance = km * 1000
    builder.add(session)
    return builder.build().to_bytes()


def _fit_crc(data: bytes) -> bytes:
    from fitdecode.utils import compute_crc

    return compute_crc(data).to_bytes(2, "little")


def with_odd_field_size(fit: bytes, global_number: int = 20, field_number: int = 2, size: int = 3) -> bytes:
    """The FIT file with one more field in the definitions of ``global_number`` messages (20: record),
    declared as a uint16 of ``size`` bytes (not a multiple of 2, as some Coros firmware writes), and
    that many bytes in each of those messages; header size and both checksums made right again."""
    import struct

    header_size = fit[0]
    data = fit[header_size:-2]
    out = bytearray()
    sizes: dict[int, int] = {}
    widened: set[int] = set()
    at = 0
    while at < len(data):
        head = data[at]
        if head & 0x80:
            raise ValueError("compressed timestamp headers are not handled here")
        local = head & 0x0F
        if head & 0x40:
            arch, number, count = data[at + 2], *struct.unpack_from("<HB", data, at + 3)
            if arch != 0:
                raise ValueError("big-endian definitions are not handled here")
            fields = data[at + 6: at + 6 + 3 * count]
            total = sum(fields[i + 1] for i in range(0, len(fields), 3))
            end = at + 6 + 3 * count
            developer = b""
            if head & 0x20:
                dev_count = data[end]
                developer = data[end: end + 1 + 3 * dev_count]
                total += sum(developer[1 + i + 1] for i in range(0, 3 * dev_count, 3))
            if number == global_number:
                out += bytes([head, 0, 0]) + struct.pack("<HB", number, count + 1) + fields
                out += bytes([field_number, size, 0x84]) + developer
                widened.add(local)
                total += size
            else:
                out += data[at: end + len(developer)]
                widened.discard(local)
            sizes[local] = total
            at = end + len(developer)
        else:
            extra = size if local in widened else 0
            length = sizes[local] - extra
            out += data[at: at + 1 + length] + bytes(range(1, extra + 1))
            at += 1 + length
    header = bytearray(fit[:header_size])
    header[4:8] = struct.pack("<I", len(out))
    if header_size == 14:
        header[12:14] = _fit_crc(bytes(header[:12]))
    body = bytes(header) + bytes(out)
    return body + _fit_crc(body)


def gpx_of_tracks(tracks: list[tuple[datetime, float, float]], *, sport: str | None = None, name: str = "Outing") -> bytes:
    """One GPX file with one ``<trk>`` per (start, km, minutes), as a device that starts a new
    track after each pause writes it; each track continues north from where the last one ended."""
    gpx = gpxpy.gpx.GPX()
    lat = 48.0
    for number, (start, km, minutes) in enumerate(tracks, start=1):
        track = gpxpy.gpx.GPXTrack(name=f"{name} {number}")
        track.type = sport
        segment = gpxpy.gpx.GPXTrackSegment()
        track.segments.append(segment)
        gpx.tracks.append(track)
        points = 11
        for i in range(points):
            segment.points.append(gpxpy.gpx.GPXTrackPoint(
                lat + km * 1000 * i / (points - 1) / gpxpy.geo.ONE_DEGREE, 11.0,
                time=start + timedelta(minutes=minutes * i / (points - 1))))
        lat += km * 1000 / gpxpy.geo.ONE_DEGREE
    return gpx.to_xml().encode()
