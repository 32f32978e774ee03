"""Choosing the store: ``--url`` and ``$HIPKNEE_URL`` on every command, SQLite in data/ by default;
and a password given in a URL never shows: not in a message, a repr, a log line or a traceback."""

from __future__ import annotations

import argparse
import logging
import traceback
from pathlib import Path

import pytest
from clubs import Club
from pg_server import HOST, PgServer, free_port

import hipknee
from hipknee.cli import build_parser, main
from hipknee.store import locations as paths

SECRET = "Tr0ub4dor-and-3-horses"


def shown_anywhere(exc: BaseException) -> str:
    """Everything an error puts in front of a person: message, repr, the whole formatted chain."""
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc))])


# -- which store -------------------------------------------------------------------------------
def test_every_command_takes_url() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here
    for name, sub in commands.items():
        # A command with its own subcommands (``club ...``, ``runner ...``): each of those takes it.
        inner = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        for leaf_name, leaf in (inner[0].choices.items() if inner else [(name, sub)]):
            options = {o for a in leaf._actions for o in a.option_strings}  # noqa: SLF001
            assert "--url" in options, f"{name} {leaf_name}"


def test_url_beats_data_and_hipknee_url_beats_hipknee_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other" / "hipknee.db"
    monkeypatch.setenv("HIPKNEE_URL", f"sqlite:///{other}")
    assert paths.store_url() == f"sqlite:///{other}"
    assert paths.store_url(data=tmp_path / "mine") is None  # a folder named on the command line wins
    assert paths.store_url("sqlite:///x.db", data=tmp_path) == "sqlite:///x.db"
    with hipknee.open_store() as st:  # $HIPKNEE_URL, a SQLite file: checked and backed up like data/
        assert st.path == other and st.url == f"sqlite:///{other}"
    monkeypatch.delenv("HIPKNEE_URL")
    with hipknee.open_store() as st:
        assert st.path == paths.db_path()  # $HIPKNEE_DATA (the suite's own folder)


def test_hipknee_url_reaches_the_commands(store: hipknee.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HIPKNEE_URL", f"sqlite:///{store.path}")
    monkeypatch.setenv("HIPKNEE_DATA", str(tmp_path / "elsewhere"))
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "out")]) == 0
    assert "exported 1 runners'" in capsys.readouterr().out
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "not a url", "postgresql+psycopg://u@h:port/db"])
def test_an_unsupported_url_is_a_validation_error(url: str) -> None:
    with pytest.raises(hipknee.ValidationError) as err:
        hipknee.open_store(url=url)
    assert err.value.field == "url" and "postgresql+psycopg://" in err.value.allowed


def test_postgresql_urls_mean_psycopg(pg_server: PgServer) -> None:
    plain = pg_server.url("hipknee_empty").replace("postgresql+psycopg://", "postgresql://")
    with hipknee.open_store(url=plain) as st:
        assert st.url.startswith("postgresql+psycopg://") and st.engine.driver == "psycopg"


def test_a_service_file_names_the_club(pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """libpq's service file instead of a host in the URL: hipknee, pg_dump and messages all follow it."""
    owner = Club(pg_server, tmp_path)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[club]\nhost={HOST}\nport={owner.server.port}\ndbname={owner.database}\nuser={owner.owner}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("HIPKNEE_URL", "postgresql+psycopg:///?service=club")
    with hipknee.open_store() as st:  # the owner's password: PGPASSFILE, as ever
        st.add(hipknee.Athlete(name="Ana"))
    assert main(["backup"]) == 0
    assert "club-" in capsys.readouterr().out
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "missing.conf"))
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "x")]) == 1
    assert "service 'club'" in capsys.readouterr().err


# -- the password never shows ----------------------------------------------------------------------
@pytest.fixture
def owner(pg_server: PgServer, tmp_path: Path) -> Club:
    """A database whose owner has the password SECRET, and that password nowhere but in the URL."""
    club = Club(pg_server, tmp_path)
    with pg_server.connect() as conn:
        conn.execute(f"ALTER ROLE \"{club.owner}\" PASSWORD '{SECRET}'")
    return club


def _with_password(club: Club, password: str = SECRET, *, port: int | None = None, database: str | None = None) -> str:
    return (f"postgresql+psycopg://{club.owner}:{password}@{HOST}:{port or club.server.port}/"
            f"{database or club.database}")


