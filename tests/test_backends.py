"""The same log gives the same answers from SQLite and from PostgreSQL: every table read back with
the same values and types, and the analyses, the squad summary and the exports built on them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from backends import PostgresBackend, SqliteBackend

from hipknee.analyses.season import summarise_all
from hipknee.frames import log_frames
from hipknee.store.store import KINDS
from hipknee.synthetic.demo import make_demo
from hipknee.views.export import export_tables


def test_the_demo_season_reads_the_same_from_both(sqlite_backend: SqliteBackend, postgresql_backend: PostgresBackend,
                                                  demo_master: Path, tmp_path: Path) -> None:
    with sqlite_backend.open(sqlite_backend.copy(str(demo_master))) as lite, \
         postgresql_backend.open(postgresql_backend.master("demo", make_demo)) as server:
        for kind in KINDS:
            for deleted in (False, True):
                pd.testing.assert_frame_equal(_the_log(server.read(kind, include_deleted=deleted)),
                                              _the_log(lite.read(kind, include_deleted=deleted)), check_exact=True, obj=kind)
        assert len(lite.sets()) > 300 and len(lite.pain()) > 100  # a season, not an empty table compared with another
        frames = {"sqlite": log_frames(lite), "postgresql": log_frames(server)}
        pd.testing.assert_frame_equal(summarise_all(frames["postgresql"]), summarise_all(frames["sqlite"]),
                                      check_exact=True)
        files = {name: export_tables(st, "csv", tmp_path / name) for name, st in (("sqlite", lite), ("postgresql", server))}
    tables = sorted(p.name for p in files["sqlite"].iterdir())
    assert tables == sorted(p.name for p in files["postgresql"].iterdir()) and len(tables) >= 5
    for table in tables:
        server_csv, lite_csv = (pd.read_csv(files[name] / table, dtype=str, keep_default_na=False)
                                for name in ("postgresql", "sqlite"))
        pd.testing.assert_frame_equal(_the_log(server_csv), _the_log(lite_csv), obj=table)


# Each store built the demo itself, so each gave its records their own global ids, session and programme ids and
# times of saving: what must agree is everything the runner logged.
_OWN_TO_EACH_STORE = ["uid", "updated_at", "session", "programme"]


def _the_log(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in _OWN_TO_EACH_STORE if c in frame.columns])
