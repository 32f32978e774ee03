"""What the browser tests share: Debian's Chromium, a free port, servers (JupyterLab, the coach
dashboard) run in a process group of their own until a block ends, JupyterLab driven as a person
drives it, and a copy of the project under git. Fixtures live in conftest.py."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LAB_TIMEOUT_MS",
    "STDERR_OUTPUT",
    "current_notebook",
    "dashboard_command",
    "ensure_chromium",
    "free_port",
    "git",
    "jupyterlab_command",
    "jupyter_env",
    "open_in_lab",
    "printed_dashboard_url",
    "project_copy",
    "run_all_cells",
    "save_notebook",
    "served",
    "shown_chart_count",
    "tracked_text",
    "wait_for_http",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing so browser tests run rather than skip."""
    if not CHROMIUM.exists():
        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=True, capture_output=True)
            subprocess.run(install, env=env, check=True, capture_output=True)
    return CHROMIUM


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - localhost only
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.5)


@contextlib.contextmanager
def served(command: list[str], *, cwd: Path, env: dict[str, str], url: str, log: Path) -> Iterator[int]:
    """Run a server (JupyterLab, the dashboard) in a process group of its own until the block ends;
    ``url`` must answer before the block starts. The group holds the kernels it starts, so
    stopping it stops them too. The server's output goes to ``log``. Yields the server's pid."""
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_http(url, timeout=60)
            yield server.pid
        finally:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            except ProcessLookupError:
                pass


def jupyter_env(folder: Path, data: Path) -> dict[str, str]:
    """The environment of a test's Jupyter server: its store in ``data``, and Jupyter's user
    config, runtime and settings folders under ``folder``, so nothing of the person running the
    tests (``~/.jupyter``) applies. The environment's own config (``sys.prefix/etc/jupyter``),
    which ``make venv`` sets up, still does: that is what the tests check."""
    # No "get notified about Jupyter news?" prompt and no update check: nothing leaves the machine.
    notification = folder / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    return {
        **os.environ,
        "HIPKNEE_DATA": str(data),
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
    }


def jupyterlab_command(*, root: Path, port: int, token: str, folder: Path, launcher: str = "jupyter") -> list[str]:
    """JupyterLab on 127.0.0.1 with ``token``, serving ``root``, its workspaces and settings under
    ``folder``; started as ``make lab`` starts it (``launcher="hipknee"``: ``hipknee lab``) or as
    ``jupyter lab`` typed by hand in this environment (``"jupyter"``)."""
    start = {"hipknee": [sys.executable, "-m", "hipknee", "lab"], "jupyter": [sys.executable, "-m", "jupyterlab"]}
    command = [
        *start[launcher],
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False", "--no-browser",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={folder / 'workspaces'}", f"--LabApp.user_settings_dir={folder / 'settings'}",
    ]
    if launcher == "jupyter" and hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # `hipknee lab` adds it itself
    return command


def dashboard_command(notebook: Path, *, port: int, data: Path, extra: tuple[str, ...] = (),
                      open_browser: bool = False) -> list[str]:
    """The coach dashboard as ``make dashboard`` starts it (``hipknee dashboard``), on ``port``."""
    return [sys.executable, "-m", "hipknee", "dashboard", str(notebook), f"--port={port}",
            f"--data={data}", *([] if open_browser else ["--no-browser"]), *extra]


