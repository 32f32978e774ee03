"""The logging notebook in a real JupyterLab, driven in headless Chromium as a runner would:
open it, run all cells, fill in the session form, save; then a bad value shows its message; no row
of the form needs a scrollbar of its own at 1400 px; the recent entries and the runner tab work."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port, jupyter_env, jupyterlab_command, served

import hipknee

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 60_000


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab as `make lab` starts it, on 127.0.0.1 with a token, serving a copy of the notebooks, its store in a temp
    folder holding one runner (Ana). Yields (notebook URL with token, data folder)."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    data = tmp_path / "data"
    with hipknee.Store.open(data) as store:
        store.add(hipknee.Athlete(name="Ana", involved_side="left"))
    port, token = free_port(), secrets.token_hex(16)
    jupyter = tmp_path / "jupyter"
    command = jupyterlab_command(root=root, port=port, token=token, folder=jupyter, launcher="hipknee")
    status = f"http://127.0.0.1:{port}/api/status?token={token}"
    with served(command, cwd=root, env=jupyter_env(jupyter, data), url=status, log=tmp_path / "jupyterlab.log"):
        yield f"http://127.0.0.1:{port}/lab/tree/01_log_session.ipynb?token={token}", data


def test_log_a_session_in_jupyterlab(lab: tuple[str, Path], page, output_dir: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    url, data = lab
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator(".jp-Notebook").first.wait_for()
    # Run only once the kernel is up; earlier, JupyterLab asks which kernel to start.
    expect(page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3 \(ipykernel\) \| Idle"))).to_have_count(1)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    form = page.locator(".hipknee-session-form")
    expect(form).to_be_visible()
    rows = form.locator(".hipknee-row")
    expect(rows).to_have_count(6)
    expect(form.locator(".hipknee-athlete input")).to_have_value("Ana")

    deadlift_right = rows.nth(3)
    expect(deadlift_right).to_contain_text("single-leg deadlift")
    deadlift_right.locator(".hipknee-reps input").fill("8")
    deadlift_right.locator(".hipknee-load input").fill("6")
    rows.nth(2).locator(".hipknee-load input").fill("6")
    rows.nth(0).locator(".hipknee-rpe input").fill("4")
    form.screenshot(path=str(output_dir / "session_form_filled.png"))
    form.locator(".hipknee-save").click()
    expect(form.locator(".hipknee-message")).to_contain_text("Saved 6 sets of 3 exercises")

    with hipknee.Store.open(data) as store:
        sets = store.sets()
    assert len(sets) == 6 and sets["session"].nunique() == 1 and set(sets["athlete"]) == {"Ana"}
    deadlift = sets[sets["exercise"] == "single-leg deadlift"].set_index("side")
    assert (deadlift.loc["left", "reps"], deadlift.loc["left", "load_kg"]) == (10, 6.0)
    assert (deadlift.loc["right", "reps"], deadlift.loc["right", "load_kg"]) == (8, 6.0)
    assert sets.loc[sets["exercise"] == "lateral band walk", "rpe"].tolist()[0] == 4.0

    # The form was cleared for the next entry, the load carried over; now a value the store refuses.
    expect(rows.nth(3).locator(".hipknee-reps input")).to_have_value("10")
    expect(rows.nth(3).locator(".hipknee-load input")).to_have_value("6")
    expect(rows.nth(0).locator(".hipknee-rpe input")).to_have_value("")
    rows.nth(2).locator(".hipknee-reps input").fill("-1")
    form.locator(".hipknee-save").click()
    error = rows.nth(2).locator(".hipknee-row-error")
    expect(error).to_contain_text("from 0 to 1000")
    expect(error).to_contain_text("-1")
    expect(form.locator(".hipknee-message")).to_contain_text("Nothing saved")
    form.screenshot(path=str(output_dir / "session_form_error.png"))
    with hipknee.Store.open(data) as store:
        assert store.count("set") == 6

    # Every kind of row (reps, time, holds, a two-sided exercise) and an error line: none of them,
    # nor anything inside one, may need a horizontal scrollbar of its own.
    picker = form.locator(".hipknee-exercise-picker select")
    picker.select_option(label="clamshell: 3 sets of 15 reps per side")
    expect(form.locator(".hipknee-add-exercise")).to_have_attribute("title", "add clamshell: 3 sets of 15 reps per side")
    expect(form.locator(".hipknee-add-exercise")).to_contain_text("Add exercise (3 sets)")
    form.locator(".hipknee-add-exercise").click()
    picker.select_option(label="hip thrust: 3 sets of 10 reps")
    # The kernel has the new choice once the button's tooltip names it.
    expect(form.locator(".hipknee-add-exercise")).to_have_attribute("title", "add hip thrust: 3 sets of 10 reps")
    form.locator(".hipknee-add-row").click()
    expect(rows).to_have_count(6 + 6 + 1)
    expect(rows.nth(12)).to_contain_text("set 1 of 1")
    page.set_viewport_size({"width": 1400, "height": 1700})  # as wide as before; tall enough to see every row
    overflowing = overflow(page, ".hipknee-session-form")
    form.screenshot(path=str(output_dir / "session_form_rows.png"))
    page.screenshot(path=str(output_dir / "session_form_1400px.png"))
    assert overflowing == [], overflowing
    assert page.evaluate("""() => {
        const form = document.querySelector('.hipknee-session-form').getBoundingClientRect();
        return [...document.querySelectorAll('.hipknee-session-form .hipknee-row')]
            .every(row => row.getBoundingClientRect().right <= form.right + 1);
    }""")
    rows.nth(2).locator(".hipknee-reps input").fill("9")  # fixing the refused value clears its error
    expect(error).to_have_text("")

    # The recent entries: the saved session is one line; delete it whole and bring it back.
    page.locator(".lm-TabBar-tab", has_text="Recent entries").click()
    recent = page.locator(".hipknee-recent")
    entry = recent.locator(".hipknee-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("hip session: lateral band walk, single-leg deadlift, foam-roller hip release · 6 sets")
    entry.locator(".hipknee-show-sets").click()
    expect(entry.locator(".hipknee-entry-sets")).to_contain_text("single-leg deadlift · right · set 1 of 1: 8 reps, 6 kg")
    assert overflow(page, ".hipknee-recent") == []
    recent.screenshot(path=str(output_dir / "recent_entries.png"))
    entry.locator(".hipknee-delete").click()
    expect(recent.locator(".hipknee-message")).to_contain_text("Deleted the hip session")
    expect(entry).to_have_count(0)
    with hipknee.Store.open(data) as store:
        assert store.count("set") == 0
    recent.locator(".hipknee-undo").click()
    expect(entry).to_have_count(1)
    with hipknee.Store.open(data) as store:
        assert store.count("set") == 6

    # The runner tab: set the painful side and body mass.
    page.locator(".lm-TabBar-tab", has_text=re.compile(r"^Runner$")).click()
    runner = page.locator(".hipknee-runner-form")
    expect(runner.locator(".hipknee-runner-name input")).to_have_value("Ana")
    runner.locator(".hipknee-involved-side select").select_option(label="right knee")
    runner.locator(".hipknee-body-mass input").fill("61")
    runner.locator(".hipknee-save").click()
    expect(runner.locator(".hipknee-message")).to_contain_text("Saved Ana: painful side right knee, body mass 61 kg.")
    runner.screenshot(path=str(output_dir / "runner_form.png"))
    with hipknee.Store.open(data) as store:
        ana = store.athletes().iloc[0]
    assert (ana["involved_side"], ana["body_mass_kg"]) == ("right", 61.0)


def overflow(page, selector: str) -> list[dict]:  # noqa: ANN001 - a playwright Page
    """Elements inside ``selector`` that would show a horizontal scrollbar of their own (content
    wider than the box, and the box scrolls), with their sizes."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ', ' + selector + ' *')]
            .filter(el => el.scrollWidth > el.clientWidth + 1
                          && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
            .map(el => ({classes: el.className, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                         text: (el.innerText || '').slice(0, 60)}))""",
        selector,
    )
