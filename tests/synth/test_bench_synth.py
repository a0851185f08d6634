"""The synthesizer benchmark's Faker baseline produces rows the events table accepts (the same columns)."""

import sys
from pathlib import Path

import duckdb

from synth import schema
from synth.config import config_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_synth import faker_events  # noqa: E402


def test_the_faker_loop_fills_every_events_column_with_values_the_schema_accepts():
    import random

    from faker import Faker

    rows = faker_events(Faker(), random.Random(3), 300, config_for("small"))
    assert rows.column_names == schema.EVENTS.column_names
    con = duckdb.connect()
    con.execute(schema.EVENTS.ddl())
    con.register("rows", rows)
    con.execute("INSERT INTO events SELECT * FROM rows")
    assert con.execute("SELECT count(*), count(DISTINCT event_name), count(DISTINCT country) FROM events"
                       ).fetchone() == (300, len(schema.EVENT_NAMES), len(schema.COUNTRY_CODES))

