"""Imports are bounded: each file gets a budget of bytes (counted as they inflate), points and
seconds, and a file over it is refused by name while the others import.

The hostile files are built without ever holding their inflated content: a deflate stream of a
block repeated (each copy flushed to a byte boundary with an empty dictionary) inflates to
hundreds of MB from a few hundred KB. The import runs in a child process under an address-space
limit (``ulimit -v``) of a few times the byte budget, so a reader that inflates or parses a whole
file at once dies there instead of passing.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import START, gpx_bytes, gz

from hipknee.importers import read_fit, read_gpx, read_tcx
from hipknee.importers.limits import (
    MAX_FILE_BYTES,
    MAX_LIST_BYTES,
    MAX_POINTS,
    MAX_SECONDS,
    Budget,
    megabytes,
    too_large,
)
from hipknee.importers.reasons import Unreadable

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
#: The child may use this much address space beyond what it holds once hipknee is imported.
HEADROOM = 5 * MAX_FILE_BYTES


def _deflated(head: bytes, body: bytes, copies: int, tail: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``head + body * copies + tail``, its CRC-32 and inflated size."""
    def flushed(data: bytes, mode: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(mode)

    block = flushed(body, zlib.Z_FULL_FLUSH)
    stream = flushed(head, zlib.Z_FULL_FLUSH) + block * copies + flushed(tail, zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(body, crc)
    return stream, zlib.crc32(tail, crc), len(head) + len(body) * copies + len(tail)


def _gzip(head: bytes, body: bytes, copies: int, tail: bytes) -> bytes:
    stream, crc, size = _deflated(head, body, copies, tail)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members (name, raw deflate stream, CRC-32, the size its headers state)."""
    out, central = b"", b""
    for name, stream, crc, stated in members:
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, len(stream), stated)
        central += (b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(out))
                    + name.encode())
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name.encode() + stream
    end = struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(out), 0)
    return out + central + b"PK\x05\x06" + end


GPX_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
            b'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>')
GPX_TAIL = b"</trkseg></trk></gpx>"


def _points(count: int) -> bytes:
    """``count`` track points a second apart (the same second each copy: only their number matters)."""
    return b"".join(b'<trkpt lat="48.%06d" lon="11.0"><time>2026-03-02T17:00:%02dZ</time></trkpt>' % (i, i % 60)
                    for i in range(count))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A folder of hostile files beside one good run; file name -> the reason it must be refused for."""
    folder = tmp_path_factory.mktemp("hostile")
    block = _points(12_000)  # about 1 MB
    over_bytes = 3 * MAX_FILE_BYTES // len(block)
    (folder / "1-inflates.gpx.gz").write_bytes(_gzip(GPX_HEAD, block, over_bytes, GPX_TAIL))
    under_bytes_over_points = (MAX_FILE_BYTES // 2) // len(block)
    assert under_bytes_over_points * 12_000 > MAX_POINTS
    (folder / "2-points.gpx.gz").write_bytes(_gzip(GPX_HEAD, block, under_bytes_over_points, GPX_TAIL))
    with (folder / "3-huge.gpx").open("wb") as huge:  # sparse: nothing is written past the head
        huge.write(GPX_HEAD)
        huge.truncate(3 * MAX_FILE_BYTES)
    row = b'1,"Mar 2, 2026, 6:00:00 PM",Run,Run,,1800,6.00,,,false,,,,,,1800,1800,6000,,,,\n'
    header = b"Activity ID,Activity Date,Activity Name,Activity Type,x\n"
    stream, crc, size = _deflated(header, row * (MB // len(row)), 2 * MAX_LIST_BYTES // MB, b"")
    (folder / "4-strava.zip").write_bytes(_zip([("activities.csv", stream, crc, size)]))
    zeros, crc, _ = _deflated(b"", bytes(MB), 1024, b"")  # 1 GB of zeros ...
    (folder / "5-lying.zip").write_bytes(_zip([("run.gpx", zeros, crc, 1000)]))  # ... said to be 1000 bytes
    (folder / "6-xmlns.gpx.gz").write_bytes(gz(b"<gpx" + b" xmlns" * 160_000 + b">"))
    (folder / "7-good.gpx").write_bytes(gpx_bytes(START + timedelta(days=1)))
    # 7.5 million empty elements in a segment: a tree of them all would take about 1 GB.
    (folder / "8-flood.gpx.gz").write_bytes(_gzip(GPX_HEAD, b"<x/>" * (MB // 4), 30, GPX_TAIL))
    return folder, {
        "1-inflates.gpx.gz": too_large(megabytes(MAX_FILE_BYTES)),
        "2-points.gpx.gz": too_large(f"{MAX_POINTS:,} points"),
        "3-huge.gpx": too_large(megabytes(MAX_FILE_BYTES)),
        "4-strava.zip:activities.csv": too_large(megabytes(MAX_LIST_BYTES)),
        "5-lying.zip:run.gpx": "corrupt (damaged zip member",
        "6-xmlns.gpx.gz": "corrupt (not well-formed GPX",
        "8-flood.gpx.gz": "empty (the file holds no recorded activity)",
    }


CHILD = textwrap.dedent("""
    import json, resource, sys
    import hipknee
    from hipknee.importers import import_paths

    data, folder, headroom = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = hipknee.Store.open(data)
    store.add(hipknee.Athlete(name="Ana"))
    with open("/proc/self/status") as status:
        used = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (used + headroom, used + headroom))
    summary = import_paths(store, sorted(str(p) for p in __import__("pathlib").Path(folder).iterdir()), progress=False)
    print(json.dumps({"imported": [r.label for r in summary.imported],
                      "failed": {str(e.path): e.reason for e in summary.failed}}))
""")


def test_hostile_files_are_refused_by_name_within_a_memory_limit(hostile: tuple[Path, dict[str, str]],
                                                                   tmp_path: Path) -> None:
    folder, expected = hostile
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(folder), str(HEADROOM)],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["imported"] == [str(folder / "7-good.gpx")]
    failed = {Path(label).name: reason for label, reason in result["failed"].items()}
    assert sorted(failed) == sorted(expected)
    for name, reason in expected.items():
        assert failed[name].startswith(reason), (name, failed[name])


def test_a_file_over_its_seconds_is_refused() -> None:
    from activity_files import fit_bytes, tcx_bytes

    for reader, data in ((read_gpx, gpx_bytes(points=3000)), (read_tcx, tcx_bytes()), (read_fit, fit_bytes())):
        assert reader(data, budget=Budget())  # within the default budget
        with pytest.raises(Unreadable, match=r"^too slow to read: over 0 s$"):
            reader(data, budget=Budget(max_seconds=0))


def test_points_are_counted_by_every_reader() -> None:
    from activity_files import fit_bytes, tcx_bytes

    for reader, data in ((read_gpx, gpx_bytes(points=61)), (read_tcx, tcx_bytes()), (read_fit, fit_bytes(records=31))):
        assert reader(data, budget=Budget(max_points=100))
        with pytest.raises(Unreadable, match="too large: over 10 points"):
            reader(data, budget=Budget(max_points=10))


def test_the_limits_are_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for figure in (megabytes(MAX_FILE_BYTES), f"{MAX_POINTS:,} points", f"{MAX_SECONDS:g} s",
                   megabytes(MAX_LIST_BYTES)):
        assert figure in readme, figure


def _with_doctype(doctype: str, name: str) -> bytes:
    head, body = gpx_bytes(name="PLACEHOLDER").split(b"?>", 1)
    return head + b"?>\n" + doctype.encode() + body.replace(b"PLACEHOLDER", name.encode())


def test_entities_are_never_expanded_nor_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the coach's password")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = _with_doctype(f'<!DOCTYPE gpx [<!ENTITY l0 "lol">{laughs}]>', "Run &l9;")
    external = _with_doctype(f'<!DOCTYPE gpx [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "Run &x;")
    with pytest.raises(Unreadable, match="corrupt.*amplification"):
        read_gpx(bomb)
    [run] = read_gpx(external)
    assert run.title.startswith("Run") and "password" not in run.title


def test_a_strava_list_of_too_many_activities_is_refused_by_name(tmp_path: Path) -> None:
    from activity_files import strava_export, strava_row

    import hipknee
    from hipknee.importers import import_paths
    from hipknee.importers.limits import MAX_LIST_ACTIVITIES

    row = strava_row(1, START, "Run", "Easy", "", 5.0, 1800, 1800)
    (tmp_path / "export.zip").write_bytes(strava_export([row] * (MAX_LIST_ACTIVITIES + 1), {}))
    (tmp_path / "good.gpx").write_bytes(gpx_bytes())
    with hipknee.Store.open(tmp_path / "data") as store:
        summary = import_paths(store, [tmp_path / "export.zip", tmp_path / "good.gpx"], "Ana", progress=False)
    assert [(str(e.path), e.reason) for e in summary.failed] == [
        (f"{tmp_path / 'export.zip'}:activities.csv", too_large(f"{MAX_LIST_ACTIVITIES:,} activities"))]
    assert [r.label for r in summary.imported] == [str(tmp_path / "good.gpx")]
