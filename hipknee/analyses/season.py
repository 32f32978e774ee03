"""The season in a few sentences: is the hip work helping the knee?

Puts the analyses together for one athlete: LSI at the start vs now, pain at the start vs now
with its MCID verdict, adherence to the 2-4 planned hip sessions a week, the latest ACWR and
pain-monitoring status, and the rank correlation between weekly hip work (or LSI) and the next
week's knee pain, reported as an association, never as proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..frames import LogFrames, log_frames
from . import thresholds as T
from .balance import weekly_lsi, weekly_test_lsi
from .measures import categorical, week_start
from .pain_monitoring import weekly_status
from .pain_trend import pain_change
from .running_load import acwr, weekly_load

__all__ = [
    "Association",
    "SeasonSummary",
    "headline_lsi_item",
    "season_lsi",
    "season_summary",
    "summarise_all",
]


@dataclass(frozen=True)
class Association:
    """Spearman rank correlation between a weekly measure and the next week's mean knee pain."""

    what: str  # e.g. "hip sessions per week"
    rho: float  # NaN when too few weeks
    n: int  # paired weeks
    more: str = ""  # e.g. "more hip sessions"

    def sentence(self) -> str:
        if self.n < T.ASSOCIATION_MIN_WEEKS or not np.isfinite(self.rho):
            return (f"Too few weeks ({self.n}) to relate {self.what} to the next week's knee pain "
                    f"(at least {T.ASSOCIATION_MIN_WEEKS} needed).")
        strength = abs(self.rho)
        size = "weak" if strength < 0.3 else ("moderate" if strength < 0.6 else "strong")
        if strength < 0.1:
            return (f"No clear link between {self.what} and the next week's knee pain "
                    f"(Spearman rho {self.rho:+.2f}, n = {self.n} weeks).")
        direction = "less" if self.rho < 0 else "more"
        return (f"Weeks with {self.more or 'more ' + self.what} were followed by weeks with {direction} knee pain: a "
                f"{size} association (Spearman rho {self.rho:+.2f}, n = {self.n} weeks). It is an "
                "association, not proof: both can simply change over the season.")


