"""Shared fixtures of the grader tests: one tiny dataset per session, the fixture modules, an isolated sandbox."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_support import FIXTURE_MODULES, SOLUTIONS

# The fixture modules are test data, not notebooks for nbval to run on their own.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Clipstream dataset (seed 1), built once per test session."""
    out = tmp_path_factory.mktemp("dataset") / "clipstream.duckdb"
    synth = Path(sys.executable).parent / "synth"
    subprocess.run([str(synth), "build", "--scale", "tiny", "--seed", "1", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def fixture_keys(tiny_dataset: Path) -> dict:
    """The answer keys of both fixture modules on the tiny dataset, built once per test session."""
    from grader.key import load_key

    return {m: load_key(m, tiny_dataset, solutions=SOLUTIONS, progress=False) for m in FIXTURE_MODULES}


@pytest.fixture
def fresh_dataset(tiny_dataset: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny dataset, with no answer keys beside it."""
    copy = tmp_path / "data" / "clipstream.duckdb"
    copy.parent.mkdir()
    shutil.copy(tiny_dataset, copy)
    return copy


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A student's environment of its own: private progress file, the fixture solutions, no session running."""
    import grader.session

    monkeypatch.setenv("SANDBOX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SANDBOX_SOLUTIONS", str(SOLUTIONS))
    monkeypatch.delenv("GRADER_RECORD", raising=False)
    monkeypatch.setattr(grader.session, "_current", None)
    return tmp_path / "home"
