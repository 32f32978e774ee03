"""Each reader on real files written by gpxpy, fit-tool and ElementTree: the figures a runner
sees (start, km, elapsed and moving min, average HR, sport), and the reasons for bad files."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, gpx_bytes, gz, tcx_bytes
from fit_tool.profile.profile_type import Sport, SubSport
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _pandas_seconds(times: list[str | None]) -> list[float]:
    """Seconds since 1970 as pandas' ISO 8601 parse gives them (the reader's way for any time)."""
    import numpy as np
    import pandas as pd

    parsed = pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601", errors="coerce")
    return list(parsed.dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").astype("int64").astype(float) / 1e9
                + np.where(parsed.isna(), np.nan, 0.0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1678, 1, 1), max_value=datetime(2262, 1, 1)), min_size=1, max_size=30),
       st.sampled_from([0, 1, 3, 6]))
def test_times_as_watches_write_them_are_parsed_as_pandas_parses_them(moments: list[datetime], decimals: int) -> None:
    from hipknee.importers import gpx

    times = [m.strftime("%Y-%m-%dT%H:%M:%S") + (f".{m.microsecond:06d}"[:decimals + 1] if decimals else "") + "Z"
             for m in moments]
    quick = gpx._utc_nanos(times)
    assert quick is not None  # one shape throughout: the quick way
    assert list(quick.astype(float) / 1e9) == _pandas_seconds(times)
    assert list(gpx._seconds(times)) == _pandas_seconds(times)


@pytest.mark.parametrize("times", [
    ["2024-01-01T07:00:00.123Z", "2024-01-01T07:00:05.5Z"],  # decimals that differ
    ["2024-01-01T07:00:00+02:00"], ["2024-01-01T07:00:00"], ["2024-01-01 07:00:00Z"],  # a zone, none, a space
    ["2024-01-01T07:00:00Z", None], ["None"], ["nowZ"], ["2024-01-01T07:0a:00Z"], ["2024-01-01T07:00:00Zé"],
    ["2024-02-30T07:00:00Z"], ["2024-01-01T24:00:00Z"], ["3000-01-01T07:00:00Z"], ["2024-01-01T07:00:00.1234567Z"],
])
def test_any_other_time_is_left_to_pandas(times: list[str | None]) -> None:
    import numpy as np

    from hipknee.importers import gpx

    assert gpx._utc_nanos(times) is None
    if times in (["2024-02-30T07:00:00Z"], ["2024-01-01T24:00:00Z"], ["3000-01-01T07:00:00Z"], ["nowZ"],
                 ["2024-01-01T07:0a:00Z"], ["None"], ["2024-01-01T07:00:00Zé"]):
        with pytest.raises(Unreadable, match="invalid time"):
            gpx._seconds(times)
    else:
        np.testing.assert_array_equal(gpx._seconds(times), _pandas_seconds(times))


@pytest.mark.parametrize("year", [b"3000", b"1500"])
def test_a_gpx_dated_beyond_any_watch_is_refused_as_invalid_not_a_crash(year: bytes) -> None:
    import re

    data = re.sub(rb"<time>\d{4}", b"<time>" + year, gpx_bytes(), count=3)
    with pytest.raises(Unreadable, match="invalid time '" + year.decode()):
        read_gpx(data)
