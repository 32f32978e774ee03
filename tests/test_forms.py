"""The forms driven as a runner would: type into the boxes, click the buttons, then look in the store
and at the messages on screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import hipknee
from hipknee.widgets.forms.session import SetRow


def rows_of(form: hipknee.SessionForm, exercise: str) -> list[SetRow]:
    return [row for row in form.rows if row.exercise == exercise]


# -- hip session --------------------------------------------------------------------------------
def test_programme_is_prefilled_at_its_doses(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    assert form.athlete.value == "Ana"
    assert form.day.value == date.today()
    assert [(r.exercise, r.side.value) for r in form.rows] == [
        ("lateral band walk", "left"), ("lateral band walk", "right"),
        ("single-leg deadlift", "left"), ("single-leg deadlift", "right"),
        ("foam-roller hip release", "left"), ("foam-roller hip release", "right"),
    ]
    walk, deadlift, roller = form.rows[0], form.rows[2], form.rows[4]
    # Only what each exercise is measured by, at the prescribed dose.
    assert {k: b.value for k, b in walk.fields.items()} == {"duration_s": "15", "load_kg": "", "rpe": ""}
    assert {k: b.value for k, b in deadlift.fields.items()} == {"reps": "10", "load_kg": "", "rpe": ""}
    assert {k: b.value for k, b in roller.fields.items()} == {"reps": "3", "hold_s": "5", "load_kg": "", "rpe": ""}
    assert walk.side.options == (("left", "left"), ("right", "right"))


def test_save_writes_the_session_and_clears(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    left, right = rows_of(form, "single-leg deadlift")
    left.fields["load_kg"].value = "6"
    right.fields["reps"].value = "8"
    right.fields["load_kg"].value = "6,5"  # a decimal comma is read as a point
    right.fields["rpe"].value = "7"
    form.rows[0].band.value = "medium"
    form.note.value = "knee fine"
    form.save_button.click()

    assert "Saved 6 sets of 3 exercises" in form.message.value
    assert "Ana" in form.message.value
    sets = store.sets()
    assert len(sets) == 6
    assert sets["session"].nunique() == 1
    assert set(sets["note"]) == {"knee fine"}
    dl = sets[sets["exercise"] == "single-leg deadlift"].set_index("side")
    assert dl.loc["left", "reps"] == 10 and dl.loc["left", "load_kg"] == 6.0
    assert dl.loc["right", "reps"] == 8 and dl.loc["right", "load_kg"] == 6.5 and dl.loc["right", "rpe"] == 7.0
    walk = sets[sets["exercise"] == "lateral band walk"]
    assert walk["duration_s"].tolist() == [15.0, 15.0]
    assert walk["band"].astype(object).tolist()[0] == "medium" and walk["band"].isna().tolist() == [False, True]
    roller = sets[sets["exercise"] == "foam-roller hip release"]
    assert roller["hold_s"].tolist() == [5.0, 5.0] and roller["reps"].tolist() == [3, 3]
    assert (sets["when"].dt.date == date.today()).all()

    # Cleared for the next entry: the programme again, nothing typed left over.
    assert len(form.rows) == 6
    assert all(r.fields["load_kg"].value == "" and r.band.value == "" for r in form.rows)
    assert form.note.value == ""
    assert form.athlete.value == "Ana"


def test_bad_value_is_shown_on_its_row_and_nothing_is_saved(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    bad = rows_of(form, "single-leg deadlift")[1]
    bad.fields["reps"].value = "-1"
    form.rows[0].fields["load_kg"].value = "heavy"
    form.save_button.click()

    assert store.count("set") == 0
    assert "Nothing saved" in form.message.value and "2 fields" in form.message.value
    assert "reps" in bad.error.value and "0 to 1000" in bad.error.value and "-1" in bad.error.value
    assert "kg" in form.rows[0].error.value and "'heavy'" in form.rows[0].error.value
    assert all(r.error.value == "" for r in form.rows if r not in (bad, form.rows[0]))
    # What was typed stays so it can be fixed, and a fixed form saves.
    assert bad.fields["reps"].value == "-1"
    bad.fields["reps"].value = "9"
    form.rows[0].fields["load_kg"].value = ""
    form.save_button.click()
    assert store.count("set") == 6
    assert all(r.error.value == "" for r in form.rows)


def test_store_rejection_is_mapped_back_to_its_row(store: hipknee.Store) -> None:
    """An empty reps box is a valid value for a set but not for an exercise measured by reps: the store
    refuses it inside the transaction, and the message still lands on the right row."""
    form = hipknee.SessionForm(store)
    empty = rows_of(form, "single-leg deadlift")[0]
    empty.fields["reps"].value = ""
    form.save_button.click()
    assert store.count("set") == 0
    assert "measured by reps" in empty.error.value
    assert [r for r in form.rows if r.error.value] == [empty]


def test_rows_can_be_added_and_removed(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    form.exercise.value = "clamshell"
    form.add_exercise_button.click()  # 3 sets x 2 sides at 15 reps
    clam = rows_of(form, "clamshell")
    assert [(r.side.value, r.fields["reps"].value) for r in clam] == [("left", "15"), ("right", "15")] * 3
    assert "set 3" in clam[-1].label.value
    form.exercise.value = "hip thrust"
    form.add_set_button.click()  # a two-sided exercise: one row on 'both'
    assert [r.side.value for r in rows_of(form, "hip thrust")] == ["both"]
    for row in rows_of(form, "lateral band walk") + clam[4:]:
        row.remove.click()
    assert len(form.rows) == 6 + 6 + 1 - 4
    assert "set 2" in rows_of(form, "clamshell")[-1].label.value
    form.save_button.click()
    counts = store.sets().groupby("exercise", observed=True).size().to_dict()
    assert counts == {"single-leg deadlift": 2, "foam-roller hip release": 2, "clamshell": 4, "hip thrust": 1}


def test_after_save_the_programme_is_back_in_the_same_rows(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    before = list(form.rows)
    fresh = [(r.exercise, r.side.value, {k: b.value for k, b in r.fields.items()}, r.band.value) for r in before]
    walk, deadlift, roller = form.rows[0], form.rows[2], form.rows[4]
    walk.fields["duration_s"].value = "20"
    walk.band.value = "heavy"
    deadlift.side.value = "right"
    deadlift.fields["rpe"].value = "8"
    roller.fields["hold_s"].value = "7"
    form.save_button.click()
    assert "Saved 6 sets" in form.message.value
    assert store.sets()["duration_s"].max() == 20.0

    # The same widgets, holding the programme at its doses again (what was typed is gone).
    assert all(a is b for a, b in zip(form.rows, before)) and len(form.rows) == len(before)
    assert [(r.exercise, r.side.value, {k: b.value for k, b in r.fields.items()}, r.band.value) for r in form.rows] == fresh
    assert [r.label.value.endswith("set 1") for r in form.rows] == [True] * 6
    assert tuple(form.rows_box.children) == tuple(form.rows)

    # Rows taken out or added before saving: the next session gets the programme's rows anew.
    form.rows[1].remove.click()
    form.add_set("hip thrust")
    form.save_button.click()
    assert [(r.exercise, r.side.value, {k: b.value for k, b in r.fields.items()}, r.band.value) for r in form.rows] == fresh
    assert form.rows[1] is not before[1]

def test_exercises_added_to_the_catalogue_show_after_a_refresh(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    store.add(hipknee.Exercise(name="copenhagen plank", measure="time", per_side=True, dose_sets=2, dose_seconds=20))
    form.refresh()
    form.exercise.value = "copenhagen plank"
    form.add_exercise_button.click()
    assert [r.fields["duration_s"].value for r in rows_of(form, "copenhagen plank")] == ["20"] * 4
    form.save_button.click()
    assert store.sets()["exercise"].value_counts()["copenhagen plank"] == 4


def test_no_rows_saves_nothing(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    for row in list(form.rows):
        row.remove.click()
    form.save_button.click()
    assert "at least one set" in form.message.value
    assert store.count("set") == 0


def test_new_runner_is_added_with_the_session(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    form.athlete.value = "Lea"
    form.day.value = date.today() - timedelta(days=2)
    form.save_button.click()
    assert "New runner Lea added" in form.message.value
    assert store.athlete_names() == ["Ana", "Lea"]
    assert set(store.sets(athlete="Lea")["when"].dt.date) == {date.today() - timedelta(days=2)}
    assert "Lea" in form.athlete.options


def test_new_runner_is_not_added_when_the_session_is_refused(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    form.athlete.value = "Lea"
    rows_of(form, "single-leg deadlift")[0].fields["reps"].value = ""  # refused by the store itself
    form.save_button.click()
    assert store.athlete_names() == ["Ana"]
    assert store.count("set") == 0


@pytest.mark.parametrize(
    ("runner", "day", "slot", "says"),
    [("", date.today(), "athlete", "non-empty name"), ("Ana", None, "when", "a date"),
     ("Ana", date.today() + timedelta(days=3), "when", "up to tomorrow")],
)
def test_runner_and_date_errors_are_shown_beside_them(store: hipknee.Store, runner: str, day: date | None, slot: str, says: str) -> None:
    form = hipknee.SessionForm(store)
    form.athlete.value = runner
    form.day.value = day
    form.save_button.click()
    assert says in form.field_errors[slot].value
    assert "fix the field marked in red" in form.message.value
    assert store.count("set") == 0


# -- run, pain, test ----------------------------------------------------------------------------
def test_run_form(store: hipknee.Store) -> None:
    form = hipknee.RunForm(store)
    form.distance.value = "0"
    form.duration.value = "47"
    form.save_button.click()
    assert "above 0" in form.field_errors["distance_km"].value
    assert store.count("run") == 0
    form.distance.value = "8.5"
    form.rpe.value = "11"
    form.save_button.click()
    assert "from 0 to 10" in form.field_errors["rpe"].value and form.field_errors["distance_km"].value == ""
    form.rpe.value = "5"
    form.surface.value = "trail"
    form.note.value = "hilly"
    form.private.value = True
    form.save_button.click()
    assert "8.5 km run in 47 min for Ana" in form.message.value
    run = store.runs().iloc[0]
    assert (run.distance_km, run.duration_min, run.rpe, run.surface, run.note, run.note_private) == (8.5, 47.0, 5.0, "trail", "hilly", True)
    assert (form.distance.value, form.duration.value, form.surface.value, form.private.value) == ("", "", "", False)


def test_pain_form(store: hipknee.Store) -> None:
    form = hipknee.PainForm(store)
    form.save_button.click()
    assert "rate at least one knee" in form.message.value
    form.knees["left"].value = "2"
    form.knees["right"].value = "11"  # a text box takes it; the pain scale does not
    form.save_button.click()
    assert "whole number from 0 to 10" in form.field_errors["nrs_right"].value and "11" in form.field_errors["nrs_right"].value
    assert form.field_errors["nrs_left"].value == ""
    assert store.count("pain") == 0
    form.knees["right"].value = "2.5"
    form.save_button.click()
    assert "whole number" in form.field_errors["nrs_right"].value
    form.knees["right"].value = "4"
    form.context.value = "next_morning"
    form.save_button.click()
    assert "left 2/10, right 4/10, next morning" in form.message.value
    pain = store.pain().set_index("knee")
    assert pain.loc["left", "nrs"] == 2 and pain.loc["right", "nrs"] == 4
    assert set(pain["context"]) == {"next_morning"}
    assert form.knees["left"].value == form.knees["right"].value == ""
    form.knees["right"].value = "0"  # one knee only
    form.save_button.click()
    assert store.count("pain") == 3


def test_test_form(store: hipknee.Store) -> None:
    form = hipknee.TestForm(store)
    assert form.unit.value == "N"
    form.test.value = "single-leg hop distance"
    assert form.unit.value == "cm"
    form.test.value = "hip abduction dynamometer"
    form.sides["left"].value = "-5"
    form.sides["right"].value = "180"
    form.save_button.click()
    assert "from 0 to 100000" in form.field_errors["value_left"].value and form.field_errors["value_right"].value == ""
    form.sides["left"].value = "210"
    form.save_button.click()
    assert "left 210 N, right 180 N" in form.message.value
    tests = store.tests().set_index("side")
    assert tests.loc["left", "value"] == 210 and tests.loc["right", "unit"] == "N"
    form.test.value = "step-down quality"  # a test of the runner's own
    form.unit.value = "reps"
    form.sides["right"].value = "12"
    form.save_button.click()
    assert store.tests()["test"].tolist()[-1] == "step-down quality"


# -- recent entries -----------------------------------------------------------------------------
def test_recent_entries_edit_delete_undo(store: hipknee.Store) -> None:
    for km in (5, 8, 12):
        store.add(hipknee.Run(when=date.today() - timedelta(days=12 - km), athlete="Ana", distance_km=km, duration_min=km * 6))
    table = hipknee.RecentEntries(store)
    table.kind.value = "run"
    newest = list(table.rows)
    assert len(newest) == 3 and "12 km in 72 min" in table.rows[newest[0]].children[0].value

    run_id = newest[1]
    table.edit(run_id)
    table.editing["distance_km"].value = "-3"
    save = table.save_edit_button
    save.click()
    assert "above 0" in table.edit_errors["distance_km"].value
    assert store.runs().set_index("id").loc[run_id, "distance_km"] == 8
    table.editing["distance_km"].value = "8.4"
    save.click()
    assert store.runs().set_index("id").loc[run_id, "distance_km"] == 8.4
    assert "Changed entry" in table.message.value and table.editor.children == ()

    delete = table.rows[run_id].children[2]
    delete.click()
    assert store.count("run") == 2 and run_id not in table.rows
    assert "Deleted" in table.message.value and table.undo_button.layout.display is None
    table.undo_button.click()
    assert store.count("run") == 3 and run_id in table.rows
    assert table.undo_button.layout.display == "none"


def test_recent_entries_of_each_kind(store: hipknee.Store) -> None:
    form = hipknee.SessionForm(store)
    form.save_button.click()
    table = hipknee.RecentEntries(store)
    assert table.kind.value == "set" and len(table.rows) == 6
    assert any("single-leg deadlift (left), 10 reps" in row.children[0].value for row in table.rows.values())
    table.kind.value = "pain"
    assert "No knee pain yet" in table.table.children[0].value


def test_logbook_shares_a_new_runner_across_tabs(store: hipknee.Store) -> None:
    book = hipknee.LogBook(store)
    assert book.titles == ("Hip session", "Run", "Knee pain", "Strength test", "Recent entries")
    book.session.athlete.value = "Lea"
    book.session.save_button.click()
    book.selected_index = 1
    assert "Lea" in book.run.athlete.options
    book.selected_index = 4
    assert len(book.recent.rows) == 6


def test_notes_are_saved_exactly_as_typed(store: hipknee.Store) -> None:
    typed = "  left knee: 2/10 after the hills  "
    session = hipknee.SessionForm(store)
    session.note.value = typed
    session.save_button.click()
    assert set(store.sets()["note"]) == {typed}
    store.add(hipknee.Run(when=date.today(), athlete="Ana", distance_km=5.0, duration_min=30.0))
    table = hipknee.RecentEntries(store)
    table.kind.value = "run"
    table.edit(next(iter(table.rows)))
    table.editing["note"].value = typed
    table.save_edit_button.click()
    assert store.runs()["note"].tolist() == [typed]
