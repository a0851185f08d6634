"""Where the current dataset lives and how to open it: read-only, in UTC, with a helpful error."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "datasets" / "clipstream.duckdb"
ENV_VAR = "SANDBOX_DB"
CATALOG = "clipstream"  # the name the dataset is attached under in every connection


class DatasetError(Exception):
    """The dataset is missing or is not a Clipstream dataset; the message says how to fix it."""


def dataset_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The dataset file: `path` if given, else $SANDBOX_DB, else the default file in datasets/."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_PATH


def truth_path(path: str | os.PathLike[str]) -> Path:
    """The truth file that belongs to a dataset: clipstream.duckdb -> clipstream.truth.duckdb."""
    p = Path(path)
    return p.with_name(f"{p.name.removesuffix('.duckdb')}.truth.duckdb")


def _missing_message(p: Path, path: str | os.PathLike[str] | None) -> str:
    if path is None and not os.environ.get(ENV_VAR):
        return f"no dataset at {p}: run `make data` or `synth build` to create it"
    source = "given path" if path is not None else f"${ENV_VAR}"
    return f"no dataset at {p} ({source}): build it with `synth build --out {p}` or give an existing file"


def connect(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the dataset whose session time zone is UTC."""
    p = dataset_path(path)
    if p.is_dir():
        raise DatasetError(f"{p} is a folder, not a dataset file: give the .duckdb file inside it")
    if not p.is_file():
        raise DatasetError(_missing_message(p, path))
    not_dataset = f"{p} is not a Clipstream dataset: rebuild it with `synth build --out {p}`"
    # A private in-memory instance that attaches the file: DuckDB caches instances opened by path, and a
    # cached one would keep serving the old file after a rebuild replaced it.
    con = duckdb.connect()
    quoted = str(p).replace("'", "''")
    try:
        try:
            con.execute(f"ATTACH '{quoted}' AS {CATALOG} (READ_ONLY)")
        except duckdb.Error as exc:
            raise DatasetError(not_dataset) from exc
        con.execute(f"USE {CATALOG}")
        has_info = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'dataset_info'",
            [CATALOG],
        ).fetchone()[0]
        if not has_info:
            raise DatasetError(not_dataset)
        # Students' results must not depend on the machine's zone.
        con.execute("SET TimeZone = 'UTC'")
    except BaseException:
        con.close()
        raise
    return con


def info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The dataset_info table as a dict (seed, scale, window, row counts, checksum, ...)."""
    return dict(con.execute("SELECT key, value FROM dataset_info").fetchall())
