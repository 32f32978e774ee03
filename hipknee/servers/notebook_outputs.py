"""Notebooks are saved without their outputs, so personal health data never reaches the files git
tracks.

What a notebook shows (charts, squad tables, notes, names) is a runner's health data. JupyterLab
writes it into the ``.ipynb`` file on every save and autosave; this Jupyter server extension
removes it first, in the server, before anything is written: outputs, execution counts, saved
widget state and run-time metadata. The page in the browser keeps showing everything until it is
closed; the file on disk holds the code and the text alone, exactly as committed.

``hipknee lab`` (what ``make lab`` runs) starts JupyterLab with the extension, and :func:`enable`
turns it on for every Jupyter server of the environment (``make venv`` and ``hipknee lab`` call it),
so a ``jupyter lab`` started by hand there strips outputs too. A save the hook cannot clean is
refused, never written as it was.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
from tornado import web

from . import OUTPUTS_EXTENSION

__all__ = ["enable", "strip_before_save", "strip_outputs"]

# The file in an environment's jupyter_server_config.d that turns this extension on.
CONFIG_FILE = "hipknee.json"

# Cell metadata that records how a run went or how the page was scrolled: not the notebook's content.
RUN_STATE_CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled")
# Notebook metadata that holds shown values (widget state) or depends on the kernel that ran it.
RUN_STATE_NOTEBOOK_KEYS = ("widgets", "signature")


def strip_outputs(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove from the notebook ``nb`` (a notebook's JSON as a dict, changed in place and returned)
    everything a run leaves behind: code cells' outputs and execution counts, saved widget state,
    run-time metadata, and the kernel's language details beyond its name."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        metadata = cell.get("metadata", {})
        for key in RUN_STATE_CELL_KEYS:
            metadata.pop(key, None)
        view = metadata.get("jupyter")
        if isinstance(view, dict):
            view.pop("outputs_hidden", None)  # there are no outputs left to hide
            if not view:
                del metadata["jupyter"]
    metadata = nb.get("metadata", {})
    for key in RUN_STATE_NOTEBOOK_KEYS:
        metadata.pop(key, None)
    language = metadata.get("language_info")
    if isinstance(language, dict):
        # The kernel fills in its version, lexer and mimetype on every run: keep only what names it.
        metadata["language_info"] = {key: language[key] for key in ("name",) if key in language}
    return nb


def strip_before_save(model: dict[str, Any], path: str, contents_manager: Any = None, **_: Any) -> None:
    """A Jupyter ``pre_save_hook``: strip the outputs of a notebook about to be saved at ``path``
    (also a notebook saved as text from the file editor). Fails closed: a save it cannot clean is
    refused with an HTTP error (the server would otherwise write it as it was)."""
    try:
        if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            strip_outputs(model["content"])
        elif model.get("type") == "file" and path.endswith(".ipynb") and model.get("format") == "text":
            # Saved from the text editor: written as Jupyter writes a notebook (nbformat's layout).
            nb = nbformat.reads(model["content"], as_version=nbformat.NO_CONVERT)
            model["content"] = nbformat.writes(strip_outputs(nb), version=nbformat.NO_CONVERT) + "\n"
    except Exception as exc:  # noqa: BLE001 - any failure must stop the save, not let outputs through
        raise web.HTTPError(
            400, reason=f"{path} not saved: its outputs could not be removed ({type(exc).__name__})"
        ) from exc


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter's entry point: this module is the server extension."""
    return [{"module": OUTPUTS_EXTENSION}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the pre-save hook with the server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(strip_before_save)
    serverapp.log.info("hipknee: notebooks are saved without outputs (%s)", OUTPUTS_EXTENSION)


def enable(prefix: str | os.PathLike[str] = sys.prefix) -> Path:
    """Make every Jupyter server of the environment at ``prefix`` load this extension (the file
    ``etc/jupyter/jupyter_server_config.d/hipknee.json`` there, which ``jupyter server extension
    list`` shows); returns the file. Rewritten only when it says something else."""
    path = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / CONFIG_FILE
    text = json.dumps({"ServerApp": {"jpserver_extensions": {OUTPUTS_EXTENSION: True}}}, indent=2) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":  # `python -m hipknee.servers.notebook_outputs`: what `make venv` runs
    print(f"notebooks are saved without outputs by every Jupyter server of {sys.prefix} ({enable()})")