def test_a_password_in_the_url_works_but_shows_nowhere(owner: Club, caplog: pytest.LogCaptureFixture,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    with hipknee.open_store(url=_with_password(owner)) as st:
        st.add(hipknee.Athlete(name="Ana"))
        seen = [repr(st), str(st), st.where, st.url, repr(st.engine), str(st.engine.url)]
    assert main(["club", "init", "--url", _with_password(owner)]) == 0
    secret_file = owner.folder / "zed.pgpass"
    assert main(["club", "add-coach", "Zed", "--role", f"zed_{owner.tag}", "--password-file", str(secret_file),
                 "--url", _with_password(owner)]) == 0
    told = capsys.readouterr().out
    assert f"HIPKNEE_URL=postgresql+psycopg://zed_{owner.tag}@{HOST}:" in told  # her login, no password
    seen += [told, caplog.text, secret_file.read_text()]
    assert [text for text in seen if SECRET in text] == []
    assert f"{owner.owner}:***@" in repr(seen[0])


@pytest.mark.parametrize("problem", ["unreachable", "wrong password", "no such database", "bad port", "refused"])
def test_errors_never_show_the_password(owner: Club, problem: str, caplog: pytest.LogCaptureFixture,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    url = {
        "unreachable": _with_password(owner, port=free_port()),
        "wrong password": _with_password(owner, SECRET + "x"),  # holds SECRET: a leak would show
        "no such database": _with_password(owner, database="no_such_club"),
        "bad port": _with_password(owner).replace(f":{owner.server.port}/", ":not-a-port/"),
        # A store the owner may not touch: another owner's database.
        "refused": _with_password(owner, database="hipknee_empty"),
    }[problem]
    error_type = hipknee.ValidationError if problem == "bad port" else hipknee.StoreError
    with pytest.raises(error_type) as err:
        with hipknee.open_store(url=url) as st:
            st.add(hipknee.Athlete(name="Mallory"))
    assert SECRET not in shown_anywhere(err.value)
    assert SECRET not in caplog.text
    # The command line says the same in one line, without a traceback.
    code = main(["report", "--all", "--url", url, "--out", str(owner.folder / "x.html")])
    out, errors = capsys.readouterr()
    assert code in (1, 2) and len(errors.strip().splitlines()) == 1 and "Traceback" not in errors
    assert SECRET not in out + errors
    if problem in ("unreachable", "wrong password"):
        assert f"{HOST}:" in errors and "could not connect to the database server at" in errors


def test_a_club_commands_bad_login_name_is_named_as_its_option(capsys: pytest.CaptureFixture[str]) -> None:
    """The library names the field (``role``); the command line names the option the user typed."""
    assert main(["club", "add-coach", "Zed", "--role", "Not a login"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hipknee: error: --role: got 'Not a login'"), err
    from hipknee.store.club import check_role

    with pytest.raises(hipknee.ValidationError) as info:
        check_role("Not a login")
    assert info.value.field == "role"


@pytest.mark.parametrize("command", ["lab", "dashboard"])
def test_the_notebook_servers_open_the_store_the_command_names(command: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`hipknee lab` and `hipknee dashboard` start processes that open the store from the environment:
    --url sets $HIPKNEE_URL for them, and --data beats a URL exported before."""
    import os

    from hipknee.cli import serve
    from hipknee.servers import voila_app

    seen: list[dict[str, str | None]] = []

    def started(*_args: object, **_kwargs: object) -> None:
        seen.append({name: os.environ.get(name) for name in ("HIPKNEE_URL", "HIPKNEE_DATA")})

    from hipknee.servers import notebook_outputs

    monkeypatch.setattr(serve.os, "execv", started)
    monkeypatch.setattr(voila_app.DashboardVoila, "launch_instance", started)
    monkeypatch.setattr(notebook_outputs, "enable", lambda: None)  # leaves the environment's Jupyter config alone
    # Both set here, so both are put back after the test whatever the commands change.
    monkeypatch.setenv("HIPKNEE_URL", "sqlite:///exported/hipknee.db")
    monkeypatch.setenv("HIPKNEE_DATA", str(tmp_path / "default"))
    club = "postgresql+psycopg://ana@127.0.0.1:5432/club"
    assert main([command, "--url", club]) == 0
    assert seen[-1]["HIPKNEE_URL"] == club
    folder = tmp_path / "mine"
    assert main([command, "--data", str(folder)]) == 0
    assert seen[-1] == {"HIPKNEE_URL": None, "HIPKNEE_DATA": str(folder.resolve())}
