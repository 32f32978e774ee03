"""The season in a few sentences: is the hip work helping the knee?

For one runner: LSI at the start vs now, pain at the start vs now with its MCID verdict, hip
sessions against the planned 2-4 a week, the latest ACWR and pain-monitoring status, and the rank
correlation between weekly hip work (or LSI) and the next week's knee pain, reported as an
association, never as proof. For a squad: the same verdicts, one row per runner. Both come from
:class:`~.verdicts.SeasonAnalyses`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..frames import LogFrames, as_frames
from ..records.words import in_words
from ..store import Store
from . import thresholds as T
from .associations import Association, spearman
from .measures import week_start
from .verdicts import SeasonAnalyses, season_analyses

__all__ = ["NOT_ENOUGH", "SUMMARY_COLUMNS", "SeasonSummary", "season_summaries", "season_summary", "squad_verdicts",
           "summarise_all", "summary_from_verdicts"]

#: How the summary says a verdict cannot be given yet (followed by what it needs).
NOT_ENOUGH = "not enough data yet"

@dataclass
class SeasonSummary:
    """The season of one athlete. LSI in %, pain in 0-10 NRS, ACWR as a ratio; weeks are Mondays."""

    athlete: str
    first_day: pd.Timestamp | None = None
    last_day: pd.Timestamp | None = None
    lsi_item: str | None = None  # the exercise or test the LSI comes from
    lsi_metric: str | None = None
    lsi_reference: str | None = None  # 'involved/uninvolved' or 'weaker/stronger'
    lsi_start: float = float("nan")  # the first week with both sides
    lsi_start_week: pd.Timestamp | None = None
    lsi_now: float = float("nan")  # the latest week with both sides
    lsi_now_week: pd.Timestamp | None = None
    lsi_weeks: int = 0
    pain_knee: str | None = None
    pain_context: str | None = None
    pain_start: float = float("nan")  # mean daily pain over the knee's first two weeks
    pain_recent: float = float("nan")  # ... and over its last two
    pain_verdict: str = "not enough data"
    pain_now: float = float("nan")  # the latest entry of that knee and context
    pain_now_date: pd.Timestamp | None = None
    pain_verdicts: pd.DataFrame = field(default_factory=pd.DataFrame)  # every knee and context
    hip_sessions_per_week: float = float("nan")
    weeks_on_plan: int = 0  # weeks with 2-4 hip sessions
    season_weeks: int = 0
    acwr_date: pd.Timestamp | None = None
    acwr_ratio: float = float("nan")
    acwr_zone: str | None = None
    distance_jumps: int = 0
    status_week: pd.Timestamp | None = None
    status: str | None = None  # 'green' / 'amber' / 'red'
    status_reasons: str = ""
    questionnaires: int = 0  # Kujala questionnaires (or scores) logged
    kujala_first: float = float("nan")  # 0-100, the first ...
    kujala_first_date: pd.Timestamp | None = None
    kujala_latest: float = float("nan")  # ... and the latest
    kujala_latest_date: pd.Timestamp | None = None
    kujala_change: float = float("nan")  # points, latest - first
    kujala_verdict: str = "not enough data"
    adherence_weeks: int = 0  # weeks under a prescribed programme
    adherence_pct: float = float("nan")  # % of the prescribed sets done over those weeks ...
    adherence_sessions_pct: float = float("nan")  # ... and of the prescribed sessions
    adherence_latest_week: pd.Timestamp | None = None
    adherence_latest_pct: float = float("nan")
    low_adherence_weeks: int = 0  # latest weeks in a row below ADHERENCE_LOW_PCT
    associations: list[Association] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The season in plain sentences, for a runner or coach; each says what its numbers are."""
        if self.first_day is not None and self.last_day is not None:
            season = (f"{self.athlete}: season from {self.first_day:%d %b %Y} to {self.last_day:%d %b %Y} "
                      f"({_count(self.season_weeks, 'week')}).")
        else:
            season = f"{self.athlete}: nothing logged yet."
        out = [season, self._balance_line(), self._pain_line(), *self._kujala_lines(), self._hip_line(),
               *self._adherence_lines(), self._load_line(), self._status_line()]
        return out + [a.sentence() for a in self.associations]

    def _balance_line(self) -> str:
        if not np.isfinite(self.lsi_now):
            return (f"Balance: {NOT_ENOUGH} (it needs one week with both sides of the same exercise or "
                    "strength test).")
        ref = "painful side / other side" if self.lsi_reference == "involved/uninvolved" else "weaker / stronger side"
        target = "at or above" if self.lsi_now >= T.LSI_TARGET_PCT else "below"
        if self.lsi_weeks == 1:
            when = f"{_pct(self.lsi_now)} in the week of {self.lsi_now_week:%d %b}, the only week with both sides so far"
        else:
            when = (f"{_pct(self.lsi_start)} in the week of {self.lsi_start_week:%d %b} (the first with both sides), "
                    f"{_pct(self.lsi_now)} in the week of {self.lsi_now_week:%d %b} (the latest)")
        return f"Balance ({self.lsi_item}, {ref}): LSI {when}: {target} the {T.LSI_TARGET_PCT:.0f}% target."

    def _pain_line(self) -> str:
        if self.pain_knee is None:
            return f"Knee pain: {NOT_ENOUGH} (no knee pain logged)."
        when = in_words("context", self.pain_context)
        latest = f"Knee pain ({self.pain_knee} knee, {when}): {self.pain_now:g}/10 on {self.pain_now_date:%d %b} (the latest)"
        if self.pain_verdict == "not enough data":
            return (f"{latest}; {NOT_ENOUGH} to compare the start with now (it needs pain logged on "
                    f"{T.PAIN_WINDOW_MIN_DAYS} days in each of the knee's first and last {T.PAIN_WINDOW_DAYS} days, "
                    f"{2 * T.PAIN_WINDOW_DAYS} days apart or more).")
        mcid = f"{T.MCID_POINTS:g} points or {T.MCID_PCT:g}%"
        words = {"better": f"less pain, by a change that matters to patients (at least {mcid})",
                 "worse": f"more pain, by a change that matters to patients (at least {mcid})",
                 "no clear change": f"no change as large as one that matters to patients ({mcid})",
                 }[self.pain_verdict]
        return (f"{latest}; on average {self.pain_start:.1f}/10 in the first two weeks and {self.pain_recent:.1f}/10 "
                f"in the last two: {words}.")

    def _kujala_lines(self) -> list[str]:
        """Knee function (Kujala, 0-100), once a questionnaire is logged: the change since the first
        and whether it matters to patients (a line of its own only then, so older logs read as before)."""
        if self.questionnaires == 0:
            return []
        latest = f"{self.kujala_latest:.0f}/100 on {self.kujala_latest_date:%d %b}"
        if self.questionnaires == 1:
            return [f"Knee function (Kujala, 0-100, 100 = no problem): {latest}, the first questionnaire; "
                    "the next one, about a month on, shows the change."]
        mcid = f"{T.KUJALA_MCID_MIN}-{T.KUJALA_MCID_MAX} points"
        change = self.kujala_change
        moved = f"up {change:.0f} points" if change > 0 else f"down {-change:.0f} points" if change < 0 else "unchanged"
        matters = f"a change that matters to patients (at least {T.KUJALA_MCID_MIN}; {mcid} is the smallest that matters)"
        words = {"better": f"better, by {matters}",
                 "worse": f"worse, by {matters}",
                 "no clear change": f"no change as large as one that matters to patients ({mcid})",
                 }[self.kujala_verdict]
        return [f"Knee function (Kujala, 0-100, 100 = no problem): {self.kujala_first:.0f} on "
                f"{self.kujala_first_date:%d %b} (the first of {self.questionnaires} questionnaires), {latest} "
                f"(the latest): {moved}, {words}."]

    def _hip_line(self) -> str:
        if not np.isfinite(self.hip_sessions_per_week):
            return "Hip work: nothing logged yet."
        return (f"Hip work: {self.hip_sessions_per_week:.1f} sessions a week on average; "
                f"{self.weeks_on_plan} of {_count(self.season_weeks, 'week')} within the planned "
                f"{T.HIP_SESSIONS_MIN}-{T.HIP_SESSIONS_MAX}.")

    def _adherence_lines(self) -> list[str]:
        """Adherence to the prescribed programme, once one is set (a line of its own only then)."""
        if self.adherence_weeks == 0:
            return []
        low = ""
        if self.low_adherence_weeks >= T.ADHERENCE_LOW_WEEKS:
            low = (f"; below {T.ADHERENCE_LOW_PCT:.0f}% for the last {self.low_adherence_weeks} weeks: "
                   "time to talk about the programme")
        return [f"Adherence to the programme: {self.adherence_pct:.0f}% of the prescribed sets and "
                f"{self.adherence_sessions_pct:.0f}% of the prescribed sessions done over "
                f"{_count(self.adherence_weeks, 'week')}; {self.adherence_latest_pct:.0f}% of the sets in the week of "
                f"{self.adherence_latest_week:%d %b} (the latest){low}."]

    def _load_line(self) -> str:
        jumps = (f"{_weeks(self.distance_jumps)} with distance up more than {T.DISTANCE_JUMP_PCT:g}% on the "
                 "week before")
        if self.acwr_zone is None:
            return (f"Running load: {NOT_ENOUGH} for the ACWR (it needs {T.CHRONIC_DAYS} days of runs from the "
                    f"first run); {jumps}.")
        return (f"Running load: ACWR {self.acwr_ratio:.2f} on {self.acwr_date:%d %b} "
                f"({self.acwr_zone}; the comfortable band is {T.ACWR_LOW:g}-{T.ACWR_HIGH:g}, a spike above "
                f"{T.ACWR_SPIKE:g}); {jumps}.")

    def _status_line(self) -> str:
        if self.status is None:
            return f"Pain monitoring: {NOT_ENOUGH} (no knee pain logged)."
        why = f": {self.status_reasons}" if self.status_reasons else ""
        return f"Pain monitoring, week of {self.status_week:%d %b}: {self.status}{why}."

    def verdicts(self) -> dict[str, Any]:
        """The headline answers as a flat mapping (one row of :func:`summarise_all`)."""
        renamed = {"acwr": "acwr_ratio", "last_logged": "last_day"}
        return {name: getattr(self, renamed.get(name, name)) for name in SUMMARY_COLUMNS}

    def __str__(self) -> str:
        return "\n".join(self.lines())


