"""The Kujala questionnaire in a real JupyterLab, driven in headless Chromium as a runner would: the
logging notebook's Kujala tab, an answer picked for each of the 13 items with the score shown as it
is filled, Save; then the progress notebook shows the score in its words and on its chart."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port, jupyter_env, jupyterlab_command, open_in_lab, run_all_cells, served

import hipknee
from hipknee.records.kujala import KUJALA_FIELDS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 60_000
# An answer for each item (label as the menu shows it), worth 75 points by hand:
# 3 + 5 + 3 + 8 + 3 + 8 + 7 + 4 + 8 + 8 + 10 + 3 + 5.
ANSWERS = {
    "limp": "slight or periodical (3)", "support": "full support without pain (5)", "walking": "more than 2 km (3)",
    "stairs": "slight pain when descending (8)", "squatting": "painful each time (3)",
    "running": "pain after more than 2 km (8)", "jumping": "slight difficulty (7)",
    "sitting": "pain forces to extend knees temporarily (4)", "pain": "slight and occasional (8)",
    "swelling": "after severe exertion (8)", "kneecap": "none (10)", "atrophy": "slight (3)", "flexion": "none (5)",
}


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the notebooks, its store in a temp
    folder holding one runner (Ana). Yields (JupyterLab's address, token, data folder)."""
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
        yield f"http://127.0.0.1:{port}", token, data


def test_fill_in_the_questionnaire_and_see_it_charted(lab: tuple[str, str, Path], page, output_dir: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page.set_default_timeout(TIMEOUT_MS)
    address, token, data = lab
    panel = open_in_lab(page, address, token, "01_log_session.ipynb")
    run_all_cells(page, panel)
    panel.locator(".lm-TabBar-tab", has_text=re.compile(r"^Kujala$")).click()
    form = panel.locator(".hipknee-kujala-form")
    expect(form).to_be_visible()
    total = form.locator(".hipknee-kujala-total")
    expect(total).to_contain_text("Score so far: 0 of 100")
    for key, label in ANSWERS.items():
        form.locator(f".hipknee-kujala-{key} select").select_option(label=label)
        if key == "limp":
            expect(total).to_contain_text("Score so far: 3 of 100 (1 of 13 items answered")
    expect(total).to_contain_text("Kujala score: 75/100")
    page.screenshot(path=str(output_dir / "kujala_form.png"), full_page=True)
    form.locator(".hipknee-save").click()
    expect(form.locator(".hipknee-message")).to_contain_text("Saved a Kujala questionnaire (score 75/100) for Ana")
    with hipknee.Store.open(data) as store:
        saved = store.outcomes()
    assert saved["score"].tolist() == [75]
    assert sum(int(saved.iloc[0][f]) for f in KUJALA_FIELDS) == 75

    progress = open_in_lab(page, address, token, "02_progress.ipynb")
    run_all_cells(page, progress)
    expect(progress.locator(".hipknee-summary")).to_contain_text("Knee function (Kujala, 0-100, 100 = no problem): 75/100")
    chart = progress.locator("img.hipknee-dashboard")
    expect(chart).to_be_visible()
    svg = page.evaluate("async (src) => await (await fetch(src)).text()", chart.get_attribute("src"))
    assert "knee function, Kujala anterior knee pain scale" in svg and "smallest change that matters" in svg
    page.screenshot(path=str(output_dir / "kujala_progress.png"), full_page=True)


def test_the_demo_report_shows_adherence_progression_and_knee_function(demo_store: hipknee.Store, page,
                                                                       output_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    report = tmp_path / "maria.html"
    report.write_text(hipknee.build_report(demo_store, "Maria"), encoding="utf-8")
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(report.as_uri())
    expect(page.locator("li", has_text="Knee function (Kujala")).to_contain_text("up 31 points, better")
    expect(page.locator("li", has_text="Adherence to the programme")).to_be_visible()
    expect(page.locator("table.adherence")).to_contain_text("foam-roller hip release")
    expect(page.locator("ul.progression")).to_contain_text("foam-roller hip release: ready to progress")
    kujala = page.locator("figure.chart", has_text="Knee function: the Kujala score")
    expect(kujala).to_be_visible()
    box = kujala.locator("svg").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    page.screenshot(path=str(output_dir / "demo_report.png"), full_page=True)
    kujala.screenshot(path=str(output_dir / "demo_report_kujala.png"))
