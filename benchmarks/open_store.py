"""How long opening a large store takes: the day's first open (SQLite's quick_check of every page)
beside a later open of the same file after a clean close (header and size only).

    python benchmarks/open_store.py                  # a 30-runner x 5-season coach store
    python benchmarks/open_store.py --runners 100    # the coach store of `make bench`

Each open runs in a fresh process (``hipknee.Store.open`` and ``close``); the "limit" row is
``PRAGMA quick_check`` alone on the same file, what every open cost before.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_OPEN = """
import json, sys, time
import hipknee
t0 = time.perf_counter()
hipknee.Store.open(sys.argv[1]).close()
print(json.dumps({"open": time.perf_counter() - t0}))
"""


def _open_seconds(folder: Path) -> float:
    done = subprocess.run([sys.executable, "-c", _OPEN, str(folder)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["open"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runners", type=int, default=30)
    parser.add_argument("--seasons", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import hipknee
    from hipknee.store.files import quick_check
    from hipknee.synthetic.coach_store import make_coach_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        with hipknee.Store.open(folder) as store:
            make_coach_store(store, runners=args.runners, seasons=args.seasons, progress=False)
        db = folder / "hipknee.db"
        note = db.with_name(f".{db.name}.checked")
        print(f"{args.runners} runners x {args.seasons} seasons: {db.stat().st_size / 1e6:.0f} MB, "
              f"written in {time.perf_counter() - t0:.0f} s")
        first, later, limit = [], [], []
        for _ in range(args.repeat):
            note.unlink(missing_ok=True)  # as on the day's first open
            first.append(_open_seconds(folder))
            later.append(_open_seconds(folder))
            t0 = time.perf_counter()
            assert quick_check(db) == ["ok"]
            limit.append(time.perf_counter() - t0)
    rows = [("the day's first open (quick_check)", first), ("a later open after a clean close", later),
            ("limit: PRAGMA quick_check alone", limit)]
    print(f"{'':<40}{'median s':>10}{'min s':>8}")
    for label, values in rows:
        print(f"{label:<40}{statistics.median(values):>10.3f}{min(values):>8.3f}")
    print(f"a later open is {statistics.median(first) / statistics.median(later):.1f}x quicker than the day's first; "
          f"it saves {statistics.median(limit):.2f} s of quick_check")


if __name__ == "__main__":
    main()
