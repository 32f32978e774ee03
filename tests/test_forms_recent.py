"""The recent entries driven as a runner would: a hip session is one line, deleted and brought back
whole; its sets are numbered; edits happen in the form that logs the entry; old messages go when
the list changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ipywidgets as widgets
import pytest

import hipknee
from hipknee.widgets.forms.recent import RecentEntries


def _session(store: hipknee.Store, when: datetime, sets: int = 1) -> str:
    return store.add_session([
        dict(when=when, athlete="Ana", exercise=exercise, side=side, reps=10, duration_s=15 if exercise == "lateral band walk" else None)
        for exercise in ("lateral band walk", "single-leg deadlift") for _ in range(sets) for side in ("left", "right")
    ])


def _lines(table: RecentEntries) -> list[str]:
    return [line.text.value for line in table.rows.values()]


def _descriptions(widget: widgets.Widget) -> list[str]:
    """The labels of every field in a widget tree, top to bottom."""
    fields = (widgets.Text, widgets.Dropdown, widgets.Textarea, widgets.Checkbox, widgets.Combobox)
    out = [widget.description] if isinstance(widget, fields) else []
    for child in getattr(widget, "children", ()):
        out += _descriptions(child)
    return out


def test_a_hip_session_is_one_line(store: hipknee.Store) -> None:
    day = datetime.combine(date.today() - timedelta(days=1), datetime.min.time()).replace(hour=18, minute=5)
    _session(store, day - timedelta(days=2), sets=2)
    _session(store, day)
    store.add_session([dict(when=day + timedelta(hours=1), athlete="Ana", exercise="hip thrust", side="both", reps=10)])
    table = RecentEntries(store)
    assert table.kind.value == "set" and table.kind.label == "hip sessions"
    assert _lines(table) == [
        f"{day + timedelta(hours=1):%Y-%m-%d %H:%M} · Ana · hip session: hip thrust · 1 set",
        f"{day:%Y-%m-%d %H:%M} · Ana · hip session: lateral band walk, single-leg deadlift · 4 sets",
        f"{day - timedelta(days=2):%Y-%m-%d %H:%M} · Ana · hip session: lateral band walk, single-leg deadlift · 8 sets",
    ]


def test_a_sessions_sets_are_numbered_when_expanded(store: hipknee.Store) -> None:
    _session(store, datetime.now() - timedelta(hours=2), sets=2)
    line = next(iter(RecentEntries(store).rows.values()))
    assert line.details.layout.display == "none"
    line.toggle.click()
    assert line.details.layout.display is None and line.toggle.description == "Hide sets"
    assert line.details.value.count("<li>") == 8
    for text in ("lateral band walk · left · set 1 of 2: 15 s", "lateral band walk · right · set 2 of 2",
                 "single-leg deadlift · left · set 2 of 2: 10 reps"):
        assert text in line.details.value
    line.toggle.click()
    assert line.details.layout.display == "none"


def test_delete_and_undo_a_whole_session(store: hipknee.Store) -> None:
    keep = _session(store, datetime.now() - timedelta(days=3))
    gone = _session(store, datetime.now() - timedelta(days=1), sets=2)
    ids = sorted(store.sets()["id"])
    table = RecentEntries(store)
    table.rows[gone].delete.click()
    assert store.count("set") == 4 and set(store.sets()["session"]) == {keep}
    assert list(table.rows) == [keep]
    assert "Deleted the hip session of" in table.message.value and "(Ana, 8 sets)" in table.message.value
    assert table.undo_button.layout.display is None
    table.undo_button.click()
    assert sorted(store.sets()["id"]) == ids
    assert list(table.rows) == [gone, keep]
    assert "Brought back the hip session" in table.message.value and table.undo_button.layout.display == "none"


def test_a_set_saved_without_a_session_is_a_line_of_its_own(store: hipknee.Store) -> None:
    store.add(hipknee.StrengthSet(when=date.today(), athlete="Ana", exercise="clamshell", side="left", reps=12))
    table = RecentEntries(store)
    (key,) = table.rows
    assert "hip session: clamshell · 1 set" in table.rows[key].text.value
    table.rows[key].delete.click()
    assert store.count("set") == 0
    table.undo_button.click()
    assert store.count("set") == 1


def test_old_messages_clear_when_the_list_changes(store: hipknee.Store) -> None:
    _session(store, datetime.now() - timedelta(days=2))
    gone = _session(store, datetime.now() - timedelta(days=1))
    book = hipknee.LogBook(store)
    table = book.recent
    table.rows[gone].delete.click()
    assert "Deleted" in table.message.value
    book.selected_index = 1  # switching tabs reloads; the list is the same, so the message stays
    book.selected_index = 4
    assert "Deleted" in table.message.value and table.undo_button.layout.display is None
    book.session.save_button.click()  # a new session: the list changes, the old message goes
    assert table.message.value == "" and table.undo_button.layout.display == "none"
    assert len(table.rows) == 2 and "foam-roller hip release · 6 sets" in _lines(table)[0]

    table.rows[next(iter(table.rows))].delete.click()
    assert "Deleted" in table.message.value
    table.kind.value = "run"
    assert table.message.value == "" and "No runs yet" in table.table.children[0].value


def test_the_list_follows_saves_in_the_same_kernel(store: hipknee.Store) -> None:
    table = RecentEntries(store)
    form = hipknee.RunForm(store)
    table.kind.value = "run"
    form.distance.value = "8.2"
    form.duration.value = "47:30"
    form.save_button.click()
    assert _lines(table)[0].endswith("Ana · 8.2 km in 47:30 (5:48 min/km)")


def test_a_session_is_edited_in_the_session_form(store: hipknee.Store) -> None:
    when = datetime.now().replace(second=0, microsecond=0) - timedelta(days=2)
    session = _session(store, when)
    table = RecentEntries(store)
    editor = table.edit(session)
    assert isinstance(editor, hipknee.SessionForm) and editor.save_button.description == "Save changes"
    # The same fields, labels and words as logging a session.
    logging = hipknee.SessionForm(store, programme=("lateral band walk", "single-leg deadlift"))
    assert _descriptions(editor.rows_box) == _descriptions(logging.rows_box)
    assert [row.label.value for row in editor.rows] == [row.label.value for row in logging.rows]
    assert editor.athlete.value == "Ana" and editor.athlete.disabled and editor.day.value == when.date()

    editor.rows[3].fields["reps"].value = "-2"
    editor.save_button.click()
    assert "from 0 to 1000" in editor.rows[3].error.value
    editor.rows[3].fields["reps"].value = "8"
    editor.rows[3].fields["load_kg"].value = "6,5"
    editor.day.value = when.date() - timedelta(days=1)
    editor.save_button.click()
    sets = store.sets()
    assert len(sets) == 4 and set(sets["session"]) == {session}
    assert set(sets["when"]) == {when - timedelta(days=1)}  # the day moved, the time of day kept
    assert sets["reps"].tolist() == [10, 10, 10, 8] and sets["load_kg"].tolist()[3] == 6.5
    assert table.editor.children == () and "Saved the changes to the hip session" in table.message.value


def test_a_run_is_edited_in_the_run_form(store: hipknee.Store) -> None:
    store.add(hipknee.Run(when=date.today() - timedelta(days=1), athlete="Ana", distance_km=8, duration_min=47.123,
                          moving_min=45.5, source="gpx"))
    table = RecentEntries(store)
    table.kind.value = "run"
    editor = table.edit(next(iter(table.rows)))
    assert isinstance(editor, hipknee.RunForm)
    assert _descriptions(editor) == _descriptions(hipknee.RunForm(store))
    assert (editor.distance.value, editor.duration.value) == ("8", "47:07")
    editor.rpe.value = "5"
    editor.save_button.click()
    run = store.runs().iloc[0]
    # Left as shown, the time keeps its exact minutes; what the form does not show is kept.
    assert (run.duration_min, run.rpe, run.moving_min, run.source) == (47.123, 5.0, 45.5, "gpx")
    editor = table.edit(next(iter(table.rows)))
    editor.duration.value = "50:30"
    editor.save_button.click()
    assert store.runs().iloc[0].duration_min == 50.5
    assert "Saved the changes to the run of" in table.message.value


@pytest.mark.parametrize("kind", ["pain", "test"])
def test_pain_and_tests_are_edited_one_side_at_a_time(store: hipknee.Store, kind: str) -> None:
    if kind == "pain":
        store.add(hipknee.PainEntry(when=date.today(), athlete="Ana", knee="right", nrs=4, context="during"))
    else:
        store.add(hipknee.StrengthTest(when=date.today(), athlete="Ana", test="hip abduction dynamometer", side="right",
                                       value=180, unit="N"))
    table = RecentEntries(store)
    table.kind.value = kind
    editor = table.edit(next(iter(table.rows)))
    boxes = editor.knees if kind == "pain" else editor.sides
    assert boxes["left"].layout.display == "none" and boxes["right"].layout.display is None
    boxes["right"].value = "2" if kind == "pain" else "190"
    editor.save_button.click()
    frame = store.read(kind)
    assert len(frame) == 1 and (frame["nrs"] if kind == "pain" else frame["value"]).tolist() == ([2] if kind == "pain" else [190.0])
    assert table.editor.children == ()


def test_cancel_closes_the_editor_and_saves_nothing(store: hipknee.Store) -> None:
    session = _session(store, datetime.now() - timedelta(hours=1))
    table = RecentEntries(store)
    editor = table.edit(session)
    editor.rows[2].fields["reps"].value = "99"
    cancel = [b for b in editor.actions.children if isinstance(b, widgets.Button) and b.description == "Cancel"][0]
    cancel.click()
    assert table.editor.children == () and table.editing_form is None
    assert store.sets()["reps"].tolist() == [10, 10, 10, 10]


def test_closed_editors_and_redrawn_lines_let_go_of_the_store(store: hipknee.Store) -> None:
    import gc

    session = _session(store, datetime.now() - timedelta(hours=1))
    table = RecentEntries(store)
    following = len(store._listeners)
    for _ in range(3):
        table.edit(session)
        assert len(store._listeners) == following + 1
        table.close_editor()
    editor = table.edit(session)
    editor.save_button.click()  # saved: the editor closes
    gc.collect()
    assert len(store._listeners) == following
    assert all(line.comm is not None for line in table.rows.values())
