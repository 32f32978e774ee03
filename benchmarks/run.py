"""How fast hipknee is on a coach's store: one command, one table of figures.

    python -m benchmarks.run            # 100 runners x 5 seasons (first run builds the store)
    python -m benchmarks.run --quick    # 10 runners x 1 season, fewer repeats, under a minute

Prints the machine, then per figure: the value measured, its target, the baseline measured in the
same run and the ratio to it. The same store is also loaded into PostgreSQL (a club's server: a
throwaway local server kept in benchmarks/results/, or ``--postgresql-url``) to time saving a
session there beside SQLite, and reading the squad's frames as the owner and as a coach.
The generated store is cached in benchmarks/results/ (git-ignored),
keyed by its size, seed and the generator's source, so later runs skip generating it. The save
benchmark writes into the cached store's file and deletes its rows again afterwards. ``--profile`` prints a cProfile of every figure that
misses its target; ``--markdown`` prints the table as Markdown too.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pickle
import platform
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(REPO))

import numpy as np
import pandas as pd
import sqlalchemy

import hipknee
from benchmarks import baseline
from hipknee.frames import LOG_COLUMNS, LogFrames
from hipknee.records.catalogue import PROGRAMME
from hipknee.store.schema import SCHEMA_VERSION
from hipknee.synthetic import coach_seasons, coach_store

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


QUICK = Mode("quick", runners=4, seasons=1, save_repeats=40, import_repeats=2, analysis_repeats=3,
             baseline_runners=None, overview_runners=2)
FULL = Mode("full", runners=100, seasons=5, save_repeats=200, import_repeats=4, analysis_repeats=3,
            baseline_runners=20, overview_runners=30)


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    value: float  # s unless ``unit`` says otherwise
    unit: str = "s"
    cpu: float | None = None  # CPU time of this process (or child) for the same work, s
    target: float | None = None  # the value must stay below it
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""

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
def _generator_source() -> bytes:
    """What a cached coach store depends on: the generator's code and the schema version."""
    return b"".join(Path(m.__file__).read_bytes() for m in (coach_store, coach_seasons)) + str(SCHEMA_VERSION).encode()


def cached_store(runners: int, seasons: int, seed: int = 1) -> Path:
    """The data folder of a generated coach store, built on first use and reused after."""
    source = _generator_source()
    key = hashlib.sha1(source).hexdigest()[:10]
    folder = RESULTS / f"coach-{runners}r-{seasons}s-seed{seed}-{key}"
    done = folder / "complete"
    if done.exists():
        return folder
    building = folder.with_name(folder.name + ".building")
    # Stores of the same size from an older generator (and their backups) are out of date.
    for old in RESULTS.glob(f"coach-{runners}r-{seasons}s-seed{seed}-*"):
        shutil.rmtree(old, ignore_errors=True)
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


def store_size(folder: Path) -> dict[str, int]:
    return json.loads((folder / "complete").read_text())