@dataclass
class SeasonSummary:
    """The season of one athlete. LSI in %, pain in 0-10 NRS, ACWR as a ratio."""

    athlete: str
    first_day: pd.Timestamp | None = None
    last_day: pd.Timestamp | None = None
    lsi_item: str | None = None  # the exercise or test the LSI comes from
    lsi_metric: str | None = None
    lsi_reference: str | None = None  # 'involved/uninvolved' or 'weaker/stronger'
    lsi_start: float = float("nan")  # mean of the first two weeks with both sides
    lsi_now: float = float("nan")  # mean of the last two
    lsi_weeks: int = 0
    pain_knee: str | None = None
    pain_context: str | None = None
    pain_start: float = float("nan")
    pain_now: float = float("nan")
    pain_verdict: str = "not enough data"
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
    associations: list[Association] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The season in plain sentences, for a runner or coach."""
        out: list[str] = []
        if self.first_day is not None and self.last_day is not None:
            out.append(f"{self.athlete}: season from {self.first_day:%d %b %Y} to {self.last_day:%d %b %Y} "
                       f"({self.season_weeks} weeks).")
        else:
            out.append(f"{self.athlete}: nothing logged yet.")
        if np.isfinite(self.lsi_now):
            ref = "painful side / other side" if self.lsi_reference == "involved/uninvolved" else "weaker / stronger side"
            target = "at or above" if self.lsi_now >= T.LSI_TARGET_PCT else "below"
            out.append(f"Balance ({self.lsi_item}, {ref}): LSI {self.lsi_start:.0f}% at the start, "
                       f"{self.lsi_now:.0f}% now, {target} the {T.LSI_TARGET_PCT:.0f}% target.")
        else:
            out.append("Balance: not enough data yet (no week with both sides of one exercise or test).")
        if self.pain_verdict != "not enough data":
            mcid = f"{T.MCID_POINTS:g} points or {T.MCID_PCT:g}%"
            words = {"better": f"less pain, by a change that matters to patients (at least {mcid})",
                     "worse": f"more pain, by a change that matters to patients (at least {mcid})",
                     "no clear change": f"no change as large as one that matters to patients ({mcid})",
                     }[self.pain_verdict]
            when = _CONTEXT_WORDS.get(self.pain_context or "", self.pain_context)
            out.append(f"Knee pain ({self.pain_knee} knee, {when}): "
                       f"{self.pain_start:.1f}/10 in the first two weeks, {self.pain_now:.1f}/10 in the "
                       f"last two: {words}.")
        else:
            out.append("Knee pain: not enough data yet to compare the start with now.")
        if np.isfinite(self.hip_sessions_per_week):
            out.append(f"Hip work: {self.hip_sessions_per_week:.1f} sessions a week on average; "
                       f"{self.weeks_on_plan} of {self.season_weeks} weeks within the planned "
                       f"{T.HIP_SESSIONS_MIN}-{T.HIP_SESSIONS_MAX}.")
        if self.acwr_zone is not None:
            out.append(f"Running load: ACWR {self.acwr_ratio:.2f} on {self.acwr_date:%d %b} "
                       f"({self.acwr_zone}; the comfortable band is {T.ACWR_LOW:g}-{T.ACWR_HIGH:g}, a spike above "
                       f"{T.ACWR_SPIKE:g}); {_weeks(self.distance_jumps)} with distance up more than "
                       f"{T.DISTANCE_JUMP_PCT:g}% on the week before.")
        else:
            out.append("Running load: fewer than 4 weeks of runs, no ACWR yet.")
        if self.status is not None:
            why = f": {self.status_reasons}" if self.status_reasons else ""
            out.append(f"Pain monitoring, week of {self.status_week:%d %b}: {self.status}{why}.")
        out += [a.sentence() for a in self.associations]
        return out

    def verdicts(self) -> dict[str, Any]:
        """The headline answers as a flat mapping (one row of :func:`summarise_all`)."""
        return {
            "athlete": self.athlete,
            "lsi_item": self.lsi_item,
            "lsi_start": self.lsi_start,
            "lsi_now": self.lsi_now,
            "pain_start": self.pain_start,
            "pain_now": self.pain_now,
            "pain_verdict": self.pain_verdict,
            "hip_sessions_per_week": self.hip_sessions_per_week,
            "acwr": self.acwr_ratio,
            "acwr_zone": self.acwr_zone,
            "status": self.status,
            "status_reasons": self.status_reasons,
        }

    def __str__(self) -> str:
        return "\n".join(self.lines())


def season_lsi(frames: LogFrames) -> pd.DataFrame:
    """Weekly LSI of every exercise and strength test (see :mod:`hipknee.lsi`), tests first."""
    return pd.concat([weekly_test_lsi(frames.tests, frames.athletes),
                      weekly_lsi(frames.sets, frames.athletes)], ignore_index=True)


def headline_lsi_item(lsi: pd.DataFrame) -> pd.DataFrame:
    """Per athlete, the (item, metric) the headline LSI comes from: a strength test with at least
    two weeks, else the exercise (and metric) with the most weeks that is not always 100 %."""
    if lsi.empty:
        return pd.DataFrame(columns=["athlete", "item", "metric"])
    stats = lsi.groupby(["athlete", "item", "metric"], sort=False).agg(
        weeks=("lsi_pct", "count"), high=("lsi_pct", "max"), low=("lsi_pct", "min"))
    stats = stats.reset_index()
    stats["spread"] = stats["high"] - stats["low"]
    tested = set(lsi.loc[lsi["kind"] == "test", "item"]) if "kind" in lsi else set()
    stats["is_test"] = stats["item"].isin(tested)
    stats["score"] = (stats["is_test"] & (stats["weeks"] >= 2)).astype(int) * 10_000 \
        + (stats["spread"] > 0).astype(int) * 1_000 + stats["weeks"]
    best = stats.sort_values(["athlete", "score"], ascending=[True, False], kind="stable")
    return best.drop_duplicates("athlete")[["athlete", "item", "metric"]].reset_index(drop=True)


def season_summary(store_or_frames: Any, athlete: str | None = None, *, start: Any = None,
                   end: Any = None, item: str | None = None) -> SeasonSummary:
    """The season summary of ``athlete`` (default: the first in the store), optionally limited to
    ``start``..``end``; ``item`` names the exercise or test for the LSI (default: a strength test
    when there is one). Accepts a Store, :class:`~hipknee.log_frames.LogFrames` or a mapping of frames."""
    frames = log_frames(store_or_frames)
    if athlete is None:
        names = frames.names()
        if not names:
            from ..errors import ValidationError

            raise ValidationError("athlete", None, "a store with at least one athlete")
        athlete = names[0]
    elif athlete not in frames.names():
        from ..errors import ValidationError

        raise ValidationError("athlete", athlete, "a runner in the store: " + (", ".join(frames.names()) or "none yet"))
    return _Season(frames.only(athlete, start, end)).summary(athlete, item)


def summarise_all(store_or_frames: Any, *, start: Any = None, end: Any = None) -> pd.DataFrame:
    """One row per athlete: current LSI, pain verdict, ACWR zone, pain-monitoring status, ...
    (the columns of :meth:`SeasonSummary.verdicts`). The analyses run once over the whole squad."""
    frames = log_frames(store_or_frames, start=start, end=end)
    return _Season(frames).verdicts(frames.names())


class _Season:
    """Every analysis run once over all athletes of a log (each when first needed); per-athlete
    summaries pick their rows, :meth:`verdicts` answers for the whole squad at once."""

    def __init__(self, frames: LogFrames) -> None:
        self.frames = frames
        self._split: dict[str, dict[str, pd.DataFrame]] = {}

    @cached_property
    def lsi(self) -> pd.DataFrame:
        return season_lsi(self.frames)

    @cached_property
    def items(self) -> pd.DataFrame:
        return headline_lsi_item(self.lsi)

    @cached_property
    def pain(self) -> pd.DataFrame:
        return pain_change(self.frames.pain)

    @cached_property
    def status(self) -> pd.DataFrame:
        return weekly_status(self.frames.pain)

    @cached_property
    def days(self) -> pd.DataFrame:
        return _season_days(self.frames)

    @cached_property
    def acwr(self) -> pd.DataFrame:
        # Rest days after the last run count: the ratio runs to the last day anything was logged.
        return acwr(self.frames.runs, until=self.days["last"] if len(self.days) else None)

    @cached_property
    def load(self) -> pd.DataFrame:
        return weekly_load(self.frames.runs)

    @cached_property
    def hip(self) -> pd.DataFrame:
        return _weekly_hip(self.frames.sets)

    @cached_property
    def weekly_pain(self) -> pd.DataFrame:
        return _weekly_pain(self.frames.pain)

    def verdicts(self, names: list[str]) -> pd.DataFrame:
        """:meth:`SeasonSummary.verdicts` of each athlete in ``names``, one row each: the same
        answers as :meth:`summary` gives, picked for every athlete in one pass over each analysis."""
        rows = {name: SeasonSummary(athlete=name).verdicts() for name in names}
        for column, values in (*self._lsi_verdicts().items(), *self._adherence_verdicts().items(),
                               *self._last_rows().items()):
            for name, value in values.items():
                if name in rows:
                    rows[name][column] = value
        for name, (start, now, verdict) in self._pain_verdicts(names).items():
            if name in rows:
                rows[name].update(pain_start=start, pain_now=now, pain_verdict=verdict)
        return pd.DataFrame(list(rows.values()), columns=list(SeasonSummary(athlete="").verdicts()))

    def _lsi_verdicts(self) -> dict[str, dict[str, Any]]:
        """The headline LSI item and the mean of its first and last two weeks, per athlete (as :meth:`_lsi`)."""
        if self.items.empty or self.lsi.empty:
            return {}
        lsi = self.lsi.assign(athlete=self.lsi["athlete"].astype(object))
        items = self.items.assign(athlete=self.items["athlete"].astype(object))
        rows = lsi.merge(items, on=["athlete", "item", "metric"]).dropna(subset=["lsi_pct"])
        if rows.duplicated(["athlete", "week"]).any():  # a week twice: order as :meth:`_lsi` does
            return {}
        rows = rows.sort_values(["athlete", "week"], kind="stable")
        by = rows.groupby("athlete", sort=False)
        return {
            "lsi_item": by["item"].first().to_dict(),
            "lsi_start": rows.groupby("athlete", sort=False).head(2).groupby("athlete", sort=False)["lsi_pct"].mean().astype(float).to_dict(),
            "lsi_now": rows.groupby("athlete", sort=False).tail(2).groupby("athlete", sort=False)["lsi_pct"].mean().astype(float).to_dict(),
        }

    def _adherence_verdicts(self) -> dict[str, dict[str, Any]]:
        """Hip sessions a week over the season's weeks (weeks without any count as 0), as :meth:`_adherence`."""
        days = self.days
        if days.empty:
            return {}
        first = week_start(days["first"])
        weeks = (week_start(days["last"]) - first).dt.days // 7 + 1
        total = pd.Series(0, index=days.index, dtype="int64")
        hip = self.hip
        if len(hip):
            athlete = hip["athlete"].astype(object)
            lo, n = athlete.map(first), athlete.map(weeks)
            inside = ((hip["week"] >= lo) & (hip["week"] < lo + pd.to_timedelta(n * 7, unit="D"))).to_numpy()
            sessions = hip["sessions"][inside].groupby(athlete[inside].to_numpy()).sum()
            total = total.add(sessions, fill_value=0).astype("int64")
        return {"hip_sessions_per_week": {name: float(total[name]) / int(weeks[name]) for name in days.index}}

    def _last_rows(self) -> dict[str, dict[str, Any]]:
        """The latest ACWR (with a ratio) and pain-monitoring status of each athlete."""
        out: dict[str, dict[str, Any]] = {}
        ratio = self.acwr.dropna(subset=["ratio"])
        if len(ratio):
            last = ratio.groupby(ratio["athlete"].astype(object), sort=False).tail(1)
            names = last["athlete"].astype(object).tolist()
            out["acwr"] = dict(zip(names, map(float, last["ratio"])))
            out["acwr_zone"] = dict(zip(names, last["zone"].tolist()))
        status = self._latest_status()
        if len(status):
            last = status.groupby(status["athlete"].astype(object), sort=False).tail(1)
            names = last["athlete"].astype(object).tolist()
            out["status"] = dict(zip(names, last["status"].tolist()))
            out["status_reasons"] = dict(zip(names, last["reasons"].tolist()))
        return out

    def _latest_status(self) -> pd.DataFrame:
        """:func:`weekly_status` of each athlete's latest week with pain logged (and the weeks before
        it, as far as the rows below reach). A week's status depends only on that week's pain and what
        its flags compare with: the morning before (within ``MORNING_GAP_DAYS``) and the week before,
        so the last week's status comes out the same from those rows as from the whole season."""
        if "status" in self.__dict__:  # already run over the whole season
            return self.status
        pain = self.frames.pain
        if pain.empty:
            return weekly_status(pain)
        week = week_start(pain["when"])
        last = week.groupby(categorical(pain["athlete"]), observed=True).transform("max")
        reach = pd.Timedelta(days=max(7, T.MORNING_GAP_DAYS))
        return weekly_status(pain[(pd.to_datetime(pain["when"]) >= last - reach).to_numpy()])

    def _pain_verdicts(self, names: list[str]) -> dict[str, tuple[float, float, str]]:
        """Pain at the start and now with the verdict, per athlete, picked as :meth:`_pain` does: the
        painful knee, pain during activity, else the context logged on most days. Where that pick is
        not clear-cut (no rows on the painful knee, a tie on days), :meth:`_pain` itself decides."""
        pain = self.pain
        if pain.empty:
            return {}
        pain = pain.assign(athlete=pain["athlete"].astype(object), knee=pain["knee"].astype(object))
        involved = _involved_sides(self.frames.athletes, names)
        mine = pain[(pain["knee"] == pain["athlete"].map(involved)).to_numpy()]
        ok = mine["verdict"] != "not enough data"
        pool = mine[(ok | ~ok.groupby(mine["athlete"]).transform("any")).to_numpy()]
        during = pool[(pool["context"] == "during").to_numpy()].groupby("athlete", sort=False).head(1)
        rest = pool[~pool["athlete"].isin(set(during["athlete"]))]
        most = rest[(rest["latest_days"] == rest.groupby("athlete")["latest_days"].transform("max")).to_numpy()]
        most = most[(most.groupby("athlete")["latest_days"].transform("size") == 1).to_numpy()]
        out = {row.athlete: (float(row.start_mean), float(row.latest_mean), row.verdict)
               for row in pd.concat([during, most]).itertuples(index=False)}
        for name in set(pain["athlete"]) - set(out):
            s = SeasonSummary(athlete=name)
            self._pain(s)
            out[name] = (s.pain_start, s.pain_now, s.pain_verdict)
        return out

    def of(self, name: str, athlete: str) -> pd.DataFrame:
        """Analysis ``name``'s rows for one athlete (split once for the whole squad)."""
        if name not in self._split:
            frame = getattr(self, name)
            groups = frame.groupby(frame["athlete"].astype(object), sort=False) if len(frame) else []
            self._split[name] = {key: part for key, part in groups}
        frame = getattr(self, name)
        return self._split[name].get(athlete, frame.iloc[:0])

    def summary(self, athlete: str, item: str | None = None) -> SeasonSummary:
        s = SeasonSummary(athlete=athlete)
        if athlete in self.days.index:
            s.first_day, s.last_day = self.days.loc[athlete, "first"], self.days.loc[athlete, "last"]
            s.season_weeks = int((week_start(pd.Series([s.last_day])).iloc[0]
                                  - week_start(pd.Series([s.first_day])).iloc[0]).days // 7 + 1)
        self._lsi(s, item)
        self._pain(s)
        self._adherence(s)
        self._load(s)
        self._status(s)
        self._associations(s)
        return s

    def _lsi(self, s: SeasonSummary, item: str | None = None) -> None:
        if item is not None:
            pick = self.of("lsi", s.athlete)
            pick = pick[pick["item"] == item]
            pick = pick.groupby("metric", as_index=False)["lsi_pct"].count().sort_values("lsi_pct").tail(1)
            pick["item"] = item
        else:
            pick = self.of("items", s.athlete)
        if pick.empty:
            return
        item, metric = pick.iloc[0]["item"], pick.iloc[0]["metric"]
        rows = self.of("lsi", s.athlete)
        rows = rows[(rows["item"] == item) & (rows["metric"] == metric)].dropna(subset=["lsi_pct"]).sort_values("week")
        if rows.empty:
            return
        s.lsi_item, s.lsi_metric, s.lsi_reference = item, metric, rows["reference"].iloc[-1]
        s.lsi_weeks = len(rows)
        s.lsi_start = float(rows["lsi_pct"].head(2).mean())
        s.lsi_now = float(rows["lsi_pct"].tail(2).mean())

    def _pain(self, s: SeasonSummary) -> None:
        rows = self.of("pain", s.athlete)
        s.pain_verdicts = rows.reset_index(drop=True)
        if rows.empty:
            return
        knee = _involved(self.frames.athletes, s.athlete)
        if knee not in set(rows["knee"]):
            knee = rows.sort_values("start_mean", ascending=False)["knee"].iloc[0]
        mine = rows[rows["knee"] == knee]
        # Pain during activity is what the pain-monitoring model watches; else the best-logged context.
        ok = mine[mine["verdict"] != "not enough data"]
        pool = ok if not ok.empty else mine
        pick = pool[pool["context"] == "during"]
        row = (pick if not pick.empty else pool.sort_values("latest_days", ascending=False)).iloc[0]
        s.pain_knee, s.pain_context = knee, row["context"]
        s.pain_start, s.pain_now, s.pain_verdict = float(row["start_mean"]), float(row["latest_mean"]), row["verdict"]

    def _adherence(self, s: SeasonSummary) -> None:
        if s.first_day is None:
            return
        weeks = self._season_weeks(s)
        sessions = self.of("hip", s.athlete).set_index("week")["sessions"]
        counts = sessions.reindex(weeks, fill_value=0)
        s.hip_sessions_per_week = float(counts.mean())
        s.weeks_on_plan = int(counts.between(T.HIP_SESSIONS_MIN, T.HIP_SESSIONS_MAX).sum())

    def _load(self, s: SeasonSummary) -> None:
        rows = self.of("acwr", s.athlete).dropna(subset=["ratio"])
        if not rows.empty:
            last = rows.iloc[-1]
            s.acwr_date, s.acwr_ratio, s.acwr_zone = last["date"], float(last["ratio"]), last["zone"]
        s.distance_jumps = int(self.of("load", s.athlete)["jump"].sum())

    def _status(self, s: SeasonSummary) -> None:
        rows = self.of("status", s.athlete)
        if not rows.empty:
            last = rows.iloc[-1]
            s.status_week, s.status, s.status_reasons = last["week"], last["status"], last["reasons"]

    def _associations(self, s: SeasonSummary) -> None:
        if s.first_day is None:
            return
        weeks = self._season_weeks(s)
        knee = s.pain_knee or _involved(self.frames.athletes, s.athlete)
        pain = self.of("weekly_pain", s.athlete)
        pain = pain[pain["knee"] == knee]
        next_pain = pain.set_index("week")["nrs"].reindex(weeks).shift(-1)
        hip = self.of("hip", s.athlete).set_index("week")["sessions"].reindex(weeks, fill_value=0)
        s.associations.append(_spearman("hip sessions per week", hip, next_pain, "more hip sessions"))
        if s.lsi_item is not None:
            lsi = self.of("lsi", s.athlete)
            lsi = lsi[(lsi["item"] == s.lsi_item) & (lsi["metric"] == s.lsi_metric)].set_index("week")["lsi_pct"]
            s.associations.append(_spearman(f"the LSI ({s.lsi_item})", lsi.reindex(weeks), next_pain,
                                            f"a higher LSI ({s.lsi_item})"))

    @staticmethod
    def _season_weeks(s: SeasonSummary) -> pd.DatetimeIndex:
        first = week_start(pd.Series([s.first_day])).iloc[0]
        return pd.date_range(first, periods=s.season_weeks, freq="7D")


_CONTEXT_WORDS = {"during": "during activity", "after": "after activity", "rest": "at rest",
                  "next_morning": "next morning"}


def _weeks(n: int) -> str:
    return {0: "no week", 1: "1 week"}.get(n, f"{n} weeks")


def _spearman(what: str, x: pd.Series, y: pd.Series, more: str = "") -> Association:
    pair = pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()}).dropna()
    n = len(pair)
    if n < 3 or pair["x"].nunique() < 2 or pair["y"].nunique() < 2:
        return Association(what, float("nan"), n, more)
    # Spearman's rho is Pearson's r of the (average) ranks.
    rho = float(pair["x"].rank().corr(pair["y"].rank()))
    return Association(what, rho, n, more)


