"""The packages' layering, read from their import statements: plants never drive the simulation, grader has no
import cycle, synth never imports grader."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("synth", "grader")


def module_name(path: Path) -> str:
    """synth/plant/bots.py -> synth.plant.bots; a package's __init__.py is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def imported(path: Path) -> set[str]:
    """The project modules a file imports anywhere (top level, inside functions, under TYPE_CHECKING)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                      for alias in node.names}
    return {name for name in found if name in MODULES}


GRAPH = {name: imported(path) for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of the graph, found by depth-first search, as the modules on it in import order."""
    found, done, path = [], set(), []

    def visit(node: str) -> None:
        """Follow node's imports; a module already on the path closes a cycle."""
        if node in path:
            found.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph[node]):
            visit(target)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    return found


def test_the_walk_reads_the_packages_imports() -> None:
    assert "synth.simulate" in GRAPH["synth.writer"]
    assert "grader.spec" in GRAPH["grader.outcome"]


def test_the_cycle_search_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_plant_imports_the_simulation_that_drives_it() -> None:
    edges = [(m, t) for m, targets in GRAPH.items() if m.startswith("synth.plant") for t in targets
             if t == "synth.simulate"]
    assert edges == [], "move what plants need from synth/simulate.py into synth/world/"


def test_synth_never_imports_grader() -> None:
    edges = [(m, t) for m, targets in GRAPH.items() if m.startswith("synth") for t in targets
             if t.startswith("grader")]
    assert edges == []


def test_grader_has_no_import_cycle() -> None:
    grader = {m: {t for t in targets if t.startswith("grader")} for m, targets in GRAPH.items()
              if m.startswith("grader")}
    assert cycles(grader) == []
