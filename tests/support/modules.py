"""Where the curriculum's modules are, and how their tests run a notebook or build a dataset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import nbformat

from grader.key import execute
from grader.paths import exercise_path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
MODULES = tuple(sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb")))


def exercise_of(module: str) -> Path:
    """A module's committed exercise notebook (exercises/, or notebooks/ for the capstone)."""
    return exercise_path(module)


def run_notebook(path: Path, dataset: Path, home: Path) -> nbformat.NotebookNode:
    """Execute a notebook top to bottom as a student's kernel would, on `dataset`, with its own progress file."""
    env = {**os.environ, "SANDBOX_DB": str(dataset), "SANDBOX_HOME": str(home), "SANDBOX_SOLUTIONS": str(SOLUTIONS)}
    env.pop("GRADER_RECORD", None)
    return execute(nbformat.read(path, as_version=4), path.parent, env, desc=path.stem)


def build_dataset(out: Path, seed: int, scale: str = "tiny") -> Path:
    """A Clipstream dataset with its truth file, built with the synth CLI."""
    synth = Path(sys.executable).parent / "synth"
    subprocess.run([str(synth), "build", "--scale", scale, "--seed", str(seed), "--out", str(out)],
                   check=True, capture_output=True)
    return out


def solution_markdown(module: str) -> str:
    """All Markdown of a module's solution notebook, whitespace folded: the prose the prose tests check."""
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    return " ".join(" ".join(c.source for c in notebook.cells if c.cell_type == "markdown").split())


def planted(dataset: Path) -> dict[str, dict]:
    """What the data generator planted in `dataset`: each effect's expected values, from its truth file."""
    from synth.dataset import truth_path

    with duckdb.connect(str(truth_path(dataset)), read_only=True) as truth:
        rows = truth.execute("SELECT effect_id, expected FROM planted_effects").fetchall()
    return {effect: json.loads(expected) for effect, expected in rows}
