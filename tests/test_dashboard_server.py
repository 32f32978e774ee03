"""The coach dashboard asks who you are: ``hipknee dashboard`` (what ``make dashboard`` runs) serves
the page only with the token it printed, only under this machine's own host names, starts no
kernel for anyone else, caps and culls its kernels, and serves no file beside the notebook."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from browser_helpers import dashboard_command, free_port, printed_dashboard_url, served

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "notebooks" / "04_dashboard.ipynb"
PAGE_TIMEOUT_S = 180  # a page is sent once the notebook has run on the server


@dataclass
class Dashboard:
    url: str  # the address printed at start, token included
    pid: int  # the server's process (its kernels are its children)
    log: Path

    @property
    def origin(self) -> str:
        return "http://" + urlsplit(self.url).netloc

    @property
    def token(self) -> str:
        return self.url.rsplit("=", 1)[1]

    def kernels(self) -> list[psutil.Process]:
        """The kernels the server runs now (one that has just ended, a zombie or gone, is none)."""
        running = []
        for process in psutil.Process(self.pid).children(recursive=True):
            try:
                if any("ipykernel" in part for part in process.cmdline()):
                    running.append(process)
            except (psutil.ZombieProcess, psutil.NoSuchProcess):
                continue
        return running


def dashboard(tmp_path: Path, demo_master: Path, *extra: str, browser: Path | None = None) -> Iterator[Dashboard]:
    """``hipknee dashboard`` serving a copy of the dashboard notebook (a chart image beside it)
    over a copy of the demo season; ``browser``: the program it opens the page with (none by default)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy2(DASHBOARD, folder / DASHBOARD.name)
    (folder / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    data = tmp_path / "data"
    shutil.copytree(demo_master, data)
    port, log = free_port(), tmp_path / "dashboard.log"
    command = dashboard_command(folder / DASHBOARD.name, port=port, data=data, extra=extra,
                                open_browser=browser is not None)
    env = {**os.environ, **({"BROWSER": str(browser)} if browser is not None else {})}
    try:
        with served(command, cwd=tmp_path, env=env, url=f"http://127.0.0.1:{port}/login", log=log) as pid:
            yield Dashboard(printed_dashboard_url(log), pid, log)
    finally:
        print(log.read_text(errors="replace")[-3000:])


@pytest.fixture
def server(tmp_path: Path, demo_master: Path) -> Iterator[Dashboard]:
    yield from dashboard(tmp_path, demo_master)


@pytest.fixture
def one_kernel_server(tmp_path: Path, demo_master: Path) -> Iterator[Dashboard]:
    yield from dashboard(tmp_path, demo_master, "--max-kernels=1", "--idle-timeout=5")


def get(url: str, *, host: str | None = None) -> tuple[int, str, str]:
    """GET ``url`` without following redirects: (status, body, Location header)."""
    status, body, headers = request(url, host=host)
    return status, body, headers.get("Location", "")


def request(url: str, *, host: str | None = None) -> tuple[int, str, http.client.HTTPMessage]:
    """GET ``url`` without following redirects: (status, body, headers)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=PAGE_TIMEOUT_S)
    try:
        headers = {"Host": host} if host else {}
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.headers
    finally:
        connection.close()


def websocket_handshake(url: str, *, origin: str, cookie: str) -> int:
    """The status a websocket handshake to ``url`` gets (101: opened) from a browser page at
    ``origin`` that holds the login ``cookie`` (as a page of another site, loaded in the coach's
    browser, would send it)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": origin, "Cookie": cookie,
        })
        return connection.getresponse().status
    finally:
        connection.close()


def kernel_id(page: str) -> str:
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', page)
    assert found, "the page names its kernel"
    return found.group(1)


