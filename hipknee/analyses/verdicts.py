"""The season's headline answers for every runner of a log at once: LSI at the start and now, knee
pain at the start and now with its MCID verdict, hip sessions a week, the latest ACWR and
pain-monitoring status.

:class:`SeasonAnalyses` runs each analysis once over the whole log (when first needed);
:meth:`SeasonAnalyses.verdicts` picks every runner's answers from them in one pass per analysis.
One runner's summary (:func:`hipknee.season_summary`) is the same computation on a log of one:
there is one implementation of each verdict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..frames import LogFrames
from . import thresholds as T
from .adherence import exercise_adherence, low_adherence_weeks, weekly_adherence
from .balance import lsi_choice, season_lsi
from .knee_function import kujala_change
from .measures import categorical, week_start
from .pain_monitoring import weekly_status
from .pain_trend import pain_change, weekly_pain
from .programme import hip_sessions
from .progression import progression_suggestions
from .running_load import acwr, weekly_load

__all__ = ["PER_RUNNER", "VERDICT_DEFAULTS", "SeasonAnalyses", "season_analyses"]

# Up to this many pain entries, the whole season's weekly status costs no more than the latest week's.
_WHOLE_STATUS_ROWS = 20_000
# From this many rows (sets, runs and pain entries), the verdicts' analyses run in two threads:
# pandas and numpy let go of the GIL for much of their work (the 100-runner store's summary:
# 1.0 s -> 0.77 s on two cores), while for one runner's log a thread costs more than it saves.
_THREADS_FROM_ROWS = 200_000

#: Every verdict column with its value when there is not enough data for it.
VERDICT_DEFAULTS: dict[str, Any] = {
    "first_day": None,
    "last_day": None,
    "season_weeks": 0,
    "lsi_item": None,
    "lsi_metric": None,
    "lsi_reference": None,
    "lsi_weeks": 0,
    "lsi_start": float("nan"),
    "lsi_start_week": None,
    "lsi_now": float("nan"),
    "lsi_now_week": None,
    "pain_knee": None,
    "pain_context": None,
    "pain_start": float("nan"),
    "pain_recent": float("nan"),
    "pain_verdict": "not enough data",
    "pain_now": float("nan"),
    "pain_now_date": None,
    "hip_sessions_per_week": float("nan"),
    "weeks_on_plan": 0,
    "acwr_date": None,
    "acwr": float("nan"),
    "acwr_zone": None,
    "distance_jumps": 0,
    "status_week": None,
    "status": None,
    "status_reasons": "",
    "questionnaires": 0,
    "kujala_first": float("nan"),
    "kujala_first_date": None,
    "kujala_latest": float("nan"),
    "kujala_latest_date": None,
    "kujala_change": float("nan"),
    "kujala_verdict": "not enough data",
    "adherence_weeks": 0,
    "adherence_pct": float("nan"),
    "adherence_sessions_pct": float("nan"),
    "adherence_latest_week": None,
    "adherence_latest_pct": float("nan"),
    "low_adherence_weeks": 0,
}


#: The analyses whose rows are each one runner's, computed for her alone as for her squad (``days``
#: is indexed by runner, the others have an ``athlete`` column).
PER_RUNNER = ("lsi", "items", "pain", "status", "days", "acwr", "load", "hip", "weekly_pain", "kujala",
              "programme_adherence", "exercise_adherence", "progression")


def season_analyses(frames: LogFrames) -> SeasonAnalyses:
    """The analyses of ``frames``, run once however many views ask for them."""
    return frames.memo("season analyses", lambda: SeasonAnalyses(frames))


class SeasonAnalyses:
    """Every analysis of a log, run once over all its runners (each when first needed)."""

    def __init__(self, frames: LogFrames) -> None:
        self.frames = frames
        self._split: dict[str, dict[str, pd.DataFrame]] = {}

    @cached_property
    def lsi(self) -> pd.DataFrame:
        return season_lsi(self.frames)

    @cached_property
    def items(self) -> pd.DataFrame:
        return lsi_choice(self.lsi)

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
        return hip_sessions(self.frames.sets)

    @cached_property
    def weekly_pain(self) -> pd.DataFrame:
        return weekly_pain(self.frames.pain)

    @cached_property
    def kujala(self) -> pd.DataFrame:
        return kujala_change(self.frames.outcomes)

    @cached_property
    def programme_adherence(self) -> pd.DataFrame:
        """Adherence per week (:func:`~.adherence.weekly_adherence`) up to each runner's last logged day."""
        return weekly_adherence(self.frames.sets, self.frames.programmes, until=self._last_days())

    @cached_property
    def exercise_adherence(self) -> pd.DataFrame:
        """Adherence per week, exercise and side (:func:`~.adherence.exercise_adherence`)."""
        return exercise_adherence(self.frames.sets, self.frames.programmes, until=self._last_days())

    @cached_property
    def progression(self) -> pd.DataFrame:
        """Per exercise of the programme in force: ready to progress, why, and the suggestion."""
        return progression_suggestions(self.frames.sets, self.frames.programmes, self.status,
                                       until=self._last_days())

    def _last_days(self) -> pd.Series:
        return self.days["last"] if len(self.days) else pd.Series(dtype="datetime64[ns]")

    def computed_for(self, athlete: str) -> dict[str, pd.DataFrame]:
        """The analyses computed so far, cut to ``athlete``'s rows as her own log's analyses give
        them (numbered from 0; none she has no rows in). Given to :meth:`adopt` of her log's
        analyses, a view of her alone (a squad's report section) shows the squad's numbers, without
        computing them again."""
        out = {}
        for name in PER_RUNNER:
            if name not in self.__dict__:  # not computed yet (a cached_property's value lives there)
                continue
            if name == "days":
                part = self.days.loc[[athlete]] if athlete in self.days.index else self.days.iloc[:0]
            else:
                part = self.of(name, athlete).reset_index(drop=True)
            if len(part):
                out[name] = part
        return out

    def adopt(self, computed: Mapping[str, pd.DataFrame]) -> None:
        """Take ``computed`` (:meth:`computed_for` of a squad's analyses, for this log's one runner
        over the same days) as this log's analyses."""
        unknown = sorted(set(computed) - set(PER_RUNNER))
        if unknown:
            raise ValueError(f"not analyses of one runner: {', '.join(unknown)}")
        self.__dict__.update(computed)

    def of(self, name: str, athlete: str) -> pd.DataFrame:
        """Analysis ``name``'s rows for one athlete (split once for the whole squad)."""
        if name not in self._split:
            frame = getattr(self, name)
            groups = frame.groupby(frame["athlete"].astype(object), sort=False) if len(frame) else []
            self._split[name] = {key: part for key, part in groups}
        return self._split[name].get(athlete, getattr(self, name).iloc[:0])

    # -- the verdicts -------------------------------------------------------------------------
    def verdicts(self, names: list[str], item: str | None = None) -> dict[str, dict[str, Any]]:
        """Athlete -> every verdict column (:data:`VERDICT_DEFAULTS` where there is not enough
        data). ``item`` names the exercise or test of the LSI (default: each runner's headline)."""
        rows = {name: {"athlete": name, **VERDICT_DEFAULTS} for name in names}
        lsi = functools.partial(self._lsi, item)
        parts: list[Callable[[], dict[str, dict[str, Any]]]] = [
            self._days, lsi, functools.partial(self._pain, names), self._adherence, self._load, self._status,
            self._kujala, self._programme]
        frames = self.frames
        if len(frames.sets) + len(frames.runs) + len(frames.pain) >= _THREADS_FROM_ROWS:
            with ThreadPoolExecutor(1, thread_name_prefix="hipknee-verdicts") as other:
                # First, and not beside the LSI: several parts need the days, and both read every
                # set (beside the LSI's own pass over them, they would add their arrays to its
                # peak); beside each other, in half the time.
                days = other.submit(lambda: self.days)
                self.hip  # noqa: B018
                days.result()
                # The LSI (the largest part) here, the rest in the other thread meanwhile: the LSI's
                # large arrays then come from this thread's memory, which the analyses after it
                # reuse (a thread's own arena would keep them as well).
                later = [None if part is lsi else other.submit(part) for part in parts]
                now = lsi()
                results = [now if future is None else future.result() for future in later]
        else:
            results = [part() for part in parts]
        for part in results:  # in the same order either way
            for name, values in part.items():
                if name in rows:
                    rows[name].update(values)
        return rows

    def _days(self) -> dict[str, dict[str, Any]]:
        days = self.days
        if days.empty:
            return {}
        weeks = (week_start(days["last"]) - week_start(days["first"])).dt.days // 7 + 1
        return {name: {"first_day": first, "last_day": last, "season_weeks": int(n)}
                for name, first, last, n in zip(days.index, days["first"], days["last"], weeks)}

    def _lsi(self, item: str | None) -> dict[str, dict[str, Any]]:
        """The LSI item (headline, or ``item``), its first week with both sides (the start) and its
        latest (now)."""
        lsi = self.lsi
        if lsi.empty:
            return {}
        pick = self.items if item is None else lsi_choice(lsi, item)
        # Each runner's rows of her picked item and metric: a mask over the runners' codes, not a
        # merge on three text keys.
        who, names = pd.factorize(lsi["athlete"].astype(object))
        want = pick.assign(athlete=pick["athlete"].astype(object)).set_index("athlete").reindex(names)
        on = ((lsi["item"].to_numpy(dtype=object) == want["item"].to_numpy(dtype=object)[who])
              & (lsi["metric"].to_numpy(dtype=object) == want["metric"].to_numpy(dtype=object)[who])
              & lsi["lsi_pct"].notna().to_numpy())
        rows = lsi[on].assign(athlete=lsi["athlete"][on].astype(object))
        if rows.empty:
            return {}
        rows = rows.sort_values(["athlete", "week"], kind="stable")
        by = rows.groupby("athlete", sort=False)
        first = by.head(1).set_index("athlete").to_dict("index")
        last = by.tail(1).set_index("athlete").to_dict("index")
        weeks = by.size().to_dict()
        return {name: {"lsi_item": now["item"], "lsi_metric": now["metric"], "lsi_reference": now["reference"],
                       "lsi_weeks": int(weeks[name]), "lsi_start": float(first[name]["lsi_pct"]),
                       "lsi_start_week": first[name]["week"], "lsi_now": float(now["lsi_pct"]),
                       "lsi_now_week": now["week"]}
                for name, now in last.items()}

    def _pain(self, names: list[str]) -> dict[str, dict[str, Any]]:
        """Pain at the start and now with its verdict: the painful knee (else the knee that started
        worst), pain during activity (else the context logged on most days), preferring a log
        long enough for a verdict."""
        pain = self.pain
        if pain.empty:
            return {}
        pain = pain.assign(athlete=pain["athlete"].astype(object), knee=pain["knee"].astype(object))
        involved = pain["athlete"].map(self.frames.involved_sides()).astype(object)
        on_involved = (pain["knee"] == involved).groupby(pain["athlete"]).transform("any")
        worst_first = pain.sort_values(["athlete", "start_mean"], ascending=[True, False], kind="stable")
        top_knee = pain["athlete"].map(worst_first.groupby("athlete", sort=False)["knee"].first())
        mine = pain[(pain["knee"] == involved.where(on_involved, top_knee)).to_numpy()]
        ok = mine["verdict"] != "not enough data"
        pool = mine[(ok | ~ok.groupby(mine["athlete"]).transform("any")).to_numpy()]
        pool = pool.assign(_during=(pool["context"] == "during").astype(int))
        best = pool.sort_values(["athlete", "_during", "latest_days"], ascending=[True, False, False],
                                kind="stable").groupby("athlete", sort=False).head(1)
        latest = self._latest_pain(best[["athlete", "knee", "context"]])
        return {row.athlete: {"pain_knee": row.knee, "pain_context": row.context,
                              "pain_start": float(row.start_mean), "pain_recent": float(row.latest_mean),
                              "pain_verdict": row.verdict, **latest.get(row.athlete, {})}
                for row in best.itertuples(index=False)}

    def _latest_pain(self, picked: pd.DataFrame) -> dict[str, dict[str, Any]]:
        """Per athlete, the latest entry (0-10 NRS, and its day) of the knee and context ``picked``;
        of entries at the same moment, the one logged last."""
        pain = self.frames.pain
        if pain.empty or picked.empty:
            return {}
        athlete, knee, context = (categorical(pain[c]) for c in ("athlete", "knee", "context"))
        want = picked.astype(object).set_index("athlete").reindex(athlete.categories.astype(object))
        # Each runner's entries of her picked knee and context, compared as category codes: a
        # mask, not a merge on three text keys.
        who = athlete.codes
        wanted_knee = knee.categories.get_indexer(want["knee"])[who]
        wanted_context = context.categories.get_indexer(want["context"])[who]
        on = ((who >= 0) & (knee.codes >= 0) & (knee.codes == wanted_knee) & (context.codes >= 0)
              & (context.codes == wanted_context))
        rows = np.flatnonzero(on)
        when = pd.to_datetime(pain["when"]).to_numpy()
        rows = rows[np.lexsort((rows, when[rows], who[rows]))]  # by runner, then time, then as logged
        last = rows[np.r_[who[rows][1:] != who[rows][:-1], True]] if len(rows) else rows
        nrs = pain["nrs"].to_numpy(dtype=float)
        return {str(athlete.categories[who[i]]): {"pain_now": float(nrs[i]),
                                                   "pain_now_date": pd.Timestamp(when[i]).normalize()}
                for i in last}

    def _adherence(self) -> dict[str, dict[str, Any]]:
        """Hip sessions a week over the season's weeks (weeks without any count as 0), and the
        weeks within the planned range."""
        days = self.days
        if days.empty:
            return {}
        first = week_start(days["first"])
        weeks = (week_start(days["last"]) - first).dt.days // 7 + 1
        total = pd.Series(0, index=days.index, dtype="int64")
        on_plan = pd.Series(0, index=days.index, dtype="int64")
        hip = self.hip
        if len(hip):
            athlete = hip["athlete"].astype(object)
            lo, n = athlete.map(first), athlete.map(weeks)
            inside = ((hip["week"] >= lo) & (hip["week"] < lo + pd.to_timedelta(n * 7, unit="D"))).to_numpy()
            sessions = hip["sessions"][inside]
            who = athlete[inside].to_numpy()
            total = total.add(sessions.groupby(who).sum(), fill_value=0).astype("int64")
            planned = sessions.between(T.HIP_SESSIONS_MIN, T.HIP_SESSIONS_MAX)
            on_plan = on_plan.add(planned.groupby(who).sum(), fill_value=0).astype("int64")
        if T.HIP_SESSIONS_MIN <= 0:  # weeks without a session are on plan too
            with_sessions = hip.groupby(hip["athlete"].astype(object)).size() if len(hip) else pd.Series(dtype="int64")
            on_plan += weeks - with_sessions.reindex(weeks.index, fill_value=0)
        return {name: {"hip_sessions_per_week": float(total[name]) / int(weeks[name]),
                       "weeks_on_plan": int(on_plan[name])} for name in days.index}

    def _load(self) -> dict[str, dict[str, Any]]:
        """The latest ACWR with a ratio, and the weeks with a distance jump."""
        out: dict[str, dict[str, Any]] = {}
        load = self.load
        if len(load):
            who, names = pd.factorize(load["athlete"])
            jumps = np.bincount(who[who >= 0], weights=load["jump"].to_numpy(dtype=float)[who >= 0],
                                minlength=len(names))
            for name, n in zip(names, jumps):
                out.setdefault(str(name), {})["distance_jumps"] = int(n)
        acwr = self.acwr
        rows = np.flatnonzero(acwr["ratio"].notna().to_numpy())
        if len(rows):
            # Each runner's last day with a ratio: her rows run in date order.
            who, names = pd.factorize(acwr["athlete"].iloc[rows])
            last = np.full(len(names), -1)
            np.maximum.at(last, who[who >= 0], rows[who >= 0])
            for name, row in zip(names, acwr.iloc[last].itertuples(index=False)):
                out.setdefault(str(name), {}).update(acwr_date=row.date, acwr=float(row.ratio), acwr_zone=row.zone)
        return out

    def _status(self) -> dict[str, dict[str, Any]]:
        """The pain-monitoring status of each athlete's latest week with pain logged."""
        status = self._latest_status()
        if status.empty:
            return {}
        last = status.groupby(status["athlete"].astype(object), sort=False).tail(1)
        return {row.athlete: {"status_week": row.week, "status": row.status, "status_reasons": row.reasons}
                for row in last.itertuples(index=False)}

    def _kujala(self) -> dict[str, dict[str, Any]]:
        """The first and latest Kujala score (0-100) and whether the change matters."""
        return {row["athlete"]: {k: v for k, v in row.items() if k != "athlete"}
                for row in self.kujala.to_dict("records")}

    def _programme(self) -> dict[str, dict[str, Any]]:
        """Adherence to the prescribed programme: the share (%) of prescribed sets and sessions done
        over the weeks under a programme, the latest week's, and the low weeks in a row at the end."""
        weekly = self.programme_adherence
        if weekly.empty:
            return {}
        low = low_adherence_weeks(weekly)
        out = {}
        for athlete, mine in weekly.groupby("athlete", sort=False):
            mine = mine.sort_values("week")
            counted = (mine["sets_share"] * mine["sets_prescribed"]).sum()
            sessions = pd.concat([mine["sessions_done"], mine["sessions_prescribed"]], axis=1).min(axis=1).sum()
            out[str(athlete)] = {
                "adherence_weeks": len(mine),
                "adherence_pct": 100 * float(counted) / float(mine["sets_prescribed"].sum()),
                "adherence_sessions_pct": 100 * float(sessions) / float(mine["sessions_prescribed"].sum()),
                "adherence_latest_week": mine["week"].iloc[-1],
                "adherence_latest_pct": 100 * float(mine["sets_share"].iloc[-1]),
                "low_adherence_weeks": low.get(str(athlete), 0),
            }
        return out

    def _latest_status(self) -> pd.DataFrame:
        """:func:`weekly_status` of each athlete's latest week with pain logged (and the weeks before
        it, as far as the rows below reach). A week's status depends only on that week's pain and what
        its flags compare with: the morning before (within ``MORNING_GAP_DAYS``) and the week before,
        so the last week's status comes out the same from those rows as from the whole season."""
        pain = self.frames.pain
        if "status" in self.__dict__ or len(pain) < _WHOLE_STATUS_ROWS:  # the charts need it all anyway
            return self.status
        if pain.empty:
            return weekly_status(pain)
        week = week_start(pain["when"])
        last = week.groupby(categorical(pain["athlete"]), observed=True).transform("max")
        reach = pd.Timedelta(days=max(7, T.MORNING_GAP_DAYS))
        return weekly_status(pain[(pd.to_datetime(pain["when"]) >= last - reach).to_numpy()])


