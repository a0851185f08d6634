"""Datasets with every phenomenon planted, built once per test session and shared by the plant tests."""

from collections.abc import Callable

import duckdb
import pytest

from synth.config import config_for
from synth.dataset import truth_path
from synth.writer import build

SEEDS = (1, 2)  # every phenomenon must be recoverable on both


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Callable[..., tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    """world(seed, disabled=()) -> (dataset, truth) read-only connections to a small planted dataset."""
    built: dict[tuple, tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]] = {}

    def get(seed: int, disabled: tuple[str, ...] = ()) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
        """A build per (seed, disabled plants); use clean_world() to check a plant is switchable."""
        key = (seed, tuple(sorted(disabled)))
        if key not in built:
            path = tmp_path_factory.mktemp(f"world-{seed}") / "clipstream.duckdb"
            build(config_for("small", seed).replace(disabled=frozenset(disabled)), path, progress=False)
            built[key] = (duckdb.connect(str(path), read_only=True),
                          duckdb.connect(str(truth_path(path)), read_only=True))
        return built[key]

    yield get
    for dataset, truth in built.values():
        dataset.close()
        truth.close()


def expected(truth: duckdb.DuckDBPyConnection, effect_id: str) -> dict:
    """The expected values the truth file records for one planted effect."""
    import json

    row = truth.execute("SELECT expected FROM planted_effects WHERE effect_id = ?", [effect_id]).fetchone()
    assert row is not None, f"{effect_id} is not in planted_effects"
    return json.loads(row[0])


@pytest.fixture(scope="session")
def clean_world(world) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    """Seed 1 with every plant switched off: one shared build for all 'without the plant' checks."""
    from synth.plant import PLANT_NAMES

    return world(1, disabled=PLANT_NAMES)
