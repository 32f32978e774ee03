"""How fast hipknee is on a coach's store: one command, one table of figures.

    python -m benchmarks.run            # 100 runners x 5 seasons (first run builds the store)
    python -m benchmarks.run --quick    # 10 runners x 1 season, fewer repeats, under a minute

Prints the machine, then per figure: the value measured, its target, the baseline measured in the
same run and the ratio to it. The generated store is cached in benchmarks/results/ (git-ignored),
keyed by its size, seed and the generator's source, so later runs skip generating it. Saves go to
a scratch copy, never to the cached store. ``--profile`` prints a cProfile of every figure that
misses its target; ``--markdown`` prints the table as Markdown too.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy  # noqa: E402

import hipknee  # noqa: E402
from benchmarks import baseline  # noqa: E402
from hipknee import coach_store  # noqa: E402
from hipknee.catalogue import PROGRAMME  # noqa: E402
from hipknee.schema import SCHEMA_VERSION  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
MB = 1024 * 1024


@dataclass(frozen=True)
class Mode:
    """What one run measures, and how often."""

    name: str
    runners: int
    seasons: int
    save_repeats: int
    import_repeats: int
    analysis_repeats: int
    baseline_runners: int | None  # None: the baseline runs on every runner
    overview_runners: int


QUICK = Mode("quick", runners=10, seasons=1, save_repeats=40, import_repeats=2, analysis_repeats=3,
             baseline_runners=None, overview_runners=10)
FULL = Mode("full", runners=100, seasons=5, save_repeats=200, import_repeats=5, analysis_repeats=5,
            baseline_runners=None, overview_runners=30)


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    value: float  # s unless ``unit`` says otherwise
    unit: str = "s"
    target: float | None = None  # the value must stay below it
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value < self.target

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.value <= 0:
            return None
        return self.baseline / self.value


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "x":
        return f"{value:,.0f}x"
    return f"{value:,.0f} {unit}".strip()


# -- the machine -------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS and the versions that matter for these figures."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        ram_text = f"{ram:.1f} GB"
    except (ValueError, OSError, AttributeError):
        ram_text = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram_text,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "hipknee": hipknee.__version__,
    }


# -- the coach store, cached ---------------------------------------------------------------------
def cached_store(runners: int, seasons: int, seed: int = 1) -> Path:
    """The data folder of a generated coach store, built on first use and reused after."""
    source = Path(coach_store.__file__).read_bytes() + str(SCHEMA_VERSION).encode()
    key = hashlib.sha1(source).hexdigest()[:10]
    folder = RESULTS / f"coach-{runners}r-{seasons}s-seed{seed}-{key}"
    done = folder / "complete"
    if done.exists():
        return folder
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    with hipknee.Store.open(building) as store:
        size = coach_store.make_coach_store(store, runners=runners, seasons=seasons, seed=seed, progress=True)
    _checkpoint(building / "hipknee.db")
    building.rename(folder)
    took = time.perf_counter() - started
    done.write_text(json.dumps({**asdict(size), "seconds": round(took, 1)}))
    print(f"generated {size} in {took:.1f} s -> {folder.relative_to(REPO)}", file=sys.stderr)
    return folder


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the database file so that a plain file copy is the whole store."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def scratch_copy(folder: Path) -> Path:
    """A private copy of a cached store to write into."""
    scratch = RESULTS / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    shutil.copyfile(folder / "hipknee.db", scratch / "hipknee.db")
    return scratch


def store_size(folder: Path) -> dict[str, int]:
    return json.loads((folder / "complete").read_text())


# -- timing helpers ------------------------------------------------------------------------------
def timings(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak memory allocated while ``fn`` runs (tracemalloc: Python objects and numpy buffers)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def profile_text(fn: Callable[[], Any], lines: int = 18) -> str:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


# -- figures -------------------------------------------------------------------------------------
def programme_sets(store: hipknee.Store, athlete: str, when: str) -> list[dict[str, Any]]:
    """The starter programme at its prescribed doses, as the session form pre-fills it."""
    catalogue = store.exercises().set_index("name")
    sets = []
    for name in PROGRAMME:
        ex = catalogue.loc[name]
        sides = ("left", "right") if ex["per_side"] else ("both",)
        for _ in range(1 if pd.isna(ex["dose_sets"]) else int(ex["dose_sets"])):
            for side in sides:
                row: dict[str, Any] = dict(when=when, athlete=athlete, exercise=name, side=side)
                if ex["measure"] == "reps":
                    row["reps"] = int(ex["dose_reps"])
                elif ex["measure"] == "time":
                    row["duration_s"] = float(ex["dose_seconds"])
                else:
                    row["reps"] = int(ex["dose_reps"])
                    row["hold_s"] = float(ex["dose_seconds"])
                sets.append(row)
    return sets


def bench_save(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    """Saving one logged session into the (copied) coach store, as the form does it."""
    scratch = scratch_copy(folder)
    figures = []
    with hipknee.Store.open(scratch) as store:
        athlete = store.athlete_names()[0]
        sets = programme_sets(store, athlete, "2025-12-28T18:00")
        fsync = _bare_commits(scratch / "hipknee.db", mode.save_repeats)
        times = timings(lambda: store.add_session(sets), mode.save_repeats, warmup=3)
        figures.append(Figure(
            f"save a session: store.add_session, {len(sets)} sets, median", statistics.median(times),
            target=0.020, baseline=statistics.median(fsync), baseline_name="bare SQLite commit (fsync floor)",
            note=f"p95 {p95(times) * 1000:.1f} ms; {mode.save_repeats} saves into the {mode.runners}-runner store",
            extra={"p95": p95(times), "fsync_median": statistics.median(fsync), "fsync_p95": p95(fsync)},
        ))
        figures.append(Figure("save a session: p95", p95(times), baseline=p95(fsync),
                              baseline_name="bare SQLite commit p95"))
        form_cls = _session_form()
        if form_cls is not None:
            form = form_cls(store)
            form.athlete.value = athlete

            def click_save() -> None:
                if not form.save():
                    raise RuntimeError(f"the session form did not save: {form.message.value}")

            form_times = timings(click_save, mode.save_repeats, warmup=3)
            figures.append(Figure(
                f"save a session: SessionForm.save, {len(form.rows)} sets, median", statistics.median(form_times),
                target=0.020, baseline=statistics.median(fsync), baseline_name="bare SQLite commit (fsync floor)",
                note=f"p95 {p95(form_times) * 1000:.1f} ms; validation, one transaction, the form cleared for the next",
                extra={"p95": p95(form_times)},
            ))
            if profile and statistics.median(form_times) >= 0.020:
                print("\n-- profile: SessionForm.save --\n" + profile_text(click_save))
        elif profile and statistics.median(times) >= 0.020:
            print("\n-- profile: store.add_session --\n" + profile_text(lambda: store.add_session(sets)))
    return figures


def _bare_commits(db: Path, repeats: int) -> list[float]:
    """One-row transactions straight through sqlite3 with the store's pragmas: the disk's floor."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")

        def commit() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO hipknee_meta (key, value) VALUES ('benchmark', ?)",
                         (str(time.time()),))
            conn.execute("COMMIT")

        times = timings(commit, repeats, warmup=3)
        conn.execute("DELETE FROM hipknee_meta WHERE key = 'benchmark'")
        return times
    finally:
        conn.close()


