"""The plant tests' seeds, and what the truth file expects of a planted effect."""

import json

import duckdb

SEEDS = (1, 2)  # every phenomenon must be recoverable on both


def expected(truth: duckdb.DuckDBPyConnection, effect_id: str) -> dict:
    """The expected values the truth file records for one planted effect."""
    row = truth.execute("SELECT expected FROM planted_effects WHERE effect_id = ?", [effect_id]).fetchone()
    assert row is not None, f"{effect_id} is not in planted_effects"
    return json.loads(row[0])
