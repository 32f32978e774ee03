"""Every notebook runs top to bottom in a real kernel: on a fresh machine (no store yet), against a
season of data, and against the demo season as it stood on its first day (runners, nothing logged),
after one day, one week and two weeks; without an error or a printed warning. Committed without outputs.

The notebooks run side by side (a few kernels at a time) once per test run; each test then checks its own."""

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

from tests.seasons import cut_season

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
#: The demo season cut this many days after its first day (0: the runners are there, nothing is logged).
CUTS = {"empty": 0, "one day": 1, "one week": 7, "two weeks": 14}
STORES = ("fresh", "season", *CUTS)
KERNELS_AT_ONCE = 4  # two cores: more kernels at once only wait for each other


async def _execute(notebook: Path, workdir: Path, data: Path,
                   turns: asyncio.Semaphore) -> nbformat.NotebookNode | BaseException:
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    async with turns:
        try:
            await client.async_execute(env={**os.environ, "HIPKNEE_DATA": str(data)})
        except Exception as exc:  # noqa: BLE001 - reported by the notebook's own test
            return exc
    return nb


@pytest.fixture(scope="session")
def executed(tmp_path_factory: pytest.TempPathFactory, demo_master: Path) -> dict[tuple[str, str], object]:
    """Every notebook executed with the environment's ``python3`` kernel against each of :data:`STORES`:
    an empty data folder ("fresh": the demo season stands in), the demo season ("season"), and the demo
    season cut at each of :data:`CUTS`."""
    places = {}
    for notebook in NOTEBOOKS:
        for store in STORES:
            folder = tmp_path_factory.mktemp(f"{notebook.stem}-{store.replace(' ', '-')}")
            data = folder / "data"
            if store == "season":
                shutil.copytree(demo_master, data)
            elif store in CUTS:
                cut_season(demo_master, CUTS[store], data)
            else:
                data.mkdir()
            (folder / "work").mkdir()
            places[notebook, store] = (folder / "work", data)

    async def run_all() -> list[object]:
        turns = asyncio.Semaphore(KERNELS_AT_ONCE)
        return await asyncio.gather(*(_execute(nb, work, data, turns) for (nb, _), (work, data) in places.items()))

    # A thread of its own: Playwright's sync API (the browser tests) keeps an event loop running in
    # the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, run_all()).result()
    return {(nb.stem, store): result for (nb, store), result in zip(places, results)}


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
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    printed = [out.text for out in outputs if out.output_type == "stream" and out.name == "stderr"]
    assert printed == [], f"{notebook.name} printed a warning on the {store} store: {printed}"
    if notebook.name == "01_log_session.ipynb":
        shown = [
            out for cell in nb.cells for out in cell.get("outputs", [])
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        ]
        assert shown, "the log notebook shows its forms"
    if notebook.name == "03_coach_report.ipynb":
        shown = "".join(str(out.get("data", {}).get("text/html", "")) for out in outputs)
        # Nothing logged yet: the report says what is missing instead of drawing empty charts.
        if store in ("empty", "season"):
            assert ("not enough data yet" in shown) == (store == "empty"), store