# -- timing helpers ------------------------------------------------------------------------------
class Times(list):
    """Wall-clock times (s) of repeated calls, with the CPU time of each in ``cpu``."""

    cpu: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def timings(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> Times:
    for _ in range(warmup):
        fn()
    out = Times()
    out.cpu = []
    for _ in range(repeats):
        cpu = time.process_time()
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
        out.cpu.append(time.process_time() - cpu)
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
BENCH_NOTE = "benchmark save"  # marks the sets the save benchmark writes, so they can be taken out


def programme_sets(store: hipknee.Store, athlete: str, when: str) -> list[dict[str, Any]]:
    """The starter programme at its prescribed doses, as the session form pre-fills it."""
    catalogue = store.exercises().set_index("name")
    sets = []
    for name in PROGRAMME:
        ex = catalogue.loc[name]
        sides = ("left", "right") if ex["per_side"] else ("both",)
        for _ in range(1 if pd.isna(ex["dose_sets"]) else int(ex["dose_sets"])):
            for side in sides:
                row: dict[str, Any] = {"when": when, "athlete": athlete, "exercise": name, "side": side,
                                       "note": BENCH_NOTE}
                if ex["measure"] == "reps":
                    row["reps"] = int(ex["dose_reps"])
                elif ex["measure"] == "time":
                    row["duration_s"] = float(ex["dose_seconds"])
                else:
                    row["reps"] = int(ex["dose_reps"])
                    row["hold_s"] = float(ex["dose_seconds"])
                sets.append(row)
    return sets


def _take_out_benchmark_saves(db: Path) -> None:
    """Delete what the save benchmark wrote, so the cached store keeps its generated rows only."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DELETE FROM strength_sets WHERE note = ?", (BENCH_NOTE,))
        conn.execute("DELETE FROM hipknee_meta WHERE key = 'benchmark'")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def bench_save(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    """Saving one logged session into the coach store's file (SQLite WAL, synchronous=FULL), as the
    form does it; the rows written are deleted again afterwards."""
    db = folder / "hipknee.db"
    _take_out_benchmark_saves(db)
    figures = []
    try:
        with hipknee.Store.open(folder) as store:
            athlete = store.athlete_names()[0]
            figures += bench_carry_over(store, athlete, mode)
            sets = programme_sets(store, athlete, "2025-12-28T18:00")
            # Taken in turns, so that both see the same disk (other processes' I/O comes and goes).
            fsync, times = interleaved([_bare_commit(db), lambda: store.add_session(sets)], mode.save_repeats)
            figures.append(Figure(
                f"save a session: store.add_session ({len(sets)} sets), median", times.median, cpu=times.cpu_median,
                target=0.020, baseline=fsync.median, baseline_name="bare SQLite commit",
                note=f"p95 {p95(times) * 1000:.1f} ms over {mode.save_repeats} saves into the "
                     f"{mode.runners}-runner store; bare one-row SQLite commit (the fsync floor) "
                     f"median {fsync.median * 1000:.1f} ms, p95 {p95(fsync) * 1000:.1f} ms",
            ))
            figures.append(Figure("save a session: store.add_session, p95", p95(times), target=None,
                                  baseline=p95(fsync), baseline_name="bare SQLite commit p95"))
            form_cls = _session_form()
            if form_cls is not None:
                form = form_cls(store)
                form.athlete.value = athlete

                def click_save() -> None:
                    form.note.value = BENCH_NOTE
                    if not form.save():
                        raise RuntimeError(f"the session form did not save: {form.message.value}")

                rows = len(form.rows)
                fsync2, form_times = interleaved([_bare_commit(db), click_save], mode.save_repeats)
                figures.append(Figure(
                    f"save a session: SessionForm.save ({rows} sets), median", form_times.median,
                    cpu=form_times.cpu_median, target=0.020, baseline=fsync2.median, baseline_name="bare SQLite commit",
                    note=f"p95 {p95(form_times) * 1000:.1f} ms; Save clicked: validation, one transaction, "
                         "the form reset for the next session",
                ))
                if profile and form_times.median >= 0.020:
                    print("\n-- profile: SessionForm.save --\n" + profile_text(click_save))
            if profile and times.median >= 0.020:
                print("\n-- profile: store.add_session --\n" + profile_text(lambda: store.add_session(sets)))
    finally:
        _take_out_benchmark_saves(db)
    return figures


def bench_carry_over(store: hipknee.Store, athlete: str, mode: Mode) -> list[Figure]:
    """What the session form carries over (load and band): one runner's latest session of each
    programme exercise and side, looked up backwards from the newest set, against reading all her
    sets and grouping them in pandas. Both must find the same sets."""

    def whole_log() -> pd.DataFrame:
        sets = store.read("set", athlete=athlete, columns=["id", "when", "exercise", "side", "load_kg", "band"])
        sets = sets[sets["exercise"].isin(PROGRAMME)]
        return sets[sets["when"] == sets.groupby(["exercise", "side"], observed=True)["when"].transform("max")]

    def latest() -> pd.DataFrame:
        return store.latest_sets(athlete, PROGRAMME)

    if sorted(whole_log()["id"]) != sorted(latest()["id"]):
        raise RuntimeError("store.latest_sets and the whole-log lookup found different sets")
    repeats = max(mode.save_repeats // 4, 5)
    read_all, lookup = interleaved([whole_log, latest], repeats)
    logged = store.count("set") // max(len(store.athlete_names()), 1)
    return [Figure(
        "carry-over lookup: store.latest_sets (programme), median", lookup.median, cpu=lookup.cpu_median,
        target=0.020, baseline=read_all.median, baseline_name="read the runner's sets, group",
        note=f"one runner of about {logged:,} sets; what SessionForm reads when a runner is picked",
    )]


def _bare_commit(db: Path) -> Callable[[], None]:
    """A one-row transaction straight through sqlite3, connection opened and closed as the store
    does, with the store's pragmas (WAL, synchronous=FULL): the disk's floor for a save."""

    def commit() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO hipknee_meta (key, value) VALUES ('benchmark', ?)",
                         (str(time.time()),))
            conn.execute("COMMIT")
        finally:
            conn.close()

    return commit


def interleaved(fns: list[Callable[[], Any]], repeats: int, warmup: int = 3) -> list[Times]:
    """Time each of ``fns`` ``repeats`` times, taking them in turns."""
    out = []
    for _ in fns:
        times = Times()
        times.cpu = []
        out.append(times)
    for n in range(warmup + repeats):
        for fn, times in zip(fns, out):
            cpu, started = time.process_time(), time.perf_counter()
            fn()
            if n >= warmup:
                times.append(time.perf_counter() - started)
                times.cpu.append(time.process_time() - cpu)
    return out


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
t2 = time.perf_counter()
form = hipknee.SessionForm(store)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "open": t2 - t1, "form": t3 - t2, "cpu": time.process_time(),
                  "ready": time.monotonic()}))
"""


def one_runner_store() -> Path:
    """The demo season (one runner, 16 weeks), cached: the store a runner logs into."""
    folder = RESULTS / "demo-season"
    if not (folder / "complete").exists():
        from hipknee.synthetic.demo import make_demo

        shutil.rmtree(folder, ignore_errors=True)
        with hipknee.Store.open(folder) as store:
            make_demo(store)
        (folder / "complete").write_text("demo season")
    return folder


def bench_startup(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    """``import hipknee`` and the logging form built, each in a fresh interpreter."""
    if _session_form() is None:
        return [Figure("import hipknee + SessionForm built", float("nan"), note="SessionForm not available")]
    env = {**os.environ}
    # The package's bytecode written first, as Python writes it on a first import: where
    # PYTHONDONTWRITEBYTECODE is set, every fresh process would otherwise compile hipknee again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "hipknee")], check=True, env=env,
                   capture_output=True)
    bare = timings(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True, env=env), mode.import_repeats)
    figures = []
    for label, where in (("a runner's store", one_runner_store()), (f"the {mode.runners}-runner store", folder)):
        walls, readies, inner = [], [], []
        for _ in range(mode.import_repeats + 1):  # the first warms the disk cache and bytecode
            started = time.perf_counter()
            launched = time.monotonic()  # the same clock as the child's (system-wide)
            out = subprocess.run([sys.executable, "-c", _STARTUP, str(where)], check=True, env=env,
                                 capture_output=True, text=True, cwd=REPO)
            walls.append(time.perf_counter() - started)
            inner.append(json.loads(out.stdout.strip().splitlines()[-1]))
            readies.append(inner[-1]["ready"] - launched)
        walls, readies, inner = walls[1:], readies[1:], inner[1:]
        part = {key: statistics.median(i[key] for i in inner) for key in ("import", "open", "form", "cpu")}
        wall = statistics.median(readies)
        # What a runner waits for: from the interpreter's launch until the form is built. The
        # process's exit after it (the interpreter freeing every module, about half a second) is
        # not waited for in a notebook, whose kernel lives on: it is in the note.
        figures.append(Figure(
            f"import hipknee + SessionForm on {label} (fresh process, launch to form built)", wall, cpu=part["cpu"],
            target=2.0, baseline=bare.median, baseline_name="python -c pass",
            note=f"import hipknee {part['import'] * 1000:.0f} ms, Store.open {part['open'] * 1000:.0f} ms, "
                 f"build the form {part['form'] * 1000:.0f} ms, the rest is the interpreter's start; the whole "
                 f"process, its exit included, took {statistics.median(walls):.2f} s",
        ))
        if profile and wall >= 2.0:
            out = subprocess.run([sys.executable, "-X", "importtime", "-c", _STARTUP, str(where)],
                                 capture_output=True, text=True, cwd=REPO, check=False)
            slow = sorted((line for line in out.stderr.splitlines() if line.count("|") == 2 and "cumulative" not in line),
                          key=lambda line: -int(line.split("|")[1]))
            print("\n-- profile: slowest imports (cumulative us) --\n" + "\n".join(slow[:15]))
            print("\n-- profile: Store.open --\n"
                  + profile_text(lambda where=where: hipknee.Store.open(where).close(), 12))
    return figures


