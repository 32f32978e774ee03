"""The coach report: self-contained HTML, charts inline, private notes out, the squad ordered by need."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from backends import Backend, cli_location

import hipknee
from hipknee.analyses.attention import attention_order
from hipknee.analyses.weekly_table import weekly_table
from hipknee.cli import main
from hipknee.frames import log_frames
from hipknee.frames import read_notes as notes_table
from hipknee.views.report import build_overview, build_report

pytestmark = pytest.mark.both_backends

PRIVATE = "divorce papers"  # the demo season's private note
PUBLIC = "Stairs at work hurt the knee again"
START = date(2026, 3, 2)  # a Monday
WEEKS = 6

# Any attribute or CSS reference that would make a mail client or browser fetch something.
RESOURCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data|srcset|background)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""",
    re.IGNORECASE,
)


def _charts(html: str) -> int:
    return html.count("<svg") + html.count("data:image/png")


# -- a hand-built squad where the order by need is known -----------------------------------------
def _runner(
    name: str, *, during: list[int], morning: list[int], weak_n: float, spike: bool
) -> list:
    """6 weeks: runs Mon/Wed/Fri/Sun (5 km, 30 min, RPE 5; 15 km, 90 min in the last week when
    ``spike``), pain on the left knee during each run and every next morning (one value per week),
    hip-abduction tests in weeks 1 and 6 (right 200 N, left ``weak_n``)."""
    out: list = [hipknee.Athlete(name=name, involved_side="left")]
    for day in range(WEEKS * 7):
        when = datetime.combine(START + timedelta(days=day), datetime.min.time())
        week = day // 7
        out.append(
            hipknee.PainEntry(
                when=when.replace(hour=7),
                athlete=name,
                knee="left",
                nrs=morning[week],
                context="next_morning",
            )
        )
        if day % 7 in (0, 2, 4, 6):
            big = spike and week == WEEKS - 1
            out.append(
                hipknee.Run(
                    when=when.replace(hour=8),
                    athlete=name,
                    distance_km=15.0 if big else 5.0,
                    duration_min=90.0 if big else 30.0,
                    rpe=5,
                )
            )
            out.append(
                hipknee.PainEntry(
                    when=when.replace(hour=9),
                    athlete=name,
                    knee="left",
                    nrs=during[week],
                    context="during",
                )
            )
    for week in (0, WEEKS - 1):
        when = datetime.combine(START + timedelta(weeks=week, days=1), datetime.min.time()).replace(
            hour=18
        )
        for side, value in (("right", 200.0), ("left", weak_n)):
            out.append(
                hipknee.StrengthTest(
                    when=when,
                    athlete=name,
                    test="hip abduction dynamometer",
                    side=side,
                    value=value,
                    unit="N",
                )
            )
    return out


def _build_squad(st: hipknee.Store) -> None:
    """Four runners. Expected attention points (see hipknee.attention):
    Flare 6+ (pain worse, red week), Spike 3 (ACWR spike, no clear change), Better 1 (LSI 80 %),
    Steady 1 (no clear change; LSI 100 %, so after Better on the tie)."""
    st.add_many(_runner("Steady", during=[1] * 6, morning=[1] * 6, weak_n=200.0, spike=False))
    st.add_many(
        _runner(
            "Better",
            during=[6, 6, 6, 1, 1, 1],
            morning=[3, 3, 3, 1, 1, 1],
            weak_n=160.0,
            spike=False,
        )
    )
    st.add_many(
        _runner(
            "Flare",
            during=[1, 1, 1, 1, 1, 7],
            morning=[1, 1, 1, 1, 1, 4],
            weak_n=200.0,
            spike=False,
        )
    )
    st.add_many(_runner("Spike", during=[1] * 6, morning=[1] * 6, weak_n=200.0, spike=True))
    st.add(
        hipknee.PainEntry(
            when="2026-03-10T21:00",
            athlete="Steady",
            knee="left",
            nrs=1,
            context="rest",
            note="Knee <b>fine</b> & stairs OK <script>alert('x')</script>",
        )
    )
    st.add(
        hipknee.PainEntry(
            when="2026-03-11T21:00",
            athlete="Steady",
            knee="left",
            nrs=1,
            context="rest",
            note="Secret worry about the marathon entry.",
            note_private=True,
        )
    )


