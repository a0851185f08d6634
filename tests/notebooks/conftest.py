"""Shared fixtures of the module tests: a tiny dataset, the modules' answer keys on it, notebook helpers."""

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
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny dataset (seed 1, not the default): the scale hidden grading datasets have."""
    return build_dataset(tmp_path_factory.mktemp("modules") / "clipstream.duckdb", seed=1)


@pytest.fixture(scope="session")
def module_keys(tiny_dataset: Path) -> dict:
    """Every module's answer key on the tiny dataset, built once per session."""
    from grader.key import load_key

    return {m: load_key(m, tiny_dataset, solutions=SOLUTIONS, progress=False) for m in MODULES}


@pytest.fixture(scope="session")
def corpus_db(tiny_dataset: Path):
    """A student's read-only connection to the tiny dataset, with modules 02-03's `unique_events` view."""
    from corpus import UNIQUE_EVENTS

    from synth.dataset import connect

    db = connect(tiny_dataset)
    db.execute(UNIQUE_EVENTS)
    yield db
    db.close()