#: The columns of :func:`summarise_all` (and of :meth:`SeasonSummary.verdicts`): LSI (%) in the
#: first and the latest week with both sides; pain (0-10 NRS) as two-week means at the start and
#: recently, and the latest entry (``pain_now``); the day anything was last logged; adherence to the
#: prescribed programme (% of its sets done) and the latest weeks in a row below ``ADHERENCE_LOW_PCT``.
SUMMARY_COLUMNS = ["athlete", "last_logged", "lsi_item", "lsi_start", "lsi_now", "pain_start", "pain_recent",
                   "pain_now", "pain_verdict", "hip_sessions_per_week", "acwr", "acwr_zone", "status",
                   "status_reasons", "adherence_pct", "low_adherence_weeks"]


def season_summary(data: Store | LogFrames, athlete: str | None = None, *, start: Any = None, end: Any = None,
                   item: str | None = None) -> SeasonSummary:
    """The season summary of ``athlete`` (default: the first in the log), optionally limited to
    ``start``..``end`` (dates, end inclusive); ``item`` names the exercise or test for the LSI
    (default: a strength test when there is one)."""
    frames = as_frames(data)
    athlete = frames.athlete(athlete)
    mine = frames.only(athlete, start, end)
    return mine.memo(("season summary", athlete, item), lambda: _summary(season_analyses(mine), athlete, item))


