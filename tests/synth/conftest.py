"""Shared fixtures: one tiny dataset per test session, and small planted datasets built once per seed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from synth.config import Config, config_for
from synth.dataset import truth_path
from synth.writer import build

Connections = tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]


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


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Connections]:
    """world(seed, disabled=()) -> (dataset, truth) read-only connections to a small planted dataset.

    The realism tests and the plant tests share these builds: the `small` scale students use, each (seed,
    disabled plants) built once per session, on both cores.
    """
    built: dict[tuple, Connections] = {}

    def get(seed: int, disabled: tuple[str, ...] = ()) -> Connections:
        """A build per (seed, disabled plants); use clean_world() to check a plant is switchable."""
        key = (seed, tuple(sorted(disabled)))
        if key not in built:
            path = tmp_path_factory.mktemp(f"world-{seed}") / "clipstream.duckdb"
            build(config_for("small", seed).replace(disabled=frozenset(disabled)), path, workers=2, progress=False)
            built[key] = (duckdb.connect(str(path), read_only=True),
                          duckdb.connect(str(truth_path(path)), read_only=True))
        return built[key]

    yield get
    for dataset, truth in built.values():
        dataset.close()
        truth.close()