@pytest.fixture(scope="module")
def squad_place(backend: Backend) -> str:
    """The hand-built squad, written once per backend."""
    return backend.master("report_squad", _build_squad)


@pytest.fixture
def squad(backend: Backend, squad_place: str):
    place = backend.copy(squad_place)
    with backend.open(place) as st:
        yield st
    backend.release(place)


@pytest.fixture(scope="module")
def overview_html(backend: Backend, squad_place: str) -> str:
    place = backend.copy(squad_place)
    with backend.open(place) as st:
        html = build_overview(st, progress=False)
    backend.release(place)
    return html


@pytest.fixture(scope="module")
def maria_html(backend: Backend, demo_place: str) -> str:
    place = backend.copy(demo_place)
    with backend.open(place) as st:
        html = build_report(st)
    backend.release(place)
    return html


# -- one runner --------------------------------------------------------------------------------
def test_report_is_self_contained(maria_html: str) -> None:
    assert maria_html.startswith("<!DOCTYPE html>")
    assert RESOURCE.search(maria_html) is None, RESOURCE.search(maria_html)
    assert "<link" not in maria_html and "<script" not in maria_html
    assert "<style>" in maria_html  # CSS inline
    assert "<!DOCTYPE svg" not in maria_html and "<?xml" not in maria_html


def test_the_resource_check_can_fail() -> None:
    for bad in (
        '<img src="https://x.org/a.png">',
        "<a href='//cdn.x/a.css'>",
        "body{background:url( 'http://x')}",
        "@import 'x.css';",
        '<script src="http://x/a.js"></script>',
    ):
        assert RESOURCE.search(bad), bad
    # A link written out in prose, or an SVG namespace, is not a resource.
    assert (
        RESOURCE.search('<p>see http://example.org</p><svg xmlns="http://www.w3.org/2000/svg">')
        is None
    )


def test_report_holds_the_four_charts_and_the_verdicts(maria_html: str) -> None:
    assert _charts(maria_html) == 4  # balance, pain, knee function (the demo has Kujala questionnaires), load
    for kind in ("balance", "pain", "kujala", "load"):
        assert f'id="runner-1-{kind}-' in maria_html  # chart ids prefixed so they cannot clash
    assert "Maria: season report" in maria_html
    assert "LSI" in maria_html and "% in the week of 15 Jun (the latest)" in maria_html
    assert "less pain, by a change that matters to patients (at least 2 points or 30%)" in maria_html
    assert "Running load: ACWR" in maria_html and "Pain monitoring, week of" in maria_html
    assert "<table" in maria_html and "pain next morning, right knee (0-10)" in maria_html


def test_private_notes_are_left_out_unless_asked(
    maria_html: str, demo_store: hipknee.Store
) -> None:
    assert PUBLIC in maria_html
    assert PRIVATE not in maria_html
    assert "private notes" in maria_html.lower() or "marked private are left out" in maria_html
    shown = build_report(demo_store, include_private=True, start="2026-04-01", end="2026-04-30")
    assert PRIVATE in shown  # the private note is dated 11 April
    assert PUBLIC not in shown  # 5 March: outside the period


def test_runner_text_is_escaped(overview_html: str) -> None:
    assert "<script>alert" not in overview_html and "<b>fine</b>" not in overview_html
    assert "Knee &lt;b&gt;fine&lt;/b&gt; &amp; stairs OK &lt;script&gt;" in overview_html


def test_period_bounds_the_weekly_table(squad: hipknee.Store) -> None:
    frames = log_frames(squad).only("Steady", "2026-03-09", "2026-03-22")
    table = weekly_table(frames, "Steady", lsi_item=None)
    assert list(table["week"]) == [pd.Timestamp("2026-03-09"), pd.Timestamp("2026-03-16")]
    assert list(table["runs"]) == [4, 4]
    assert list(table["distance (km)"]) == [20.0, 20.0]
    assert list(table["load (AU)"]) == [600.0, 600.0]  # 4 runs x 30 min x RPE 5
    assert list(table["pain during, left knee (0-10)"]) == [1.0, 1.0]