def _summary(analyses: SeasonAnalyses, athlete: str, item: str | None) -> SeasonSummary:
    return summary_from_verdicts(analyses, analyses.verdicts([athlete], item)[athlete])


def season_summaries(data: Store | LogFrames, *, start: Any = None, end: Any = None) -> dict[str, SeasonSummary]:
    """Every runner's :func:`season_summary` (the headline LSI item), from one run of the analyses
    over the whole squad: what a squad's report needs, at the cost of one runner's."""
    frames = _squad_frames(data, start, end)
    return frames.memo("season summaries", lambda: {
        name: summary_from_verdicts(season_analyses(frames), row) for name, row in _squad_verdicts(frames).items()})


def squad_verdicts(data: Store | LogFrames, *, start: Any = None, end: Any = None) -> dict[str, dict[str, Any]]:
    """Athlete -> her verdicts (:meth:`SeasonAnalyses.verdicts`, the headline LSI item), from one
    run of the analyses over the whole squad: what :func:`summarise_all` tabulates, and what
    :func:`summary_from_verdicts` makes a runner's :class:`SeasonSummary` of."""
    return _squad_verdicts(_squad_frames(data, start, end))


def summary_from_verdicts(analyses: SeasonAnalyses, row: dict[str, Any]) -> SeasonSummary:
    """A runner's :class:`SeasonSummary` from her ``row`` of :func:`squad_verdicts` and analyses
    of the same days (the squad's, or her own log's: the same rows); the pain verdicts and
    associations are taken from ``analyses``."""
    summary = SeasonSummary(acwr_ratio=row["acwr"], **{k: v for k, v in row.items() if k != "acwr"})
    summary.pain_verdicts = analyses.of("pain", summary.athlete).reset_index(drop=True)
    summary.associations = _associations(analyses, summary)
    return summary


