"""A runner's settings (name, painful side, body mass) set and changed in the notebook, driven as a
runner would; renaming keeps the log, and reports then compare the painful with the other side."""

from __future__ import annotations

from datetime import date, timedelta

import hipknee
from hipknee.widgets.forms.runner import NEW


def _pick(form: hipknee.RunnerForm, name: str) -> None:
    form.runner.value = dict(form.runner.options)[name]


def test_the_picked_runner_shows_her_settings(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Lea"))
    form = hipknee.RunnerForm(store)
    assert [label for label, _ in form.runner.options] == ["Ana", "Lea", "a new runner"]
    assert (form.name.value, form.involved_side.value, form.involved_side.label, form.body_mass.value) == ("Ana", "left", "left knee", "60")
    _pick(form, "Lea")
    assert (form.name.value, form.involved_side.value, form.body_mass.value) == ("Lea", "", "")
    assert form.involved_side.label.startswith("none")


def test_settings_are_changed(store: hipknee.Store) -> None:
    form = hipknee.RunnerForm(store)
    form.involved_side.value = "right"
    form.body_mass.value = "61,5"
    form.save_button.click()
    ana = store.athletes().iloc[0]
    assert (ana["name"], ana["involved_side"], ana["body_mass_kg"]) == ("Ana", "right", 61.5)
    assert "Saved Ana: painful side right knee, body mass 61.5 kg." in form.message.value
    form.involved_side.value = ""
    form.body_mass.value = ""
    form.save_button.click()
    ana = store.athletes().iloc[0]
    assert str(ana["involved_side"]) == "nan" and str(ana["body_mass_kg"]) == "nan"
    assert "no painful side set" in form.message.value and "no body mass" in form.message.value


def test_a_new_runner_is_added(store: hipknee.Store) -> None:
    form = hipknee.RunnerForm(store)
    form.runner.value = NEW
    assert (form.name.value, form.involved_side.value, form.body_mass.value) == ("", "", "")
    form.name.value = "Lea"
    form.involved_side.value = "left"
    form.body_mass.value = "55"
    form.save_button.click()
    assert store.athlete_names() == ["Ana", "Lea"]
    assert "Added runner Lea: painful side left knee, body mass 55 kg." in form.message.value
    assert form.runner.label == "Lea"


def test_renaming_keeps_the_log_and_every_form_follows(store: hipknee.Store) -> None:
    book = hipknee.LogBook(store)
    book.session.save_button.click()
    book.run.distance.value = "5"
    book.run.duration.value = "30"
    book.run.save_button.click()
    book.runner.name.value = "Anna"
    book.runner.save_button.click()
    assert "Renamed Ana to Anna, with every entry of the log" in book.runner.message.value
    assert store.athlete_names() == ["Anna"]
    assert len(store.sets(athlete="Anna")) == 6 and len(store.runs(athlete="Anna")) == 1
    # The other tabs follow at once, without switching tab.
    assert book.session.athlete.value == "Anna" and book.run.athlete.value == "Anna"
    assert all("Anna" in line.text.value for line in book.recent.rows.values())
    book.session.save_button.click()
    assert store.athlete_names() == ["Anna"] and len(store.sets(athlete="Anna")) == 12


def test_bad_settings_are_named_beside_their_field_and_clear_when_changed(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Lea"))
    form = hipknee.RunnerForm(store)
    form.body_mass.value = "5"
    form.save_button.click()
    assert "above 20" in form.field_errors["body_mass_kg"].value and "Nothing saved" in form.message.value
    assert store.athletes().iloc[0]["body_mass_kg"] == 60.0
    form.body_mass.value = "58"
    assert form.field_errors["body_mass_kg"].value == "" and form.message.value == ""
    form.name.value = "Lea"  # another runner's name
    form.save_button.click()
    assert "no other athlete has" in form.field_errors["name"].value
    form.name.value = " "
    form.save_button.click()
    assert "non-empty name" in form.field_errors["name"].value
    assert store.athlete_names() == ["Ana", "Lea"]


def test_with_a_painful_side_the_balance_compares_painful_with_other_side(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Bo"))
    monday = date.today() - timedelta(days=date.today().weekday() + 14)
    for week, (left, right) in enumerate(((10, 8), (10, 9))):
        store.add_session([
            dict(when=monday + timedelta(days=7 * week), athlete="Bo", exercise="single-leg deadlift", side="left", reps=left),
            dict(when=monday + timedelta(days=7 * week), athlete="Bo", exercise="single-leg deadlift", side="right", reps=right),
        ])
    before = hipknee.season_summary(store, "Bo")
    assert before.lsi_reference == "weaker/stronger"
    assert "weaker / stronger" in " ".join(before.lines())

    form = hipknee.RunnerForm(store)
    _pick(form, "Bo")
    form.involved_side.value = "left"
    form.save_button.click()
    after = hipknee.season_summary(store, "Bo")
    assert after.lsi_reference == "involved/uninvolved"
    assert "painful side / other side" in " ".join(after.lines())
    assert "painful side / other side" in hipknee.build_report(store, athlete="Bo")


def test_what_is_typed_stays_when_the_tabs_reload(store: hipknee.Store) -> None:
    book = hipknee.LogBook(store)
    book.selected_index = 5
    book.runner.involved_side.value = "right"
    book.runner.body_mass.value = "61"
    book.selected_index = 0  # switching tab reloads every form
    book.selected_index = 5
    assert (book.runner.involved_side.value, book.runner.body_mass.value) == ("right", "61")
    store.update("athlete", 1, body_mass_kg=59)  # changed elsewhere in the kernel: shown at once
    assert (book.runner.involved_side.value, book.runner.body_mass.value) == ("left", "59")