def _weekly_hip(sets: pd.DataFrame) -> pd.DataFrame:
    """Hip sessions per athlete and week: distinct days with at least one set."""
    if sets.empty:
        return pd.DataFrame({"athlete": pd.Series(dtype=object), "week": pd.Series(dtype="datetime64[ns]"),
                             "sessions": pd.Series(dtype="int64")})
    athlete = categorical(sets["athlete"])
    day = pd.to_datetime(sets["when"]).to_numpy().astype("datetime64[D]")
    codes, ticks = np.asarray(athlete.codes, dtype="int64"), day.view("int64")
    keep = (codes >= 0) & ~np.isnat(day)  # rows the groupby below would drop anyway
    if keep.any():
        # The distinct (athlete, day) pairs as distinct values of one int64 key: a hash of one
        # column, not of two.
        low = ticks[keep].min()
        span = ticks[keep].max() - low + 1
        key = pd.unique(codes[keep] * span + (ticks[keep] - low))
        days = pd.DataFrame({"athlete": pd.Categorical.from_codes(key // span, dtype=athlete.dtype),
                             "day": (key % span + low).astype("datetime64[D]")})
    else:
        days = pd.DataFrame({"athlete": athlete, "day": day}).drop_duplicates()
    days["week"] = week_start(days["day"])
    out = days.groupby(["athlete", "week"], sort=True, observed=True).size().rename("sessions").reset_index()
    out["athlete"] = out["athlete"].astype(object)
    return out


def _weekly_pain(pain: pd.DataFrame) -> pd.DataFrame:
    """Mean NRS per athlete, knee and week over every context."""
    if pain.empty:
        return pd.DataFrame({"athlete": pd.Series(dtype=object), "knee": pd.Series(dtype=object),
                             "week": pd.Series(dtype="datetime64[ns]"), "nrs": pd.Series(dtype=float)})
    frame = pd.DataFrame({"athlete": pain["athlete"].astype(object).to_numpy(),
                          "knee": pain["knee"].astype(object).to_numpy(),
                          "week": week_start(pain["when"]).to_numpy(),
                          "nrs": pain["nrs"].astype(float).to_numpy()})
    return frame.groupby(["athlete", "knee", "week"], sort=True)["nrs"].mean().reset_index()


def _season_days(frames: LogFrames) -> pd.DataFrame:
    parts = [pd.DataFrame({"athlete": categorical(f["athlete"]), "when": pd.to_datetime(f["when"])})
             .groupby("athlete", observed=True)["when"].agg(["min", "max"]).rename(index=str)
             for f in (frames.sets, frames.tests, frames.runs, frames.pain) if not f.empty]
    if not parts:
        return pd.DataFrame(columns=["first", "last"])
    both = pd.concat(parts)
    out = both.groupby(level=0).agg(first=("min", "min"), last=("max", "max"))
    return out.apply(lambda col: col.dt.normalize())


def _involved_sides(athletes: pd.DataFrame, names: list[str]) -> dict[str, str | None]:
    """:func:`_involved` of each name, from one pass over the athletes."""
    if athletes.empty or "involved_side" not in athletes:
        return dict.fromkeys(names)
    first = athletes.assign(name=athletes["name"].astype(object)).drop_duplicates("name")
    sides = dict(zip(first["name"], first["involved_side"].astype(object)))
    return {name: str(sides[name]) if sides.get(name) in ("left", "right") else None for name in names}


def _involved(athletes: pd.DataFrame, name: str) -> str | None:
    if athletes.empty or "involved_side" not in athletes:
        return None
    side = athletes.loc[athletes["name"].astype(object) == name, "involved_side"]
    return str(side.iloc[0]) if len(side) and side.iloc[0] in ("left", "right") else None
