"""A runner's season week by week, as one table: the numbers behind the report's week-by-week view."""

from __future__ import annotations

import pandas as pd

from ..frames import LogFrames
from .measures import week_start
from .running_load import acwr
from .verdicts import season_analyses

__all__ = ["weekly_table"]

_PAIN_COLUMNS = (("during", "pain during"), ("next_morning", "pain next morning"))


def weekly_table(frames: LogFrames, athlete: str, *, lsi_item: str | None = None,
                 lsi_metric: str | None = None) -> pd.DataFrame:
    """Week by week (weeks start on Monday) for one athlete: runs, distance (km), change on the
    week before (%), session load (AU), ACWR at the week's end, hip sessions (and, under a
    prescribed programme, the shares of its sessions and sets done, %), LSI (%) of
    ``lsi_item``, mean pain during runs and next morning (0-10 NRS) of the painful knee when known,
    else of each knee in a column of its own (knees are never averaged together), and the
    pain-monitoring status."""
    mine = frames.only(athlete)
    analyses = season_analyses(mine)
    parts: list[pd.Series] = []
    load = analyses.load.set_index("week")
    parts += [load["runs"].rename("runs"), load["km"].rename("distance (km)"),
              load["km_change_pct"].rename("change (%)"), load["srpe_load"].rename("load (AU)")]
    ratio = acwr(mine.runs)
    if len(ratio):
        parts.append(ratio.assign(week=week_start(ratio["date"])).groupby("week")["ratio"].last().rename("ACWR"))
    sessions = analyses.hip
    if len(sessions):
        parts.append(sessions.set_index("week")["sessions"].rename("hip sessions"))
    adherence = analyses.programme_adherence
    if len(adherence):
        weeks = adherence.set_index("week")
        parts += [(100 * weeks["sessions_share"]).rename("sessions done (% of prescribed)"),
                  (100 * weeks["sets_share"]).rename("sets done (% of prescribed)")]
    if lsi_item is not None:
        lsi = analyses.lsi
        lsi = lsi[(lsi["item"] == lsi_item) & (lsi["metric"] == lsi_metric)].set_index("week")["lsi_pct"]
        parts.append(lsi.rename("LSI (%)"))
    if len(mine.pain):
        parts += _pain_columns(mine, athlete, analyses.status)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["week"])
    table = pd.concat(parts, axis=1, sort=True).sort_index()
    table.index = pd.to_datetime(table.index).rename("week")
    for column in ("hip sessions", "runs"):
        if column in table:
            table[column] = table[column].fillna(0).astype(int)
    return table.reset_index()


def _pain_columns(mine: LogFrames, athlete: str, status: pd.DataFrame) -> list[pd.Series]:
    pain = mine.pain
    knee = mine.involved_side(athlete)
    knees = [knee] if knee is not None and (pain["knee"] == knee).any() else ["left", "right"]
    frame = pd.DataFrame({"week": week_start(pain["when"]).to_numpy(),
                          "knee": pain["knee"].astype(object).to_numpy(),
                          "context": pain["context"].astype(object).to_numpy(),
                          "nrs": pain["nrs"].astype(float).to_numpy()})
    means = frame.groupby(["week", "knee", "context"])["nrs"].mean()
    out = []
    for context, words in _PAIN_COLUMNS:
        for side in knees:
            key = (side, context)
            column = means.xs(key, level=("knee", "context")) if key in means.droplevel("week").index else None
            if column is not None and len(column):
                out.append(column.rename(f"{words}, {side} knee (0-10)"))
    out.append(status.set_index("week")["status"].rename("pain monitoring"))
    return out
