"""The README's "Running a club server", run as written against the suite's PostgreSQL server: the
server's set-up, the owner's commands, a runner logging through the README's own Python, then the
coach's report. Only the host and port (club.example.org:5432) and the owner's password are put
in; passwords travel through ~/.pgpass (a HOME of the test's own), as the README says."""

from __future__ import annotations

import ast
import os
import re
import secrets
import shlex
import subprocess
from pathlib import Path

import pytest
from pg_server import HOST, SUPERUSER, PgServer

import hipknee
from hipknee.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def club_blocks() -> list[tuple[str, str]]:
    """The code blocks of the README's club section, in order: (language, text)."""
    section = README.read_text(encoding="utf-8").split("## Running a club server", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.S)


def test_the_readme_has_the_club_steps() -> None:
    blocks = club_blocks()
    assert [lang for lang, _ in blocks] == ["sh", "sh", "sh", "python", "sh"]
    commands = "".join(text for _, text in blocks)
    for needed in ("hipknee club init", "hipknee club add-coach", "hipknee club add-runner", "hipknee report --all"):
        assert needed in commands


def test_the_readmes_club_commands_from_start_to_a_coachs_report(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PGPASSFILE")  # from here on, ~/.pgpass as the README says
    monkeypatch.delenv("HIPKNEE_URL", raising=False)
    owner_password = secrets.token_urlsafe(12)
    # The server's administrator (`sudo -u postgres`) reaches the test server over TCP.
    admin = {**os.environ, "PGHOST": HOST, "PGPORT": str(pg_server.port), "PGUSER": SUPERUSER,
             "PGPASSWORD": pg_server.password, "PATH": f"{pg_server.bindir}:{os.environ['PATH']}"}

    def put_in(text: str) -> str:
        return text.replace("club.example.org:5432", f"{HOST}:{pg_server.port}").replace("OWNER_PASSWORD", owner_password)

    said = []
    for lang, block in club_blocks():
        if lang == "python":
            tree = ast.parse(block)
            last = tree.body[-1]
            assert isinstance(last, ast.Expr)  # what the notebook cell shows: the forms
            tree.body[-1] = ast.Assign(targets=[ast.Name("shown", ast.Store())], value=last.value, lineno=0)
            scope: dict = {}
            exec(compile(ast.fix_missing_locations(tree), "README.md", "exec"), scope)  # noqa: S102
            logbook, store = scope["shown"], scope["store"]
            logbook.session.save_button.click()  # the runner saves her programme
            assert "Saved 6 sets" in logbook.session.message.value and "Ana" in logbook.session.message.value
            store.close()
            continue
        for line in block.strip().splitlines():
            line = put_in(line.split("  #", 1)[0].strip())
            if line.startswith("apt-get install"):
                assert (pg_server.bindir / "postgres").exists()  # the suite's fixture has it
            elif line.startswith("sudo -u postgres "):
                command = line.removeprefix("sudo -u postgres ")
                typed = f"{owner_password}\n{owner_password}\n" if "--pwprompt" in command else None
                # A session of its own: no terminal, so --pwprompt reads what is typed on stdin.
                done = subprocess.run(shlex.split(command), env=admin, input=typed, capture_output=True, text=True,
                                      start_new_session=True, timeout=60)
                assert done.returncode == 0, done.stderr
            elif line.startswith("export "):
                name, value = line.removeprefix("export ").split("=", 1)
                monkeypatch.setenv(name, value)
            elif line.startswith("hipknee "):
                assert main(shlex.split(line)[1:]) == 0, line
                said.append(capsys.readouterr().out)
            else:
                done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60)
                assert done.returncode == 0, done.stderr

    listed = said[4]  # `hipknee club list`
    assert re.search(r"coach\s+Carla\s+login carla\s+follows: Ana, Bea", listed)
    assert re.search(r"runner\s+Ana\s+login ana\s+coached by: carla", listed)
    assert oct((home / ".pgpass").stat().st_mode & 0o777) == "0o600"
    assert owner_password not in "".join(said)
    squad = (work / "squad.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="#runner-\d+">([^<]+)</a>', squad) == ["Ana", "Bea"]
    # The coach's report holds what Ana saved in her notebook: her session's sets.
    with hipknee.open_store() as st:  # HIPKNEE_URL: the coach's login
        assert st.athlete_names() == ["Ana", "Bea"] and len(st.sets(athlete="Ana")) == 6
