"""Runs whose distance is unknown (a treadmill run recorded without a foot pod, a run typed in
with its time only) through everything that reads ``distance_km``: the weekly load and ACWR, the
season summary, the charts, the report and squad overview, the exports and the forms. They count
as runs with their minutes and session load; their kilometres count as none, never as NaN."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import hipknee
from hipknee.frames import log_frames
from hipknee.views.charts import dashboard, load_chart, pain_chart
from hipknee.views.export import export_tables
from hipknee.views.report import build_overview, build_report
from hipknee.widgets.forms.recent import newest

pytestmark = pytest.mark.filterwarnings("error::UserWarning", "error::RuntimeWarning")


@pytest.fixture(scope="module")
def season(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo season plus unknown-distance runs: three in the demo runner's last weeks, and a
    second runner ("Tread") whose only runs have no distance."""
    folder = tmp_path_factory.mktemp("unknown-distance")
    shutil.copytree(demo_master, folder, dirs_exist_ok=True)
    with hipknee.Store.open(folder) as st:
        [name] = st.athlete_names()
        last = st.runs()["when"].max()
        for days in (1, 3, 5):
            st.add(hipknee.Run(when=last - timedelta(days=days, hours=2), athlete=name, distance_km=None,
                               duration_min=40.0, rpe=5, surface="treadmill"))
        st.add(hipknee.Athlete(name="Tread", involved_side="left"))
        for day in range(0, 35, 2):
            when = last - timedelta(days=day)
            st.add(hipknee.Run(when=when, athlete="Tread", distance_km=None, duration_min=30.0, rpe=4))
            st.add(hipknee.PainEntry(when=when, athlete="Tread", knee="left", nrs=2, context="during"))
    return folder


@pytest.fixture
def store(season: Path, tmp_path: Path):  # noqa: ANN201
    shutil.copytree(season, tmp_path / "copy")
    with hipknee.Store.open(tmp_path / "copy") as st:
        yield st


def test_weekly_load_and_acwr_count_the_minutes_and_no_kilometres(store: hipknee.Store) -> None:
    runs = store.runs()
    assert runs["distance_km"].isna().sum() == 3 + 18
    load = hipknee.weekly_load(runs)
    assert load["km"].notna().all() and load["runs"].sum() == len(runs)
    tread = load[load["athlete"] == "Tread"]
    assert (tread["km"] == 0).all() and tread["minutes"].sum() == 18 * 30.0
    assert tread["km_change_pct"].isna().all() and not tread["jump"].any()
    demo = load[load["athlete"] != "Tread"]
    known = runs[(runs["athlete"] != "Tread")]
    assert demo["km"].sum() == pytest.approx(known["distance_km"].sum())
    assert demo["minutes"].sum() == pytest.approx(known["duration_min"].sum())
    ratio = hipknee.acwr(runs)
    assert ratio["ratio"].notna().any() and (ratio.loc[ratio["athlete"] == "Tread", "acute"] > 0).any()


def test_season_summaries_read_them(store: hipknee.Store) -> None:
    squad = hipknee.summarise_all(store)
    assert set(squad["athlete"].astype(str)) == set(store.athlete_names())
    lines = hipknee.season_summary(store, athlete="Tread").lines
    text = "\n".join(lines() if callable(lines) else lines)
    assert "nan" not in text.lower()


def test_charts_draw_them(store: hipknee.Store) -> None:
    frames = log_frames(store)
    name = "Tread"  # the demo runner's charts are drawn by the squad overview below
    for fig in (pain_chart(frames, athlete=name), load_chart(frames, athlete=name),
                dashboard(frames, athlete=name)):
        fig.savefig(Path("/dev/null"), format="svg")
        plt.close(fig)


def test_the_report_and_overview_show_no_nan(store: hipknee.Store) -> None:
    html = build_report(store, athlete="Tread")
    assert ">nan<" not in html.lower() and "nan km" not in html.lower()
    overview = build_overview(store)
    assert "Tread" in overview and ">nan<" not in overview.lower()


def test_exports_keep_them_empty(store: hipknee.Store, tmp_path: Path) -> None:
    export_tables(store, "xlsx", tmp_path / "season.xlsx")
    export_tables(store, "csv", tmp_path / "season")
    for runs in (pd.read_excel(tmp_path / "season.xlsx", sheet_name="runs"), pd.read_csv(tmp_path / "season" / "runs.csv")):
        assert runs["distance_km"].isna().sum() == 21
        assert runs["start_utc"].notna().all()


def test_forms_say_distance_unknown(store: hipknee.Store) -> None:
    [entry] = newest("run", store.runs(athlete="Tread").head(1), 1)
    assert entry.line.endswith("a run in 30:00 (distance unknown), RPE 4")
    form = hipknee.RunForm(store)
    form.athlete.value = "Tread"
    form.duration.value = "35"
    assert len(form.save()) == 1
    assert "a run (distance unknown) in 35:00 for Tread" in form.message.value


def test_a_run_without_distance_reads_back_and_can_be_edited(store: hipknee.Store) -> None:
    id = int(store.runs(athlete="Tread")["id"].iloc[0])
    run = store.get("run", id)
    assert run.distance_km is None and run.duration_min == 30.0
    store.update("run", id, note="treadmill, no foot pod")
    assert store.get("run", id).model_dump() == {**run.model_dump(), "note": "treadmill, no foot pod"}
    store.update("run", id, distance_km=5.2)  # read off the treadmill afterwards
    assert store.get("run", id).distance_km == 5.2
