"""Compare table answers: columns by name, rows as a bag (or in order), numbers within tolerance, NULL = NaN.

Partial credit components (used when the question allows partial credit), a third each:
  columns  - the answer has every compared column under the right name (and no extra ones when the spec
             compares all columns);
  rows     - the answer has as many rows as the key (distinct rows when the spec says `distinct`);
  values   - every row matches (the answer passes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from grader.compare.slips import column_slip, decimal_places, significant_figures
from grader.outcome import Verdict
from grader.spec import Table
from grader.values import format_value

_SHOWN_ROWS = 5
# Rows left unpaired after the sorted pairing are re-paired one by one only up to this many; beyond it the
# answer differs in so many rows that exact pairing would not change the verdict.
_RESCUE_LIMIT = 2000
_KIND_WORDS = {
    "number": "numbers",
    "bool": "yes/no values",
    "text": "text",
    "timestamp": "timestamps",
    "date": "dates",
    "duration": "durations",
}


_POSITIONAL = "(column {})"


def positional_name(index: int) -> str:
    """The name given to column `index` of an answer without column names (a fetchone() tuple)."""
    return _POSITIONAL.format(index + 1)


def _by_position(spec: Table, got: pd.DataFrame, expected: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """An answer without column names gets the key's compared columns, in order; '' when it had names.

    The text returned says what was done (or, when the number of values does not fit, how to name them).
    """
    if list(got.columns) != [positional_name(i) for i in range(got.shape[1])]:
        return got, ""
    names = list(expected.columns) if spec.columns is None else list(spec.columns)
    if len(names) != got.shape[1]:
        raise _Unnamed(f"Your answer is {_rows_word(len(got))} of {got.shape[1]} unnamed values; this question "
                       f"wants the columns {_quoted(names)}: pass a dict such as {{{names[0]!r}: ...}} or "
                       "db.sql(query).df().")
    note = (f"Your answer has no column names, so its values were read in the key's column order ({_quoted(names)}); "
            "if your order differs, pass a dict or db.sql(query).df().")
    return got.set_axis(names, axis=1), note


class _Unnamed(Exception):
    """An answer without column names whose width does not fit the key's columns."""


def column_key(name: object) -> str:
    """How column names are matched: case-insensitive, surrounding whitespace ignored, inner runs collapsed."""
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class _Column:
    """One column normalised for comparison: its kind and canonical values (nulls as NaN/NaT/None)."""

    kind: str
    values: np.ndarray


