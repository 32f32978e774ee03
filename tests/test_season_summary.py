"""The season summary: the demo season's answers, honest wording, and a squad in one frame."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from backends import Backend

import hipknee
from hipknee.analyses.associations import Association
from hipknee.analyses.associations import spearman as _spearman
from hipknee.analyses.season import season_summaries, season_summary, summarise_all
from hipknee.frames import LogFrames, log_frames
from hipknee.synthetic.demo import make_demo

pytestmark = pytest.mark.both_backends


def test_demo_season_answers(demo_frames) -> None:
    s = season_summary(demo_frames)
    assert s.athlete == "Maria" and s.season_weeks == 16
    assert s.lsi_item == "hip abduction dynamometer" and s.lsi_reference == "involved/uninvolved"
    assert s.lsi_start < 80 and s.lsi_now > 90
    assert (s.pain_knee, s.pain_context, s.pain_verdict) == ("right", "during", "better")
    assert s.pain_now < s.pain_start - 2
    assert 2 <= s.hip_sessions_per_week <= 4
    assert s.weeks_on_plan == 16
    assert s.distance_jumps == 1
    assert s.acwr_zone in {"low", "comfortable", "high", "spike"} and math.isfinite(s.acwr_ratio)
    assert s.status in {"green", "amber", "red"}
    assert next(a.what for a in s.associations) == "hip sessions per week"
    text = "\n".join(s.lines())
    assert "LSI" in text and "target" in text and "at least 2 points or 30%" in text
    assert "1 week with distance up more than 30% on the week before" in text
    assert "association" in text and "not proof" in text
    assert "caused" not in text and "because of" not in text


def test_item_can_be_chosen(demo_frames) -> None:
    s = season_summary(demo_frames, "Maria", item="single-leg deadlift")
    assert s.lsi_item == "single-leg deadlift" and s.lsi_metric == "load x reps (kg)"


def test_date_range_narrows_the_season(demo_frames) -> None:
    s = season_summary(demo_frames, "Maria", start="2026-03-02", end="2026-03-29")
    assert s.season_weeks == 4
    assert s.last_day <= pd.Timestamp("2026-03-29")
    assert s.lsi_now < 85  # early in the season the weaker side has not caught up yet
    assert s.acwr_zone is None or s.acwr_date <= pd.Timestamp("2026-03-29")


def test_spearman_hand_computed() -> None:
    x = pd.Series([1, 2, 3, 4, 5, 6, 7.0])
    a = _spearman("x", x, pd.Series([7, 6, 5, 4, 3, 2, 1.0]))
    assert (a.rho, a.n) == (pytest.approx(-1.0), 7)
    # Ranks, not values: a monotone but curved relation is still rho 1.
    b = _spearman("x", x, x**3)
    assert b.rho == pytest.approx(1.0)
    # NaN weeks are left out of n.
    c = _spearman("x", x, pd.Series([1, None, 2, 3, None, 5, 4.0]))
    assert c.n == 5 and c.rho == pytest.approx(0.9)


def test_association_wording() -> None:
    few = Association("hip sessions per week", float("nan"), 4, "more hip sessions").sentence()
    assert few.startswith("Too few weeks") and ": 4 weeks with both (at least 6 needed)" in few
    neg = Association("hip sessions per week", -0.45, 12, "more hip sessions").sentence()
    assert "more hip sessions were followed by weeks with less knee pain" in neg
    assert "moderate association" in neg and "n = 12" in neg and "not proof" in neg


def test_empty_store_gives_sentences_not_errors(store: hipknee.Store) -> None:
    s = season_summary(store)
    assert s.athlete == "Ana"
    lines = s.lines()
    assert lines[0] == "Ana: nothing logged yet."
    assert any("not enough data" in line for line in lines)


def test_summarise_all_one_row_per_runner(backend: Backend) -> None:
    place = backend.new()
    with backend.open(place) as st:
        names = make_demo(st, runners=3)
        table = summarise_all(st)
        anna = season_summary(st, "Anna")
    assert table["athlete"].tolist() == names
    assert {"lsi_now", "pain_verdict", "acwr_zone", "status"} <= set(table.columns)
    assert table["pain_verdict"].isin(["better", "worse", "no clear change", "not enough data"]).all()
    backend.release(place)
    assert table.loc[0, "pain_verdict"] == "better"
    # The same answers as one runner's own summary.
    row = table.set_index("athlete").loc["Anna"]
    assert row["lsi_now"] == pytest.approx(anna.lsi_now) and row["pain_verdict"] == anna.pain_verdict


def test_unknown_runner_is_a_validation_error(demo_frames) -> None:
    with pytest.raises(hipknee.ValidationError, match="a runner in the store: Maria"):
        season_summary(demo_frames, "Bob")


def test_summarise_all_matches_each_runners_own_summary(backend: Backend) -> None:
    """The squad's verdicts are picked for every runner at once; they must be what each runner's own
    summary says, including the cases picked one by one (pain only on the other knee, a tie)."""
    place = backend.new()
    with backend.open(place) as st:
        make_demo(st, runners=3)
        st.add_many([hipknee.Athlete(name=n, involved_side="left") for n in ("Ben", "Cleo", "Dan")])
        pain = []
        for day in range(2, 30):  # four weeks of March
            when = f"2026-03-{day:02d}T20:00"
            # Cleo: no pain during activity, two contexts logged on as many days (a tie).
            pain += [hipknee.PainEntry(when=when, athlete="Cleo", knee="left", nrs=max(0, 7 - day // 4), context=c)
                     for c in ("after", "rest")]
            # Dan: pain only on the knee that is not the painful side on record.
            pain.append(hipknee.PainEntry(when=when, athlete="Dan", knee="right", nrs=day % 4, context="during"))
        st.add_many(pain)
        frames = log_frames(st)
    backend.release(place)
    for start, end in (("2026-03-16", "2026-05-10"), (None, None)):
        table = summarise_all(frames, start=start, end=end)
        own = pd.DataFrame([season_summary(frames, name, start=start, end=end).verdicts() for name in frames.names()])
        pd.testing.assert_frame_equal(table, own, check_exact=True)
        # The squad report's summaries (one run of the analyses for all) are each runner's own.
        squad = season_summaries(frames, start=start, end=end)
        assert list(squad) == frames.names()
        for name, summary in squad.items():
            alone = season_summary(LogFrames.from_tables(frames.only(name).frames()), name, start=start, end=end)
            assert summary.lines() == alone.lines()
            pd.testing.assert_frame_equal(pd.DataFrame([summary.verdicts()]), pd.DataFrame([alone.verdicts()]))
            assert [repr(a) for a in summary.associations] == [repr(a) for a in alone.associations]
            mine, theirs = (s.pain_verdicts.astype({"athlete": object}) for s in (summary, alone))
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True, check_dtype=False)  # values: str or object
        assert table["athlete"].tolist()[-3:] == ["Ben", "Cleo", "Dan"]
    whole = table.set_index("athlete")
    assert pd.isna(whole.loc["Ben", "lsi_now"]) and whole.loc["Ben", "pain_verdict"] == "not enough data"
    assert whole.loc["Cleo", "pain_verdict"] == "better" and whole.loc["Dan", "pain_verdict"] != "not enough data"
    assert whole.loc["Dan", "status"] in ("green", "amber", "red")


def test_a_large_squads_verdicts_from_two_threads_are_the_same(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """From a size on, the verdicts' analyses run in two threads: the same table and summaries,
    to the last bit, as one after the other."""
    import threading

    from hipknee.analyses import pain_trend, verdicts
    from hipknee.synthetic.coach_store import make_coach_store

    with hipknee.Store.open(tmp_path / "squad") as st:
        make_coach_store(st, runners=5, seasons=1, weeks=10, seed=4)
        tables = log_frames(st).frames()
    threads: list[str] = []
    real = pain_trend.pain_change
    monkeypatch.setattr(verdicts, "pain_change", lambda pain: threads.append(threading.current_thread().name) or real(pain))
    days: list[str] = []
    real_days = verdicts._season_days
    monkeypatch.setattr(verdicts, "_season_days", lambda f: days.append(threading.current_thread().name) or real_days(f))
    results = {}
    for rows in (10**12, 0):  # never, always
        monkeypatch.setattr(verdicts, "_THREADS_FROM_ROWS", rows)
        frames = LogFrames.from_tables(tables)
        results[rows] = (summarise_all(frames), season_summaries(frames))
    assert not threads[0].startswith("hipknee-verdicts") and threads[1].startswith("hipknee-verdicts")
    assert not days[0].startswith("hipknee-verdicts") and days[1].startswith("hipknee-verdicts")
    (table, summaries), (threaded, threaded_summaries) = results.values()
    assert len(table) == 5
    pd.testing.assert_frame_equal(threaded, table, check_exact=True)
    for name, summary in summaries.items():
        assert threaded_summaries[name].lines() == summary.lines()
        assert [repr(a) for a in threaded_summaries[name].associations] == [repr(a) for a in summary.associations]
