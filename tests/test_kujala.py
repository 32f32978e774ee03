"""The Kujala questionnaire: the total is the hand sum of the answers' points (all best 100, all
worst 0); an incomplete or mis-scored questionnaire is refused naming the item; it is kept whole
in the store; the form shows the score as it is filled and saves it; the chart and the summary's
words say whether the change since the first questionnaire matters."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

import hipknee
from hipknee.analyses import thresholds as T
from hipknee.analyses.knee_function import kujala_change, kujala_due
from hipknee.frames import read_frames
from hipknee.records.kujala import KUJALA_FIELDS, KUJALA_ITEMS, kujala_total
from hipknee.widgets.progress import invite_words

BEST = {"kujala_limp": 5, "kujala_support": 5, "kujala_walking": 5, "kujala_stairs": 10, "kujala_squatting": 5,
        "kujala_running": 10, "kujala_jumping": 10, "kujala_sitting": 10, "kujala_pain": 10, "kujala_swelling": 10,
        "kujala_kneecap": 10, "kujala_atrophy": 5, "kujala_flexion": 5}
WORST = dict.fromkeys(BEST, 0)
# A runner with patellofemoral pain, answered by hand from the table in domain.md:
# limp slight 3, support full 5, walking >2 km 3, stairs pain descending 8, squatting painful each time 3,
# running pain after 2 km 8, jumping slight difficulty 7, sitting pain forces extension 4, pain slight 8,
# swelling after severe exertion 8, kneecap none 10, atrophy slight 3, flexion none 5.
TYPICAL = {"kujala_limp": 3, "kujala_support": 5, "kujala_walking": 3, "kujala_stairs": 8, "kujala_squatting": 3,
           "kujala_running": 8, "kujala_jumping": 7, "kujala_sitting": 4, "kujala_pain": 8, "kujala_swelling": 8,
           "kujala_kneecap": 10, "kujala_atrophy": 3, "kujala_flexion": 5}
TYPICAL_SUM = 3 + 5 + 3 + 8 + 3 + 8 + 7 + 4 + 8 + 8 + 10 + 3 + 5  # 75


def questionnaire(answers: dict[str, int], when: str = "2026-03-02", **more: object) -> hipknee.OutcomeScore:
    return hipknee.OutcomeScore(when=when, athlete="Ana", **answers, **more)


# -- the score ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("answers", "total"), [(BEST, 100), (WORST, 0), (TYPICAL, TYPICAL_SUM)])
def test_the_total_is_the_hand_sum(answers: dict[str, int], total: int) -> None:
    assert TYPICAL_SUM == 75
    assert kujala_total(answers) == total
    assert questionnaire(answers).score == total


def test_the_table_has_13_items_whose_best_answers_make_100() -> None:
    assert len(KUJALA_ITEMS) == 13 and KUJALA_FIELDS == tuple(BEST)
    assert {item.field: item.best for item in KUJALA_ITEMS} == BEST
    for item in KUJALA_ITEMS:  # an answer is stored as its points: they must tell the answers apart
        points = [p for p, _words in item.answers]
        assert len(set(points)) == len(points) and min(points) == 0


def test_an_incomplete_questionnaire_is_refused_naming_the_missing_item() -> None:
    answers = {k: v for k, v in TYPICAL.items() if k != "kujala_stairs"}
    with pytest.raises(hipknee.ValidationError) as info:
        questionnaire(answers)
    assert info.value.field == "kujala_stairs" and "Stairs" in info.value.allowed
    assert "8 (slight pain when descending)" in info.value.allowed


def test_points_that_are_no_answer_and_a_wrong_total_are_refused() -> None:
    with pytest.raises(hipknee.ValidationError) as info:
        questionnaire({**TYPICAL, "kujala_jumping": 9})
    assert info.value.field == "kujala_jumping" and info.value.value == 9
    with pytest.raises(hipknee.ValidationError) as info:
        questionnaire(TYPICAL, score=80)
    assert info.value.field == "score" and str(TYPICAL_SUM) in info.value.allowed


def test_a_bare_score_is_still_an_outcome() -> None:
    assert hipknee.OutcomeScore(when="2026-03-02", athlete="Ana", score=70).score == 70
    with pytest.raises(hipknee.ValidationError) as info:
        hipknee.OutcomeScore(when="2026-03-02", athlete="Ana")
    assert info.value.field == "score"


@pytest.mark.both_backends
def test_the_store_keeps_every_answer(store: hipknee.Store) -> None:
    id = store.add(questionnaire(TYPICAL))
    row = store.outcomes().iloc[0]
    assert row["score"] == TYPICAL_SUM and {f: int(row[f]) for f in KUJALA_FIELDS} == TYPICAL
    back = store.get("outcome", id)
    assert {f: getattr(back, f) for f in KUJALA_FIELDS} == TYPICAL
    store.update("outcome", id, kujala_limp=0, score=None)  # a changed answer changes the total
    assert store.outcomes().iloc[0]["score"] == TYPICAL_SUM - 3
    with pytest.raises(hipknee.ValidationError):
        store.update("outcome", id, kujala_limp=None, score=None)
    assert store.outcomes().iloc[0]["kujala_limp"] == 0


# -- the form -----------------------------------------------------------------------------------
def test_the_form_shows_the_score_as_it_is_filled_and_saves_it(store: hipknee.Store) -> None:
    form = hipknee.KujalaForm(store)
    assert "0 of 100" in form.total.value and "0 of 13" in form.total.value
    for field, points in TYPICAL.items():
        if field != "kujala_flexion":
            form.items[field].value = points
    assert "Score so far: 70 of 100" in form.total.value and "12 of 13" in form.total.value
    form.save_button.click()
    # One item left: nothing saved, that item marked with its answers.
    assert store.outcomes().empty
    assert "Nothing saved" in form.message.value
    assert "Flexion deficiency" in form.field_errors["kujala_flexion"].value
    assert all(not e.value for f, e in form.field_errors.items() if f != "kujala_flexion")
    form.items["kujala_flexion"].value = 5
    assert not form.field_errors["kujala_flexion"].value
    assert "Kujala score: 75/100" in form.total.value
    form.day.value = date(2026, 3, 2)
    form.save_button.click()
    assert "Saved a Kujala questionnaire (score 75/100) for Ana on 2026-03-02." in form.message.value
    saved = store.outcomes()
    assert len(saved) == 1 and saved.iloc[0]["score"] == 75
    assert {f: int(saved.iloc[0][f]) for f in KUJALA_FIELDS} == TYPICAL
    assert all(menu.value == "" for menu in form.items.values())  # cleared for the next one


def test_each_answer_shows_its_points() -> None:
    menu = hipknee.KujalaForm.__init__.__globals__["_menu"](KUJALA_ITEMS[0])
    assert [label for label, _value in menu.options] == ["— choose an answer —", "none (5)",
                                                         "slight or periodical (3)", "constant (0)"]


# -- change, chart and words --------------------------------------------------------------------
def scores(*pairs: tuple[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"when": pd.to_datetime([d for d, _s in pairs]), "athlete": "Ana",
                         "score": [s for _d, s in pairs]})


@pytest.mark.parametrize(("values", "verdict"), [
    ((62, 70), "better"), ((62, 69), "no clear change"), ((70, 62), "worse"), ((62,), "not enough data"),
])
def test_a_change_of_8_points_or_more_matters(values: tuple[int, ...], verdict: str) -> None:
    assert T.KUJALA_MCID_MIN == 8
    days = ["2026-03-02", "2026-03-30"][: len(values)]
    got = kujala_change(scores(*zip(days, values))).iloc[0]
    assert got["kujala_verdict"] == verdict and got["kujala_first"] == values[0] and got["kujala_latest"] == values[-1]


def test_the_next_questionnaire_is_due_after_4_weeks() -> None:
    assert kujala_due(None, pd.Timestamp("2026-03-02"))
    assert not kujala_due(pd.Timestamp("2026-03-02 19:00"), pd.Timestamp("2026-03-30 08:00"))  # 28 days
    assert kujala_due(pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-31"))


def log_with_kujala(store: hipknee.Store) -> None:
    store.add_many([
        {"when": f"2026-03-{d:02d}", "athlete": "Ana", "knee": "left", "nrs": 4, "context": "during"} for d in (2, 9, 16)
    ], kind="pain")
    store.add_many([questionnaire(TYPICAL, "2026-03-02"), questionnaire(BEST, "2026-03-30")])


def test_the_summary_and_report_say_the_change_matters(store: hipknee.Store) -> None:
    log_with_kujala(store)
    summary = hipknee.season_summary(store, "Ana")
    line = next(x for x in summary.lines() if x.startswith("Knee function"))
    assert "75 on 02 Mar" in line and "100/100 on 30 Mar" in line and "up 25 points" in line
    assert "a change that matters" in line and "8-10 points" in line
    html = hipknee.build_report(store, "Ana")
    assert "Knee function (Kujala" in html and 'id="runner-1-kujala' in html
    assert re.search(r'class="badge good">on track</span> Knee function', html)


def test_the_chart_marks_the_smallest_change_that_matters(store: hipknee.Store) -> None:
    log_with_kujala(store)
    fig = hipknee.kujala_chart(store, athlete="Ana")
    ax = fig.axes[0]
    band = next(a for a in ax.patches if a.get_gid() == "kujala-mcid")
    box = band.get_bbox()
    assert (box.y0, box.y1) == (75 + 8, 75 + 10)
    line = next(a for a in ax.lines if a.get_gid() == "kujala")
    assert list(line.get_ydata()) == [75, 100]
    dash = hipknee.dashboard(store, athlete="Ana", words=False)
    assert any(a.get_gid() == "kujala" for ax in dash.axes for a in ax.lines)


def test_the_progress_view_invites_the_monthly_questionnaire(store: hipknee.Store) -> None:
    frames = read_frames(store)
    assert "No Kujala questionnaire yet" in invite_words(frames, "Ana", pd.Timestamp("2026-03-10"))
    log_with_kujala(store)
    frames = read_frames(store)
    assert invite_words(frames, "Ana", pd.Timestamp("2026-04-20")) == ""
    due = invite_words(frames, "Ana", pd.Timestamp("2026-04-28"))
    assert "the last one was on 30 Mar 2026, more than 4 weeks ago" in due
    view = hipknee.ProgressView(store)
    assert "Kujala" in view.invite.value  # the log is months old: due today
