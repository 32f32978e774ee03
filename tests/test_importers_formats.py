"""Each reader on real files written by gpxpy, fit-tool and ElementTree: the figures a runner
sees (start, km, elapsed and moving min, average HR, sport), and the reasons for bad files."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, gpx_bytes, gz, tcx_bytes
from fit_tool.profile.profile_type import Sport, SubSport

from hipknee.importers import Unreadable, read_fit, read_gpx, read_tcx
from hipknee.importers.source import Source, detect_format, load, parse


def test_gpx_keeps_start_distance_durations_heart_rate_and_sport() -> None:
    [run] = read_gpx(gpx_bytes(km=6.0, minutes=30.0, hr=152, name="Hill reps"))
    assert run.start == START  # the file's instant; the import places it in the runner's zone
    assert run.distance_km == pytest.approx(6.0, rel=1e-3)
    assert run.elapsed_min == pytest.approx(30.0)
    assert run.moving_min == pytest.approx(30.0)
    assert run.avg_hr == pytest.approx(152)
    assert (run.sport, run.title) == ("running", "Hill reps")


def test_gpx_without_sport_or_heart_rate() -> None:
    [run] = read_gpx(gpx_bytes(sport=None, hr=None))
    assert run.sport == "" and run.avg_hr is None


def test_fit_session_gives_elapsed_and_timer_time_and_sub_sport() -> None:
    [run] = read_fit(fit_bytes(km=10.0, minutes=50.0, timer_minutes=47.5, hr=161, sub_sport=SubSport.TRAIL))
    assert run.start == START  # the file's instant; the import places it in the runner's zone
    assert run.distance_km == pytest.approx(10.0)
    assert (run.elapsed_min, run.moving_min) == (pytest.approx(50.0), pytest.approx(47.5))
    assert run.avg_hr == 161
    assert run.sport == "trail running"


def test_fit_without_session_is_summed_from_records() -> None:
    [run] = read_fit(fit_bytes(km=5.0, minutes=25.0, hr=140, session=False))
    assert run.distance_km == pytest.approx(5.0)
    assert run.elapsed_min == pytest.approx(25.0)
    assert run.avg_hr == pytest.approx(140)
    assert run.sport == ""  # unknown: the import decides by pace


def test_fit_cycling_is_named_as_such() -> None:
    [ride] = read_fit(fit_bytes(km=30.0, minutes=60.0, sport=Sport.CYCLING))
    assert ride.sport == "cycling"


def test_tcx_sums_laps_and_weights_heart_rate_by_lap_time() -> None:
    # Laps of 2 km in 10 min at 140 bpm and 4 km in 20 min at 160 bpm, with a 3 min pause between.
    [run] = read_tcx(tcx_bytes(pause_minutes=3.0))
    assert run.start == START  # the file's instant; the import places it in the runner's zone
    assert run.distance_km == pytest.approx(6.0)
    assert run.moving_min == pytest.approx(30.0)
    assert run.elapsed_min == pytest.approx(33.0)
    assert run.avg_hr == pytest.approx((140 * 10 + 160 * 20) / 30)
    assert run.sport == "running"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cut.fit", fit_bytes()[:-40], "truncated"),
        ("header-cut.fit", fit_bytes()[:10], "truncated"),
        ("cut.gpx", gpx_bytes()[:-200], "truncated"),
        ("cut.tcx", tcx_bytes()[:300], "truncated"),
        ("cut.gpx.gz", gz(gpx_bytes())[:-30], "truncated"),
        ("empty.fit", b"", "empty"),
        ("blank.gpx", b"  \n", "empty"),
        ("empty.tcx.gz", gz(b""), "empty"),
        ("tags.gpx", b"<gpx><trk><name>x</wrong></trk></gpx>", "corrupt"),
        ("no-activity.tcx", b"<TrainingCenterDatabase><Activities></Activities></TrainingCenterDatabase>", "empty"),
        ("route.gpx", gpx_bytes().replace(b"<time>", b"<tyme>").replace(b"</time>", b"</tyme>"), "a planned route"),
        ("bad.gpx.gz", b"\x1f\x8bnot really gzip at all", "corrupt"),
        ("noise.fit", b"this is not a FIT file, only text", "corrupt"),
    ],
)
def test_bad_files_say_why(name: str, data: bytes, reason: str) -> None:
    source = Source(name, Path(name), read=lambda: data)
    with pytest.raises(Unreadable) as caught:
        parse(source, load(source))
    assert caught.value.reason.startswith(reason)


def test_damaged_fit_fails_its_checksum() -> None:
    data = bytearray(fit_bytes())
    data[100] ^= 0xFF
    with pytest.raises(Unreadable, match="corrupt.*checksum"):
        read_fit(bytes(data))


def test_format_is_told_by_content_before_name() -> None:
    assert detect_format("run.txt", gpx_bytes()) == "gpx"
    assert detect_format("run.gpx", fit_bytes()) == "fit"
    assert detect_format("run.fit.gz", b"garbage") == "fit"
    with pytest.raises(Unreadable, match="unknown format"):
        detect_format("notes.txt", b"just some notes")


def test_start_is_the_files_instant() -> None:
    later = START + timedelta(hours=5, minutes=7)
    start = read_gpx(gpx_bytes(start=later))[0].start
    assert start == later and start.tzinfo is not None
    # A time without a zone is UTC, as the GPX schema says.
    naive = gpx_bytes(start=later).replace(b"Z</time>", b"</time>")
    assert read_gpx(naive)[0].start == later


def test_damaged_bytes_only_ever_raise_unreadable() -> None:
    # Flipped bytes, cuts and splices of real files: whatever the damage, the reader either reads
    # something or says why, never raises a library's own exception.
    rng = random.Random(6)
    originals = {"x.fit": fit_bytes(), "x.gpx": gpx_bytes(points=20), "x.tcx": tcx_bytes()}
    for name, good in originals.items():
        for _ in range(40):
            data = bytearray(good)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[: rng.randrange(len(data))]
            source = Source(name, Path(name), read=lambda data=bytes(data): data)
            try:
                parse(source, load(source))
            except Unreadable as exc:
                assert exc.reason.split(" ")[0] in {"corrupt", "truncated", "empty", "unknown", "not"}


@pytest.mark.parametrize(("extension", "avg"), [
    ('<gpxtpx:TrackPointExtension xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
     "<gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>", 150),  # Garmin's, as Strava writes it
    ('<ns3:TrackPointExtension xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">'
     "<!-- a comment first --><ns3:cad>80</ns3:cad><ns3:hr>{hr}</ns3:hr></ns3:TrackPointExtension>", 150),
    ("<hr>{hr}</hr>", 150),  # no namespace at all
    ("<heartrate>{hr}</heartrate><xhr>99</xhr>", None),  # no <hr>: no heart rate, not a look-alike's
])
def test_gpx_heart_rate_is_the_first_hr_of_a_points_extensions_in_any_namespace(extension: str, avg: int | None) -> None:
    points = "".join(
        f'<trkpt lat="{48 + i * 1e-4:.6f}" lon="11.0"><ele>500</ele><time>2026-03-02T07:{i:02d}:00Z</time>'
        f"<extensions>{extension.format(hr=148 + 4 * (i % 2))}</extensions></trkpt>" for i in range(10))
    data = (f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="test" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>')
    [run] = read_gpx(data.encode())
    assert run.avg_hr == (pytest.approx(avg) if avg is not None else None)