def test_notes_table_shows_a_session_note_once(store: hipknee.Store) -> None:
    sets = [
        {
            "when": "2026-03-02T18:00",
            "athlete": "Ana",
            "exercise": "single-leg deadlift",
            "side": side,
            "reps": 10,
            "note": "felt wobbly",
        }
        for side in ("left", "right")
    ]
    store.add_session(sets)
    notes = notes_table(store)
    assert list(notes["note"]) == ["felt wobbly"]
    assert list(notes["kind"]) == ["strength set"]


def test_report_needs_a_runner_name_when_the_store_holds_several(squad: hipknee.Store) -> None:
    with pytest.raises(hipknee.ValidationError, match="a runner's name: Steady, Better"):
        build_report(squad)
    with pytest.raises(hipknee.ValidationError, match="Steady"):
        build_report(squad, athlete="Nobody")
    with pytest.raises(hipknee.ValidationError, match="on or after"):
        build_report(squad, athlete="Steady", start="2026-04-01", end="2026-03-01")


# -- the squad overview ------------------------------------------------------------------------
def test_attention_order_rule_on_a_hand_built_table() -> None:
    table = pd.DataFrame(
        {
            "athlete": ["Ok", "Red", "Worse", "Spiky", "LowLsi", "NoData"],
            "lsi_now": [95.0, 95.0, 95.0, 95.0, 70.0, float("nan")],
            "pain_verdict": ["better", "better", "worse", "better", "better", "not enough data"],
            "acwr_zone": [
                "comfortable",
                "comfortable",
                "comfortable",
                "spike",
                "comfortable",
                None,
            ],
            "status": ["green", "red", "green", "green", "green", None],
        }
    )
    ordered = attention_order(table)
    # Red 3 and Worse 3 tie (same LSI): by name. Then spike 2, LSI below target 1, then 0 points:
    # Ok (LSI 95) before NoData (unknown LSI).
    assert list(ordered["athlete"]) == ["Red", "Worse", "Spiky", "LowLsi", "Ok", "NoData"]
    assert list(ordered["attention_points"]) == [3, 3, 2, 1, 0, 0]
    assert list(ordered["attention"]) == ["act", "act", "watch", "watch", "good", "good"]


def test_summaries_of_the_hand_built_squad_are_as_designed(squad: hipknee.Store) -> None:
    summary = hipknee.summarise_all(squad).set_index("athlete")
    assert (
        summary.loc["Flare", "pain_verdict"] == "worse" and summary.loc["Flare", "status"] == "red"
    )
    assert summary.loc["Spike", "acwr_zone"] == "spike"
    assert summary.loc["Better", "pain_verdict"] == "better"
    assert summary.loc["Better", "lsi_now"] == pytest.approx(80.0)
    assert summary.loc["Steady", "lsi_now"] == pytest.approx(100.0)


def test_overview_orders_runners_by_need(overview_html: str) -> None:
    table = overview_html[overview_html.index('<table class="overview">') :]
    table = table[: table.index("</table>")]
    names = re.findall(r'<a href="#runner-\d+">([^<]+)</a>', table)
    assert names == ["Flare", "Spike", "Better", "Steady"]
    # Each row links to a section with that runner's charts, in the same order.
    sections = re.findall(
        r'<section class="runner" id="(runner-\d+)">\s*<h2>([^<]+)</h2>', overview_html
    )
    assert sections == [
        ("runner-1", "Flare"),
        ("runner-2", "Spike"),
        ("runner-3", "Better"),
        ("runner-4", "Steady"),
    ]
    assert _charts(overview_html) == 3 * 4
    assert RESOURCE.search(overview_html) is None
    assert "Secret worry" not in overview_html  # Steady's private note


