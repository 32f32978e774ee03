"""The upload form of the logging notebook: pick FIT, GPX or TCX files (``.gz`` too), zips or a
Strava export zip, choose the runner (or type a new name to add her), press Import; the summary
shows under the button.

Feedback goes into the ``message`` HTML widget (never ``print``), so it can be asserted from Python.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..errors import HipkneeError
from ..importers import ImportSummary, import_uploads
from ..store import Store
from ..views.palette import MESSAGE_COLOURS

__all__ = ["ACCEPT", "ImportForm"]

#: What the file picker offers (other files can still be dropped; they are reported, not imported).
ACCEPT = ".fit,.gpx,.tcx,.gz,.zip"
ERROR_COLOUR = MESSAGE_COLOURS["error"]
OK_COLOUR = MESSAGE_COLOURS["ok"]


class ImportForm(widgets.VBox):
    """Import runs from uploaded files into ``store`` for the chosen athlete."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=True, description="Choose files")
        self.athlete = widgets.Combobox(description="Runner", placeholder="your name (type a new one to add a runner)",
                                        ensure_option=False, style={"description_width": "initial"})
        self.import_button = widgets.Button(description="Import", button_style="primary", icon="upload")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Reading",
                                            layout=widgets.Layout(visibility="hidden"))
        self.message = widgets.HTML()
        for widget, name in ((self.upload, "upload"), (self.athlete, "athlete"),
                             (self.import_button, "import"), (self.message, "message")):
            widget.add_class(f"hipknee-import-{name}")
        self.summary: ImportSummary | None = None
        self._refresh_athletes()
        self.import_button.on_click(self._on_import)
        super().__init__([
            widgets.HTML("<b>Import runs</b> from a watch or an app: .fit, .gpx, .tcx (or .gz of them), "
                         "zips, or the zip of a Strava bulk export."),
            widgets.HBox([self.upload, self.athlete, self.import_button]),
            self.progress,
            self.message,
        ])

    def _refresh_athletes(self) -> None:
        """Reload the runners (added elsewhere, or by the last import); keeps what is typed."""
        names = self.store.athlete_names()
        self.athlete.options = tuple(names)
        if not self.athlete.value and names:
            self.athlete.value = names[0]

    def _on_import(self, _button: widgets.Button | None = None) -> None:
        files = [(f["name"], bytes(f["content"])) for f in self.upload.value]
        if not files:
            self._say("Choose one or more files first.", ERROR_COLOUR)
            return
        self._refresh_athletes()
        self.import_button.disabled = True
        self.progress.layout.visibility = "visible"
        try:
            self.summary = import_uploads(self.store, files, self.athlete.value.strip() or None, progress=False,
                                          on_progress=self._advance)
        except HipkneeError as exc:
            self._say(html.escape(str(exc)), ERROR_COLOUR)
            return
        finally:
            self.import_button.disabled = False
            self.progress.layout.visibility = "hidden"
        self.upload.value = ()  # so a second click does not offer the same files again
        self._refresh_athletes()  # a runner the import added is offered from now on
        self._show(self.summary)

    def _advance(self, done: int, total: int) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = done

    def _show(self, summary: ImportSummary) -> None:
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in summary.lines())
        body = f"<b>{html.escape(summary.headline())}</b>" + (f"<ul>{lines}</ul>" if lines else "")
        self._say(body, OK_COLOUR if summary.ok else ERROR_COLOUR)

    def _say(self, body: str, colour: str) -> None:
        self.message.value = f'<div style="color:{colour}">{body}</div>'
