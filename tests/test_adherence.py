"""Programmes as dated records, and adherence to them, computed by hand on a built week: prescribed
3 sessions of 3 exercises x 2 sides x 3 sets; done 2 sessions, one exercise on one side only in
the second, one set at half its reps."""

from __future__ import annotations

import pandas as pd
import pytest

import hipknee
from hipknee.analyses.adherence import exercise_adherence, low_adherence_weeks, programme_on, weekly_adherence
from hipknee.frames import read_frames

MONDAY = "2026-03-02"
PROGRAMME = [
    {"exercise": "lateral band walk", "sets": 3, "duration_s": 30, "band": "light"},
    {"exercise": "single-leg deadlift", "sets": 3, "reps": 10},
    {"exercise": "clamshell", "sets": 3, "reps": 15},
]
DOSE = {"lateral band walk": {"duration_s": 30}, "single-leg deadlift": {"reps": 10}, "clamshell": {"reps": 15}}


def session(day: str, skip: set[tuple[str, str]] = frozenset(), half: tuple[str, str, int] | None = None) -> list[dict]:
    """Every exercise of the programme, 3 sets per side, at its dose (``skip``: (exercise, side) not
    done; ``half``: (exercise, side, set) done at half its reps)."""
    rows = []
    for name, dose in DOSE.items():
        for side in ("left", "right"):
            if (name, side) in skip:
                continue
            for n in range(1, 4):
                values = dict(dose)
                if half == (name, side, n):
                    values = {k: v / 2 if k != "reps" else v // 2 for k, v in values.items()}
                rows.append({"when": f"{day} 18:00", "athlete": "Ana", "exercise": name, "side": side, "rpe": 5, **values})
    return rows


@pytest.fixture
def built_week(store: hipknee.Store) -> hipknee.Store:
    store.set_programme("Ana", MONDAY, PROGRAMME, sessions_per_week=3, note="three times a week")
    store.add_session(session("2026-03-03", half=("single-leg deadlift", "left", 3)))
    store.add_session(session("2026-03-05", skip={("clamshell", "right")}))
    return store


def test_adherence_of_the_built_week_is_the_hand_computed_shares(built_week: hipknee.Store) -> None:
    frames = read_frames(built_week)
    week = weekly_adherence(frames.sets, frames.programmes)
    assert len(week) == 1
    row = week.iloc[0]
    assert row["week"] == pd.Timestamp(MONDAY)
    assert (row["sessions_done"], row["sessions_prescribed"]) == (2, 3)
    assert row["sessions_share"] == pytest.approx(2 / 3)
    # 3 exercises x 2 sides x 3 sets x 3 sessions prescribed; 6 sets on 5 exercise-sides, 3 on the sixth.
    assert (row["sets_done"], row["sets_prescribed"]) == (33, 54)
    assert row["sets_share"] == pytest.approx(33 / 54)
    # The half set counts as a set done, and as half a dose.
    assert row["dose_share"] == pytest.approx(32.5 / 54)

    per = exercise_adherence(frames.sets, frames.programmes).set_index(["exercise", "side"])
    assert per.loc[("clamshell", "left"), "sets_share"] == pytest.approx(6 / 9)
    assert per.loc[("clamshell", "right"), "sets_share"] == pytest.approx(3 / 9)
    assert per.loc[("single-leg deadlift", "left"), "sets_share"] == pytest.approx(6 / 9)
    assert per.loc[("single-leg deadlift", "left"), "dose_share"] == pytest.approx(5.5 / 9)
    assert per.loc[("lateral band walk", "right"), "dose_share"] == pytest.approx(6 / 9)
    assert per["sets_prescribed"].tolist() == [9] * 6


def test_a_new_programme_replaces_the_old_from_its_day_and_the_history_is_kept(built_week: hipknee.Store) -> None:
    built_week.set_programme("Ana", "2026-03-09", [{"exercise": "clamshell", "sets": 3, "reps": 15, "band": "medium"}],
                             sessions_per_week=2)
    history = built_week.programmes()
    assert len(history) == 4 and history["programme"].nunique() == 2
    assert programme_on(history, "Ana", "2026-03-08")["exercise"].astype(object).tolist() == [
        "lateral band walk", "single-leg deadlift", "clamshell"]
    now = programme_on(history, "Ana", "2026-03-09")
    assert now["exercise"].astype(object).tolist() == ["clamshell"] and now["sessions_per_week"].tolist() == [2]
    assert programme_on(history, "Ana", "2026-03-01").empty


def test_a_programme_is_refused_whole_naming_what_is_wrong(store: hipknee.Store) -> None:
    with pytest.raises(hipknee.ValidationError) as info:
        store.set_programme("Ana", MONDAY, [{"exercise": "clamshell", "sets": 3}], sessions_per_week=3)
    assert info.value.field == "reps" and "clamshell is measured by reps" in info.value.allowed
    with pytest.raises(hipknee.ValidationError) as info:
        store.set_programme("Ana", MONDAY, [*PROGRAMME, {"exercise": "hopping", "sets": 1, "reps": 5}],
                            sessions_per_week=3)
    assert info.value.field == "exercise" and info.value.value == "hopping"
    with pytest.raises(hipknee.ValidationError) as info:
        store.set_programme("Ana", MONDAY, PROGRAMME, sessions_per_week=0)
    assert info.value.field == "sessions_per_week"
    assert store.programmes().empty


def test_two_low_weeks_in_a_row_are_counted() -> None:
    weekly = pd.DataFrame({"athlete": "Ana", "week": pd.date_range(MONDAY, periods=4, freq="7D"),
                           "sets_share": [0.2, 0.9, 0.4, 0.3]})
    assert low_adherence_weeks(weekly) == {"Ana": 2}
    assert low_adherence_weeks(weekly.assign(sets_share=[0.2, 0.4, 0.4, 0.6])) == {"Ana": 0}


# -- the session form follows the programme in force ----------------------------------------------
def test_the_session_form_is_prefilled_from_the_programme_in_force_that_day(store: hipknee.Store) -> None:
    from datetime import date

    form = hipknee.SessionForm(store)
    starter = [(r.exercise, r.side.value) for r in form.rows]
    assert starter[0] == ("lateral band walk", "left") and len(starter) == 6
    store.set_programme("Ana", "2026-03-02", PROGRAMME, sessions_per_week=3, note="slow and controlled")
    store.set_programme("Ana", "2026-03-16", [{"exercise": "clamshell", "sets": 2, "reps": 12, "band": "medium"}],
                        sessions_per_week=2)
    form.day.value = date(2026, 3, 10)
    assert [(r.exercise, r.side.value) for r in form.rows] == [
        (name, side) for name in DOSE for _ in range(3) for side in ("left", "right")]
    walk, clam = form.rows[0], form.rows[-1]
    assert walk.fields["duration_s"].value == "30" and walk.band.value == "light"
    assert clam.fields["reps"].value == "15" and clam.band.value == ""
    assert "from 02 Mar 2026: 3 sessions a week" in form.plan_note.value and "slow and controlled" in form.plan_note.value
    form.day.value = date(2026, 3, 17)  # the newer programme is in force
    assert [(r.exercise, r.side.value, r.fields["reps"].value, r.band.value) for r in form.rows] == [
        ("clamshell", side, "12", "medium") for _ in range(2) for side in ("left", "right")]
    # Logging a different dose is fine: what is typed is saved.
    form.rows[0].fields["reps"].value = "10"
    form.rows[0].fields["rpe"].value = "6"
    form.save_button.click()
    assert "Saved 4 sets" in form.message.value
    saved = store.sets()
    assert saved["reps"].tolist() == [10, 12, 12, 12] and saved["band"].astype(object).tolist() == ["medium"] * 4
    form.day.value = date(2026, 3, 1)  # before any programme: the starter programme
    assert [(r.exercise, r.side.value) for r in form.rows] == starter and form.plan_note.value == ""


def test_the_physio_sets_a_programme_from_the_form(store: hipknee.Store) -> None:
    from datetime import date

    form = hipknee.ProgrammeForm(store)
    # The starter programme until one is set, at the catalogue's doses.
    assert [r.exercise.value for r in form.rows] == ["lateral band walk", "single-leg deadlift", "foam-roller hip release"]
    assert "No programme set yet" in form.history.value
    form.day.value = date(2026, 3, 2)
    form.sessions.value = "3"
    form.remove_row(form.rows[2])
    form.rows[0].sets.value = "3"
    form.rows[0].seconds.value = "30"
    form.rows[0].band.value = "light"
    clam = form.add_exercise("clamshell")
    clam.reps.value = ""  # a dose the exercise needs, missing: refused on its row, nothing saved
    form.note.value = "slow and controlled"
    form.save_button.click()
    assert store.programmes().empty and "Nothing saved" in form.message.value
    assert "reps" in clam.error.value
    clam.reps.value = "15"
    form.save_button.click()
    assert "Saved a programme of 3 exercises (3 sessions a week) for Ana from 2026-03-02." in form.message.value
    saved = store.programmes()
    assert saved["exercise"].astype(object).tolist() == ["lateral band walk", "single-leg deadlift", "clamshell"]
    assert saved["sets"].tolist() == [3, 1, 3] and saved["duration_s"].tolist()[0] == 30
    assert saved["band"].astype(object).tolist()[0] == "light" and saved["programme"].nunique() == 1
    assert (saved["note"] == "slow and controlled").all()
    # After the save the form shows the programme in force, and lists it.
    assert [r.exercise.value for r in form.rows] == ["lateral band walk", "single-leg deadlift", "clamshell"]
    assert "from 02 Mar 2026: lateral band walk, single-leg deadlift, clamshell; 3 sessions a week" in form.history.value


def test_two_weeks_below_half_the_programme_need_attention_in_the_squad(store: hipknee.Store) -> None:
    from hipknee.analyses.attention import attention_order
    from hipknee.views.squad_table import squad_rows

    store.add(hipknee.Athlete(name="Bea", involved_side="right"))
    for name in ("Ana", "Bea"):
        store.set_programme(name, MONDAY, [{"exercise": "clamshell", "sets": 3, "reps": 15}], sessions_per_week=2)
    # Ana: 2 sessions of 3 sets a side each week (all of it); Bea: one session of 1 set a side (1 of 6: 17%).
    for week in range(2):
        for day in (1, 3):
            store.add_session([{"when": f"2026-03-{2 + 7 * week + day:02d} 18:00", "athlete": "Ana", "exercise": "clamshell",
                                "side": side, "reps": 15} for side in ("left", "right") for _ in range(3)])
        store.add_session([{"when": f"2026-03-{3 + 7 * week:02d} 18:00", "athlete": "Bea", "exercise": "clamshell",
                            "side": side, "reps": 15} for side in ("left", "right")])
    table = hipknee.summarise_all(store).set_index("athlete")
    assert table.loc["Ana", "adherence_pct"] == pytest.approx(100) and table.loc["Ana", "low_adherence_weeks"] == 0
    assert table.loc["Bea", "adherence_pct"] == pytest.approx(100 / 6) and table.loc["Bea", "low_adherence_weeks"] == 2
    ordered = attention_order(hipknee.summarise_all(store))
    assert ordered["athlete"].tolist()[0] == "Bea" and ordered.set_index("athlete").loc["Bea", "attention_points"] == 2
    cells = {row["name"]: row["cells"][-1] for row in squad_rows(ordered, {"Ana": "a", "Bea": "b"})}
    assert cells["Bea"] == {"text": "17% of sets; below 50% for 2 weeks", "level": "act"}
    assert cells["Ana"] == {"text": "100% of sets", "level": "good"}
    line = next(x for x in hipknee.season_summary(store, "Bea").lines() if x.startswith("Adherence"))
    assert "17% of the prescribed sets and 50% of the prescribed sessions done over 2 weeks" in line
    assert "below 50% for the last 2 weeks" in line
