"""What the coach sees, in headless Chromium: the report file opened from disk, and the Voila
dashboard served from 127.0.0.1 with its runner picker."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port, served

import hipknee
from hipknee.views.report import build_report, write_report

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "notebooks" / "04_dashboard.ipynb"
TIMEOUT_MS = 60_000


def test_report_file_shows_its_charts_offline(
    demo_store: hipknee.Store, tmp_path: Path, page, output_dir: Path
) -> None:
    from playwright.sync_api import expect

    out = write_report(build_report(demo_store), tmp_path / "Maria report.html")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(out.as_uri())
    charts = page.locator("svg.hipknee-chart")
    expect(charts).to_have_count(3)
    for i in range(3):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 150
    expect(page.locator("h1")).to_have_text("Maria: season report")
    expect(page.locator(".verdicts li").first).to_be_visible()
    # Nothing but the file itself was loaded: no fonts, scripts or images from anywhere.
    assert fetched and all(url.startswith(("file:", "data:")) for url in fetched), fetched
    page.screenshot(path=str(output_dir / "coach_report.png"), full_page=True)


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[str]:
    """Voila serving the dashboard notebook on 127.0.0.1, its store a 3-runner demo squad in a
    temp folder. Yields the page URL."""
    data = tmp_path / "data"
    with hipknee.Store.open(data) as store:
        hipknee.make_demo(store, runners=3)
    jupyter = tmp_path / "jupyter"
    env = {
        **os.environ,
        "HIPKNEE_DATA": str(data),
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
    }
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "voila",
        str(DASHBOARD),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]
    try:
        with served(command, cwd=tmp_path, env=env, url=f"http://127.0.0.1:{port}/", log=tmp_path / "voila.log"):
            yield f"http://127.0.0.1:{port}/"
    finally:
        print((tmp_path / "voila.log").read_text(errors="replace")[-3000:])


def test_voila_dashboard_picker_changes_the_charts(voila: str, page, output_dir: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page.goto(voila, timeout=TIMEOUT_MS)
    app = page.locator(".hipknee-coach-dashboard")
    expect(app).to_be_visible()
    expect(page.locator(".hipknee-squad-table tbody tr")).to_have_count(3)
    chart = app.locator("img.hipknee-dashboard")  # balance, pain and load charts with the summary
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 250
    picker = page.locator(".hipknee-athlete select")
    first = picker.input_value()
    before = chart.get_attribute("src")
    message = page.locator(".hipknee-message")
    expect(message).to_contain_text(first)
    page.screenshot(path=str(output_dir / "coach_dashboard.png"), full_page=True)

    other = next(name for name in ("Maria", "Anna", "Sofia") if name != first)
    picker.select_option(other)
    expect(message).to_contain_text(other)
    expect(chart).not_to_have_attribute("src", before)
    expect(chart).to_be_visible()
    page.screenshot(path=str(output_dir / "coach_dashboard_other_runner.png"), full_page=True)
