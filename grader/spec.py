"""How a question's answer is compared: frozen, JSON-serialisable spec classes."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Literal

_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_tolerance(rtol: float, atol: float) -> None:
    """Reject negative tolerances, which would make every comparison fail."""
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0 (got rtol={rtol}, atol={atol}).")


@dataclass(frozen=True)
class Table:
    """A table answer: columns by name, rows as a bag unless `ordered`/`distinct`, numbers within rtol/atol.

    `columns=None` compares every column of the key and the answer must have no others; a tuple compares only
    those columns (matched case/space-insensitively) and ignores any further columns of the answer.
    """

    ordered: bool = False
    distinct: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9
    dates_as_timestamps: bool = True
    casefold_strings: bool = False
    columns: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, self.atol)
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
            if not self.columns:
                raise ValueError("Table(columns=...) must name at least one column (or be None for all).")


@dataclass(frozen=True)
class Scalar:
    """A single value: numbers within rtol/atol (whole numbers exactly), text and yes/no values exactly."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, self.atol)


@dataclass(frozen=True)
class Set:
    """An unordered collection of distinct values (strings case-insensitive when `casefold`)."""

    casefold: bool = False


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of options, matched case- and whitespace-insensitively."""

    options: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(str(o) for o in self.options))
        if len(self.options) < 2:
            raise ValueError("Choice(options=...) needs at least two options.")
        normalised = [" ".join(o.split()).casefold() for o in self.options]
        if len(set(normalised)) != len(normalised):
            raise ValueError(f"Choice options must differ beyond case and spacing: {self.options}.")


@dataclass(frozen=True)
class Interval:
    """A (low, high) range that must cover the key's value (or the planted truth) and be at most max_width wide."""

    max_width: float
    must_cover: Literal["key", "truth"] = "key"

    def __post_init__(self) -> None:
        if not self.max_width > 0:
            raise ValueError(f"Interval(max_width=...) must be > 0 (got {self.max_width}).")
        if self.must_cover not in ("key", "truth"):
            raise ValueError(f"Interval(must_cover=...) must be 'key' or 'truth' (got {self.must_cover!r}).")


@dataclass(frozen=True)
class Figure:
    """A matplotlib chart: title/labels present, y from 0 if asked, series count and plotted data."""

    title: bool = True
    xlabel: bool = True
    ylabel: bool = True
    y_from_zero: bool = False
    n_series: int | None = None
    rtol: float = 1e-6
    check_data: bool = True

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, 0.0)
        if self.n_series is not None and self.n_series < 1:
            raise ValueError(f"Figure(n_series=...) must be >= 1 or None (got {self.n_series}).")


Kind = Table | Scalar | Set | Choice | Interval | Figure

KIND_NAMES: dict[type, str] = {
    Table: "table",
    Scalar: "scalar",
    Set: "set",
    Choice: "choice",
    Interval: "interval",
    Figure: "figure",
}
_KIND_BY_NAME = {name: cls for cls, name in KIND_NAMES.items()}


@dataclass(frozen=True)
class Question:
    """A question: its id, how answers are compared (`kind`), points, a hint, and whether partial credit applies."""

    id: str
    kind: Kind
    points: float = 1.0
    hint: str = ""
    partial: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _QUESTION_ID.match(self.id):
            raise ValueError(f"Question id {self.id!r} must be snake_case (letters, digits, underscores).")
        if type(self.kind) not in KIND_NAMES:
            raise ValueError(
                f"Question {self.id!r}: kind must be one of Table, Scalar, Set, Choice, Interval, Figure "
                f"(got {type(self.kind).__name__})."
            )
        if not self.points > 0:
            raise ValueError(f"Question {self.id!r}: points must be > 0 (got {self.points}).")
        object.__setattr__(self, "points", float(self.points))


def kind_name(kind: Kind) -> str:
    """The short name of a spec kind ('table', 'scalar', ...)."""
    return KIND_NAMES[type(kind)]


def spec_to_json(question: Question) -> dict[str, Any]:
    """The question as a JSON-ready dict; `spec_from_json` reverses it."""
    kind = {"type": kind_name(question.kind)}
    for f in fields(question.kind):
        value = getattr(question.kind, f.name)
        kind[f.name] = list(value) if isinstance(value, tuple) else value
    return {
        "id": question.id,
        "kind": kind,
        "points": question.points,
        "hint": question.hint,
        "partial": question.partial,
    }


def spec_from_json(data: dict[str, Any]) -> Question:
    """Rebuild a Question from `spec_to_json` output; unknown kinds or fields raise ValueError."""
    kind_data = dict(data["kind"])
    name = kind_data.pop("type", None)
    if name not in _KIND_BY_NAME:
        raise ValueError(f"Unknown answer kind {name!r}; expected one of {sorted(_KIND_BY_NAME)}.")
    cls = _KIND_BY_NAME[name]
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(kind_data) - known)
    if unknown:
        raise ValueError(f"Unknown field(s) for {name}: {unknown}.")
    if kind_data.get("columns") is not None:
        kind_data["columns"] = tuple(kind_data["columns"])
    if "options" in kind_data:
        kind_data["options"] = tuple(kind_data["options"])
    return Question(
        id=data["id"],
        kind=cls(**kind_data),
        points=data.get("points", 1.0),
        hint=data.get("hint", ""),
        partial=data.get("partial", False),
    )
