"""Personal data never lands in git: every Jupyter server of the environment saves notebooks
without their outputs. Checked on the function, on the file ``make venv`` writes, and through a
real JupyterLab (saves over its contents API, then the files on disk and ``git status``)."""

from __future__ import annotations

import json
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser_helpers import (
    free_port,
    git,
    jupyter_env,
    jupyterlab_command,
    project_copy,
    served,
    tracked_text,
)
from tornado import web

from hipknee.servers import notebook_outputs
from hipknee.servers.notebook_outputs import strip_before_save, strip_outputs

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
# What a run leaves in a notebook: a runner's name, a note, a chart, the widgets' state.
RUNNER, NOTE = "Ilse Brandvold", "knee sore after the hill reps"


def _as_run(path: Path) -> nbformat.NotebookNode:
    """The committed notebook ``path`` as JupyterLab holds it after running every cell."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    for count, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            cell.execution_count = count
            cell.outputs = [
                nbformat.v4.new_output("stream", text=f"{RUNNER}: {NOTE}\n"),
                nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": RUNNER}),
                nbformat.v4.new_output("error", ename="ValueError", evalue=RUNNER, traceback=[RUNNER]),
            ]
            cell.metadata["execution"] = {"iopub.status.busy": "2026-03-02T18:00:00.000Z"}
            cell.metadata["scrolled"] = True
            cell.metadata["jupyter"] = {"outputs_hidden": True}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"m": {"state": {"value": RUNNER}}}}}
    nb.metadata["language_info"] = {
        "name": "python", "version": "3.11.7", "mimetype": "text/x-python", "file_extension": ".py",
        "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
    }
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_run_notebook_stripped_is_the_committed_file(path: Path) -> None:
    stripped = strip_outputs(_as_run(path))
    assert nbformat.writes(stripped) + "\n" == path.read_text(encoding="utf-8")


def test_what_a_user_set_on_a_cell_is_kept() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.cells[0].metadata.update(tags=["lab-only"], jupyter={"source_hidden": True, "outputs_hidden": True})
    cell = strip_outputs(nb).cells[0]
    assert cell.metadata == {"tags": ["lab-only"], "jupyter": {"source_hidden": True}}


def test_a_notebook_saved_as_text_is_stripped_too() -> None:
    path = NOTEBOOKS[0]
    model = {"type": "file", "format": "text", "content": json.dumps(_as_run(path))}
    strip_before_save(model, path.name)
    assert model["content"] == path.read_text(encoding="utf-8")


def test_a_save_that_cannot_be_cleaned_is_refused() -> None:
    """The server writes a notebook as it was when a hook fails with anything but an HTTP error:
    the hook must refuse the save instead."""
    model = {"type": "file", "format": "text", "content": f'{{"cells": [{{"outputs": ["{RUNNER}"'}
    with pytest.raises(web.HTTPError) as refused:
        strip_before_save(model, "notes.ipynb")
    assert "notes.ipynb not saved" in refused.value.reason


def test_enable_writes_the_config_every_jupyter_server_of_the_environment_reads(tmp_path: Path) -> None:
    from jupyter_server.extension.config import ExtensionConfigManager

    written = notebook_outputs.enable(tmp_path)
    assert written == tmp_path / "etc" / "jupyter" / "jupyter_server_config.d" / "hipknee.json"
    found = ExtensionConfigManager(read_config_path=[str(tmp_path / "etc" / "jupyter")]).get_jpserver_extensions()
    assert found == {"hipknee.servers.notebook_outputs": True}
    assert notebook_outputs.enable(tmp_path) == written  # twice is the same


def test_make_venv_enabled_it_for_this_environment() -> None:
    """The tests' environment is the one `make venv` built: its Jupyter servers load the hook
    (read as the server reads it, from the environment's config folder)."""
    from jupyter_server.extension.config import ExtensionConfigManager

    environment = Path(sys.prefix) / "etc" / "jupyter"
    found = ExtensionConfigManager(read_config_path=[str(environment)]).get_jpserver_extensions()
    assert found.get("hipknee.servers.notebook_outputs") is True, (
        f"run `make venv`: {environment} does not turn the hook on")


# -- through a real JupyterLab ----------------------------------------------------------------
@pytest.fixture
def lab_by_hand(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``jupyter lab`` started by hand in this environment (not through ``hipknee lab``), serving a
    git repository's notebooks. Yields (contents API address, repository)."""
    repo = project_copy(tmp_path / "repo")
    port, token = free_port(), secrets.token_hex(16)
    command = jupyterlab_command(root=repo / "notebooks", port=port, token=token, folder=tmp_path / "jupyter")
    with served(command, cwd=repo, env=jupyter_env(tmp_path / "jupyter", repo / "data"),
                url=f"http://127.0.0.1:{port}/api/status?token={token}", log=tmp_path / "jupyterlab.log"):
        yield f"http://127.0.0.1:{port}/api/contents/{{}}?token={token}", repo
    print((tmp_path / "jupyterlab.log").read_text(errors="replace")[-3000:])


def _put(url: str, model: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(model).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_jupyterlab_saves_no_output_into_the_tracked_notebooks(lab_by_hand: tuple[str, Path]) -> None:
    contents, repo = lab_by_hand
    for path in NOTEBOOKS:
        # As JupyterLab's Save sends it, then as the text editor's Save sends it.
        assert _put(contents.format(path.name), {"type": "notebook", "format": "json", "content": _as_run(path)}) == 200
        assert _put(contents.format(path.name), {"type": "file", "format": "text", "content": json.dumps(_as_run(path))}) == 200
        saved = nbformat.read(repo / "notebooks" / path.name, as_version=nbformat.NO_CONVERT)
        assert all(cell.outputs == [] for cell in saved.cells if cell.cell_type == "code")
    # A save the hook cannot clean leaves the file as it was.
    first = repo / "notebooks" / NOTEBOOKS[0].name
    before = first.read_bytes()
    assert _put(contents.format(first.name), {"type": "file", "format": "text", "content": f'{{"x": "{RUNNER}'}) == 400
    assert first.read_bytes() == before

    assert git(repo, "status", "--porcelain") == ""
    tracked = tracked_text(repo)
    assert RUNNER not in tracked and NOTE not in tracked


def test_hipknee_lab_starts_jupyterlab_with_the_hook() -> None:
    """`make lab` runs `hipknee lab`: JupyterLab of this environment with the extension named on
    its command line, on the project's notebooks unless told another folder, options passed on."""
    from hipknee.cli.serve import lab_command

    command = lab_command(["--port=8890", "--no-browser"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ServerApp.jpserver_extensions={'hipknee.servers.notebook_outputs': True}" in command
    assert f"--notebook-dir={REPO / 'notebooks'}" in command
    assert command[-2:] == ["--port=8890", "--no-browser"]
    elsewhere = lab_command(["--ServerApp.root_dir=/somewhere"])
    assert not any(arg.startswith("--notebook-dir") for arg in elsewhere)
