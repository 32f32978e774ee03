"""A club on PostgreSQL: each rule is proved by connecting as that login and running raw SQL, so
it is the database that refuses (a permission error) or shows nothing (zero rows), not hipknee.
Then the tracker's own calls work for each login: a runner's forms, a coach's report and dashboard.

The club: coaches Carla (follows Ana and Bea) and Dora (follows Cleo); each runner logged her own
week through her own login, with one private note."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from clubs import Club
from pg_server import PgServer
from psycopg import errors

import hipknee
from hipknee.cli import main
from hipknee.store import locations
from hipknee.store.engine import make_engine, write_connection
from hipknee.store.schema import SCHEMA_VERSION
from hipknee.views.report import build_overview

RUNNER_TABLES = ["strength_sets", "strength_tests", "runs", "pain_entries", "outcome_scores"]
WHEN = "2026-03-{:02d}T{:02d}:00"


def private_note(name: str) -> str:
    return f"{name}'s private worry about the race entry"


def log_week(store: hipknee.Store, name: str) -> None:
    """A week of everything, saved by the runner herself through the tracker."""
    for day in (2, 4, 6):
        store.add_session([
            dict(when=WHEN.format(day, 18), athlete=name, exercise="clamshell", side=side, reps=12 + day)
            for side in ("left", "right")
        ])
        store.add(hipknee.Run(when=WHEN.format(day, 7), athlete=name, distance_km=5 + day, duration_min=30 + day, rpe=4))
        store.add(hipknee.PainEntry(when=WHEN.format(day + 1, 7), athlete=name, knee="left", nrs=day % 5,
                                    context="next_morning", note=f"{name}: stairs fine"))
    store.add(hipknee.PainEntry(when=WHEN.format(5, 21), athlete=name, knee="left", nrs=3, context="rest",
                                note=private_note(name), note_private=True))
    for side, value in (("left", 150.0), ("right", 170.0)):
        store.add(hipknee.StrengthTest(when=WHEN.format(3, 18), athlete=name, test="hip abduction dynamometer",
                                       side=side, value=value, unit="N"))
    store.add(hipknee.OutcomeScore(when=WHEN.format(7, 19), athlete=name, score=70))


@dataclass
class Members:
    club: Club
    runners: dict[str, str]  # name -> login
    coaches: dict[str, str]
    ids: dict[str, int]  # runner name -> athlete id

    def login(self, name: str) -> str:
        return {**self.runners, **self.coaches}[name]

    def url(self, name: str) -> str:
        return self.club.url(self.login(name))

    def sql(self, name: str | None = None) -> psycopg.Connection:
        return self.club.connect(self.login(name) if name else None)


@pytest.fixture(scope="module")
def members(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Members:
    club = Club(pg_server, tmp_path_factory.mktemp("club"))
    club.init()
    coaches = {"Carla": club.add_coach("Carla", f"carla_{club.tag}"), "Dora": club.add_coach("Dora", f"dora_{club.tag}")}
    runners = {
        "Ana": club.add_runner("Ana", f"ana_{club.tag}", "Carla"),
        "Bea": club.add_runner("Bea", f"bea_{club.tag}", "Carla"),
        "Cleo": club.add_runner("Cleo", f"cleo_{club.tag}", "Dora"),
    }
    for name, login in runners.items():
        with hipknee.open_store(url=club.url(login)) as st:
            log_week(st, name)
    with club.connect() as conn:
        ids = dict(conn.execute("SELECT name, id FROM athletes").fetchall())
    return Members(club, runners, coaches, ids)


def owner_rows(members: Members, table: str, *names: str) -> int:
    """How many rows of ``table`` the runners ``names`` have, counted by the owner (sees everything)."""
    with members.sql() as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE athlete_id = ANY(%s)",
                            ([members.ids[n] for n in names],)).fetchone()[0]


# -- runners --------------------------------------------------------------------------------------
@pytest.mark.parametrize("table", RUNNER_TABLES)
def test_a_runner_reads_only_her_own_rows(members: Members, table: str) -> None:
    with members.sql("Ana") as conn:
        seen = conn.execute(f"SELECT athlete_id, count(*) FROM {table} GROUP BY 1").fetchall()
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE athlete_id = %s", (members.ids["Bea"],)).fetchone() == (0,)
    assert seen == [(members.ids["Ana"], owner_rows(members, table, "Ana"))]
    assert owner_rows(members, table, "Bea") > 0  # Bea's rows are there; Ana is not shown them


def test_a_runner_sees_only_her_own_athlete_and_member_rows(members: Members) -> None:
    with members.sql("Ana") as conn:
        assert conn.execute("SELECT name FROM athletes").fetchall() == [("Ana",)]
        assert conn.execute("SELECT role_name FROM club_members").fetchall() == [(members.login("Ana"),)]
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM club_coaching")


@pytest.mark.parametrize("table", RUNNER_TABLES)
def test_a_runner_cannot_change_or_delete_anothers_rows(members: Members, table: str) -> None:
    bea = members.ids["Bea"]
    before = owner_rows(members, table, "Bea")
    with members.sql("Ana") as conn:
        assert conn.execute(f"UPDATE {table} SET note = 'mine now' WHERE athlete_id = %s", (bea,)).rowcount == 0
        assert conn.execute(f"UPDATE {table} SET deleted_at = now() WHERE athlete_id = %s", (bea,)).rowcount == 0
        assert conn.execute(f"DELETE FROM {table} WHERE athlete_id = %s", (bea,)).rowcount == 0
        # Nor hand one of her own rows to Bea.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(f"UPDATE {table} SET athlete_id = %s", (bea,))
    with members.sql() as conn:
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE athlete_id = %s AND note <> 'mine now' "
                            "AND deleted_at IS NULL", (bea,)).fetchone() == (before,)


def test_a_runner_cannot_add_rows_for_another(members: Members) -> None:
    with members.sql("Ana") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO pain_entries (at, athlete_id, knee, nrs, context, note, note_private, created_at) "
                         "VALUES (now(), %s, 'left', 9, 'rest', '', false, now())", (members.ids["Bea"],))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO athletes (name, created_at) VALUES ('Mallory', now())")
    assert owner_rows(members, "pain_entries", "Bea") == 4


def test_a_runner_cannot_delete_or_hide_herself_or_touch_the_catalogue(members: Members) -> None:
    with members.sql("Ana") as conn:
        for sql in ("DELETE FROM athletes", "UPDATE athletes SET deleted_at = now()",
                    "UPDATE exercises SET dose_reps = 1", "DELETE FROM exercises",
                    "INSERT INTO exercises (name, measure, per_side, target, how, builtin, created_at) "
                    "VALUES ('fake builtin', 'reps', true, '', '', true, now())",
                    "CREATE TABLE mine (x int)", "UPDATE hipknee_meta SET value = '99'",
                    f"SET ROLE {members.login('Bea')}"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)


def test_a_runner_reads_adds_changes_and_deletes_her_own_rows(members: Members) -> None:
    """The other side of the rules above: the same SQL on her own rows works (so they can fail)."""
    ana = members.ids["Ana"]
    with members.sql("Ana") as conn:
        row = conn.execute("INSERT INTO pain_entries (at, athlete_id, knee, nrs, context, note, note_private, created_at) "
                           "VALUES ('2026-03-20 07:00', %s, 'left', 2, 'rest', 'raw', false, now()) RETURNING id",
                           (ana,)).fetchone()
        assert conn.execute("UPDATE pain_entries SET nrs = 1 WHERE id = %s", row).rowcount == 1
        assert conn.execute("DELETE FROM pain_entries WHERE id = %s", row).rowcount == 1
        assert conn.execute("UPDATE athletes SET body_mass_kg = 61 WHERE id = %s", (ana,)).rowcount == 1


# -- coaches --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("coach", "runners"), [("Carla", ["Ana", "Bea"]), ("Dora", ["Cleo"])])
@pytest.mark.parametrize("table", ["athletes", *RUNNER_TABLES])
def test_a_coach_reads_her_runners_rows_only(members: Members, coach: str, runners: list[str], table: str) -> None:
    key = "id" if table == "athletes" else "athlete_id"
    with members.sql(coach) as conn:
        seen = dict(conn.execute(f"SELECT {key}, count(*) FROM {table} GROUP BY 1").fetchall())
        others = [members.ids[n] for n in members.runners if n not in runners]
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE {key} = ANY(%s)", (others,)).fetchone() == (0,)
    counts = {members.ids[n]: (1 if table == "athletes" else owner_rows(members, table, n)) for n in runners}
    assert seen == counts


@pytest.mark.parametrize("table", ["athletes", *RUNNER_TABLES])
def test_a_coach_has_no_privilege_on_the_tables(members: Members, table: str) -> None:
    with members.sql("Carla") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"SELECT id FROM public.{table}")


def test_a_coach_sees_her_own_member_row_only(members: Members) -> None:
    with members.sql("Carla") as conn:
        assert conn.execute("SELECT role_name, kind FROM club_members").fetchall() == [(members.login("Carla"), "coach")]
        assert sorted(conn.execute("SELECT athlete_id FROM club_coaching").fetchall()) == [
            (members.ids["Ana"],), (members.ids["Bea"],)]


@pytest.mark.parametrize("sql", [
    "INSERT INTO pain_entries (at, athlete_id, knee, nrs, context, note_private, created_at) "
    "SELECT now(), athlete_id, 'left', 0, 'rest', false, now() FROM pain_entries LIMIT 1",
    "UPDATE pain_entries SET nrs = 0",
    "DELETE FROM pain_entries",
    "UPDATE athletes SET body_mass_kg = 1",
    "DELETE FROM runs",
    "INSERT INTO exercises (name, measure, per_side, target, how, builtin, created_at) "
    "VALUES ('coach drill', 'reps', true, '', '', false, now())",
    "INSERT INTO club_coaching VALUES (current_user, 1)",
    "CREATE TABLE mine (x int)",
])
def test_a_coach_cannot_write(members: Members, sql: str) -> None:
    def everything() -> list[tuple]:
        with members.sql() as conn:
            return [conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                    for t in ("athletes", "exercises", "pain_entries", "runs")]

    before = everything()
    with members.sql("Carla") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql)
    assert everything() == before


def test_a_coach_cannot_read_a_private_note(members: Members) -> None:
    with members.sql("Carla") as conn:
        private = conn.execute("SELECT note FROM pain_entries WHERE note_private").fetchall()
        everything = str(conn.execute("SELECT * FROM pain_entries").fetchall())
        assert conn.execute("SELECT count(*) FROM pain_entries WHERE note LIKE '%private worry%'").fetchone() == (0,)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT note FROM public.pain_entries WHERE note_private")
    assert private == [("",), ("",)]  # Ana's and Bea's: there, but blank
    assert "stairs fine" in everything and "private worry" not in everything
    with members.sql("Ana") as conn:  # her own, to her
        assert conn.execute("SELECT note FROM pain_entries WHERE note_private").fetchall() == [(private_note("Ana"),)]


# -- the tracker's own calls, per login ------------------------------------------------------------
def test_a_runners_forms_save_into_her_own_log(members: Members) -> None:
    with hipknee.open_store(url=members.url("Bea")) as st:
        form = hipknee.SessionForm(st)
        assert form.athlete.value == "Bea" and st.athlete_names() == ["Bea"]
        form.save_button.click()
        assert "Saved 6 sets" in form.message.value
        pain = hipknee.PainForm(st)
        pain.knees["left"].value, pain.knees["right"].value = "2", "0"
        pain.save_button.click()
        assert "left 2/10, right 0/10" in pain.message.value
        assert set(st.sets()["athlete"]) == {"Bea"} and len(st.sets()) == 6 + 6
        newest = int(st.pain()["id"].max())
        st.delete("pain", newest)
        assert newest not in set(st.pain()["id"])
        st.undelete("pain", newest)
        # What she cannot do, the database refuses (the tracker only reports it).
        with pytest.raises(hipknee.StoreError, match="refused") as err:
            st.delete("athlete", members.ids["Bea"])
        assert members.login("Bea") in str(err.value) and "permission denied" in str(err.value)
    assert owner_rows(members, "strength_sets", "Bea") == 12


def test_a_coachs_report_and_dashboard_show_her_runners_only(members: Members, tmp_path: Path) -> None:
    with hipknee.open_store(url=members.url("Carla")) as st:
        assert st.athlete_names() == ["Ana", "Bea"]
        html = build_overview(st, progress=False)
        app = hipknee.DashboardApp(st)
        with pytest.raises(hipknee.StoreError, match="refused"):
            st.add(hipknee.PainEntry(when="2026-03-09T07:00", athlete="Ana", knee="left", nrs=1, context="rest"))
    names = re.findall(r'<a href="#runner-\d+">([^<]+)</a>', html)
    assert sorted(names) == ["Ana", "Bea"]
    assert "stairs fine" in html and "private worry" not in html and "Cleo" not in html
    assert set(app.progress.athlete.options) == {"Ana", "Bea"}
    # The command line, as the coach runs it.
    out = tmp_path / "squad.html"
    assert main(["report", "--all", "--url", members.url("Dora"), "--out", str(out)]) == 0
    assert re.findall(r'<a href="#runner-\d+">([^<]+)</a>', out.read_text()) == ["Cleo"]


def test_a_notebook_and_notebook_store_use_hipknee_url(members: Members, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """HIPKNEE_URL alone decides whose store a notebook shows: the log notebook run as a runner,
    and notebook_store() (the progress, report and dashboard notebooks) as a coach."""
    import nbformat
    from nbclient import NotebookClient

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "01_log_session.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute(
        env={**os.environ, "HIPKNEE_URL": members.url("Ana")})
    shown = str([out for cell in nb.cells for out in cell.get("outputs", [])])
    assert f"Store('{members.url('Ana')}')" in shown and "widget-view" in shown
    monkeypatch.setenv("HIPKNEE_URL", members.url("Dora"))
    with hipknee.notebook_store() as st:
        assert not st.is_demo and st.athlete_names() == ["Cleo"] and st.url == members.url("Dora")


# -- upgrades with a club in place ------------------------------------------------------------
def test_a_migration_keeps_the_clubs_rules(pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A club made at schema 1: a runner cannot upgrade it; its owner's open does, in one
    transaction that lays the views and policies again; the rules hold afterwards."""
    from test_migrations import SCHEMA_1_POSTGRESQL

    from hipknee.store import club as club_sql

    club = Club(pg_server, tmp_path, prefix="oldclub")
    with club.connect() as conn:
        conn.execute(SCHEMA_1_POSTGRESQL)
        conn.execute("INSERT INTO hipknee_meta VALUES ('schema_version', '1')")
        conn.execute("INSERT INTO exercises (name, measure, per_side, target, how, builtin, created_at) "
                     "VALUES ('clamshell', 'reps', true, '', '', true, now())")
        # Runners logged before the club had logins (add_runner gives an existing runner her login).
        conn.execute("INSERT INTO athletes (name, created_at) VALUES ('Ana', now()), ('Bea', now())")
    engine = make_engine(club.url())
    with write_connection(engine, "old club") as conn:
        club_sql._install(conn, "old club")  # what `club init` did back then, without upgrading
    engine.dispose()
    for name, role in (("Ana", f"ana_{club.tag}"), ("Bea", f"bea_{club.tag}")):
        engine = make_engine(club.url())
        club_sql.add_runner(engine, "old club", hipknee.Athlete(name=name), role=role, password=f"pw-{role}", coaches=[])
        engine.dispose()
        pg_server.remember(role, f"pw-{role}")
    with club.connect() as conn:
        conn.execute("INSERT INTO pain_entries (at, athlete_id, knee, nrs, context, note, note_private, created_at) "
                     "SELECT '2026-03-02', id, 'left', 3, 'rest', name, false, now() FROM athletes")

    with pytest.raises(hipknee.StoreError, match="only the club's owner can upgrade") as err:
        hipknee.open_store(url=club.url(f"ana_{club.tag}"))
    assert "club init" in str(err.value)
    with club.connect() as conn:
        assert conn.execute("SELECT value FROM hipknee_meta").fetchone() == ("1",)
    assert club.hipknee("club", "init") == 0  # the owner upgrades (and lays the rules again)

    with club.connect() as conn:
        assert conn.execute("SELECT value FROM hipknee_meta").fetchone() == (str(SCHEMA_VERSION),)
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_sets_exercise'").fetchone() == (1,)
    with hipknee.open_store(url=club.url(f"ana_{club.tag}")) as st:
        assert st.pain()["note"].tolist() == ["Ana"]
    with club.connect(f"bea_{club.tag}") as conn:
        assert conn.execute("SELECT note FROM pain_entries").fetchall() == [("Bea",)]


