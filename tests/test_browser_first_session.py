"""A new runner's first session, in a real JupyterLab and the real coach dashboard, driven in
headless Chromium: from an empty data folder, log one hip session through the form, run every
notebook and save it, open the dashboard with its token. The charts show, no cell fails, and git
sees nothing new: no output and no runner data reached the tracked files."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from browser_helpers import (
    LAB_TIMEOUT_MS,
    STDERR_OUTPUT,
    dashboard_command,
    free_port,
    git,
    jupyter_env,
    jupyterlab_command,
    open_in_lab,
    printed_dashboard_url,
    project_copy,
    run_all_cells,
    save_notebook,
    served,
    shown_chart_count,
    tracked_text,
)

import hipknee

pytestmark = pytest.mark.browser

RUNNER, NOTE = "Ilse Brandvold", "knee sore after the hill reps"
VOILA_CELL_ERROR = "There was an error when executing cell"


@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    repo: Path  # a git repository holding the project's notebooks; JupyterLab serves its notebooks/
    data: Path  # the store's folder (HIPKNEE_DATA), inside the repository as data/ is


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab as `make lab` starts it (`hipknee lab`), on 127.0.0.1 with a token, serving the
    notebooks of a git repository that holds the project as committed; its store in the
    repository's data/ (HIPKNEE_DATA), empty but for data/README.md, as on a fresh clone."""
    repo = project_copy(tmp_path / "repo")
    data = repo / "data"
    port, token = free_port(), secrets.token_hex(16)
    command = jupyterlab_command(root=repo / "notebooks", port=port, token=token, folder=tmp_path / "jupyter",
                                 launcher="hipknee")
    try:
        with served(command, cwd=repo, env=jupyter_env(tmp_path / "jupyter", data),
                    url=f"http://127.0.0.1:{port}/api/status?token={token}", log=tmp_path / "jupyterlab.log"):
            yield Lab(f"http://127.0.0.1:{port}", token, repo, data)
    finally:
        print((tmp_path / "jupyterlab.log").read_text(errors="replace")[-3000:])


def _no_failed_cell(panel) -> None:  # noqa: ANN001 - playwright Locator
    failed = panel.locator(STDERR_OUTPUT)
    assert failed.count() == 0, failed.all_inner_texts()


def test_first_session_from_an_empty_data_folder(lab: Lab, page, browser, output_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=LAB_TIMEOUT_MS)
    page.set_default_timeout(LAB_TIMEOUT_MS)
    assert sorted(p.name for p in lab.data.iterdir()) == ["README.md"]
    notebooks = lab.repo / "notebooks"

    # 01: log today's hip session as a new runner, through the form.
    panel = open_in_lab(page, lab.url, lab.token, "01_log_session.ipynb")
    run_all_cells(page, panel)
    form = panel.locator(".hipknee-session-form")
    expect(form).to_be_visible()
    form.locator(".hipknee-athlete input").fill(RUNNER)
    form.locator(".hipknee-note input").fill(NOTE)
    form.locator(".hipknee-save").click()
    expect(form.locator(".hipknee-message")).to_contain_text("Saved")
    with hipknee.Store.open(lab.data) as store:
        assert store.athlete_names() == [RUNNER] and store.count("set") >= 1
    _no_failed_cell(panel)
    save_notebook(page, panel, notebooks / "01_log_session.ipynb")

    # 02: the runner's progress, one session in: the charts, no failed cell.
    panel = open_in_lab(page, lab.url, lab.token, "02_progress.ipynb")
    run_all_cells(page, panel)
    progress = panel.locator(".hipknee-progress")
    expect(progress).to_be_visible()
    expect(progress.locator(".hipknee-message")).to_contain_text(RUNNER)  # the own store, not the demo
    page.wait_for_function("(el) => el.querySelectorAll('img, svg').length > 0", arg=progress.element_handle())
    assert shown_chart_count(progress) >= 1
    _no_failed_cell(panel)
    page.screenshot(path=str(output_dir / "first_session_progress.png"), full_page=True)
    save_notebook(page, panel, notebooks / "02_progress.ipynb")

    # 03: the report (it holds the note) is shown and written into the data folder.
    panel = open_in_lab(page, lab.url, lab.token, "03_coach_report.ipynb")
    run_all_cells(page, panel)
    expect(panel.locator(".hipknee-report iframe")).to_be_visible()
    _no_failed_cell(panel)
    save_notebook(page, panel, notebooks / "03_coach_report.ipynb")
    assert any(NOTE in p.read_text() for p in (lab.data / "reports").glob("*.html"))

    # 04 in JupyterLab: the dashboard, and the notebook's own notes stay readable there.
    panel = open_in_lab(page, lab.url, lab.token, "04_dashboard.ipynb")
    run_all_cells(page, panel)
    expect(panel.locator(".hipknee-coach-dashboard")).to_be_visible()
    expect(panel.locator(".jp-RenderedMarkdown", has_text="Served read-only with Voila")).to_be_visible()
    _no_failed_cell(panel)
    save_notebook(page, panel, notebooks / "04_dashboard.ipynb")

    # Every notebook ran through the server and was saved: git sees nothing new, no output and
    # no runner data is in a tracked file (the store, its demo season and the report are ignored).
    for path in sorted(notebooks.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(cell.outputs == [] for cell in nb.cells if cell.cell_type == "code"), path.name
    assert git(lab.repo, "status", "--porcelain") == ""
    tracked = tracked_text(lab.repo)
    assert RUNNER not in tracked and NOTE not in tracked

    # The coach dashboard, as `make dashboard` serves it, over the same data folder.
    port, log = free_port(), tmp_path / "dashboard.log"
    command = dashboard_command(notebooks / "04_dashboard.ipynb", port=port, data=lab.data)
    try:
        with served(command, cwd=lab.repo, env=jupyter_env(tmp_path / "voila", lab.data),
                    url=f"http://127.0.0.1:{port}/login", log=log):
            address = printed_dashboard_url(log)
            # Without the token: the login page, not the dashboard.
            stranger = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                refused = stranger.new_page()
                refused.goto(address.split("?")[0], timeout=LAB_TIMEOUT_MS)
                expect(refused.locator("#password_input")).to_be_visible()  # "Password or token"
                assert refused.locator(".hipknee-coach-dashboard").count() == 0
            finally:
                stranger.close()
            # With it: the dashboard alone, charts drawn, no cell failed.
            page.goto(address, timeout=LAB_TIMEOUT_MS)
            app = page.locator(".hipknee-coach-dashboard")
            expect(app).to_be_visible()
            expect(page.locator(".hipknee-athlete select")).to_have_value(RUNNER)
            page.wait_for_function("(el) => el.querySelectorAll('img, svg').length > 0", arg=app.element_handle())
            assert shown_chart_count(app) >= 1
            assert page.get_by_text(VOILA_CELL_ERROR).count() == 0
            assert page.locator(STDERR_OUTPUT).count() == 0
            page_text = page.locator("body").inner_text()
            assert "Served read-only with Voila" not in page_text and "make dashboard" not in page_text
            page.screenshot(path=str(output_dir / "first_session_dashboard.png"), full_page=True)
            # The page scrolls inside Voila's own container: the charts get a picture of their own.
            page.set_viewport_size({"width": 1400, "height": 3200})  # the whole chart in view
            app.locator(".hipknee-dashboard").screenshot(path=str(output_dir / "first_session_dashboard_charts.png"))
    finally:
        print(log.read_text(errors="replace")[-3000:])
    assert git(lab.repo, "status", "--porcelain") == ""
