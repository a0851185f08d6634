"""Shared fixtures: one tiny dataset per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.config import Config, config_for
from synth.writer import build


@pytest.fixture(scope="session")
def tiny_config() -> Config:
    """The tiny scale cut into several blocks, so worker counts and block order matter."""
    return config_for("tiny", seed=7).replace(block_users=256)


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory, tiny_config: Config) -> Path:
    """A tiny dataset built once per session; tests must not modify it."""
    out = tmp_path_factory.mktemp("tiny") / "clipstream.duckdb"
    build(tiny_config, out, workers=1, progress=False)
    return out
