"""Every notebook runs top to bottom in a real kernel, both on a fresh machine (no store yet) and
against a season of data, and is committed without outputs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def execute(notebook: Path, workdir: Path) -> nbformat.NotebookNode:
    """Run a copy of ``notebook`` in ``workdir`` with the environment's ``python3`` kernel; raises on any error."""
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [
        f"{out.get('ename')}: {out.get('evalue')}"
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]


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
@pytest.mark.parametrize("data", ["fresh", "season"])
def test_notebook_runs(notebook: Path, data: str, demo_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh: HIPKNEE_DATA is an empty folder (the demo season stands in). Season: it holds the demo season."""
    store_dir = tmp_path / "data"
    if data == "season":
        shutil.copytree(demo_master, store_dir)
    else:
        store_dir.mkdir()
    monkeypatch.setenv("HIPKNEE_DATA", str(store_dir))
    workdir = tmp_path / "work"
    workdir.mkdir()
    nb = execute(notebook, workdir)
    assert _errors(nb) == []
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code")
    assert (store_dir / "hipknee.db").exists() or (store_dir / "demo" / "hipknee.db").exists()
    if notebook.name == "01_log_session.ipynb":
        shown = [out for cell in nb.cells for out in cell.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
        assert shown, "the log notebook shows its forms"
