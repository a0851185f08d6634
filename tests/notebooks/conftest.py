"""Shared fixtures of the module tests: a hidden-scale dataset, the modules' answer keys on it, notebook helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.key import execute
from grader.markers import is_instructor

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
MODULES = tuple(sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb")))


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


@pytest.fixture(scope="session")
def hidden_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset as hidden grading builds them (scale class: the public 91-day window, fewer users; seed 1)."""
    return build_dataset(tmp_path_factory.mktemp("modules") / "clipstream.duckdb", seed=1, scale="class")


@pytest.fixture(scope="session")
def module_keys(hidden_dataset: Path) -> dict:
    """Every module's answer key on the hidden-scale dataset, built once per session."""
    from grader.key import load_key

    return {m: load_key(m, hidden_dataset, solutions=SOLUTIONS, progress=False) for m in MODULES}


@pytest.fixture(scope="session")
def corpus_db(hidden_dataset: Path):
    """A student's read-only connection to the hidden-scale dataset, with modules 02-03's `unique_events` view."""
    from corpus import UNIQUE_EVENTS

    from synth.dataset import connect

    db = connect(hidden_dataset)
    db.execute(UNIQUE_EVENTS)
    yield db
    db.close()
