"""The progress page of a notebook: pick the runner, the exercise and the weeks; see the season
dashboard (balance, LSI, knee pain, distance, ACWR) and the summary in words beside it.

The log is read from the store once, and again after every save made through the same store
object in this kernel (a log saved from elsewhere shows after *Reload*);
the charts are SVG, so their text stays sharp and readable at any notebook width. The words and
the charts come from one :func:`~hipknee.season_summary`, so they cannot disagree. Every
interactive widget carries a ``hipknee-...`` CSS class.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from ..analyses import thresholds as T
from ..analyses.adherence import exercise_totals
from ..analyses.knee_function import kujala_due
from ..analyses.measures import week_start
from ..analyses.season import SeasonSummary, season_summary
from ..analyses.verdicts import season_analyses
from ..errors import HipkneeError
from ..frames import LogFrames, read_frames
from ..store import Store
from ..store.changes import Change
from ..views.charts import dashboard
from ..views.palette import MESSAGE_COLOURS

__all__ = ["AUTOMATIC", "ProgressView"]

AUTOMATIC = "automatic (a strength test if there is one)"
_LABEL = {"description_width": "initial"}
_SHOWN = {"athlete", "set", "test", "run", "pain", "outcome"}  # record kinds the view draws


class ProgressView(widgets.VBox):
    """Runner, exercise and week-range pickers over the season dashboard and its summary."""

    def __init__(self, store: Store, *, athlete: str | None = None, frames: LogFrames | None = None) -> None:
        self.store = store
        #: The log shown (read from ``store`` unless the caller already holds it).
        self.frames: LogFrames = frames if frames is not None else read_frames(store)
        self.figure: Figure | None = None
        self.summary: SeasonSummary | None = None
        self._quiet = False
        self._reloaded: list[Callable[[LogFrames], None]] = []
        self.athlete = _css(widgets.Dropdown(description="Runner", style=_LABEL), "athlete")
        self.exercise = _css(widgets.Dropdown(description="Exercise or test", style=_LABEL,
                                              layout=widgets.Layout(width="420px")), "exercise")
        self.per_kg = _css(widgets.Checkbox(description="tests in N per kg of body mass", indent=False,
                                            layout=widgets.Layout(width="auto")), "per-kg")
        # Each option is a week, named by its Monday: "weeks of 05 Jan - 26 Jan" runs to Sunday 01 Feb,
        # as the line under the chart says.
        self.weeks = _css(widgets.SelectionRangeSlider(options=[("-", None)], description="Weeks of",
                                                       tooltip="training weeks, each named by its Monday",
                                                       continuous_update=False, layout=widgets.Layout(width="640px")),
                          "weeks")
        self.reload_button = _css(widgets.Button(description="Reload", icon="refresh",
                                                 tooltip="read the log again (after new entries)"), "reload")
        self.message = _css(widgets.HTML(), "message")
        #: Says when the monthly Kujala questionnaire is due.
        self.invite = _css(widgets.HTML(), "kujala-invite")
        #: The programme: adherence per exercise and side, and what is ready to progress.
        self.programme = _css(widgets.HTML(), "programme")
        self.text = _css(widgets.HTML(), "summary")
        self.image = _css(widgets.Image(format="svg+xml", layout=widgets.Layout(width="100%")), "dashboard")
        super().__init__([widgets.HBox([self.athlete, self.exercise, self.per_kg]),
                          widgets.HBox([self.weeks, self.reload_button]), self.message, self.invite, self.text,
                          self.image, self.programme])
        self.add_class("hipknee-progress")
        self.reload_button.on_click(lambda _button: self.reload())
        # Saves made through this store object in this kernel redraw the view (a bound method is
        # held weakly: the subscription never keeps the view alive).
        self._subscription = store.on_change(self._store_changed)
        self._fill_athletes(athlete)
        for w in (self.athlete, self.exercise, self.weeks, self.per_kg):
            w.observe(self._changed, names="value")
        self.refresh()

    # -- public --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the log from the store again (after new entries) and redraw."""
        self.frames = read_frames(self.store)
        self._fill_athletes(self.athlete.value)
        self.refresh()
        for callback in self._reloaded:
            callback(self.frames)

    def on_reload(self, callback: Callable[[LogFrames], None]) -> None:
        """Call ``callback(frames)`` after each reload (the Reload button, or a save through the
        store), with the log as just read: a page around the view redraws from the same read."""
        self._reloaded.append(callback)

    def refresh(self) -> None:
        """Redraw the dashboard and the summary for the current choices."""
        name = self.athlete.value
        if name is None:
            self.message.value = "<b>No runner in the store yet.</b> Log a session first (notebook 01)."
            self.image.value = b""
            self.text.value = ""
            self.invite.value = ""
            self.programme.value = ""
            self.summary = None
            return
        start, end = self.period()
        item = self.exercise.value or None  # "" is the automatic choice
        # The whole season needs no bounds (and shares what is computed with the other views).
        whole = self.weeks.index == (0, len(self.weeks.options) - 1)
        lo, hi = (None, None) if whole else (start, end)
        try:
            self.summary = season_summary(self.frames, name, start=lo, end=hi, item=item)
            self.figure = dashboard(self.frames, athlete=name, exercise=item, start=lo, end=hi,
                                    per_kg=self.per_kg.value, words=False, summary=self.summary)
        except HipkneeError as exc:
            self.message.value = f"<span style='color:{MESSAGE_COLOURS['error']}'>{html.escape(str(exc))}</span>"
            return
        self.image.value = _svg(self.figure)
        demo = " This is the demo season: your own log shows here once it holds a runner." \
            if self.frames.is_demo else ""
        self.message.value = (f"{html.escape(name)}, {start:%d %b %Y} to {end:%d %b %Y}.{demo}"
                              if start is not None else f"{html.escape(name)}: nothing logged yet.{demo}")
        self.text.value = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in self.summary.lines()) + "</ul>"
        self.invite.value = invite_words(self.frames, name, pd.Timestamp.today())
        self.programme.value = programme_html(self.frames.only(name, lo, hi))


    def period(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First day and last day of the chosen weeks (None when the runner has no log)."""
        if not self.weeks.options:
            return None, None
        # From the index, not .value: a slider of one option reports an empty value.
        low, high = self.weeks.index
        first, last = self.weeks.options[low][1], self.weeks.options[high][1]
        if first is None or last is None:
            return None, None
        return first, last + pd.Timedelta(days=6)

    # -- internals -----------------------------------------------------------------------------
    def _store_changed(self, change: Change) -> None:
        if set(change.kinds) & _SHOWN:
            self.reload()

    def _changed(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        if change["owner"] is self.athlete:
            self._fill_choices()
        self.refresh()

    def _fill_athletes(self, athlete: str | None) -> None:
        names = self.frames.names()
        self._quiet = True
        try:
            self.athlete.options = names
            self.athlete.value = athlete if athlete in names else (names[0] if names else None)
        finally:
            self._quiet = False
        self._fill_choices()

    def _fill_choices(self) -> None:
        name = self.athlete.value
        mine = self.frames.only(name) if name is not None else self.frames
        lsi = season_analyses(mine).lsi
        items = sorted(pd.unique(lsi["item"].astype(object))) if len(lsi) else []
        stamps = [f["when"] for f in (mine.sets, mine.tests, mine.runs, mine.pain) if len(f)]
        weeks = (pd.date_range(week_start(pd.concat(stamps)).min(), week_start(pd.concat(stamps)).max(), freq="7D")
                 if stamps else [])
        self._quiet = True
        try:
            keep = self.exercise.value
            self.exercise.options = [(AUTOMATIC, "")] + [(i, i) for i in items]
            self.exercise.value = keep if keep in items else ""
            self.per_kg.layout.display = None if (mine.tests["unit"] == "N").any() else "none"
            if len(weeks):
                # Short labels fit the slider's readout; the year only when the season spans two.
                fmt = "%d %b" if weeks[0].year == weeks[-1].year else "%d %b %y"
                self.weeks.options = [(w.strftime(fmt), w) for w in weeks]
                self.weeks.index = (0, len(weeks) - 1)
            else:
                self.weeks.options = [("no weeks yet", None)]
                self.weeks.index = (0, 0)
        finally:
            self._quiet = False


def programme_html(frames: LogFrames) -> str:
    """One runner's programme as done: sets done against prescribed per exercise and side, and the
    exercises ready to progress (suggestions only); empty without a programme."""
    analyses = season_analyses(frames)
    table = exercise_totals(analyses.exercise_adherence)
    if table.empty:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(str(r['exercise']))}</td><td>{html.escape(str(r['side']))}</td>"
        f"<td>{int(r['sets done'])} of {int(r['sets prescribed'])}</td>"
        f"<td>{r['sets done (% of prescribed)']:.0f}%</td><td>{r['dose done (% of prescribed)']:.0f}%</td></tr>"
        for r in table.to_dict("records"))
    ready = analyses.progression[analyses.progression["ready"].astype(bool)]
    tips = "".join(f"<li>{html.escape(f'{r.exercise}: {r.suggestion}')}</li>" for r in ready.itertuples())
    tips = (f"<b>Ready to progress</b> (a suggestion: your physio or coach sets the new dose)<ul>{tips}</ul>"
            if tips else "")
    return ("<b>The programme, exercise by exercise</b> (sets done of those prescribed; dose done)"
            "<table class='hipknee-adherence'><tr><th>exercise</th><th>side</th><th>sets</th><th>sets done</th>"
            f"<th>dose done</th></tr>{rows}</table>{tips}")


def invite_words(frames: LogFrames, name: str, today: pd.Timestamp) -> str:
    """What the view says about the monthly Kujala questionnaire on ``today``: that it is due (none
    yet, or the last more than ``KUJALA_INVITE_DAYS`` days ago), or nothing."""
    scores = frames.only(name).outcomes
    latest = pd.to_datetime(scores["when"]).max() if len(scores) else None
    if not kujala_due(latest, today):
        return ""
    where = "the Kujala tab of the logging notebook (01)"
    if latest is None:
        words = f"No Kujala questionnaire yet: fill one in on {where}, then about once a month."
    else:
        weeks = T.KUJALA_INVITE_DAYS // 7
        words = (f"Time for the monthly Kujala questionnaire: the last one was on {latest:%d %b %Y}, more than "
                 f"{weeks} weeks ago. Fill it in on {where}.")
    return f"<span style='color:{MESSAGE_COLOURS['quiet']}'>{html.escape(words)}</span>"


def _svg(figure: Any) -> bytes:
    """The figure as SVG with its text as text: sharp at any width, small to send."""
    buf = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hipknee"}):
        figure.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _css(widget: widgets.DOMWidget, name: str) -> Any:
    widget.add_class(f"hipknee-{name}")
    return widget
