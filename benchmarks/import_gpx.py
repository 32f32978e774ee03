"""How fast runs are imported: 500 generated GPX files, read and saved by ``hipknee import``'s code.

    python benchmarks/import_gpx.py                       # 500 files of a 45 min run, a point every 5 s
    python benchmarks/import_gpx.py --files 100 --points 200
    python benchmarks/import_gpx.py --runpandas-python other-env/bin/python --repeat 3

Each phase runs in its own process over the same files, so its peak memory (ru_maxrss, growth
over the process after its imports) is its own:

- ``import``: hipknee's full import into a fresh store (parse, dedupe, one transaction per file);
- ``reimport``: the same folder imported a second time into that store, beside the first import in
  the same process (target: at least 10x faster, as each known file is only read and hashed);
- ``parse``: hipknee's GPX reader alone, the like-for-like figure against runpandas and gpxpy;
- ``gpxpy``: ``gpxpy.parse`` with the track's length and moving time, the reader hipknee used before;
- ``runpandas``: ``runpandas.read_file`` on every file, when runpandas is installed (optional, not a
  dependency; measured when present, with ``--runpandas-python`` pointing at another environment's
  Python if runpandas does not work with this one's pandas).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START = datetime(2024, 1, 1, 7, 0, tzinfo=UTC)


def write_files(folder: Path, files: int, points: int) -> int:
    """``files`` GPX runs, one a day, due north at 5 s a point with heart rate; returns total bytes."""
    from xml.etree import ElementTree as ET

    import gpxpy.geo
    import gpxpy.gpx

    ns = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    step_deg = 3.0 * 5 / gpxpy.geo.ONE_DEGREE  # 3 m/s, 5 s apart
    total = 0
    for n in range(files):
        gpx = gpxpy.gpx.GPX()
        gpx.nsmap["gpxtpx"] = ns
        track = gpxpy.gpx.GPXTrack(name=f"Run {n}")
        track.type = "running"
        segment = gpxpy.gpx.GPXTrackSegment()
        track.segments.append(segment)
        gpx.tracks.append(track)
        start = START + timedelta(days=n)
        for i in range(points):
            point = gpxpy.gpx.GPXTrackPoint(48.0 + i * step_deg, 11.0 + n * 1e-4, elevation=500.0 + i % 7,
                                            time=start + timedelta(seconds=5 * i))
            point.extensions.append(ET.fromstring(
                f'<gpxtpx:TrackPointExtension xmlns:gpxtpx="{ns}"><gpxtpx:hr>{140 + i % 20}</gpxtpx:hr>'
                "</gpxtpx:TrackPointExtension>"))
            segment.points.append(point)
        data = gpx.to_xml().encode()
        (folder / f"run-{n:04}.gpx").write_bytes(data)
        total += len(data)
    return total


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def phase(name: str, folder: Path) -> dict:
    """Run one phase in this process; returns seconds, files and peak memory growth."""
    paths = sorted(folder.glob("*.gpx"))
    if name == "import":
        import hipknee
        from hipknee.importers import import_paths

        with tempfile.TemporaryDirectory() as data:
            store = hipknee.Store.open(data)
            store.add(hipknee.Athlete(name="Bench"))
            base = _rss_mb()
            t0 = time.perf_counter()
            summary = import_paths(store, [folder], progress=False)
            seconds = time.perf_counter() - t0
            done = len(summary.imported)
            store.close()
    elif name == "reimport":
        import hipknee
        from hipknee.importers import import_paths

        with tempfile.TemporaryDirectory() as data:
            store = hipknee.Store.open(data)
            store.add(hipknee.Athlete(name="Bench"))
            t0 = time.perf_counter()
            first = len(import_paths(store, [folder], progress=False).imported)
            first_s = time.perf_counter() - t0
            base = _rss_mb()
            t0 = time.perf_counter()
            summary = import_paths(store, [folder], progress=False)
            seconds = time.perf_counter() - t0
            done = len(summary.duplicates)
            store.close()
        if done != first or summary.imported:
            return {"error": f"the re-import found {done} duplicates of {first} runs"}
        return {"files": done, "seconds": seconds, "peak_mb": _rss_mb() - base, "first_seconds": first_s}
    elif name == "gpxpy":
        import gpxpy

        base = _rss_mb()
        t0 = time.perf_counter()
        done = 0
        for p in paths:
            gpx = gpxpy.parse(p.read_text())
            done += sum(1 for t in gpx.tracks if t.length_2d() and t.get_moving_data() and t.get_time_bounds())
        seconds = time.perf_counter() - t0
    elif name == "parse":
        from hipknee.importers import read_gpx

        base = _rss_mb()
        t0 = time.perf_counter()
        done = sum(len(read_gpx(p.read_bytes())) for p in paths)
        seconds = time.perf_counter() - t0
    elif name == "runpandas":
        import warnings

        warnings.simplefilter("ignore")
        try:
            import runpandas
        except ImportError:
            return {"error": "runpandas is not installed"}
        base = _rss_mb()
        t0 = time.perf_counter()
        try:
            done = sum(1 for p in paths if runpandas.read_file(str(p)) is not None)
        except Exception as exc:  # noqa: BLE001 - report any failure of the optional comparison
            import pandas

            return {"error": f"runpandas {runpandas.__version__} cannot read the files with pandas "
                             f"{pandas.__version__}: {type(exc).__name__}: {exc}"}
        seconds = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown phase {name}")
    return {"files": done, "seconds": seconds, "peak_mb": _rss_mb() - base}


def _child(python: str, name: str, folder: Path) -> dict:
    cmd = [python, str(Path(__file__).resolve()), "--phase", name, "--dir", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def in_turns(pythons: dict[str, str], folder: Path, rounds: int) -> dict[str, list[dict]]:
    """Every round's result of each phase (name -> the Python to run it), the phases taken in
    turns, so a busy spell of the machine hits each alike."""
    results: dict[str, list[dict]] = {name: [] for name in pythons}
    for _ in range(max(rounds, 1)):
        for name, python in pythons.items():
            results[name].append(_child(python, name, folder))
    return results


def fastest(results: list[dict]) -> dict:
    """The round that took the least time (an error when every round failed)."""
    return min(results, key=lambda r: r.get("seconds", float("inf")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--points", type=int, default=541, help="track points per file (541: 45 min at 5 s)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the three phases; the fastest round of each is shown (default 1)")
    parser.add_argument("--runpandas-python", default=sys.executable, help="Python that has runpandas installed")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.dir)))
        return

    print(f"python {platform.python_version()} on {platform.platform()}, {platform.processor() or platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        size = write_files(folder, args.files, args.points)
        print(f"wrote {args.files} GPX files of {args.points} points ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        pythons = {"import": sys.executable, "reimport": sys.executable, "parse": sys.executable,
                   "gpxpy": sys.executable, "runpandas": args.runpandas_python}
        results = {name: fastest(rounds) for name, rounds in in_turns(pythons, folder, args.repeat).items()}
    print(f"{'phase':<11}{'files':>7}{'seconds':>10}{'files/s':>10}{'peak MB':>10}")
    for name, r in results.items():
        if "error" in r:
            print(f"{name:<11}  {r['error']}")
        else:
            print(f"{name:<11}{r['files']:>7}{r['seconds']:>10.2f}{r['files'] / r['seconds']:>10.1f}{r['peak_mb']:>10.1f}")
    again = results["reimport"]
    if "error" not in again:
        ratio = again["first_seconds"] / again["seconds"]
        print(f"re-import of {again['files']} known files: {again['seconds']:.2f} s beside {again['first_seconds']:.2f} s "
              f"for the first import in the same process: {ratio:.1f}x faster (target >= 10x: "
              f"{'met' if ratio >= 10 else 'NOT met'})")
    parse, gp = results["parse"], results["gpxpy"]
    if "error" not in parse and "error" not in gp:
        print(f"ratio parse / gpxpy: {gp['seconds'] / parse['seconds']:.1f}x the files per second")
    rp = results["runpandas"]
    if "error" not in rp:
        for name in ("parse", "import"):
            r = results[name]
            if "error" not in r:
                speed = (r["files"] / r["seconds"]) / (rp["files"] / rp["seconds"])
                print(f"ratio {name} / runpandas: {speed:.2f}x the files per second, "
                      f"{r['peak_mb'] / rp['peak_mb']:.2f}x the peak memory" if rp["peak_mb"] > 0 else "")
    else:
        print("no runpandas ratio (see above)")


if __name__ == "__main__":
    main()