def _session_form() -> Any:
    try:
        return hipknee.SessionForm
    except (AttributeError, ImportError):
        return None


_STARTUP = """
import json, sys, time
t0 = time.perf_counter()
import hipknee
t1 = time.perf_counter()
store = hipknee.open_store(sys.argv[1])
form = hipknee.SessionForm(store)
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "form": t2 - t1, "rows": len(form.rows)}))
"""


def bench_startup(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    """``import hipknee`` and the logging form built, each in a fresh interpreter."""
    if _session_form() is None:
        return [Figure("import hipknee + SessionForm built", float("nan"), note="SessionForm not available")]
    scratch = RESULTS / "scratch"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    bare = timings(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True, env=env),
                   mode.import_repeats)
    walls, inner = [], []
    for _ in range(mode.import_repeats + 1):  # the first warms the disk cache and bytecode
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _STARTUP, str(scratch)], check=True, env=env,
                             capture_output=True, text=True, cwd=REPO)
        walls.append(time.perf_counter() - started)
        inner.append(json.loads(out.stdout.strip().splitlines()[-1]))
    walls, inner = walls[1:], inner[1:]
    imp = statistics.median(i["import"] for i in inner)
    form = statistics.median(i["form"] for i in inner)
    figures = [
        Figure("import hipknee + SessionForm built (fresh process, wall)", statistics.median(walls), target=2.0,
               baseline=statistics.median(bare), baseline_name="python -c pass",
               note=f"import hipknee {imp * 1000:.0f} ms, open store + build form {form * 1000:.0f} ms"),
        Figure("import hipknee", imp),
    ]
    if profile and statistics.median(walls) >= 2.0:
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", _STARTUP, str(scratch)],
                             capture_output=True, text=True, cwd=REPO)
        slow = sorted((line for line in out.stderr.splitlines() if "|" in line and "imported" not in line),
                      key=lambda line: -int(line.split("|")[1]))
        print("\n-- profile: slowest imports (cumulative us) --\n" + "\n".join(slow[:20]))
    return figures