def _season_days(frames: LogFrames) -> pd.DataFrame:
    """Per athlete (index), the ``first`` and ``last`` day anything was logged (midnight)."""
    parts = [_first_and_last(f) for f in (frames.sets, frames.tests, frames.runs, frames.pain) if not f.empty]
    if not parts:
        return pd.DataFrame(columns=["first", "last"])
    both = pd.concat(parts)
    out = both.groupby(level=0).agg(first=("min", "min"), last=("max", "max"))
    return out.apply(lambda col: col.dt.normalize())


def _first_and_last(frame: pd.DataFrame) -> pd.DataFrame:
    """Per athlete of ``frame`` (index), the ``min`` and ``max`` of ``when``, in the column's own
    unit: one pass over the category codes (millions of sets), not a groupby."""
    athlete = categorical(frame["athlete"])
    values = pd.to_datetime(frame["when"]).to_numpy()
    ticks = values.view("int64")
    ok = (athlete.codes >= 0) & ~np.isnat(values)
    low = np.full(len(athlete.categories), np.iinfo("int64").max)
    high = np.full(len(athlete.categories), np.iinfo("int64").min)
    np.minimum.at(low, athlete.codes[ok], ticks[ok])
    np.maximum.at(high, athlete.codes[ok], ticks[ok])
    seen = high >= low
    names = pd.Index([str(name) for name in athlete.categories[seen]], name="athlete")
    return pd.DataFrame({"min": low[seen].view(values.dtype), "max": high[seen].view(values.dtype)}, index=names)
