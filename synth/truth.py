"""The truth file beside a dataset: planted effects with what a correct analysis finds, bots, true sessions."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa

from synth import plant, schema
from synth.config import Config

PREFIX = "truth."
TALLY = "truth.tally"


def truth_path(dataset: Path) -> Path:
    """Where the truth of `dataset` lives: clipstream.duckdb -> clipstream.truth.duckdb."""
    dataset = Path(dataset)
    return dataset.with_name(f"{dataset.stem}.truth{dataset.suffix}")


def params(config: Config, name: str) -> dict:
    """A plant's parameters as JSON-ready data."""
    knobs = getattr(config, name, None)
    return dataclasses.asdict(knobs) if dataclasses.is_dataclass(knobs) else {}


class TruthWriter:
    """Collects the truth.* rows of every block into a DuckDB file, then writes the planted-effects manifest."""

    def __init__(self, path: Path, config: Config) -> None:
        self.config = config
        self.con = duckdb.connect(str(path))
        self.tally: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for t in schema.TRUTH_TABLES + (schema.DATASET_INFO,):
            self.con.execute(t.ddl())

    def add(self, name: str, rows: pa.Table) -> None:
        """Take one block's rows of a truth table (name starts with `truth.`)."""
        if name == TALLY:
            for p, key, value in zip(*(rows[c].to_pylist() for c in ("plant", "key", "value")), strict=True):
                self.tally[p][key] += value
            return
        table = schema.table(name.removeprefix(PREFIX))
        cols = ", ".join(table.column_names)
        self.con.register("rows_in", rows)
        try:
            self.con.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM rows_in")
        finally:
            self.con.unregister("rows_in")

    def finish(self, info: dict[str, str]) -> None:
        """Write the manifest and a copy of the dataset's info (its checksum ties the two files), then close."""
        counts = self.con.execute("SELECT day, event_name, sum(events) FROM clean_event_counts GROUP BY ALL").fetchall()
        self.con.execute("DELETE FROM clean_event_counts")  # blocks overlap in days: keep one row per day and name
        self.con.executemany("INSERT INTO clean_event_counts VALUES (?, ?, ?)", counts)
        rows = [(p.NAME, p.TITLE, p.MODULE, json.dumps(params(self.config, p.NAME)),
                 json.dumps(p.expected(self.config, dict(self.tally[p.NAME])) if hasattr(p, "expected") else {}))
                for p in plant.enabled(self.config)]
        self.con.executemany("INSERT INTO planted_effects VALUES (?, ?, ?, ?, ?)", rows)
        self.con.executemany("INSERT INTO dataset_info VALUES (?, ?)", list(info.items()))
        self.con.execute("CHECKPOINT")
        self.con.close()

    def abort(self) -> None:
        """Close without finishing (the caller removes the file)."""
        self.con.close()