# -- backups ------------------------------------------------------------------------------------
def test_backup_and_restore_of_a_club_use_pg_dump_and_keep_its_rules(
    pg_server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    club = Club(pg_server, tmp_path)
    club.init()
    coach = club.add_coach("Carla", f"carla_{club.tag}")
    runners = {name: club.add_runner(name, f"{name.lower()}_{club.tag}", *(["Carla"] if name == "Ana" else []))
               for name in ("Ana", "Bea")}
    for name, login in runners.items():
        with hipknee.open_store(url=club.url(login)) as st:
            log_week(st, name)
    capsys.readouterr()

    assert club.hipknee("backup") == 0
    said = capsys.readouterr().out
    assert "with pg_dump (custom format)" in said
    dump = Path(re.search(r"to (\S+\.dump)", said).group(1))
    assert dump.read_bytes()[:5] == b"PGDMP" and dump.parent == locations.data_dir() / locations.BACKUP_DIR
    assert club.hipknee("backup", "--list") == 0 and str(dump) in capsys.readouterr().out

    # Later: Ana deletes a week of runs, the owner drops a table by mistake.
    with club.connect(runners["Ana"]) as conn:
        assert conn.execute("DELETE FROM runs").rowcount == 3
    with club.connect() as conn:
        conn.execute("DROP TABLE outcome_scores CASCADE")

    assert club.hipknee("restore", dump.name) == 0
    said = capsys.readouterr().out
    assert "with pg_restore (one transaction)" in said and "kept as" in said
    kept = Path(said.split("kept as ")[1].split()[0])
    assert kept.read_bytes()[:5] == b"PGDMP"
    with club.connect() as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone() == (6,)
        assert conn.execute("SELECT count(*) FROM outcome_scores").fetchone() == (2,)
    # The rules came back with the tables: the coach still reads only Ana, private note blank.
    with club.connect(coach) as conn:
        assert conn.execute("SELECT DISTINCT athlete_id FROM runs").fetchall() == [(1,)]
        assert conn.execute("SELECT note FROM pain_entries WHERE note_private").fetchall() == [("",)]
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM public.runs")
    with club.connect(runners["Bea"]) as conn:
        assert {r[0] for r in conn.execute("SELECT athlete_id FROM runs")} == {2}
    with hipknee.open_store(url=club.url(runners["Ana"])) as st:
        assert len(st.runs()) == 3

    # Something that is not a dump is refused before anything is touched.
    (tmp_path / "notes.dump").write_text("not a dump")
    assert club.hipknee("restore", str(tmp_path / "notes.dump")) == 2
    assert "pg_dump's custom format" in capsys.readouterr().err


# -- share bundles --------------------------------------------------------------------------------
def test_the_owner_merges_a_runners_bundle_into_the_club(members: Members, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A runner who logs on her own machine sends a bundle; the club's owner merges it (a new runner
    of the club), and merging it again changes nothing. A coach or a runner cannot merge: the
    database refuses, one line, nothing written."""
    with hipknee.Store.open(tmp_path / "dana") as own:
        own.add(hipknee.Athlete(name="Dana", involved_side="right"))
        log_week(own, "Dana")
        expected = {kind: len(own.read(kind)) for kind in ("set", "run", "pain", "test", "outcome")}
    bundle = tmp_path / "dana.hipknee"
    assert main(["share", "--data", str(tmp_path / "dana"), "--athlete", "Dana", "--out", str(bundle)]) == 0
    capsys.readouterr()

    for who in ("Carla", "Ana"):
        assert main(["merge", str(bundle), "--url", members.url(who)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("hipknee: error: ") and err.count("\n") == 1 and "Traceback" not in err
    with members.sql() as conn:
        assert conn.execute("SELECT count(*) FROM athletes WHERE name = 'Dana'").fetchone() == (0,)

    for _ in range(2):  # the second merge finds everything already there
        assert main(["merge", str(bundle), "--url", members.club.url()]) == 0
    with hipknee.open_store(url=members.club.url()) as club:
        assert "Dana" in club.athlete_names()
        assert {kind: len(club.read(kind, athlete="Dana")) for kind in expected} == expected
        # The private note stayed on her machine (bundles withhold private notes by default).
        assert "private worry" not in " ".join(club.pain(athlete="Dana")["note"])


# -- programmes: the one thing a coach writes ------------------------------------------------------
def test_a_coach_sets_programmes_for_her_own_runners_only(members: Members) -> None:
    dose = [{"exercise": "clamshell", "sets": 3, "reps": 15, "band": "light"}]
    with hipknee.open_store(url=members.url("Carla")) as coach:
        coach.set_programme("Ana", "2026-03-02", dose, sessions_per_week=3, note="from Carla")
        with pytest.raises(hipknee.ValidationError) as info:  # Cleo is Dora's: not even in Carla's store
            coach.set_programme("Cleo", "2026-03-02", dose, sessions_per_week=3)
        assert info.value.field == "athlete"
    # The database itself refuses a row for a runner she does not follow, and any other write.
    with members.sql("Carla") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO prescriptions (at, athlete_id, exercise_id, sets, reps, sessions_per_week, note, "
                         "note_private, created_at) SELECT now(), %s, id, 3, 15, 3, '', false, now() FROM exercises "
                         "LIMIT 1", (members.ids["Cleo"],))
    with members.sql("Carla") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE strength_sets SET reps = 1")
    with hipknee.open_store(url=members.url("Ana")) as ana:  # the runner reads it; her session form follows it
        assert ana.programmes()["note"].tolist() == ["from Carla"]
    with hipknee.open_store(url=members.url("Cleo")) as cleo:
        assert cleo.programmes().empty
    assert owner_rows(members, "prescriptions", "Cleo") == 0
