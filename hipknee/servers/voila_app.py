"""The coach dashboard's Voila: :func:`serve` starts it as :mod:`hipknee.servers.dashboard`
describes, with a cap on the kernels running at once and the browser opened at the address with
the token."""

from __future__ import annotations

import html
import os
import tempfile
import threading
import webbrowser
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer
from voila.app import Voila

from ..store.locations import name_store_for_children
from .dashboard import IDLE_TIMEOUT_S, MAX_KERNELS, dashboard_config

__all__ = ["CappedKernelManager", "DashboardVoila", "serve"]


class DashboardVoila(Voila):
    """Voila that opens the browser at the address with the token (Voila's own opens the bare
    address: the login page)."""

    def launch_browser(self) -> None:
        try:
            browser = webbrowser.get(self.browser or None)
        except webbrowser.Error as exc:
            self.log.warning("No web browser found: %s.", exc)
            return
        # Through a private redirect file, as JupyterLab does: no token on a command line.
        handle, page = tempfile.mkstemp(suffix=".html", prefix="hipknee-dashboard-")
        with open(handle, "w", encoding="utf-8") as out:
            out.write(f'<meta http-equiv="refresh" content="0;url={html.escape(self.display_url)}">\n')
        threading.Thread(target=browser.open, args=(Path(page).as_uri(),),
                         kwargs={"new": self.webbrowser_open_new}, daemon=True).start()


class CappedKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager with a cap: a page asking for a kernel beyond ``max_kernels``
    gets HTTP 503 ("too many dashboard pages open") instead of another 170 MB kernel."""

    max_kernels = Integer(MAX_KERNELS, config=True, help="Most kernels running at once.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0  # kernels asked for and not yet listed

    # Voila runs an async kernel manager; jupyter_client's annotations name the sync base's signature.
    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs: Any) -> str:  # type: ignore[override]
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        # Checked and counted with no await in between, so two requests cannot both take the last place.
        if len(self.list_kernel_ids()) + self._starting >= self.max_kernels:
            self.log.warning("hipknee: refused a kernel, %d already running (the most)", self.max_kernels)
            raise web.HTTPError(503, reason=f"Too many dashboard pages open (at most {self.max_kernels}): close one")
        self._starting += 1
        try:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        finally:
            self._starting -= 1


def serve(notebook: Path, *, port: int, open_browser: bool = True, max_kernels: int = MAX_KERNELS,
          idle_timeout: int = IDLE_TIMEOUT_S, data: str | os.PathLike[str] | None = None,
          url: str | None = None) -> None:
    """Serve ``notebook`` with Voila on 127.0.0.1:``port`` until stopped (Ctrl-C), protected as
    :mod:`hipknee.servers.dashboard` describes; the kernels read the store at ``url`` or in ``data``
    (default: ``$HIPKNEE_URL``, ``$HIPKNEE_DATA`` or the project's ``data/``). Prints the address with
    its token once, when the server is up, and opens the browser there unless ``open_browser`` is false."""
    name_store_for_children(url, data)
    argv = [str(notebook), f"--port={port}"]
    if not open_browser:
        argv.append("--no-browser")
    config = dashboard_config(max_kernels=max_kernels, idle_timeout=idle_timeout)
    DashboardVoila.launch_instance(argv=argv, config=config)
