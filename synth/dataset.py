"""Where the current dataset lives and how to open it: read-only, in UTC, with a helpful error.

Opening it inside IPython/Jupyter also makes query results display readably (see `show_relation`).
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path
from typing import Any

import duckdb

_CHECKOUT = Path(__file__).resolve().parent.parent
# A source checkout keeps its data in its datasets/ folder. Installed from a wheel, the package has no such folder
# (site-packages is no place for data), so the dataset and the grader's state go to one folder in the user's home.
PROJECT_ROOT = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path.home() / "metrics-sandbox"
DEFAULT_PATH = PROJECT_ROOT / "datasets" / "clipstream.duckdb"
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
        return f"no dataset at {p}: run `python -m synth build` (or `make data`) to create it"
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
        has_info = one(
            con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'dataset_info'",
            [CATALOG],
        )[0]
        if not has_info:
            raise DatasetError(not_dataset)
        # Students' results must not depend on the machine's zone.
        con.execute("SET TimeZone = 'UTC'")
    except BaseException:
        con.close()
        raise
    _register_display()
    return con


SHOWN_WHOLE = 50  # results up to this many rows are shown whole
SHOWN_HEAD = 10  # longer ones show their first rows
_LONG_TYPE = 16


def short_type(duckdb_type: object) -> str:
    """A column type as a header can show it: ENUM, not the list of its ~80 labels; STRUCT, not its fields."""
    text = str(duckdb_type)
    return text.split("(", 1)[0] if len(text) > _LONG_TYPE and "(" in text else text


def show_relation(relation: duckdb.DuckDBPyRelation) -> tuple[str, str]:
    """(plain text, HTML) of a query result: short type names, every row up to SHOWN_WHOLE, else the first rows."""
    frame = relation.limit(SHOWN_WHOLE + 1).df()
    kinds = [short_type(kind) for kind in relation.types]
    note = "No rows." if frame.empty else ""
    if len(frame) > SHOWN_WHOLE:
        frame = frame.head(SHOWN_HEAD)
        note = f"First {SHOWN_HEAD} rows of more than {SHOWN_WHOLE}; use .df() to get them all."
    text, page = _plain(frame, relation.columns, kinds), _html(frame, relation.columns, kinds)
    if note:
        return f"{text}\n{note}", f"{page}<p><small>{html.escape(note)}</small></p>"
    return text, page


def _plain(frame: Any, names: list[str], kinds: list[str]) -> str:
    """The rows as aligned text under 'name (TYPE)' headers."""
    header = [f"{name} ({kind})" for name, kind in zip(names, kinds, strict=True)]
    if frame.empty:
        return "  ".join(header)
    return frame.set_axis(header, axis=1).to_string(index=False, max_rows=None, max_cols=None)


def _html(frame: Any, names: list[str], kinds: list[str]) -> str:
    """The rows as an HTML table whose headers give each column's short type."""
    heads = "".join(f"<th>{html.escape(str(name))}<br><small>{html.escape(kind)}</small></th>"
                    for name, kind in zip(names, kinds, strict=True))
    body = frame.to_html(index=False, header=False, max_rows=None, max_cols=None, border=0)
    return body.replace("<tbody>", f"<thead><tr>{heads}</tr></thead><tbody>", 1)


_last_shown: list[Any] = [None, None]  # (relation, its display): Jupyter asks for text and HTML of one result


def _shown(relation: duckdb.DuckDBPyRelation) -> tuple[str, str]:
    """show_relation, run once per displayed result rather than once per format."""
    if _last_shown[0] is not relation:
        _last_shown[:] = [relation, show_relation(relation)]
    return _last_shown[1]


def _register_display() -> None:
    """In IPython, show relations through show_relation (DuckDB's own display lists every ENUM label)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    formatters: Any = shell.display_formatter.formatters
    formatters["text/html"].for_type(duckdb.DuckDBPyRelation, lambda rel: _shown(rel)[1])
    formatters["text/plain"].for_type(duckdb.DuckDBPyRelation, lambda rel, p, cycle: p.text(_shown(rel)[0]))


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate without GROUP BY)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise ValueError(f"no row from a query that always has one: {sql}")
    return row


def info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The dataset_info table as a dict (seed, scale, window, row counts, checksum, ...)."""
    return dict(con.execute("SELECT key, value FROM dataset_info").fetchall())