def read_frames(store: hipknee.Store, columns: bool = True) -> dict[str, pd.DataFrame]:
    """Every frame the season analyses use, read once (only the columns they use, as
    :data:`hipknee.frames.LOG_COLUMNS` lists them, by default)."""
    frames = {"athletes": store.athletes()}
    for name, (kind, used) in LOG_COLUMNS.items():
        if name != "athletes":
            frames[name] = store.read(kind, columns=list(used) if columns else None)
    return frames


def _arrow_limit(db: Path) -> pd.DataFrame:
    """The raw limit of a read: every column of the sets table straight from ADBC into pandas."""
    import adbc_driver_sqlite.dbapi as adbc

    from hipknee.store.schema import TABLES

    with adbc.connect(str(db)) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLES['set'].name}")
        return cursor.fetch_arrow_table().to_pandas()


def bench_read(folder: Path, mode: Mode, profile: bool) -> tuple[list[Figure], dict[str, pd.DataFrame]]:
    """Reading the analyses' frames from SQLite (not part of the analyses' figures). Two reads run in
    processes of their own, so that their memory does not set this process's peak: the baseline
    (the same reads as Python rows through SQLAlchemy), and every column of the sets beside its raw
    limit (a frame of every column, uuids and notes as Python strings, is bigger than the
    analyses' frames together, and no view reads it)."""
    figures = []
    rows = _child_figures(folder, "--rows-baseline")
    whole = _child_figures(folder, "--every-column")
    figures.append(Figure("limit: ADBC fetch_arrow_table of every set column + to_pandas", whole["limit"],
                          cpu=whole["limit_cpu"]))
    figures.append(Figure(f"read every column of the sets ({whole['rows']:,} rows)", whole["sets"],
                          # Both targets at once: within 1.5x of the raw limit and 4x faster than rows.
                          cpu=whole["sets_cpu"], target=min(1.5 * whole["limit"], rows["sets"] / 4),
                          baseline=rows["sets"], baseline_name="rows (SQLAlchemy)",
                          note=f"{whole['sets'] / whole['limit']:.2f}x the raw Arrow limit (target: within 1.5x); "
                               f"{rows['sets'] / whole['sets']:.1f}x faster than rows (target 4x; the target column "
                               "is the stricter of the two); both in a process "
                               f"of their own, which peaked at {whole['peak_mb']:,.0f} MB RSS"))
    with hipknee.Store.open(folder) as store:
        frames: dict[str, pd.DataFrame] = {}

        def read_all() -> None:
            frames.clear()  # the last read's frames let go first: one read's memory at a time
            frames.update(read_frames(store))

        # The median of a few reads, as for the analyses: one read alone moved by a third between
        # runs on a busy machine. The file is in the page cache already (the row baseline read it).
        total = timings(read_all, mode.analysis_repeats, warmup=0)
        size = sum(f.memory_usage(deep=True).sum() for f in frames.values()) / MB
        figures.append(Figure(
            "read the analyses' columns of every frame", total.median, cpu=total.cpu_median,
            target=rows["frames"] / 4, baseline=rows["frames"], baseline_name="rows (SQLAlchemy)",
            note=f"{len(frames['sets']):,} sets, {len(frames['runs']):,} runs, {len(frames['pain']):,} pain entries; "
                 f"the frames hold {size:,.0f} MB; median of {mode.analysis_repeats} reads (each "
                 f"{', '.join(f'{t:.2f}' for t in total)} s); target: 4x faster than rows (which peaked at "
                 f"{rows['peak_mb']:,.0f} MB RSS in their own process)"))
        if profile:
            print("\n-- profile: store.read('set', columns=...) --\n"
                  + profile_text(lambda: store.read("set", columns=list(LOG_COLUMNS["sets"][1]))))
    return figures, frames