def _from_object(s: pd.Series, spec: Table) -> _Column:
    """Classify an object column by the values it holds."""
    inferred = pd.api.types.infer_dtype(s, skipna=True)
    if inferred == "empty":
        return _Column("null", np.full(len(s), np.nan))
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return _Column("number", pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    if inferred == "boolean":
        return _Column("bool", s.astype("boolean").to_numpy(dtype=float, na_value=np.nan))
    if inferred == "date":
        return _timestamps(pd.to_datetime(s), "date", spec)
    if inferred in ("datetime", "datetime64"):
        return _timestamps(pd.to_datetime(s, utc=True), "timestamp", spec)
    if inferred in ("timedelta", "timedelta64"):
        return _Column("duration", pd.to_timedelta(s).to_numpy(dtype="timedelta64[ns]"))
    return _text(s.map(str, na_action="ignore"), spec)


def _text(s: pd.Series, spec: Table) -> _Column:
    """Text values as an object array with None for NULL (casefolded when the spec says so)."""
    values = s.astype(object).where(s.notna(), None)
    if spec.casefold_strings:
        values = values.map(str.casefold, na_action="ignore")
    return _Column("text", values.to_numpy(dtype=object))


def _timestamps(s: pd.Series, kind: str, spec: Table) -> _Column:
    """Timestamps as naive UTC datetime64[ns]; dates become midnight timestamps when the spec allows."""
    if s.dt.tz is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    if kind == "date" and spec.dates_as_timestamps:
        kind = "timestamp"
    return _Column(kind, s.to_numpy(dtype="datetime64[ns]"))


def normalise_column(s: pd.Series, spec: Table) -> _Column:
    """Turn any pandas/Arrow dtype into one comparable kind (categoricals and Arrow strings by their values)."""
    s = s.reset_index(drop=True)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = pd.Series(np.asarray(s, dtype=object))
    if isinstance(s.dtype, pd.ArrowDtype):
        if pa.types.is_date(s.dtype.pyarrow_dtype):
            return _timestamps(pd.to_datetime(s.astype(object)), "date", spec)
        s = pd.Series(pa.array(s).to_pandas(), dtype=None)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _Column("bool", s.astype("boolean").to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_numeric_dtype(dtype):
        return _Column("number", s.to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _timestamps(s, "timestamp", spec)
    if pd.api.types.is_timedelta64_dtype(dtype):
        return _Column("duration", s.to_numpy(dtype="timedelta64[ns]"))
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return _text(s, spec)
    return _from_object(s, spec)


_IDENTIFYING_KINDS = ("text", "timestamp", "date", "bool")


def identifying_columns(spec: Table, key: pd.DataFrame) -> list[str]:
    """The key's columns that identify a row: `spec.key`, else its compared date, timestamp, text, yes/no columns."""
    names = {column_key(c): c for c in key.columns}
    if spec.key is not None:
        absent = [c for c in spec.key if column_key(c) not in names]
        if absent:
            raise ValueError(f"Table(key=...) names {absent}, which the key does not have: {list(key.columns)}.")
        return [names[column_key(c)] for c in spec.key]
    compared = list(key.columns) if spec.columns is None else [names[column_key(c)] for c in spec.columns]
    return [c for c in compared if normalise_column(key[c], spec).kind in _IDENTIFYING_KINDS]


def _whole(values: np.ndarray) -> bool:
    """True when every non-NULL value is a whole number small enough to be exact in a float."""
    finite = values[~np.isnan(values)]
    return bool(np.all((finite == np.round(finite)) & (np.abs(finite) < 2**53)))


@dataclass(frozen=True)
class _Pair:
    """One compared column on both sides: exact codes (equal codes = equal values) or floats for tolerance."""

    exact: bool
    got: np.ndarray
    expected: np.ndarray
    mismatch: str = ""


def _encode(cg: _Column, ce: _Column) -> _Pair:
    """Encode a column pair; whole numbers on both sides compare exactly, other numbers within tolerance."""
    kind_g = ce.kind if cg.kind == "null" else cg.kind
    kind_e = cg.kind if ce.kind == "null" else ce.kind
    if kind_g != kind_e:
        n_e = len(ce.values)
        codes_e = pd.factorize(ce.values)[0]
        # The two sides can never be equal: give the answer's rows codes the key's never uses.
        codes_g = n_e + 1 + np.arange(len(cg.values))
        return _Pair(
            True, codes_g, codes_e, mismatch=f"holds {_KIND_WORDS[kind_g]}; the key's holds {_KIND_WORDS[kind_e]}"
        )
    if kind_g == "number" and not (_whole(cg.values) and _whole(ce.values)):
        return _Pair(False, cg.values.astype(float), ce.values.astype(float))
    if cg.kind == "null" or ce.kind == "null":
        # An all-NULL column has no dtype of its own; compare it through its nulls only.
        both = np.concatenate([pd.isna(cg.values), pd.isna(ce.values)]).astype(np.int64)
        codes = np.where(both == 1, -1, np.arange(len(both)))
    else:
        codes = pd.factorize(np.concatenate([cg.values, ce.values]))[0]
    return _Pair(True, codes[: len(cg.values)], codes[len(cg.values) :])


@dataclass(frozen=True)
class _Rows:
    """Rows of one side as an exact row code plus a matrix of tolerance-compared floats."""

    code: np.ndarray
    floats: np.ndarray


@dataclass(frozen=True)
class _Side:
    """One side of a comparison: its frame, compared column names (in key order), rows and their frame rows."""

    frame: pd.DataFrame
    names: list[str]
    rows: _Rows
    keep: np.ndarray


def _rows(pairs: list[_Pair], n_got: int, n_expected: int) -> tuple[_Rows, _Rows]:
    """Combine column encodings into per-row codes (exact part) and float matrices (tolerance part)."""
    code = np.zeros(n_got + n_expected, dtype=np.int64)
    floats_g, floats_e = [], []
    for pair in pairs:
        if pair.exact:
            column = np.concatenate([pair.got, pair.expected]).astype(np.int64) + 1
            code = pd.factorize(code * (int(column.max(initial=0)) + 1) + column)[0].astype(np.int64)
        else:
            floats_g.append(pair.got)
            floats_e.append(pair.expected)
    got = _Rows(code[:n_got], np.column_stack(floats_g) if floats_g else np.zeros((n_got, 0)))
    expected = _Rows(code[n_got:], np.column_stack(floats_e) if floats_e else np.zeros((n_expected, 0)))
    return got, expected


def _close(a: np.ndarray, b: np.ndarray, spec: Table) -> np.ndarray:
    """Row-wise: every float of `a` is within tolerance of `b` (the key side); NaN equals NaN."""
    if a.shape[-1] == 0:
        return np.ones(a.shape[0], dtype=bool)
    return np.all(np.isclose(a, b, rtol=spec.rtol, atol=spec.atol, equal_nan=True), axis=-1)


def _order(rows: _Rows) -> np.ndarray:
    """Row order by exact code, then by each float column."""
    keys = [rows.floats[:, j] for j in reversed(range(rows.floats.shape[1]))]
    return np.lexsort([*keys, rows.code])


def _rank_in_group(sorted_codes: np.ndarray) -> np.ndarray:
    """Position of each row within its run of equal codes (input already sorted by code)."""
    index = np.arange(len(sorted_codes))
    starts = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]] if len(sorted_codes) else np.zeros(0, bool)
    return index - np.maximum.accumulate(np.where(starts, index, 0))


def _unmatched(got: _Rows, expected: _Rows, spec: Table) -> tuple[np.ndarray, np.ndarray]:
    """Bag comparison: indices of answer rows and key rows left without a partner.

    Rows with equal exact codes are sorted by their floats and paired by rank; pairs are then checked within
    tolerance, and whatever is left is re-paired one row at a time (sorting can split near-equal rows).
    """
    order_g, order_e = _order(got), _order(expected)
    sorted_g, sorted_e = got.code[order_g], expected.code[order_e]
    base = max(len(sorted_g), len(sorted_e)) + 1
    key_g = sorted_g * base + _rank_in_group(sorted_g)
    key_e = sorted_e * base + _rank_in_group(sorted_e)
    _, at_g, at_e = np.intersect1d(key_g, key_e, assume_unique=True, return_indices=True)
    paired_g, paired_e = order_g[at_g], order_e[at_e]
    ok = _close(got.floats[paired_g], expected.floats[paired_e], spec)
    left_g = np.setdiff1d(np.arange(len(got.code)), paired_g[ok])
    left_e = np.setdiff1d(np.arange(len(expected.code)), paired_e[ok])
    if got.floats.shape[1] == 0 or not len(left_g) or not len(left_e):
        return left_g, left_e
    if min(len(left_g), len(left_e)) > _RESCUE_LIMIT:
        return left_g, left_e
    pool: dict[int, list[int]] = {}
    for i in left_g.tolist():
        pool.setdefault(int(got.code[i]), []).append(i)
    used_g, used_e = set(), set()
    for j in left_e.tolist():
        candidates = pool.get(int(expected.code[j]))
        if not candidates:
            continue
        close = _close(got.floats[candidates], expected.floats[j][None, :], spec)
        if close.any():
            used_g.add(candidates.pop(int(np.argmax(close))))
            used_e.add(j)
    return (
        np.array([i for i in left_g.tolist() if i not in used_g], dtype=np.int64),
        np.array([j for j in left_e.tolist() if j not in used_e], dtype=np.int64),
    )


def _distinct(rows: _Rows, spec: Table) -> np.ndarray:
    """Indices of the first of each group of equal rows (within tolerance), in their original order."""
    order = _order(rows)
    codes, floats = rows.code[order], rows.floats[order]
    same = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        same[1:] = (codes[1:] == codes[:-1]) & _close(floats[1:], floats[:-1], spec)
    return np.sort(order[~same])


def _subset(rows: _Rows, keep: np.ndarray) -> _Rows:
    """The rows at `keep`."""
    return _Rows(rows.code[keep], rows.floats[keep])


def _column_differs(pair: _Pair, keep_g: np.ndarray, keep_e: np.ndarray, spec: Table) -> bool:
    """Whether this one column, alone, holds a different bag of values."""
    got, expected = _rows([pair], len(pair.got), len(pair.expected))
    left_g, left_e = _unmatched(_subset(got, keep_g), _subset(expected, keep_e), spec)
    return bool(len(left_g) or len(left_e))


def _describe_row(frame: pd.DataFrame, names: list[str], labels: list[str], index: int) -> str:
    """'day=2024-01-03, dau=815' for one row of a frame."""
    row = frame.iloc[index]
    return ", ".join(f"{label}={format_value(row[name])}" for name, label in zip(names, labels, strict=True))


def _count_like(rows: _Rows, probe_code: int, probe_floats: np.ndarray, spec: Table) -> int:
    """How many rows equal the probe row (exact part equal, floats within tolerance)."""
    same = rows.code == probe_code
    if not same.any():
        return 0
    return int(_close(rows.floats[same], probe_floats[None, :], spec).sum())


def _rows_word(n: int) -> str:
    """'1 row' / '3 rows'."""
    return f"{n} row" if n == 1 else f"{n} rows"


def _than(n_got: int, n_key: int) -> str:
    """'2 more than the key' / '1 fewer than the key'."""
    return f"{abs(n_got - n_key)} {'more' if n_got > n_key else 'fewer'} than the key"


def _quoted(names: list[str]) -> str:
    """'a', 'b' and 'c'."""
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _missing_columns(
    spec: Table, got: pd.DataFrame, expected: pd.DataFrame, missing: list[str], extra: list[str]
) -> Verdict:
    """Verdict when compared columns are missing; suggests a rename when another column holds the right values."""
    candidates = {name: normalise_column(got[name], spec) for name in extra}
    everything_g, everything_e = np.arange(len(got)), np.arange(len(expected))
    details = [f"Missing column(s): {_quoted(missing)}."]
    if extra and spec.columns is None:
        details.append(f"Extra column(s): {_quoted(extra)}.")
    for name in missing:
        wanted = normalise_column(expected[name], spec)
        for candidate, column in candidates.items():
            pair = _encode(column, wanted)
            if not pair.mismatch and not _column_differs(pair, everything_g, everything_e, spec):
                details.append(f"Your column '{candidate}' holds the values of the key's '{name}': rename it.")
                break
    n_g, n_e = len(got), len(expected)
    if n_g != n_e and not spec.distinct:
        details.append(f"Your answer has {_rows_word(n_g)}, {_than(n_g, n_e)}.")
    verb = "is" if len(missing) == 1 else "are"
    summary = f"The columns differ from the key: {_quoted(missing)} {verb} missing."
    return Verdict(False, summary, tuple(details), {"columns": False, "rows": n_g == n_e, "values": False})


def compare_table(spec: Table, got: pd.DataFrame, expected: pd.DataFrame) -> Verdict:
    """Compare a table answer with the key under `spec` (see the module docstring for partial credit)."""
    try:
        got, note = _by_position(spec, got, expected)
    except _Unnamed as unnamed:
        return Verdict(False, str(unnamed), (), {"columns": False, "rows": len(got) == len(expected), "values": False})
    verdict = _compare_named(spec, got, expected)
    if verdict.passed or not note:
        return verdict
    return Verdict(False, verdict.summary, (*verdict.details, note), verdict.parts)


def _compare_named(spec: Table, got: pd.DataFrame, expected: pd.DataFrame) -> Verdict:
    """Compare a table whose columns are named."""
    got_names: dict[str, str] = {}
    for name in got.columns:
        got_names.setdefault(column_key(name), name)
    key_names = {column_key(name): name for name in expected.columns}
    wanted = [column_key(c) for c in spec.columns] if spec.columns else list(key_names)
    absent = [c for c in wanted if c not in key_names]
    if absent:
        raise ValueError(f"Table(columns=...) names {absent}, which the key does not have: {list(key_names)}.")
    if spec.key is not None:
        identifying_columns(spec, expected)  # an author's misspelt key column fails on every answer, right or wrong
    missing = [key_names[c] for c in wanted if c not in got_names]
    extra = [got_names[c] for c in got_names if c not in wanted]
    if missing:
        return _missing_columns(spec, got, expected, missing, extra)
    if spec.columns is not None:
        extra = []  # only the named columns are compared; others may stay
    names_g = [got_names[c] for c in wanted]
    names_e = [key_names[c] for c in wanted]
    pairs = [
        _encode(normalise_column(got[g], spec), normalise_column(expected[e], spec))
        for g, e in zip(names_g, names_e, strict=True)
    ]
    rows_g, rows_e = _rows(pairs, len(got), len(expected))
    keep_g = _distinct(rows_g, spec) if spec.distinct else np.arange(len(got))
    keep_e = _distinct(rows_e, spec) if spec.distinct else np.arange(len(expected))
    mine = _Side(got, names_g, _subset(rows_g, keep_g), keep_g)
    key = _Side(expected, names_e, _subset(rows_e, keep_e), keep_e)
    left_g, left_e = _unmatched(mine.rows, key.rows, spec)
    n_g, n_e = len(keep_g), len(keep_e)
    rows_ok = n_g == n_e
    values_ok = not len(left_g) and not len(left_e)

    out_of_place = None
    if values_ok and spec.ordered:
        same = (mine.rows.code == key.rows.code) & _close(mine.rows.floats, key.rows.floats, spec)
        if not same.all():
            out_of_place = int(np.argmin(same))
    parts = {"columns": not extra, "rows": rows_ok, "values": values_ok and out_of_place is None}
    passed = all(parts.values())

    if passed:
        summary = f"Correct: all {_rows_word(n_e)} match." if n_e != 1 else "Correct: the row matches."
    elif not rows_ok:
        summary = f"Your answer has {_rows_word(n_g)}{' (distinct)' if spec.distinct else ''}, {_than(n_g, n_e)}."
    elif not values_ok:
        summary = f"The row count is right ({n_e}), but some {'distinct ' if spec.distinct else ''}rows differ."
    elif out_of_place is not None:
        summary = "The rows are right, but not in the required order."
    else:
        summary = f"The values are right, but the answer has extra column(s): {_quoted(extra)}."

    details = []
    if extra and not (values_ok and rows_ok):
        details.append(f"Extra column(s): {_quoted(extra)} (the key has only {_quoted(names_e)}).")
    if out_of_place is not None:
        details.append(f"The first row out of place is row {out_of_place + 1}.")
    if not values_ok:
        details += _value_details(spec, pairs, mine, key, left_g, left_e)
    return Verdict(passed, summary, tuple(details), parts)


def _value_details(
    spec: Table, pairs: list[_Pair], mine: _Side, key: _Side, left_g: np.ndarray, left_e: np.ndarray
) -> list[str]:
    """Which column differs first, the answer's wrong and unexpected rows, and missing rows by identity only."""
    details = _first_difference(spec, pairs, mine, key)
    ids = [name for name in identifying_columns(spec, key.frame) if name in key.names]
    wrong, left_g, left_e = _pair_by_identity(spec, pairs, mine, key, ids, left_g, left_e)
    details += _slips(mine, key, ids, wrong)
    details += [_wrong_row(mine, key, ids, i, j) for i, j in wrong[: _shown(len(wrong))]]
    details += _more(len(wrong), "wrong row")
    details += _missing_rows(key, ids, left_e, spec)
    for i in left_g[: _shown(len(left_g))]:
        line = f"Unexpected row: {_describe_row(mine.frame, mine.names, key.names, int(mine.keep[i]))}"
        code, floats = int(mine.rows.code[i]), mine.rows.floats[i]
        in_key = _count_like(key.rows, code, floats, spec)
        if in_key:
            line += f" (in your answer {_count_like(mine.rows, code, floats, spec)} times, in the key {in_key})"
        details.append(line)
    details += _more(len(left_g), "unexpected row", "distinct " if spec.distinct else "")
    return details


def _first_difference(spec: Table, pairs: list[_Pair], mine: _Side, key: _Side) -> list[str]:
    """The first column whose values differ (or that rows are combined differently)."""
    for name, pair in zip(key.names, pairs, strict=True):
        if pair.mismatch:
            return [f"Column '{name}' {pair.mismatch}."]
        if _column_differs(pair, mine.keep, key.keep, spec):
            return [f"The first column whose values differ is '{name}'."]
    return ["Each column holds the right values, but they are combined into rows differently."]


def _shown(n: int) -> int:
    """How many of n rows to list: all up to one over the limit (a bare '... and 1 more' helps nobody)."""
    return n if n <= _SHOWN_ROWS + 1 else _SHOWN_ROWS


def _more(n: int, what: str, adjective: str = "") -> list[str]:
    """'... and 3 more wrong rows.' for the rows beyond those listed."""
    hidden = n - _shown(n)
    return [f"... and {hidden} more {adjective}{what}s."] if hidden else []


def _identity_codes(pairs: list[_Pair], key: _Side, ids: list[str], n_g: int) -> tuple[np.ndarray, np.ndarray] | None:
    """One exact code per row of each side for the identifying columns, or None when they compare by tolerance."""
    chosen = [pair for name, pair in zip(key.names, pairs, strict=True) if name in ids]
    if not chosen or not all(pair.exact and not pair.mismatch for pair in chosen):
        return None
    got, expected = _rows(chosen, n_g, len(key.frame))
    return got.code, expected.code


def _pair_by_identity(
    spec: Table, pairs: list[_Pair], mine: _Side, key: _Side, ids: list[str], left_g: np.ndarray, left_e: np.ndarray
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Pair leftover rows that share an identity found once on each side: those are wrong rows, not missing ones.

    Without identifying columns, one leftover row on each side (a one-row answer) is paired too.
    """
    if not ids:
        if len(left_g) == 1 and len(left_e) == 1:
            return [(int(left_g[0]), int(left_e[0]))], left_g[:0], left_e[:0]
        return [], left_g, left_e
    codes = _identity_codes(pairs, key, ids, len(mine.frame))
    if codes is None:
        return [], left_g, left_e
    id_g, id_e = codes[0][mine.keep], codes[1][key.keep]
    unique_g, counts_g = np.unique(id_g, return_counts=True)
    unique_e, counts_e = np.unique(id_e, return_counts=True)
    once = np.intersect1d(unique_g[counts_g == 1], unique_e[counts_e == 1])
    shared, at_g, at_e = np.intersect1d(id_g[left_g], id_e[left_e], return_indices=True)
    usable = np.isin(shared, once)
    at_g, at_e = at_g[usable], at_e[usable]
    order = np.argsort(left_e[at_e], kind="stable")  # in the key's row order
    wrong = [(int(left_g[g]), int(left_e[e])) for g, e in zip(at_g[order], at_e[order], strict=True)]
    return wrong, np.delete(left_g, at_g), np.delete(left_e, at_e)


def _number(value: object) -> float | None:
    """A value as a float when it is a number (not a yes/no), else None."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _cells(side: _Side, index: int) -> list[object]:
    """The compared values of one kept row of a side, in key column order."""
    row = side.frame.iloc[int(side.keep[index])]
    return [row[name] for name in side.names]


def _wrong_row(mine: _Side, key: _Side, ids: list[str], i: int, j: int) -> str:
    """'Wrong row day=2025-09-03: dau=815 (higher than the key's)' - the answer's values only."""
    got, expected = _cells(mine, i), _cells(key, j)
    differing = []
    for name, g, e in zip(key.names, got, expected, strict=True):
        if name in ids or format_value(g) == format_value(e):
            continue
        number_g, number_e = _number(g), _number(e)
        direction = ""
        if number_g is not None and number_e is not None and number_g != number_e:
            direction = f" ({'higher' if number_g > number_e else 'lower'} than the key's)"
        elif pd.isna(g) != pd.isna(e):
            direction = " (the key's is not NULL)" if pd.isna(g) else " (the key's is NULL)"
        differing.append(f"{name}={format_value(g)}{direction}")
    where = ", ".join(f"{name}={format_value(v)}" for name, v in zip(key.names, got, strict=True) if name in ids)
    label = f"Wrong row {where}" if where else "Your row differs from the key's"
    return f"{label}: {', '.join(differing) or 'values differ within the tolerance'}"


def _numbers(side: _Side, name: str, rows: list[int]) -> np.ndarray:
    """A column's values at some kept rows of a side, as floats (NaN where not a number: text, dates, yes/no)."""
    values = side.frame[name].iloc[side.keep[rows]]
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) or \
            pd.api.types.is_timedelta64_dtype(dtype):
        return np.full(len(values), np.nan)
    return pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _slips(mine: _Side, key: _Side, ids: list[str], wrong: list[tuple[int, int]]) -> list[str]:
    """Numeric columns whose wrong values all show the same slip (x100, x60, x1000, a flipped sign...)."""
    if not wrong:
        return []
    rows_g, rows_e = [i for i, _ in wrong], [j for _, j in wrong]
    found = []
    for name_g, name_e in zip(mine.names, key.names, strict=True):
        if name_e in ids:
            continue
        got, expected = _numbers(mine, name_g, rows_g), _numbers(key, name_e, rows_e)
        meaning = column_slip(got, expected) or _rounding(got, expected)
        if meaning is not None:
            found.append(f"In column '{name_e}' your values are {meaning}")
    return found


def _rounding(got: np.ndarray, expected: np.ndarray) -> str | None:
    """'the key's values rounded to 3 decimal places: ...' when every wrong value is a rounding, else None."""
    places = decimal_places(got, expected)
    if places == 0:
        return "the key's values cut to whole numbers: integer division, or a cast to INTEGER?"
    if places is not None:
        return f"the key's values rounded to {places} decimal places: give the unrounded values."
    figures = significant_figures(got, expected)
    if figures is not None and figures >= 2:
        return f"the key's values rounded to {figures} significant figures: give the unrounded values."
    return None


def _missing_rows(key: _Side, ids: list[str], left_e: np.ndarray, spec: Table) -> list[str]:
    """Missing key rows named by their identifying columns only; without them, just how many."""
    if not len(left_e):
        return []
    word = "distinct rows" if spec.distinct else "rows"
    if not ids:
        n = len(left_e)
        return [f"{n} {word[:-1] if n == 1 else word} of the key {'has' if n == 1 else 'have'} no match in your "
                "answer."]
    lines = []
    for j in left_e[: _shown(len(left_e))]:
        row = key.frame.iloc[int(key.keep[j])]
        lines.append(f"{', '.join(f'{name}={format_value(row[name])}' for name in ids)} is missing.")
    return lines + _more(len(left_e), "missing row", "distinct " if spec.distinct else "")