def printed_dashboard_url(log: Path, timeout: float = 30.0) -> str:
    """The address with its token that the dashboard printed when it started (read from ``log``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+", log.read_text(errors="replace"))
        if found:
            return found.group(0)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no address with a token in {log}")
        time.sleep(0.2)


# -- JupyterLab, driven as a person drives it ---------------------------------------------------
LAB_TIMEOUT_MS = 120_000
MAIN_TABS = "#jp-main-dock-panel .lm-DockPanel-tabBar .lm-TabBar-tab"  # the documents' tabs
# Error tracebacks and anything a cell printed to stderr (warnings too) render with this type.
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def open_in_lab(page, lab: str, token: str, name: str):  # noqa: ANN001, ANN201 - playwright Page, Locator
    """Open notebook ``name`` in JupyterLab at ``lab`` (``http://127.0.0.1:PORT``): by its address
    the first time, then from the file browser; wait until it is in front and its kernel is up.
    Returns the notebook's panel."""
    from playwright.sync_api import expect

    if not page.url.startswith(f"{lab}/lab"):
        page.goto(f"{lab}/lab/tree/{name}?token={token}", timeout=LAB_TIMEOUT_MS)
    else:
        page.locator(".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(name)}$")).dblclick()
    expect(page.locator(f"{MAIN_TABS}.lm-mod-current .lm-TabBar-tabLabel")).to_have_text(name, timeout=LAB_TIMEOUT_MS)
    panel = current_notebook(page)
    panel.locator(".jp-Cell").first.wait_for(timeout=LAB_TIMEOUT_MS)
    # Run only once its kernel is up; earlier, JupyterLab asks which kernel to start.
    idle = page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3 \(ipykernel\) \| Idle"))
    expect(idle).to_have_count(1, timeout=LAB_TIMEOUT_MS)
    return panel


def current_notebook(page):  # noqa: ANN001, ANN201 - playwright Page, Locator
    """The notebook panel of the tab in front."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def run_all_cells(page, panel) -> None:  # noqa: ANN001 - playwright Page, Locator
    """*Run ▸ Run All Cells*, then wait until the last code cell has run."""
    from playwright.sync_api import expect

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    last = panel.locator(".jp-CodeCell").last.locator(".jp-InputPrompt")
    expect(last).to_have_text(re.compile(r"\[\d+\]"), timeout=LAB_TIMEOUT_MS)


def save_notebook(page, panel, path: Path) -> None:  # noqa: ANN001 - playwright Page, Locator
    """Save the notebook in front (Ctrl+S) and wait until the file at ``path`` was written."""
    from playwright.sync_api import expect

    before = path.stat().st_mtime_ns
    panel.locator(".jp-Cell").first.click()
    page.keyboard.press("Escape")  # command mode: Ctrl+S saves the notebook, not a cell's text
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + LAB_TIMEOUT_MS / 1000
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} was not saved")
        time.sleep(0.2)
    expect(page.locator(f"{MAIN_TABS}.lm-mod-current.jp-mod-dirty")).to_have_count(0)


def shown_chart_count(scope) -> int:  # noqa: ANN001 - playwright Locator
    """How many drawn charts (an image or SVG at least 300 x 150 px on screen) ``scope`` holds."""
    return scope.evaluate(
        """(root) => [...root.querySelectorAll('img, svg')].filter((el) => {
               const box = el.getBoundingClientRect();
               return box.width >= 300 && box.height >= 150;
           }).length"""
    )


# -- a copy of the project under git ------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (as a throw-away identity) and return its output."""
    command = ["git", "-c", "user.name=hipknee tests", "-c", "user.email=tests@hipknee.invalid", *args]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True).stdout


def project_copy(target: Path) -> Path:
    """A git repository at ``target`` holding the notebooks, ``.gitignore`` and ``data/README.md``
    as they are in this working tree, committed: what a fresh clone holds of them."""
    shutil.copytree(REPO / "notebooks", target / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (target / "data").mkdir()
    shutil.copy2(REPO / "data" / "README.md", target / "data" / "README.md")
    shutil.copy2(REPO / ".gitignore", target / ".gitignore")
    git(target, "init", "--quiet")
    git(target, "add", "--all")
    git(target, "commit", "--quiet", "-m", "the project's notebooks")
    return target


def tracked_text(repo: Path) -> str:
    """Every tracked file of ``repo`` as it is on disk, one string."""
    return "\n".join((repo / name).read_text(errors="replace") for name in git(repo, "ls-files").split("\n") if name)