def _child_figures(folder: Path, which: str) -> dict[str, float]:
    """The figures of ``--rows-baseline``, ``--every-column`` or ``--analyses-peak``, from a fresh process."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", which, str(folder)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def _time_rows(folder: Path) -> dict[str, float]:
    with hipknee.Store.open(folder) as rows:
        rows._arrow = False  # the same reads as Python rows through SQLAlchemy, as before Arrow
        sets = timings(rows.sets, 1, warmup=0)
        frames = timings(lambda: read_frames(rows), 1, warmup=0)
    return {"sets": sets.median, "frames": frames.median,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _time_every_column(folder: Path) -> dict[str, float]:
    with hipknee.Store.open(folder) as store:
        limit = timings(lambda: _arrow_limit(folder / "hipknee.db"), 1, warmup=0)
        full = timings(store.sets, 1, warmup=0)
        count = store.count("set")
    return {"limit": limit.median, "limit_cpu": limit.cpu_median, "sets": full.median, "sets_cpu": full.cpu_median,
            "rows": count, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def analyses() -> dict[str, Callable[[dict[str, pd.DataFrame]], Any]]:
    """The season analyses, by figure name, as functions of the frames."""
    from hipknee.analyses.balance import weekly_lsi
    from hipknee.analyses.pain_monitoring import pain_flags, weekly_status
    from hipknee.analyses.pain_trend import daily_pain, pain_change
    from hipknee.analyses.running_load import acwr, weekly_load

    out: dict[str, Callable[[dict[str, pd.DataFrame]], Any]] = {
        "LSI (weekly_lsi)": lambda f: weekly_lsi(f["sets"], f["athletes"]),
        "pain trend (daily_pain)": lambda f: daily_pain(f["pain"]),
        "pain change (pain_change)": lambda f: pain_change(f["pain"]),
        "pain flags (pain_flags)": lambda f: pain_flags(f["pain"]),
        "pain status (weekly_status)": lambda f: weekly_status(f["pain"]),
        "weekly load (weekly_load)": lambda f: weekly_load(f["runs"]),
        "ACWR (acwr)": lambda f: acwr(f["runs"]),
    }
    try:
        from hipknee.analyses.season import summarise_all
    except ImportError:
        return out
    out["season summary (summarise_all)"] = lambda f: summarise_all(LogFrames.from_tables(f))
    return out


def bench_analyses(folder: Path, frames: dict[str, pd.DataFrame], mode: Mode, profile: bool) -> list[Figure]:
    """Each season analysis over the whole store's frames, and the same row by row (the baseline):
    on the first ``mode.baseline_runners`` runners, its time scaled per runner, when set. Their peak
    memory is measured in a process of its own: tracemalloc's record of every allocation would
    otherwise add to this process's peak."""
    fast = analyses()
    subset, share = _baseline_frames(frames, mode.baseline_runners)
    label = "row by row" if share == 1 else f"row by row, {len(subset['athletes'])} runners x {1 / share:g}"
    rows = _row_by_row(subset, list(fast))
    slow: dict[str, Any] = rows["results"]
    figures = []
    results = {}
    wall = cpu = slow_wall = slow_cpu = 0.0
    for name, fn in fast.items():
        times = timings(lambda fn=fn: fn(frames), mode.analysis_repeats)
        results[name] = fn(frames)
        took, took_cpu = (t / share for t in rows["times"][name])
        wall, cpu, slow_wall, slow_cpu = wall + times.median, cpu + times.cpu_median, slow_wall + took, slow_cpu + took_cpu
        figures.append(Figure(name, times.median, cpu=times.cpu_median, target=1.0, baseline=took, baseline_name=label))
        if profile and times.median >= 1.0:
            print(f"\n-- profile: {name} --\n" + profile_text(lambda fn=fn: fn(frames)))
    peak = _child_figures(folder, "--analyses-peak")
    fast_sub = results if share == 1 else {name: fn(subset) for name, fn in fast.items()}
    problems = baseline.compare(fast_sub, slow)
    if problems:
        raise SystemExit("the row-by-row baseline disagrees with the analyses:\n" + "\n".join(problems))
    figures.append(Figure(
        "every season analysis, one after the other", wall, cpu=cpu, target=1.0,
        baseline=slow_wall, baseline_name=label,
        note=f"ratio of CPU times {slow_cpu / cpu:,.1f}x"
             + ("" if share == 1 else f"; the baseline ran on the first {len(subset['athletes'])} runners and its "
                                      f"times are scaled x {1 / share:g} (per runner)")
             + "; both give the same numbers (every row and column compared)",
    ))
    figures.append(Figure("every season analysis: peak memory (tracemalloc)", peak["traced_mb"], unit="MB",
                          target=1024, note=f"every analysis's result held at once, measured in a process of its own "
                                            f"(which peaked at {peak['peak_mb']:,.0f} MB RSS)"))
    return figures


