"""The project keeps its promises: environment.yml agrees with pyproject.toml, CI runs the
README's test command, and no personal data is tracked."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]} | {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(p) for p in dep["pip"] if not p.startswith("-e")}
        else:
            conda.add(_name(dep))
    assert "conda-forge" in env["channels"]
    assert (conda | pip) - {"python", "pip"} == wanted


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = "make test"
    assert f"\n{command}\n" in readme
    assert ci.strip().splitlines()[-1] == command


def test_no_personal_data_file_is_tracked() -> None:
    """No log, export, report or bundle is tracked anywhere (test fixtures are made by the tests)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    data_files = (".db", ".db-wal", ".db-shm", ".csv", ".xlsx", ".hipknee", ".gpx", ".tcx", ".fit")
    assert [n for n in tracked if n.endswith(data_files) or (n.startswith("data/") and n != "data/README.md")] == []


def test_no_store_is_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert all(not name.endswith((".db", ".db-wal", ".db-shm")) for name in tracked)
    ignored = subprocess.run(["git", "check-ignore", "data/hipknee.db"], cwd=REPO, capture_output=True, text=True)
    assert ignored.returncode == 0


def test_every_public_name_is_what_it_says() -> None:
    import importlib
    import pkgutil
    import types

    import hipknee

    # Import every submodule first: that is what could shadow a public function of the same name.
    for module in pkgutil.walk_packages(hipknee.__path__, "hipknee."):
        if module.name != "hipknee.__main__":  # running it is what `python -m hipknee` does
            importlib.import_module(module.name)
    for name in hipknee.__all__:
        value = getattr(hipknee, name)
        assert not isinstance(value, types.ModuleType), name


def test_every_threshold_has_its_source() -> None:
    """thresholds.py points at docs/sources.md, and that page names every threshold it defines."""
    from hipknee.analyses import thresholds

    assert "docs/sources.md" in (thresholds.__doc__ or "")
    sources = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
    missing = [name for name in thresholds.__all__ if name.isupper() and name not in sources
               and name != "PAIN_ZONES"]  # the chart's shading of PAIN_OK_MAX / PAIN_ACCEPTABLE_MAX
    assert missing == []