def test_no_token_or_a_foreign_host_gets_nothing(server: Dashboard) -> None:
    bare = server.url.split("?")[0]
    # No token, or a wrong one: the login page, never the dashboard, and no kernel started.
    for url in (bare, f"{bare}?token=0123456789abcdef"):
        status, body, location = get(url)
        assert status == 302 and urlsplit(location).path == "/login", (status, location)
        assert "kernelId" not in body
    status, body, _ = get(f"{bare}login")
    assert status == 200 and "kernelId" not in body and "hipknee" not in body
    # The right token under a host name other than this machine's (DNS rebinding): refused.
    for host in ("evil.example", f"evil.example:{urlsplit(bare).port}", "127.0.0.1.nip.io", "192.168.1.20"):
        status, body, _ = get(server.url, host=host)
        assert status == 403 and "kernelId" not in body, host
    # No file beside the notebook is served, token or not.
    assert get(f"{bare}voila/files/chart.png?token={server.token}")[0] == 403
    assert get(f"{bare}voila/files/chart.png")[0] == 403
    assert server.kernels() == []

    # With the token and this machine's name: the dashboard, with its kernel.
    assert get(server.url.replace("127.0.0.1", "localhost"))[0] == 200
    status, body, headers = request(server.url)
    assert status == 200 and "kernelId" in body
    assert len(server.kernels()) == 2
    # Its kernel's websocket opens from the dashboard's own page only: a page of another site,
    # in the browser that logged in, is refused although the browser sends the login cookie.
    cookie = headers["Set-Cookie"].split(";")[0]
    channels = f"{bare}api/kernels/{kernel_id(body)}/channels"
    assert websocket_handshake(channels, origin="http://evil.example", cookie=cookie) == 403
    assert websocket_handshake(channels, origin=server.origin, cookie="") == 403
    assert websocket_handshake(channels, origin=server.origin, cookie=cookie) == 101


def test_kernels_are_capped_and_idle_ones_culled(one_kernel_server: Dashboard) -> None:
    server = one_kernel_server
    status, body, _ = get(server.url)
    assert status == 200 and "kernelId" in body
    assert len(server.kernels()) == 1
    # A second page while the first one's kernel runs: refused, no second kernel.
    status, body, _ = get(server.url)
    assert status == 503 and "Too many dashboard pages open" in body
    assert len(server.kernels()) == 1
    # No page is connected to that kernel: it is shut down after 5 s idle, and a page fits again.
    deadline = time.monotonic() + 60
    while server.kernels() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert server.kernels() == []
    # The server counts the kernel out once its shutdown completes, a moment after the process ends.
    status, body, _ = get(server.url)
    while status == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
        status, body, _ = get(server.url)
    assert status == 200 and "kernelId" in body
    # The token was printed once, at start: the requests that carried it are logged without it.
    assert server.log.read_text().count(server.token) == 1


def test_the_browser_opens_the_address_with_the_token(tmp_path: Path, demo_master: Path) -> None:
    """Voila opens its bare address (the login page); the dashboard opens the one with the token,
    through a private file rather than on the browser's command line."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    browser.chmod(0o755)
    for server in dashboard(tmp_path, demo_master, browser=browser):
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        page = Path(urlsplit(opened.read_text().strip()).path)
        assert server.token not in opened.read_text()
        assert page.stat().st_mode & 0o077 == 0  # readable by this user only
        assert f'url={server.url}"' in page.read_text()


def test_cli_refuses_bad_limits(capsys: pytest.CaptureFixture[str]) -> None:
    from hipknee.cli.main import main

    for argv in (["--max-kernels=0"], ["--idle-timeout=-5"], ["--port=70000"], ["--max-kernels=two"]):
        with pytest.raises(SystemExit) as exited:
            main(["dashboard", *argv])
        assert exited.value.code == 2
        error = capsys.readouterr().err
        assert "a whole number, 1 or more" in error or "a port, 1 to 65535" in error


def test_a_missing_notebook_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hipknee.cli.main import main

    assert main(["dashboard", str(tmp_path / "nowhere.ipynb")]) == 2
    assert "nowhere.ipynb" in capsys.readouterr().err


def test_limits_are_checked_in_python_too() -> None:
    from hipknee.errors import ValidationError
    from hipknee.servers.dashboard import dashboard_config

    for limits in ({"max_kernels": 0}, {"idle_timeout": -1}, {"max_kernels": True}):
        with pytest.raises(ValidationError):
            dashboard_config(**limits)
    config = dashboard_config(max_kernels=2, idle_timeout=30)
    assert config.CappedKernelManager.max_kernels == 2
    assert config.MappingKernelManager.cull_idle_timeout == 30 and config.MappingKernelManager.cull_interval == 30