def _analyses_peak(folder: Path) -> dict[str, float]:
    with hipknee.Store.open(folder) as store:
        frames = read_frames(store)
    traced = peak_mb(lambda: [fn(frames) for fn in analyses().values()])
    return {"traced_mb": traced, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _row_by_row(subset: dict[str, pd.DataFrame], names: list[str]) -> dict[str, Any]:
    """The baseline's results and (wall, CPU) times of each analysis on ``subset``, run in a process
    of its own: its Python rows would otherwise set this process's peak memory."""
    with tempfile.TemporaryDirectory(prefix="hipknee-bench-") as tmp:
        given, taken = Path(tmp) / "frames.pickle", Path(tmp) / "results.pickle"
        given.write_bytes(pickle.dumps((subset, names)))
        subprocess.run([sys.executable, "-m", "benchmarks.run", "--row-by-row", str(given), str(taken)],
                       cwd=REPO, check=True)
        return pickle.loads(taken.read_bytes())


def _time_row_by_row(given: Path, taken: Path) -> None:
    subset, names = pickle.loads(given.read_bytes())
    out: dict[str, Any] = {"results": {}, "times": {}}
    for name in names:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        out["results"].update(baseline.all_analyses(subset, [name]))
        out["times"][name] = (time.perf_counter() - wall0, time.process_time() - cpu0)
    taken.write_bytes(pickle.dumps(out))


def _baseline_frames(frames: dict[str, pd.DataFrame], runners: int | None) -> tuple[dict[str, pd.DataFrame], float]:
    names = list(frames["athletes"]["name"])
    if runners is None or runners >= len(names):
        return frames, 1.0
    keep = set(names[:runners])
    out = {"athletes": frames["athletes"][frames["athletes"]["name"].isin(keep)].reset_index(drop=True)}
    for kind in ("sets", "tests", "runs", "pain"):
        frame = frames[kind]
        part = frame[frame["athlete"].astype(object).isin(keep)].reset_index(drop=True)
        part["athlete"] = part["athlete"].astype(object).astype("category")
        out[kind] = part
    return out, runners / len(names)


def bench_reports(folder: Path, mode: Mode, profile: bool) -> list[Figure]:
    """One runner's report from the whole coach store, and the squad overview of 30 runners."""
    try:
        from hipknee.views.report import build_overview, build_report
        from hipknee.views.report.pool import default_workers
    except ImportError:
        return [Figure("season report", float("nan"), note="hipknee.report not available")]
    figures = []
    with hipknee.Store.open(folder) as store:
        athlete = store.athlete_names()[0]
        times = timings(lambda: build_report(store, athlete), 1, warmup=0)
        figures.append(Figure(f"one runner's season report (build_report) from the {mode.runners}-runner store",
                              times.median, cpu=times.cpu_median, target=3.0))
        if profile and times.median >= 3.0:
            print("\n-- profile: build_report --\n" + profile_text(lambda: build_report(store, athlete), 30))
    squad = folder if mode.overview_runners == mode.runners else cached_store(mode.overview_runners, mode.seasons)
    with hipknee.Store.open(squad) as store:
        n = len(store.athlete_names())
        workers = default_workers(n)
        one = timings(lambda: build_overview(store, progress=False, workers=1), 1, warmup=0)
        times = timings(lambda: build_overview(store, progress=False, workers=workers), 1, warmup=0)
        figures.append(Figure(f"{n}-runner overview (build_overview), {mode.seasons} season(s) each", times.median,
                              cpu=times.cpu_median, target=20.0, baseline=one.median,
                              baseline_name="drawn in one process",
                              note=f"{workers} worker process(es), one per core; the CPU column is this process's"))
        if profile and times.median >= 20.0:
            print("\n-- profile: build_overview --\n" + profile_text(lambda: build_overview(store, progress=False), 30))
    return figures


# -- watch files ---------------------------------------------------------------------------------
def bench_imports(mode: Mode, runpandas_python: str | None) -> list[Figure]:
    """GPX files imported (``benchmarks/import_gpx.py``, each phase in a fresh process): the parser
    beside gpxpy and runpandas, and a second import of the same folder beside the first. hipknee's
    parser and runpandas run in turns, ``mode.import_repeats`` rounds, each shown by its fastest
    round: one round alone moved by half between runs on a busy machine, and turns let a busy spell
    hit each alike."""
    from benchmarks import import_gpx

    files = 50 if mode.name == "quick" else 500
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        import_gpx.write_files(folder, files, 541)
        # gpxpy once: it is only a note beside the figure, and takes several times as long.
        got = {name: import_gpx._child(sys.executable, name, folder) for name in ("import", "reimport", "gpxpy")}
        rounds = import_gpx.in_turns({"parse": sys.executable, "runpandas": runpandas_python or sys.executable},
                                     folder, mode.import_repeats)
        got.update({name: import_gpx.fastest(results) for name, results in rounds.items()})
    for name, result in got.items():
        if "error" in result and name != "runpandas":
            raise SystemExit(f"import benchmark, {name}: {result['error']}")
    spread = {name: ", ".join(f"{r['seconds']:.2f}" for r in results if "seconds" in r) for name, results in rounds.items()}
    parse, gpxpy, again, rp = got["parse"], got["gpxpy"], got["reimport"], got["runpandas"]
    figures = []
    if "error" in rp:
        figures.append(Figure(f"GPX: parse {files} files (hipknee's reader)", parse["seconds"], baseline=gpxpy["seconds"],
                              baseline_name="gpxpy",
                              note=f"no runpandas figure ({rp['error']}; `make bench BENCH=--runpandas-python=PATH` "
                                   "points at an environment with it); target: 2x runpandas; "
                                   f"fastest of {mode.import_repeats} rounds ({spread['parse']} s)"))
    else:
        figures.append(Figure(f"GPX: parse {files} files (hipknee's reader)", parse["seconds"],
                              target=rp["seconds"] / 2, baseline=rp["seconds"], baseline_name="runpandas.read_file",
                              note=f"{gpxpy['seconds'] / parse['seconds']:.1f}x gpxpy ({gpxpy['seconds']:.2f} s); "
                                   f"files of 541 points (45 min at 5 s), each phase in a fresh process; the fastest "
                                   f"of {mode.import_repeats} rounds in turns (hipknee {spread['parse']} s, runpandas "
                                   f"{spread['runpandas']} s)"))
    figures.append(Figure(f"GPX: import {files} files into a store (parse, check, save)", got["import"]["seconds"],
                          note=f"{files / got['import']['seconds']:.0f} files/s"))
    figures.append(Figure(f"GPX: import the same {files} files again (all known)", again["seconds"],
                          target=again["first_seconds"] / 10, baseline=again["first_seconds"],
                          baseline_name="the first import, same process",
                          note="each known file is hashed, never parsed; target 10x faster than the first import"))
    return figures


# -- PostgreSQL: a club's server ----------------------------------------------------------------------
PG_SAVE_TARGET = 3.0  # a save through the server: within 3x of SQLite's median, same run


@dataclass
class ClubDatabase:
    """The coach store in PostgreSQL, with a runner's and a coach's login (passwords in the URLs:
    hipknee shows them nowhere)."""

    owner: str
    runner: str
    coach: str
    size: dict[str, Any]
    where: str
    version: str


def _pg_server(mode: Mode, url: str | None) -> tuple[Any, str]:
    """A server and the owner's URL of a database for the coach store: ``url`` as given, else a
    local server kept in benchmarks/results/ (started at a free port on 127.0.0.1, flushing every
    commit to disk as a production server does), stopped by the caller."""
    database = f"coach_{mode.runners}r_{mode.seasons}s"
    if url is not None:
        return None, url
    sys.path.insert(0, str(REPO / "tests"))
    import pg_server  # the suite's throwaway server (tests/pg_server.py)

    server = pg_server.start(RESULTS / "postgresql", durable=True)
    os.environ["PGPASSFILE"] = str(server.passfile)
    with server.connect() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{database}"')
    return server, server.url(database)


def club_database(mode: Mode, url: str) -> ClubDatabase:
    """The coach store generated into the database at ``url`` (once: kept while the generator's
    source and the schema stay the same), made a club with one runner's and one coach's login."""
    from sqlalchemy.engine import make_url

    from hipknee.store import club

    source = _generator_source()
    key = hashlib.sha1(source).hexdigest()[:10]
    with hipknee.Store.open(url=url) as store:
        # Logins belong to the whole server: named after the database, like the club's roles.
        database = store.engine.url.database
        runner_role, coach_role = f"{database}_bench_runner", f"{database}_bench_coach"
        with store.engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT value FROM hipknee_meta WHERE key = 'benchmark-store'").scalar()
        if found is None or json.loads(found)["key"] != key:
            if store.athlete_names():
                raise SystemExit(f"{store.where} holds another store: give --postgresql-url an empty database")
            started = time.perf_counter()
            size = coach_store.make_coach_store(store, runners=mode.runners, seasons=mode.seasons, seed=1, progress=True)
            size = {**asdict(size), "seconds": round(time.perf_counter() - started, 1), "key": key}
            with store.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO hipknee_meta (key, value) VALUES ('benchmark-store', %s)",
                                     (json.dumps(size),))
            print(f"generated {size} into PostgreSQL in {size['seconds']} s", file=sys.stderr)
        else:
            size = json.loads(found)
        club.install(store.engine, store.where)
        names = store.athlete_names()
        passwords = {role: club.new_password() for role in (runner_role, coach_role)}
        with store.engine.begin() as conn:
            members = {r for (r,) in conn.exec_driver_sql("SELECT role_name FROM club_members")}
            for role, password in passwords.items():
                if role in members:  # made by an earlier run: a new password for this one
                    pgconn = conn.connection.driver_connection.pgconn
                    verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
                    conn.exec_driver_sql(f"ALTER ROLE \"{role}\" PASSWORD '{verifier}'")
        if coach_role not in members:
            club.add_coach(store.engine, store.where, "Benchmark coach", role=coach_role, password=passwords[coach_role])
        if runner_role not in members:
            club.add_runner(store.engine, store.where, hipknee.Athlete(name=names[0]), role=runner_role,
                            password=passwords[runner_role], coaches=[])
        with store.engine.begin() as conn:  # the coach follows every runner
            conn.exec_driver_sql("INSERT INTO club_coaching (coach_role, athlete_id) SELECT %s, id FROM athletes "
                                 "ON CONFLICT DO NOTHING", (coach_role,))
        where = store.where
        with store.engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar())
    owner = make_url(url)
    return ClubDatabase(
        owner=url,
        runner=owner.set(username=runner_role, password=passwords[runner_role]).render_as_string(hide_password=False),
        coach=owner.set(username=coach_role, password=passwords[coach_role]).render_as_string(hide_password=False),
        size=size, where=where, version=version,
    )


