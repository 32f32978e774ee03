"""Commands that open the notebooks in a browser: ``lab`` (JupyterLab, notebooks saved without
outputs)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..servers import OUTPUTS_EXTENSION
from ..store import locations
from .options import data_option

# JupyterLab options that choose the folder it serves: given one, `hipknee lab` adds no default.
_ROOT_OPTIONS = ("--notebook-dir", "--ServerApp.root_dir", "--ServerApp.notebook_dir")


def _project_notebooks() -> Path | None:
    root = locations.project_root()
    return root / "notebooks" if root is not None and (root / "notebooks").is_dir() else None


# -- lab ----------------------------------------------------------------------------------------
def _add_lab(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lab", allow_abbrev=False,
        help="open JupyterLab on the notebooks; notebooks are saved without outputs",
        description="Open JupyterLab on the project's notebooks/. Notebooks are saved without their "
                    "outputs (personal data stays out of the files git tracks); every further option "
                    "is passed on to `jupyter lab` (e.g. --port=8890 --no-browser).",
    )
    data_option(p)
    p.set_defaults(handler=_run_lab, passes_on_options=True)


def lab_command(extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command ``hipknee lab EXTRA...`` runs: the output-stripping extension
    loaded, the project's notebooks served unless ``extra`` names a folder, ``--allow-root`` when
    run as root (containers, CI machines), then ``extra``."""
    command = [sys.executable, "-m", "jupyterlab",
               f"--ServerApp.jpserver_extensions={{{OUTPUTS_EXTENSION!r}: True}}"]
    notebooks = _project_notebooks()
    if notebooks is not None and not any(arg.startswith(_ROOT_OPTIONS) for arg in extra):
        command.append(f"--notebook-dir={notebooks}")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + list(extra)


def _run_lab(args: argparse.Namespace) -> int:
    from ..servers import notebook_outputs  # loads tornado: only for this command

    if args.data is not None:
        os.environ["HIPKNEE_DATA"] = str(Path(args.data).expanduser().resolve())
    try:
        # Also for a `jupyter lab` started by hand in this environment later on.
        notebook_outputs.enable()
    except OSError as exc:
        print(f"hipknee: note: {exc}; only JupyterLab started with `hipknee lab` strips outputs",
              file=sys.stderr)
    command = lab_command(args.extra)
    sys.stdout.flush()
    os.execv(command[0], command)  # JupyterLab in this process: Ctrl-C and signals reach it directly
    return 0  # pragma: no cover - execv does not return


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_lab(sub)