def read_frames(store: hipknee.Store) -> dict[str, pd.DataFrame]:
    """Every frame the season analyses use, read once from the store."""
    return {
        "athletes": store.athletes(),
        "sets": store.sets(),
        "tests": store.tests(),
        "runs": store.runs(),
        "pain": store.pain(),
    }


def bench_read(folder: Path, mode: Mode, profile: bool) -> tuple[list[Figure], dict[str, pd.DataFrame]]:
    with hipknee.Store.open(folder) as store:
        figures = []
        frames: dict[str, pd.DataFrame] = {}
        total = 0.0
        for kind, reader in (("athletes", store.athletes), ("sets", store.sets), ("tests", store.tests),
                             ("runs", store.runs), ("pain", store.pain)):
            started = time.perf_counter()
            frames[kind] = reader()
            took = time.perf_counter() - started
            total += took
            if kind in ("sets", "runs", "pain"):
                figures.append(Figure(f"read {kind} from SQLite ({len(frames[kind]):,} rows)", took))
        size = sum(f.memory_usage(deep=True).sum() for f in frames.values()) / MB
        figures.append(Figure("read every frame from SQLite", total, note=f"frames hold {size:,.0f} MB"))
        if profile:
            print("\n-- profile: store.sets() --\n" + profile_text(store.sets))
    return figures, frames


def analyses() -> dict[str, Callable[[dict[str, pd.DataFrame]], Any]]:
    """The season analyses, by figure name, as functions of the frames."""
    from hipknee.lsi import weekly_lsi
    from hipknee.pain_monitoring import pain_flags, weekly_status
    from hipknee.pain_trend import daily_pain, pain_change
    from hipknee.weekly_load import acwr, weekly_load

    out: dict[str, Callable[[dict[str, pd.DataFrame]], Any]] = {
        "LSI (weekly_lsi)": lambda f: weekly_lsi(f["sets"], f["athletes"]),
        "pain trend (daily_pain)": lambda f: daily_pain(f["pain"]),
        "pain change (pain_change)": lambda f: pain_change(f["pain"]),
        "pain flags (pain_flags)": lambda f: pain_flags(f["pain"]),
        "pain status (weekly_status)": lambda f: weekly_status(f["pain"]),
        "weekly load (weekly_load)": lambda f: weekly_load(f["runs"]),
        "ACWR (acwr)": lambda f: acwr(f["runs"]),
    }
    summary = _summary()
    if summary is not None:
        out["season summary (summarise_all)"] = summary
    return out


def _summary() -> Callable[[dict[str, pd.DataFrame]], Any] | None:
    try:
        from hipknee.season_summary import summarise_all
    except ImportError:
        return None
    return lambda f: summarise_all(f)


def bench_analyses(frames: dict[str, pd.DataFrame], mode: Mode, profile: bool) -> list[Figure]:
    """Each season analysis over the whole store's frames; the same numbers row by row."""
    fast = analyses()
    figures = []
    results = {}
    total = 0.0
    for name, fn in fast.items():
        times = timings(lambda: fn(frames), mode.analysis_repeats)
        results[name] = fn(frames)
        total += statistics.median(times)
        figures.append(Figure(name, statistics.median(times), target=1.0))
        if profile and statistics.median(times) >= 1.0:
            print(f"\n-- profile: {name} --\n" + profile_text(lambda: fn(frames)))
    peak = peak_mb(lambda: [fn(frames) for fn in fast.values()])

    subset, share = _baseline_frames(frames, mode.baseline_runners)
    started = time.perf_counter()
    slow = baseline.all_analyses(subset)
    slow_time = time.perf_counter() - started
    fast_sub = {name: fn(subset) for name, fn in fast.items()} if share < 1 else results
    problems = baseline.compare(fast_sub, slow)
    if problems:
        raise SystemExit("the row-by-row baseline disagrees with the analyses:\n" + "\n".join(problems))
    per_runner = "" if share == 1 else f" on {share:.0%} of the runners, scaled to all of them"
    figures.append(Figure(
        "every season analysis together", total, target=1.0,
        baseline=slow_time / share, baseline_name="row-by-row Python" + per_runner,
        note=f"peak memory {peak:,.0f} MB (target < 1,024 MB); baseline agrees on every number",
        extra={"peak_mb": peak, "baseline_share": share},
    ))
    figures.append(Figure("every season analysis: peak memory", peak, unit="MB", target=1024))
    return figures


