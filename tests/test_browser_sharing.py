"""What the coach sees, in headless Chromium: the report file opened from disk, and the Voila
dashboard served from 127.0.0.1 (logged in with its token) with its runner picker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import dashboard_command, free_port, jupyter_env, printed_dashboard_url, served

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
    expect(charts).to_have_count(4)  # balance, pain, knee function (the demo has Kujala questionnaires), load
    for i in range(4):
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
    """The coach dashboard as `make dashboard` serves it (`hipknee dashboard`, Voila on 127.0.0.1
    behind a token), its store a 3-runner demo squad in a temp folder. Yields the address with the
    token that it printed at start."""
    data = tmp_path / "data"
    with hipknee.Store.open(data) as store:
        hipknee.make_demo(store, runners=3)
    port, log = free_port(), tmp_path / "dashboard.log"
    env = jupyter_env(tmp_path / "jupyter", data)
    try:
        with served(dashboard_command(DASHBOARD, port=port, data=data), cwd=tmp_path, env=env,
                    url=f"http://127.0.0.1:{port}/login", log=log):
            yield printed_dashboard_url(log)
    finally:
        print(log.read_text(errors="replace")[-3000:])


def test_voila_dashboard_picker_changes_the_charts(voila: str, page, output_dir: Path) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page.goto(voila, timeout=TIMEOUT_MS)
    app = page.locator(".hipknee-coach-dashboard")
    expect(app).to_be_visible()
    names = page.locator(".hipknee-squad-table .hipknee-squad-pick")  # one button a runner, in attention order
    expect(names).to_have_count(3)
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
    # The page scrolls inside Voila's own container: the charts get a picture of their own.
    page.set_viewport_size({"width": 1400, "height": 3200})  # the whole chart in view
    chart.screenshot(path=str(output_dir / "coach_dashboard_charts.png"))

    other = next(name for name in ("Maria", "Anna", "Sofia") if name != first)
    picker.select_option(other)
    expect(message).to_contain_text(other)
    expect(chart).not_to_have_attribute("src", before)
    expect(chart).to_be_visible()
    page.screenshot(path=str(output_dir / "coach_dashboard_other_runner.png"), full_page=True)

    # A runner's name in the squad table shows her season as the picker does.
    third = next(name for name in ("Maria", "Anna", "Sofia") if name not in (first, other))
    shown = chart.get_attribute("src")
    names.filter(has_text=third).click()
    expect(message).to_contain_text(third)
    expect(picker).to_have_value(third)
    expect(chart).not_to_have_attribute("src", shown)
