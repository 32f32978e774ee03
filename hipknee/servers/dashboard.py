"""The coach dashboard served by Voila, asking who you are.

The dashboard shows a squad's health data (names, LSI, pain status), and Voila as it comes lets
any client that reaches its port in: no token, any ``Host`` header (so a web page the coach visits
can read it through DNS rebinding), and a kernel of about 170 MB started for every request, kept
alive for good. :func:`hipknee.servers.voila_app.serve` starts Voila with:

- **a token**: generated at start and printed once with the address, as JupyterLab does (the
  browser it opens gets the address with the token); without it a request gets the login page,
  never the dashboard, and starts no kernel;
- **Host and Origin checks**: a request naming any host but this machine's loopback address or
  ``localhost`` is refused (403), and so is a websocket opened from another site's page;
- **kernels bounded**: at most ``max_kernels`` at once (a further page gets 503 until one ends),
  and a kernel no page is connected to is shut down after ``idle_timeout`` s of idling;
- **nothing else served**: no file beside the notebook, no tracebacks, and no instructions: cells
  tagged ``lab-only`` (the notebook's notes for JupyterLab) are left out of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ValidationError

if TYPE_CHECKING:
    from traitlets.config import Config

__all__ = [
    "CULL_INTERVAL_S",
    "IDLE_TIMEOUT_S",
    "LAB_ONLY_TAG",
    "MAX_KERNELS",
    "dashboard_config",
]

#: Kernels (open dashboard pages) at once (:class:`hipknee.servers.voila_app.CappedKernelManager`); each holds about 170 MB.
MAX_KERNELS = 4
#: A kernel no page is connected to is shut down after idling this long (s).
IDLE_TIMEOUT_S = 600
#: How often idle kernels are looked for (s); never longer than the idle timeout.
CULL_INTERVAL_S = 60
#: Cells with this tag are shown in JupyterLab only, never on the dashboard page.
LAB_ONLY_TAG = "lab-only"


def dashboard_config(*, max_kernels: int = MAX_KERNELS, idle_timeout: int = IDLE_TIMEOUT_S) -> Config:
    """The Voila configuration of the coach dashboard (see the module's description)."""
    # Jupyter's libraries load only when a server starts.
    from jupyter_server.log import log_request
    from traitlets.config import Config

    for field, value in (("max_kernels", max_kernels), ("idle_timeout", idle_timeout)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(field, value, "a whole number, 1 or more")
    return Config({
        "Voila": {
            "ip": "127.0.0.1",
            "port_retries": 0,
            "auto_token": True,
            "tornado_settings": {
                # Voila turns jupyter_server's Host check off; its tornado settings turn it back on.
                "allow_remote_access": False,
                "local_hostnames": ["localhost"],
                # Requests are logged as JupyterLab logs them: tokens blanked out.
                "log_function": log_request,
            },
        },
        "VoilaConfiguration": {
            "multi_kernel_manager_class": "hipknee.servers.voila_app.CappedKernelManager",
            "file_allowlist": [],
            "show_tracebacks": False,
        },
        "CappedKernelManager": {"max_kernels": max_kernels},
        "MappingKernelManager": {
            "cull_idle_timeout": idle_timeout,
            "cull_interval": min(CULL_INTERVAL_S, idle_timeout),
            "cull_connected": False,  # an open dashboard page keeps its kernel
            "cull_busy": False,
        },
        "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": [LAB_ONLY_TAG]},
    })
