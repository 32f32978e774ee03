"""Commands that open the notebooks in a browser: ``lab`` (JupyterLab, notebooks saved without
outputs) and ``dashboard`` (the coach dashboard, behind a token)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..servers import OUTPUTS_EXTENSION, dashboard
from ..store import locations
from .options import data_option, path_arg

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

    locations.name_store_for_children(args.url, args.data)
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


# -- dashboard ---------------------------------------------------------------------------------
def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: a whole number, 1 or more")
    return number


def _port(value: str) -> int:
    number = _at_least_one(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{value!r}: a port, 1 to 65535")
    return number


def _add_dashboard(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the coach dashboard on 127.0.0.1, behind a token printed at start",
        description="Serve the coach dashboard (notebooks/04_dashboard.ipynb) with Voila on "
                    "127.0.0.1. The address printed at start carries a new token; without it, or "
                    "under another host name, the page is refused.",
    )
    p.add_argument("notebook", metavar="NOTEBOOK", nargs="?", type=path_arg, default=None,
                   help="the dashboard notebook (default: the project's notebooks/04_dashboard.ipynb)")
    data_option(p)
    p.add_argument("--port", type=_port, default=8866, help="port on 127.0.0.1 (default: 8866)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--max-kernels", type=_at_least_one, default=dashboard.MAX_KERNELS,
                   help=f"dashboard pages open at once, each with its kernel (default: {dashboard.MAX_KERNELS})")
    p.add_argument("--idle-timeout", type=_at_least_one, default=dashboard.IDLE_TIMEOUT_S, metavar="S",
                   help="shut down a kernel no page is connected to after idling this many seconds "
                        f"(default: {dashboard.IDLE_TIMEOUT_S})")
    p.set_defaults(handler=_run_dashboard)


def _run_dashboard(args: argparse.Namespace) -> int:
    notebook = args.notebook
    if notebook is None:
        notebooks = _project_notebooks()
        notebook = notebooks / "04_dashboard.ipynb" if notebooks is not None else None
    if notebook is None or not notebook.is_file():
        print(f"hipknee: error: no dashboard notebook {'at ' + str(notebook) if notebook else 'found'}: "
              "give its path (NOTEBOOK)", file=sys.stderr)
        return 2
    from ..servers.voila_app import serve  # loads Voila: only for this command

    serve(notebook, port=args.port, open_browser=not args.no_browser, max_kernels=args.max_kernels,
          idle_timeout=args.idle_timeout, data=args.data, url=args.url)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the ``hipknee`` parser."""
    _add_lab(sub)
    _add_dashboard(sub)
