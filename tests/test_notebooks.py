"""Every notebook runs top to bottom in a real kernel, both on a fresh machine (no store yet) and
against a season of data, and is committed without outputs.

The notebooks run side by side (one kernel each) once per test run; each test then checks its own."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
STORES = ("fresh", "season")


async def _execute(notebook: Path, workdir: Path, data: Path) -> nbformat.NotebookNode | BaseException:
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    try:
        await client.async_execute(env={**os.environ, "HIPKNEE_DATA": str(data)})
    except Exception as exc:  # noqa: BLE001 - reported by the notebook's own test
        return exc
    return nb


@pytest.fixture(scope="session")
def executed(tmp_path_factory: pytest.TempPathFactory, demo_master: Path) -> dict[tuple[str, str], object]:
    """Every notebook executed with the environment's ``python3`` kernel, against an empty data folder
    ("fresh": the demo season stands in) and against one holding the demo season ("season")."""
    jobs = {}
    for notebook in NOTEBOOKS:
        for store in STORES:
            folder = tmp_path_factory.mktemp(f"{notebook.stem}-{store}")
            data = folder / "data"
            if store == "season":
                shutil.copytree(demo_master, data)
            else:
                data.mkdir()
            (folder / "work").mkdir()
            jobs[notebook.stem, store] = _execute(notebook, folder / "work", data)

    async def run_all() -> list[object]:
        return await asyncio.gather(*jobs.values())

    # A thread of its own: Playwright's sync API (the browser tests) keeps an event loop running in
    # the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, run_all()).result()
    return dict(zip(jobs, results))


def test_there_are_notebooks() -> None:
    assert any(nb.name == "01_log_session.ipynb" for nb in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown", "a notebook opens with a short introduction"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"outputs committed in {notebook.name}"
            assert cell.execution_count is None, f"execution count committed in {notebook.name}"


def test_kernel_is_this_environment(tmp_path: Path) -> None:
    """The notebooks' kernel is the Python the tests run under (the project's venv), not another one."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, hipknee; print(sys.prefix)")])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.cells[0].outputs[0]["text"].strip() == sys.prefix


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("store", STORES)
def test_notebook_runs(notebook: Path, store: str, executed: dict[tuple[str, str], object]) -> None:
    nb = executed[notebook.stem, store]
    if isinstance(nb, BaseException):
        raise nb
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code")
    if notebook.name == "01_log_session.ipynb":
        shown = [
            out for cell in nb.cells for out in cell.get("outputs", [])
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        ]
        assert shown, "the log notebook shows its forms"
