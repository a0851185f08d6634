"""The plant tests' seeds and helpers; their small planted datasets come from `world` (tests/synth/conftest.py)."""

import duckdb
import pytest

SEEDS = (1, 2)  # every phenomenon must be recoverable on both


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
