"""The coach dashboard: a read-only page served by Voila (``make dashboard``).

Who needs attention first (the squad table; a runner's name shows her season), then one runner's
season: the runner picker, the charts and the summary in words (:class:`hipknee.ProgressView`).
Nothing on the page writes to the store.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..analyses.attention import attention_order
from ..analyses.season import summarise_all
from ..frames import LogFrames, read_frames
from ..store import Store
from ..views.palette import MESSAGE_COLOURS
from .progress import ProgressView
from .squad import SquadTable

__all__ = ["DashboardApp"]


class DashboardApp(widgets.VBox):
    """The squad table (runners needing attention first) over the season view of one runner,
    who is picked with the ``athlete`` dropdown or by clicking her name in the table (default: the
    runner needing most attention). ``frames``: the store's log, when the caller has read it."""

    def __init__(self, store: Store, *, athlete: str | None = None, frames: LogFrames | None = None) -> None:
        self.store = store
        frames = frames if frames is not None else read_frames(store)
        self.header = widgets.HTML()
        self._show_squad(frames)
        if athlete is None and len(self.overview):
            athlete = str(self.overview["athlete"].iloc[0])
        self.progress = ProgressView(store, athlete=athlete, frames=frames)
        #: The runner picker.
        self.athlete = self.progress.athlete
        super().__init__([self.header, self.squad, self.progress])
        self.add_class("hipknee-coach-dashboard")
        # The Reload button and saves through the store reload the season view; the squad follows.
        self.progress.on_reload(self._squad_again)

    def _show_squad(self, frames: LogFrames) -> None:
        names = frames.names()
        self.overview: pd.DataFrame = attention_order(summarise_all(frames)) if names else pd.DataFrame()
        demo = " <b>Demo data</b>: a made-up squad, not real runners." if frames.is_demo else ""
        self.header.value = (
            f"<p style='color:{MESSAGE_COLOURS['quiet']}'>{len(names)} runner{'s' if len(names) != 1 else ''}; "
            f"read-only.{demo} hipknee informs, it does not diagnose: if pain persists, see a clinician.</p>"
        )
        self.squad = SquadTable(self.overview, self.pick)

    def _squad_again(self, frames: LogFrames) -> None:
        self._show_squad(frames)
        self.children = [self.header, self.squad, self.progress]

    def pick(self, name: str) -> None:
        """Show runner ``name``'s season (what clicking her row does)."""
        self.athlete.value = name