def _baseline_frames(frames: dict[str, pd.DataFrame], runners: int | None) -> tuple[dict[str, pd.DataFrame], float]:
    names = list(frames["athletes"]["name"])
    if runners is None or runners >= len(names):
        return frames, 1.0
    keep = set(names[:runners])
    out = {"athletes": frames["athletes"][frames["athletes"]["name"].isin(keep)]}
    for kind in ("sets", "tests", "runs", "pain"):
        frame = frames[kind]
        out[kind] = frame[frame["athlete"].astype(object).isin(keep)]
    return out, runners / len(names)


def bench_reports(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    try:
        from hipknee.report import build_overview, build_report
    except ImportError:
        return [Figure("season report", float("nan"), note="hipknee.report not available yet")]
    figures = []
    with hipknee.Store.open(folder) as store:
        athlete = store.athlete_names()[0]
        times = timings(lambda: build_report(store, athlete), 1 if mode.name == "quick" else 3)
        figures.append(Figure(f"one runner's season report (build_report, {athlete})", statistics.median(times),
                              target=3.0))
        if profile and statistics.median(times) >= 3.0:
            print("\n-- profile: build_report --\n" + profile_text(lambda: build_report(store, athlete)))
    overview_folder = folder if mode.overview_runners == mode.runners else cached_store(mode.overview_runners, mode.seasons)
    with hipknee.Store.open(overview_folder) as store:
        n = len(store.athlete_names())
        times = timings(lambda: build_overview(store), 1, warmup=0)
        figures.append(Figure(f"{n}-runner overview (build_overview)", statistics.median(times), target=20.0))
        if profile and statistics.median(times) >= 20.0:
            print("\n-- profile: build_overview --\n" + profile_text(lambda: build_overview(store)))
    return figures


# -- output --------------------------------------------------------------------------------------
def table(figures: list[Figure]) -> list[list[str]]:
    rows = [["figure", "value", "target", "ok", "baseline", "ratio"]]
    for f in figures:
        ok = {True: "yes", False: "NO", None: ""}[f.met]
        if f.value != f.value:  # NaN: not measured
            rows.append([f.name, "-", "", "", "", f.note])
            continue
        rows.append([
            f.name,
            _fmt(f.value, f.unit),
            "" if f.target is None else "< " + _fmt(f.target, f.unit),
            ok,
            "" if f.baseline is None else f"{_fmt(f.baseline, f.unit)} {f.baseline_name}",
            "" if f.ratio is None else f"{f.ratio:,.1f}x",
        ])
    return rows


def print_table(rows: list[list[str]], markdown: bool = False) -> None:
    if markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            print("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 runners x 1 season, fewer repeats (under a minute)")
    parser.add_argument("--runners", type=int, help="runners in the coach store (default 100, quick 10)")
    parser.add_argument("--seasons", type=int, help="seasons of 52 weeks (default 5, quick 1)")
    parser.add_argument("--baseline-runners", type=int,
                        help="run the row-by-row baseline on the first N runners only (ratio scaled per runner)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of every figure that misses its target")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown too")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    if args.runners or args.seasons or args.baseline_runners:
        mode = Mode(mode.name, args.runners or mode.runners, args.seasons or mode.seasons, mode.save_repeats,
                    mode.import_repeats, mode.analysis_repeats, args.baseline_runners or mode.baseline_runners,
                    min(mode.overview_runners, args.runners or mode.runners))
    started = time.perf_counter()
    info = machine()
    print(f"hipknee benchmarks ({mode.name}), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}")
    print(f"versions: Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}, "
          f"SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}")
    folder = cached_store(mode.runners, mode.seasons)
    size = store_size(folder)
    print(f"coach store: {mode.runners} runners x {mode.seasons} seasons of 52 weeks: {size['sets']:,} sets, "
          f"{size['runs']:,} runs, {size['pain']:,} pain entries, {size['tests']:,} tests "
          f"(generated in {size['seconds']} s, cached in {folder.relative_to(REPO)})")
    sys.stdout.flush()
    figures: list[Figure] = []
    figures += bench_save(folder, mode, args.profile)
    figures += bench_startup(folder, mode, args.profile)
    read, frames = bench_read(folder, mode, args.profile)
    figures += read
    figures += bench_analyses(frames, mode, args.profile)
    del frames
    figures += bench_reports(folder, mode, args.profile)
    print()
    rows = table(figures)
    print_table(rows)
    if args.markdown:
        print()
        print_table(rows, markdown=True)
    for f in figures:
        if f.note and f.value == f.value:
            print(f"  {f.name}: {f.note}")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole run: {time.perf_counter() - started:.0f} s, peak RSS {peak_rss:,.0f} MB")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"latest-{mode.name}.json").write_text(json.dumps(
        {"machine": info, "mode": asdict(mode), "store": size,
         "figures": [{**asdict(f), "met": f.met, "ratio": f.ratio} for f in figures]}, indent=2, default=str))
    missed = [f.name for f in figures if f.met is False]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