def _psycopg_version() -> str:
    import psycopg

    return psycopg.__version__


def _pg_bare_commit(url: str) -> Callable[[], None]:
    """A one-row transaction straight through psycopg, a connection kept open as the store's pool
    does: the server's floor for a save (network round trips and the WAL flush)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conn = psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                           dbname=parsed.database)

    def commit() -> None:
        with conn.transaction():
            conn.execute("INSERT INTO hipknee_meta (key, value) VALUES ('benchmark', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(time.time()),))

    commit.close = conn.close  # type: ignore[attr-defined]
    return commit


def _take_out_pg_benchmark_saves(url: str) -> None:
    with hipknee.Store.open(url=url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM strength_sets WHERE note = %s", (BENCH_NOTE,))
        conn.exec_driver_sql("DELETE FROM hipknee_meta WHERE key = 'benchmark'")


def bench_postgresql(folder: Path, mode: Mode, club: ClubDatabase, sqlite_frames: dict[str, pd.DataFrame],
                     sqlite_read: float, profile: bool) -> list[Figure]:
    """A session saved through the server beside the same save into SQLite (in turns), and the
    squad's frames read from the server as the owner and as a coach, beside SQLite's read."""
    from hipknee.analyses.season import summarise_all

    figures = []
    _take_out_benchmark_saves(folder / "hipknee.db")
    _take_out_pg_benchmark_saves(club.owner)
    bare = _pg_bare_commit(club.owner)
    try:
        with hipknee.Store.open(folder) as lite, hipknee.Store.open(url=club.owner) as owner, \
             hipknee.Store.open(url=club.runner) as runner:
            athlete = runner.athlete_names()[0]
            sets = programme_sets(lite, athlete, "2025-12-28T18:00")
            base, server, own, floor = interleaved(
                [lambda: lite.add_session(sets), lambda: owner.add_session(sets), lambda: runner.add_session(sets),
                 bare], mode.save_repeats)
            for label, times in (("", server), (" as a runner's login (row-level security)", own)):
                figures.append(Figure(
                    f"save a session through PostgreSQL on 127.0.0.1{label} ({len(sets)} sets), median", times.median,
                    cpu=times.cpu_median, target=PG_SAVE_TARGET * base.median, baseline=base.median,
                    baseline_name="SQLite store.add_session",
                    note=f"p95 {p95(times) * 1000:.1f} ms (SQLite p95 {p95(base) * 1000:.1f} ms) over {mode.save_repeats} "
                         f"saves in turns; target {PG_SAVE_TARGET:g}x SQLite's median; a bare one-row commit through "
                         f"psycopg (the server's floor) median {floor.median * 1000:.1f} ms",
                ))
            if profile and server.median >= PG_SAVE_TARGET * base.median:
                print("\n-- profile: store.add_session through PostgreSQL --\n"
                      + profile_text(lambda: owner.add_session(sets)))
    finally:
        bare.close()  # type: ignore[attr-defined]
        _take_out_benchmark_saves(folder / "hipknee.db")
        _take_out_pg_benchmark_saves(club.owner)

    for label, url in (("as the owner", club.owner), (f"as a coach following all {mode.runners} runners "
                                                     "(views, row-level security)", club.coach)):
        with hipknee.Store.open(url=url) as store:
            frames: dict[str, pd.DataFrame] = {}
            times = timings(lambda store=store, frames=frames: frames.update(read_frames(store)), 1, warmup=0)
        for name, frame in sqlite_frames.items():  # the same rows, values and types as from SQLite
            own = [c for c in ("id", "uid", "updated_at") if c in frame]  # what each store gives its records itself
            pd.testing.assert_frame_equal(frames[name].drop(columns=own), frame.drop(columns=own), check_exact=True,
                                          obj=f"{name} from PostgreSQL")
        figures.append(Figure(f"read the analyses' columns of every frame from PostgreSQL, {label}", times.median,
                              cpu=times.cpu_median, baseline=sqlite_read, baseline_name="from SQLite",
                              note="the frames equal SQLite's, every row and column but the ids each store gives"))
        if profile:
            print("\n-- profile: store.read('set', columns=...) from PostgreSQL --\n" + profile_text(
                lambda url=url: hipknee.Store.open(url=url).read("set", columns=list(LOG_COLUMNS["sets"][1]))))
    # Frames as the analyses take them (each a new log: nothing computed earlier is reused).
    server_summary = timings(lambda: summarise_all(LogFrames.from_tables(frames)), mode.analysis_repeats)
    lite_summary = timings(lambda: summarise_all(LogFrames.from_tables(sqlite_frames)), mode.analysis_repeats)
    pd.testing.assert_frame_equal(summarise_all(LogFrames.from_tables(frames)),
                                  summarise_all(LogFrames.from_tables(sqlite_frames)), check_exact=True)
    figures.append(Figure("squad summary (summarise_all) on the coach's frames from PostgreSQL",
                          server_summary.median, cpu=server_summary.cpu_median, target=1.0,
                          baseline=lite_summary.median, baseline_name="on SQLite's frames",
                          note="the same table, every row and column"))
    return figures


# -- output --------------------------------------------------------------------------------------
def table(figures: list[Figure]) -> list[list[str]]:
    rows = [["figure", "wall", "CPU", "target", "met", "baseline (same run)", "ratio"]]
    for f in figures:
        if f.value != f.value:  # NaN: not measured
            rows.append([f.name, "-", "", "", "", f.note, ""])
            continue
        rows.append([
            f.name,
            _fmt(f.value, f.unit),
            _fmt(f.cpu, "s"),
            "" if f.target is None else "< " + _fmt(f.target, f.unit),
            {True: "yes", False: "NO", None: ""}[f.met],
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


def _stage(what: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{datetime.now():%H:%M:%S}, peak RSS so far {peak:,.0f} MB] {what} ...", file=sys.stderr, flush=True)


def _load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 runners x 1 season, fewer repeats (under a minute)")
    parser.add_argument("--runners", type=int, help="runners in the coach store (default 100, quick 4)")
    parser.add_argument("--seasons", type=int, help="seasons of 52 weeks (default 5, quick 1)")
    parser.add_argument("--baseline-runners", type=int,
                        help="run the row-by-row baseline on the first N runners (default 20 of 100; quick: all)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of every figure that misses its target")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown too")
    parser.add_argument("--postgresql-url", metavar="URL",
                        help="an empty database on a PostgreSQL server, as a login with CREATEROLE (default: a local "
                             "server of the benchmark's own, kept in benchmarks/results/postgresql)")
    parser.add_argument("--no-postgresql", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--runpandas-python", metavar="PYTHON",
                        help="a Python with runpandas installed, for the GPX figure's baseline (runpandas is not a "
                             "dependency of hipknee)")
    parser.add_argument("--rows-baseline", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--every-column", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--row-by-row", type=Path, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--analyses-peak", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.row_by_row:
        _time_row_by_row(*args.row_by_row)
        return 0
    if args.rows_baseline:
        print(json.dumps(_time_rows(args.rows_baseline)))
        return 0
    if args.every_column:
        print(json.dumps(_time_every_column(args.every_column)))
        return 0
    if args.analyses_peak:
        print(json.dumps(_analyses_peak(args.analyses_peak)))
        return 0
    mode = QUICK if args.quick else FULL
    if args.runners or args.seasons or args.baseline_runners:
        runners = args.runners or mode.runners
        mode = Mode(mode.name, runners, args.seasons or mode.seasons, mode.save_repeats, mode.import_repeats,
                    mode.analysis_repeats, args.baseline_runners or mode.baseline_runners,
                    min(mode.overview_runners, runners))
    # One backup a day of each cached store is plenty (Store.open makes it on the day's first open).
    os.environ.setdefault("HIPKNEE_KEEP_BACKUPS", "1")
    started = time.perf_counter()
    info = machine()
    print(f"hipknee benchmarks ({mode.name}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {_load()}")
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}")
    print(f"versions: Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}, "
          f"SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}")
    folder = cached_store(mode.runners, mode.seasons)
    size = store_size(folder)
    print(f"coach store: {mode.runners} runners x {mode.seasons} season(s) of 52 weeks: {size['sets']:,} sets, "
          f"{size['runs']:,} runs, {size['pain']:,} pain entries, {size['tests']:,} tests, "
          f"{(folder / 'hipknee.db').stat().st_size / MB:,.0f} MB (generated in {size['seconds']} s, "
          f"cached in {folder.relative_to(REPO)})")
    with hipknee.Store.open(folder):  # the day's first open backs the store up: not part of any figure
        pass
    sys.stdout.flush()
    figures: list[Figure] = []
    _stage("saving sessions")
    figures += bench_save(folder, mode, args.profile)
    # The save figures' clean-up writes the file with plain sqlite3: the next open checks it whole
    # (as after any other program's write). That open is not the start-up figure's.
    with hipknee.Store.open(folder):
        pass
    _stage("import and form in fresh processes")
    figures += bench_startup(folder, mode, args.profile)
    _stage("reading the frames")
    read, frames = bench_read(folder, mode, args.profile)
    figures += read
    _stage("season analyses and the row-by-row baseline")
    analysed = bench_analyses(folder, frames, mode, args.profile)
    figures += analysed
    every = next(f for f in analysed if f.name.startswith("every season analysis, one"))
    figures.append(Figure(f"read + every season analysis, {mode.runners} runners x {mode.seasons} season(s)",
                          read[-1].value + every.value, cpu=(read[-1].cpu or 0) + (every.cpu or 0), target=5.0,
                          note="the two rows above, added"))
    if not args.no_postgresql:
        _stage("PostgreSQL: the coach store in a club's database")
        server, url = _pg_server(mode, args.postgresql_url)
        try:
            club = club_database(mode, url)
            print(f"PostgreSQL {club.version} (psycopg {_psycopg_version()}): {club.where}, {club.size['sets']:,} sets "
                  f"(generated with COPY in {club.size['seconds']} s)")
            _stage("PostgreSQL: saving and reading")
            figures += bench_postgresql(folder, mode, club, frames, read[-1].value, args.profile)
        finally:
            if server is not None:
                server.stop("fast")
    del frames
    _stage("report and overview")
    figures += bench_reports(folder, mode, args.profile)
    _stage("GPX imports")
    figures += bench_imports(mode, args.runpandas_python)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures.append(Figure("peak memory of the benchmark's process (RSS)",
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, unit="MB", target=1024,
                          note=f"the largest of the processes it started (the row reads, every set column, the "
                               f"row-by-row analyses, the analyses' traced peak, fresh imports, the overview's "
                               f"workers): {children:,.0f} MB"))
    print()
    rows = table(figures)
    print_table(rows)
    if args.markdown:
        print()
        print_table(rows, markdown=True)
    print()
    for f in figures:
        if f.note and f.value == f.value:
            print(f"- {f.name}: {f.note}")
    print(f"whole run: {time.perf_counter() - started:.0f} s, {_load()}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"latest-{mode.name}.json").write_text(json.dumps(
        {"machine": info, "mode": asdict(mode), "store": size,
         "figures": [{**asdict(f), "met": f.met, "ratio": f.ratio} for f in figures]}, indent=2, default=str))
    return 1 if any(f.met is False for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
