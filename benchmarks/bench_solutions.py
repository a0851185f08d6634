"""Print how long each solution notebook takes on the default dataset: kernel start-up, then its cells (budget 15 s).

Run: .venv/bin/python benchmarks/bench_solutions.py [MODULE ...]   (after `make data`)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

import synth
from grader.key import execute
from grader.paths import module_name, modules, solutions_dir

BUDGET_S = 15.0


def _empty() -> nbformat.NotebookNode:
    """A notebook with one empty cell: what a kernel's start-up and shutdown alone cost."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("pass"))
    return notebook


def _seconds(notebook: nbformat.NotebookNode, env: dict[str, str]) -> float:
    """Wall seconds to run `notebook` top to bottom in a fresh kernel."""
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        execute(notebook, Path.cwd(), {**env, "SANDBOX_HOME": home})
        return time.perf_counter() - start


def main(names: list[str]) -> None:
    env = {**os.environ, "SANDBOX_DB": str(synth.dataset_path())}
    startup = min(_seconds(_empty(), env) for _ in range(2))
    print(f"kernel start-up and shutdown: {startup:.1f} s (included below)")
    for name in [module_name(n) for n in names] or modules():
        notebook = nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4)
        seconds = _seconds(notebook, env)
        verdict = "within" if seconds <= BUDGET_S else "OVER"
        print(f"{name:26} {seconds:5.1f} s  {seconds / BUDGET_S:4.0%} of {BUDGET_S:g} s  {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
