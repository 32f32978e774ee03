"""The words agree with the chart: numbers read out of the season summary's sentences equal the
points its chart marks, on small seasons built by hand where the right answer is known."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.figure import Figure

import hipknee
from hipknee.analyses.weekly_table import weekly_table
from hipknee.views.charts import balance_chart, pain_chart

WEEK_1, WEEK_2 = "2026-03-02", "2026-03-09"  # Mondays


def _marked(fig: Figure, gid: str) -> tuple[pd.Timestamp, float]:
    """The one point a chart marks under ``gid`` (its day and value)."""
    [found] = [c for ax in fig.axes for c in ax.collections if c.get_gid() == gid]
    x, y = found.get_offsets()[0]
    return pd.Timestamp(mdates.num2date(x).replace(tzinfo=None)).normalize(), float(y)


def _lsi_said(line: str) -> tuple[int, str, int, str, str]:
    """Start LSI, its week, now LSI, its week and the verdict, as the balance sentence says them."""
    found = re.search(r"LSI (\d+)% in the week of (\d\d \w{3}) .*?, (\d+)% in the week of (\d\d \w{3}) "
                      r"\(the latest\): ([^.]+)\.", line)
    assert found, line
    start, start_week, now, now_week, verdict = found.groups()
    return int(start), start_week, int(now), now_week, verdict


def _store(folder: Path, involved: str | None, records: list[hipknee.Record]) -> hipknee.Store:
    store = hipknee.Store.open(folder)
    store.add_many([hipknee.Athlete(name="Ana", involved_side=involved), *records])
    return store


def _check_balance(store: hipknee.Store, item: str) -> tuple[int, int, str]:
    """The balance sentence's start and now, checked against the points the chart rings."""
    summary = hipknee.season_summary(store, "Ana", item=item)
    start, start_week, now, now_week, verdict = _lsi_said(summary.lines()[1])
    fig = balance_chart(store, athlete="Ana", exercise=item, summary=summary)
    for (day, value), said, week in ((_marked(fig, "lsi-start"), start, start_week),
                                     (_marked(fig, "lsi-now"), now, now_week)):
        assert round(value) == said  # the same number, the same rounding
        monday = day - pd.Timedelta(days=day.weekday())
        assert f"{monday:%d %b}" == week  # the ring sits in the week the sentence names
    return start, now, verdict


def test_an_lsi_that_falls_reads_as_a_fall(tmp_path: Path) -> None:
    """Single-leg deadlift: week 1 left 60 / right 60 reps (LSI 100%), week 2 left 80 / right 64
    (80%). The words must say 100% -> 80%, below target, as the chart shows (not 90% -> 90%)."""
    sets = [hipknee.StrengthSet(when=when, athlete="Ana", exercise="single-leg deadlift", side=side, reps=reps)
            for when, left, right in ((WEEK_1, 60, 60), (WEEK_2, 80, 64))
            for side, reps in (("left", left), ("right", right))]
    with _store(tmp_path, "right", sets) as store:
        start, now, verdict = _check_balance(store, "single-leg deadlift")
    assert (start, now) == (100, 80)
    assert verdict.startswith("below the 90% target")


def test_a_strength_test_that_rises_reads_as_it_rises(tmp_path: Path) -> None:
    """A dynamometer test going 78% -> 83% is reported as 78% -> 83% (not the mean of both)."""
    tests = [hipknee.StrengthTest(when=when, athlete="Ana", test="hip abduction dynamometer", side=side, value=value,
                                  unit="N")
             for when, right in ((WEEK_1, 156.0), (WEEK_2, 166.0))
             for side, value in (("left", 200.0), ("right", right))]
    with _store(tmp_path, "right", tests) as store:
        start, now, verdict = _check_balance(store, "hip abduction dynamometer")
    assert (start, now) == (78, 83)
    assert verdict.startswith("below the 90% target")


def test_an_lsi_with_no_painful_side_compares_weaker_with_stronger(tmp_path: Path) -> None:
    tests = [hipknee.StrengthTest(when=when, athlete="Ana", test="hip abduction dynamometer", side=side, value=value,
                                  unit="N")
             for when, left in ((WEEK_1, 150.0), (WEEK_2, 190.0))
             for side, value in (("left", left), ("right", 200.0))]
    with _store(tmp_path, None, tests) as store:
        start, now, verdict = _check_balance(store, "hip abduction dynamometer")
    assert (start, now) == (75, 95)
    assert verdict.startswith("at or above the 90% target")


@pytest.fixture
def two_knees(tmp_path: Path) -> hipknee.Store:
    """The right knee hurts (5/10 during runs), the left hardly (1/10); the last entry of the right
    knee is 3/10, logged after a 5."""
    pain = [hipknee.PainEntry(when=f"2026-03-0{day}T18:00", athlete="Ana", knee=knee, nrs=nrs, context="during")
            for day in (2, 3, 4) for knee, nrs in (("right", 5), ("left", 1))]
    pain.append(hipknee.PainEntry(when="2026-03-05T18:00", athlete="Ana", knee="right", nrs=3, context="during"))
    store = _store(tmp_path, "right", pain)
    yield store
    store.close()


def test_pain_is_per_knee_never_averaged_across_knees(two_knees: hipknee.Store) -> None:
    table = weekly_table(hipknee.read_frames(two_knees), "Ana")
    during = [c for c in table.columns if c.startswith("pain during")]
    assert during == ["pain during, right knee (0-10)"]  # the painful knee's own column
    assert table[during[0]].iloc[0] == pytest.approx((5 + 5 + 5 + 3) / 4)
    assert 3.0 not in set(table[during[0]])  # (5 + 1) / 2 would be an average across knees


def test_pain_now_is_the_painful_knees_latest_entry(two_knees: hipknee.Store) -> None:
    summary = hipknee.season_summary(two_knees, "Ana")
    line = summary.lines()[2]
    found = re.search(r"Knee pain \((\w+) knee, [^)]*\): (\d+)/10 on (\d\d \w{3}) \(the latest\)", line)
    assert found, line
    knee, said, day = found.groups()
    assert (knee, int(said), day) == ("right", 3, "05 Mar")
    row = hipknee.summarise_all(two_knees).set_index("athlete").loc["Ana"]
    assert row["pain_now"] == 3
    marked_day, marked = _marked(pain_chart(two_knees, athlete="Ana", summary=summary), "pain-now")
    assert (marked_day, marked) == (pd.Timestamp("2026-03-05"), 3.0)  # the chart rings that entry
