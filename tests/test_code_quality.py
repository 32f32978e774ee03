"""The code keeps its shape: imports go one way through the layers with no circle, ruff finds
nothing, and mypy type-checks the package (configuration in pyproject.toml)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "hipknee"

#: The layers, lowest first: a module imports only from its own folder and from lower layers.
#: records -> store -> frames -> analyses -> views -> widgets -> cli, with the side rooms beside them.
LAYERS: dict[str, int] = {
    "errors": 0,
    "records": 1,
    "store": 2,
    "frames": 3,
    "importers": 3,  # watch files into records, saved through the store
    "synthetic": 3,  # the demo season and the benchmark's coach store, written through the store
    "analyses": 4,
    "views": 5,
    "bundles": 6,  # share files: the store's rows, written as the views write files
    "servers": 6,
    "widgets": 6,
    "cli": 7,
    "__main__": 8,
    "": 8,  # hipknee/__init__.py: the public names, from every layer
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every hipknee module and the hipknee modules it imports (anywhere in it, deferred or not)."""
    found: dict[str, set[str]] = defaultdict(set)
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    stem = ".".join([*base, node.module] if node.module else base)
                else:
                    stem = node.module or ""
                # ``from . import x`` may name a module: count it when it is one.
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            found[name] |= {t for t in targets if t.split(".")[0] == "hipknee" and t != name}
        found.setdefault(name, set())
    return found


def _layer(module: str) -> tuple[str, int]:
    room = module.split(".")[1] if "." in module else ""
    return room, LAYERS[room]


def test_every_folder_has_a_layer() -> None:
    rooms = {_layer(m)[0] for m in _imports()}
    assert rooms <= set(LAYERS), rooms - set(LAYERS)
    assert {"records", "store", "frames", "analyses", "views", "widgets", "cli"} <= rooms


def test_imports_only_go_down() -> None:
    upward = []
    for module, targets in _imports().items():
        room, rank = _layer(module)
        for target in targets:
            other, other_rank = _layer(target)
            if other != room and other_rank >= rank:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_no_import_circle() -> None:
    graph = _imports()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_checks_see_a_circle_and_an_upward_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two tests above can fail: an added upward import is found as both."""
    real = _imports()
    planted = {**real, "hipknee.records.model": real["hipknee.records.model"] | {"hipknee.views.charts"}}
    monkeypatch.setattr(sys.modules[__name__], "_imports", lambda: planted)
    with pytest.raises(AssertionError):
        test_imports_only_go_down()
    with pytest.raises(AssertionError):
        test_no_import_circle()


def _run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    done = _run("ruff", "check", "--no-cache", "hipknee", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_finds_nothing(tmp_path: Path) -> None:
    done = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout
