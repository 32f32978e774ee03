"""Who needs attention first: a runner with nothing logged for more than RECENT_DATA_DAYS before
the squad's latest entry is "no recent data" (last, never "attention now"), built from real stores."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import hipknee
from hipknee.analyses import thresholds as T
from hipknee.analyses.attention import NO_RECENT_DATA, attention_order
from hipknee.views.squad_table import squad_table_html

LATEST = date(2026, 5, 31)


def _pain(name: str, last: date, nrs: int) -> list[hipknee.PainEntry]:
    """Two weeks of 'during' pain ending on ``last``: sore (``nrs``) and a red pain-monitoring week."""
    return [hipknee.PainEntry(when=last - timedelta(days=d), athlete=name, knee="right", nrs=nrs, context="during")
            for d in range(14)]


def test_a_runner_silent_for_more_than_the_limit_has_no_recent_data(tmp_path: Path) -> None:
    limit = T.RECENT_DATA_DAYS
    with hipknee.Store.open(tmp_path) as store:
        for name in ("Ana", "Bea", "Cleo", "Dora"):
            store.add(hipknee.Athlete(name=name, involved_side="right"))
        store.add_many([*_pain("Ana", LATEST, 2),
                        *_pain("Bea", LATEST - timedelta(days=limit), 8),  # exactly at the limit: recent
                        *_pain("Cleo", LATEST - timedelta(days=limit + 1), 8)])  # one day more: not
        ordered = attention_order(hipknee.summarise_all(store))
    by_name = ordered.set_index("athlete")
    assert by_name.loc["Bea", "attention"] == "act"
    assert by_name.loc["Cleo", "attention"] == NO_RECENT_DATA  # as sore as Bea, but her data is old
    assert by_name.loc["Dora", "attention"] == NO_RECENT_DATA  # nothing logged at all
    assert by_name.loc["Cleo", "attention_points"] == by_name.loc["Bea", "attention_points"]
    assert list(ordered["athlete"])[-2:] == ["Cleo", "Dora"]  # last, whatever their points
    html = squad_table_html(ordered)
    cleo = html[html.index(">Cleo<"):]
    assert "no recent data" in cleo[: cleo.index("</tr>")]
    assert "attention now" not in cleo[: cleo.index("</tr>")]