def test_cli_report_writes_one_runner_and_the_overview(
    squad: hipknee.Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = cli_location(squad)
    one = tmp_path / "steady.html"
    assert (
        main(
            [
                "report",
                *where,
                "--athlete",
                "Steady",
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-22",
                "--out",
                str(one),
            ]
        )
        == 0
    )
    html = one.read_text(encoding="utf-8")
    assert "02 Mar 2026 to 22 Mar 2026" in html and _charts(html) == 3
    assert "private notes left out" in capsys.readouterr().out
    assert main(["report", *where, "--out", str(tmp_path / "x.html")]) == 2
    assert "--all" in capsys.readouterr().err
    # The library names fields; the command line names its options.
    assert main(["report", *where, "--athlete", "Steady", "--to", "soon", "--out", str(tmp_path / "x.html")]) == 2
    assert capsys.readouterr().err.startswith("hipknee: error: --to: got 'soon'")
    assert (
        main(["report", *where, "--athlete", "Steady", "--out", str(tmp_path / "x.pdf")])
        == 2
    )
    assert not (tmp_path / "x.pdf").exists()


def test_notebook_preview_and_download_link_carry_the_report() -> None:
    import base64

    from hipknee.views.report import report_download_link, report_preview

    html = '<!DOCTYPE html><p class="x">Zoë & "Ana"</p>'
    frame = report_preview(html).data
    assert (
        "<iframe srcdoc=" in frame
        and "&lt;p class=&quot;x&quot;&gt;Zoë &amp; &quot;Ana&quot;" in frame
    )
    link = report_download_link(html, 'Zoë "report".html').data
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1)
    assert base64.b64decode(payload).decode("utf-8") == html
    assert 'download="Zoë &quot;report&quot;.html"' in link


def test_a_runner_with_nothing_logged_gets_a_report_that_says_so(store: hipknee.Store) -> None:
    html = build_report(store)  # Ana, no entries yet
    assert _charts(html) == 3
    assert "Not enough data yet" in html and "No weeks logged in this period" in html


def test_cli_report_all_writes_the_overview(store: hipknee.Store, tmp_path: Path) -> None:
    store.add(hipknee.Athlete(name="Bea", involved_side="right"))
    out = tmp_path / "squad.html"
    assert main(["report", *cli_location(store), "--all", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Squad overview" in html and _charts(html) == 3 * 2
    assert re.findall(r'<a href="#runner-\d+">([^<]+)</a>', html) == ["Ana", "Bea"]  # a tie: by name
    with pytest.raises(SystemExit):
        main(["report", *cli_location(store), "--all", "--athlete", "Ana", "--out", str(out)])


def test_notes_are_typed_alike_with_notes_or_none(tmp_path) -> None:  # noqa: ANN001
    import hipknee

    with hipknee.Store.open(tmp_path / "none") as empty, hipknee.Store.open(tmp_path / "some") as some:
        for store, note in ((empty, ""), (some, "knee stiff on the stairs")):
            store.add(hipknee.Athlete(name="Ana"))
            store.add_session([{"athlete": "Ana", "when": "2026-03-02T18:00", "exercise": "clamshell",
                                "side": "left", "reps": 12, "note": note}])
        none, some_notes = notes_table(empty), notes_table(some)
    assert none.empty and len(some_notes) == 1
    assert dict(none.dtypes) == dict(some_notes.dtypes)


def _pandas_table_html(table: pd.DataFrame) -> str:
    """The week-by-week table as pandas' to_html writes it (how the report wrote it before)."""
    from hipknee.views.report.sections import _PAIN_FORMAT, _TABLE_FORMATS, _finite

    shown = table.copy()
    shown["week"] = shown["week"].dt.strftime("%d %b %Y")
    for col in shown.columns:
        fmt = _TABLE_FORMATS.get(col) or (_PAIN_FORMAT if col.startswith("pain ") and col.endswith("(0-10)") else None)
        if fmt is not None:
            shown[col] = [fmt.format(v) if _finite(v) else "" for v in shown[col]]
    return shown.to_html(index=False, na_rep="", border=0, classes="weekly", escape=True)


def test_the_weekly_table_is_written_as_pandas_writes_it(demo_frames) -> None:  # noqa: ANN001
    from hipknee.views.report.sections import _table_html

    name = demo_frames.names()[0]
    tables = [weekly_table(demo_frames, name), weekly_table(demo_frames, name, lsi_item="clamshell", lsi_metric="reps")]
    for days in (0, 6, 20):  # a first day, a first week, three weeks: missing values in every column
        first = demo_frames.sets["when"].min().normalize()
        tables.append(weekly_table(demo_frames.only(name, first, first + pd.Timedelta(days=days)), name))
    tables.append(tables[0].assign(**{"pain monitoring": ["<b>&</b>", *[None] * (len(tables[0]) - 1)]}))
    for table in tables:
        assert str(_table_html(table)) == _pandas_table_html(table)
    assert len(tables[0]) > 10 and str(_table_html(tables[0])).count("<td></td>") > 0
