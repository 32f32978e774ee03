"""Voila's kernel manager with a cap on the kernels running at once (the coach dashboard's)."""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

from .dashboard import MAX_KERNELS

__all__ = ["CappedKernelManager"]


class CappedKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager with a cap: a page asking for a kernel beyond ``max_kernels``
    gets HTTP 503 ("too many dashboard pages open") instead of another 170 MB kernel."""

    max_kernels = Integer(MAX_KERNELS, config=True, help="Most kernels running at once.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0  # kernels asked for and not yet listed

    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs: Any) -> str:
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
