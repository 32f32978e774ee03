"""The progress widget, driven as a runner would: pick runner, exercise and weeks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import hipknee
from hipknee.widgets.progress import AUTOMATIC, ProgressView


def test_pick_runner_exercise_and_weeks(demo_store: hipknee.Store) -> None:
    view = ProgressView(demo_store)
    assert view.athlete.options == ("Maria",)
    assert b"<svg" in bytes(view.image.value) and view.image.format == "svg+xml"
    assert "Maria, 02 Mar 2026 to 21 Jun 2026" in view.message.value
    assert view.exercise.label == AUTOMATIC
    assert "hip abduction dynamometer" in view.text.value

    view.exercise.value = "single-leg deadlift"
    assert view.summary.lsi_item == "single-leg deadlift"
    assert "Balance (single-leg deadlift" in view.text.value

    view.weeks.index = (2, 5)
    start, end = view.period()
    assert (start, end) == (pd.Timestamp("2026-03-16"), pd.Timestamp("2026-04-12"))
    assert view.summary.season_weeks == 4 and "16 Mar 2026 to 12 Apr 2026" in view.message.value

    demo_store.add(hipknee.Athlete(name="Cleo"))
    view.reload()
    assert view.athlete.options == ("Maria", "Cleo") and view.athlete.value == "Maria"
    view.athlete.value = "Cleo"
    assert "nothing logged yet" in view.message.value
    assert view.exercise.options == ((AUTOMATIC, ""),)


def test_empty_store(tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "empty") as st:
        view = ProgressView(st)
    assert "No runner in the store yet" in view.message.value
    assert view.image.value == b""


def test_demo_store_is_labelled(demo_store: hipknee.Store) -> None:
    demo_store.is_demo = True
    assert "demo season" in ProgressView(demo_store).message.value


def test_a_first_week_shows(store: hipknee.Store) -> None:
    """One session logged today: the week slider has one week and the view draws it (a slider of
    one option reports an empty value, which once broke the view)."""
    store.add_session([
        dict(when="2026-03-03T18:00", athlete="Ana", exercise="single-leg deadlift", side=side, reps=10)
        for side in ("left", "right")
    ])
    view = hipknee.ProgressView(store)
    assert len(view.weeks.options) == 1
    start, end = view.period()
    assert start == pd.Timestamp("2026-03-02") and end == pd.Timestamp("2026-03-08")
    assert view.image.value  # the dashboard was drawn


def test_reload_button_shows_new_entries(store: hipknee.Store) -> None:
    view = hipknee.ProgressView(store)
    assert "nothing logged yet" in view.message.value
    store.add(hipknee.PainEntry(when="2026-03-03T07:00", athlete="Ana", knee="left", nrs=4, context="during"))
    view.reload_button.click()
    assert "4/10 on 03 Mar (the latest)" in view.text.value


def test_strength_tests_per_kg_of_body_mass(demo_store: hipknee.Store) -> None:
    view = hipknee.ProgressView(demo_store)
    assert view.per_kg.layout.display != "none"  # the demo has a dynamometer test and a body mass
    before = bytes(view.image.value)
    view.per_kg.value = True
    assert b"N/kg" in bytes(view.image.value) and bytes(view.image.value) != before


def test_a_save_in_the_same_kernel_redraws_the_view(store: hipknee.Store) -> None:
    view = hipknee.ProgressView(store)
    assert "nothing logged yet" in view.message.value
    store.add(hipknee.PainEntry(when="2026-03-03T07:00", athlete="Ana", knee="left", nrs=4, context="during"))
    assert "4/10 on 03 Mar (the latest)" in view.text.value  # no reload pressed