def summarise_all(data: Store | LogFrames, *, start: Any = None, end: Any = None) -> pd.DataFrame:
    """One row per athlete: current LSI, pain verdict, ACWR zone, pain-monitoring status, ...
    (:data:`SUMMARY_COLUMNS`). The analyses run once over the whole squad."""
    frames = _squad_frames(data, start, end)
    return frames.memo("squad summary", lambda: _squad(frames)).copy()


def _squad_frames(data: Store | LogFrames, start: Any, end: Any) -> LogFrames:
    """The squad's frames over ``start``..``end``: the frames themselves when no day is given, so
    what is computed from them is kept with them (their memo)."""
    frames = as_frames(data)
    return frames.only(None, start, end) if start is not None or end is not None else frames


def _squad_verdicts(frames: LogFrames) -> dict[str, dict[str, Any]]:
    return frames.memo("squad verdicts", lambda: season_analyses(frames).verdicts(frames.names()))


def _squad(frames: LogFrames) -> pd.DataFrame:
    rows = _squad_verdicts(frames)
    table = [{**{c: row.get(c) for c in SUMMARY_COLUMNS}, "last_logged": row["last_day"]} for row in rows.values()]
    return pd.DataFrame(table, columns=SUMMARY_COLUMNS)


def _associations(analyses: SeasonAnalyses, s: SeasonSummary) -> list[Association]:
    """Hip sessions per week, and the LSI, against the next week's knee pain (the knee the pain
    verdict is about, else the painful one)."""
    if s.first_day is None:
        return []
    first = week_start(pd.Series([s.first_day])).iloc[0]
    weeks = pd.date_range(first, periods=s.season_weeks, freq="7D")
    knee = s.pain_knee or analyses.frames.involved_side(s.athlete)
    pain = analyses.of("weekly_pain", s.athlete)
    pain = pain[pain["knee"] == knee]
    next_pain = pain.set_index("week")["nrs"].reindex(weeks).shift(-1)
    hip = analyses.of("hip", s.athlete).set_index("week")["sessions"].reindex(weeks, fill_value=0)
    out = [spearman("hip sessions per week", hip, next_pain, "more hip sessions")]
    if s.lsi_item is not None:
        lsi = analyses.of("lsi", s.athlete)
        lsi = lsi[(lsi["item"] == s.lsi_item) & (lsi["metric"] == s.lsi_metric)].set_index("week")["lsi_pct"]
        out.append(spearman(f"the LSI ({s.lsi_item})", lsi.reindex(weeks), next_pain, f"a higher LSI ({s.lsi_item})"))
    return out




def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _pct(value: float) -> str:
    """A percentage in whole numbers, with one decimal where rounding would cross the target."""
    whole = f"{value:.0f}%"
    crosses = (round(value) >= T.LSI_TARGET_PCT) != (value >= T.LSI_TARGET_PCT)
    return f"{value:.1f}%" if crosses else whole


def _weeks(n: int) -> str:
    return {0: "no week", 1: "1 week"}.get(n, f"{n} weeks")
