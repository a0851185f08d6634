"""How a question's answer is compared: frozen, JSON-serialisable spec classes."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
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
    `key` names the identifying columns: feedback names a missing row by them only, and pairs a wrong row with
    the key's row of the same identity. None: the key's date, timestamp, text and yes/no columns.
    """

    ordered: bool = False
    distinct: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9
    dates_as_timestamps: bool = True
    casefold_strings: bool = False
    columns: tuple[str, ...] | None = None
    key: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, self.atol)
        for name in ("columns", "key"):
            names = getattr(self, name)
            if names is None:
                continue
            if isinstance(names, str):
                raise ValueError(f"Table({name}=...) is a tuple of column names, e.g. {name}=({names!r},).")
            object.__setattr__(self, name, tuple(str(c) for c in names))
            if not getattr(self, name):
                raise ValueError(f"Table({name}=...) must name at least one column (or be None).")


@dataclass(frozen=True)
class Scalar:
    """A single value: numbers within rtol/atol (whole numbers exactly), text and yes/no values exactly.

    With `sig_figs=N` a number that equals the key rounded to N or more significant figures passes too.
    """

    rtol: float = 1e-6
    atol: float = 1e-9
    sig_figs: int | None = None

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, self.atol)
        if self.sig_figs is not None and (isinstance(self.sig_figs, bool) or not isinstance(self.sig_figs, int)
                                          or self.sig_figs < 1):
            raise ValueError(f"Scalar(sig_figs=...) must be a whole number >= 1 or None (got {self.sig_figs!r}).")


@dataclass(frozen=True)
class Set:
    """An unordered collection of distinct values (strings case-insensitive when `casefold`).

    A detected set (bots, skewed clocks) passes when its precision and recall against the key reach `min_precision`
    and `min_recall`: another sound rule finds nearly, not exactly, the same members. The defaults ask for the set.
    """

    casefold: bool = False
    min_precision: float = 1.0
    min_recall: float = 1.0

    def __post_init__(self) -> None:
        for name in ("min_precision", "min_recall"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise ValueError(f"Set({name}=...) must be a number in (0, 1] (got {value!r}).")

    @property
    def detection(self) -> bool:
        """Whether the answer is judged by precision and recall rather than as the exact set."""
        return self.min_precision < 1 or self.min_recall < 1


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
    """A (low, high) range that must cover the key's value (or the planted truth) and be narrow enough.

    `max_width` caps the width; `width_ratio=(low, high)` bounds it relative to the key's reference interval
    (e.g. (0.5, 2.0): from half to twice its width). At least one of them is required. `center_tolerance=t` asks
    the answer's midpoint to lie within t reference widths of the reference interval's midpoint.
    """

    max_width: float | None = None
    must_cover: Literal["key", "truth"] = "key"
    width_ratio: tuple[float, float] | None = None
    center_tolerance: float | None = None

    def __post_init__(self) -> None:
        if self.max_width is None and self.width_ratio is None:
            raise ValueError("Interval(...) needs max_width=... or width_ratio=(low, high) to judge the width.")
        if self.max_width is not None and not self.max_width > 0:
            raise ValueError(f"Interval(max_width=...) must be > 0 (got {self.max_width}).")
        if self.must_cover not in ("key", "truth"):
            raise ValueError(f"Interval(must_cover=...) must be 'key' or 'truth' (got {self.must_cover!r}).")
        if self.width_ratio is not None:
            ratio = tuple(float(r) for r in self.width_ratio)
            if len(ratio) != 2 or not 0 < ratio[0] <= 1 <= ratio[1]:
                raise ValueError("Interval(width_ratio=...) must be (low, high) with 0 < low <= 1 <= high "
                                 f"(got {self.width_ratio!r}).")
            object.__setattr__(self, "width_ratio", ratio)
        if self.center_tolerance is not None and not self.center_tolerance > 0:
            raise ValueError(f"Interval(center_tolerance=...) must be > 0 (got {self.center_tolerance}).")


@dataclass(frozen=True)
class Figure:
    """A matplotlib chart: title/labels present, y from 0 if asked, series count and plotted data.

    `error_bars=True` requires error bars (errorbar, bars with yerr/xerr, or a fill_between band);
    `annotations=True` requires at least one text annotation (ax.annotate or ax.text). `one_axis=True` refuses a
    second y-scale (twinx, pandas' secondary_y); `legend=True` requires a legend. `annotation_tolerance=t` asks for
    an annotation within t x-units (days on a date axis) of each of the key's annotations, in data coordinates.
    """

    title: bool = True
    xlabel: bool = True
    ylabel: bool = True
    y_from_zero: bool = False
    n_series: int | None = None
    rtol: float = 1e-6
    check_data: bool = True
    error_bars: bool = False
    annotations: bool = False
    one_axis: bool = False
    legend: bool = False
    annotation_tolerance: float | None = None

    def __post_init__(self) -> None:
        _check_tolerance(self.rtol, 0.0)
        if self.annotation_tolerance is not None and not self.annotation_tolerance >= 0:
            raise ValueError("Figure(annotation_tolerance=...) must be >= 0 or None "
                             f"(got {self.annotation_tolerance}).")
        if self.n_series is not None and self.n_series < 1:
            raise ValueError(f"Figure(n_series=...) must be >= 1 or None (got {self.n_series}).")


FACT_UNITS = ("change", "points", "share", "count", "times", "number")


@dataclass(frozen=True)
class Fact:
    """A number a Statement may state: `label` names it in feedback, `value` is computed from the data.

    Units: "change" a relative change (-0.12 is "fell 12%"), "points" a difference of two shares (0.031 is "up 3.1
    percentage points"), "share" a level written as a percentage (0.23 is "23%"), "count" (4,210, "4.2k"), "times"
    a ratio ("2.3 times", "twice"), "number" any other quantity. Changes and points need a direction word.
    """

    label: str
    value: float
    unit: str = "number"
    required: bool = True

    def __post_init__(self) -> None:
        if self.unit not in FACT_UNITS:
            raise ValueError(f"Fact unit must be one of {FACT_UNITS} (got {self.unit!r}).")
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not math.isfinite(self.value):
            raise ValueError(f"Fact {self.label!r}: the value must be a finite number (got {self.value!r}).")
        object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True)
class Statement:
    """One plain sentence whose numbers, directions and words are checked against the data's facts.

    Every number the sentence states must match a fact (rounded as a person writes it), changes say which way
    they went, required facts are stated, jargon a VP would not know is flagged, and it stays within `max_words`
    and `max_sentences`. `jargon` adds words to the built-in list.
    """

    facts: tuple[Fact, ...] = ()
    max_words: int = 35
    max_sentences: int = 1
    jargon: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        facts = tuple(Fact(**f) if isinstance(f, dict) else f for f in self.facts)
        if not facts or not all(isinstance(f, Fact) for f in facts):
            raise ValueError("Statement(facts=...) needs at least one Fact(label, value, unit).")
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "jargon", tuple(self.jargon))
        if self.max_words < 1 or self.max_sentences < 1:
            raise ValueError("Statement(max_words=..., max_sentences=...) must be >= 1.")


Kind = Table | Scalar | Set | Choice | Interval | Figure | Statement

KIND_NAMES: dict[type, str] = {
    Table: "table",
    Scalar: "scalar",
    Set: "set",
    Choice: "choice",
    Interval: "interval",
    Figure: "figure",
    Statement: "statement",
}
_KIND_BY_NAME = {name: cls for cls, name in KIND_NAMES.items()}


def _hints(hint: str | Sequence[str]) -> tuple[str, ...]:
    """Successive hints as a tuple of non-empty texts ('' or () for none)."""
    hints = (hint,) if isinstance(hint, str) else tuple(hint or ())
    if not all(isinstance(h, str) for h in hints):
        raise ValueError(f"A hint is text or a list of texts (got {hint!r}).")
    return tuple(h.strip() for h in hints if h.strip())


@dataclass(frozen=True)
class Question:
    """A question: its id, how answers are compared (`kind`), points, hints, and whether partial credit applies.

    `hint` is one text or a sequence of successive hints; it is stored as a tuple (empty: no hint).
    """

    id: str
    kind: Kind
    points: float = 1.0
    hint: str | tuple[str, ...] = ()
    partial: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _QUESTION_ID.match(self.id):
            raise ValueError(f"Question id {self.id!r} must be snake_case (letters, digits, underscores).")
        if type(self.kind) not in KIND_NAMES:
            raise ValueError(
                f"Question {self.id!r}: kind must be one of Table, Scalar, Set, Choice, Interval, Figure, "
                f"Statement (got {type(self.kind).__name__})."
            )
        if not self.points > 0:
            raise ValueError(f"Question {self.id!r}: points must be > 0 (got {self.points}).")
        object.__setattr__(self, "points", float(self.points))
        object.__setattr__(self, "hint", _hints(self.hint))

    @property
    def first_hint(self) -> str:
        """The hint shown with a wrong answer before any other is asked for ('' when there is none)."""
        return self.hint[0] if self.hint else ""


def kind_name(kind: Kind) -> str:
    """The short name of a spec kind ('table', 'scalar', ...)."""
    return KIND_NAMES[type(kind)]


def spec_to_json(question: Question) -> dict[str, Any]:
    """The question as a JSON-ready dict; `spec_from_json` reverses it."""
    kind: dict[str, Any] = {"type": kind_name(question.kind)}
    for f in fields(question.kind):
        value = getattr(question.kind, f.name)
        if f.name == "facts":
            value = tuple(dataclasses.asdict(fact) for fact in value)
        kind[f.name] = list(value) if isinstance(value, tuple) else value
    return {
        "id": question.id,
        "kind": kind,
        "points": question.points,
        "hint": list(question.hint),
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
    for name in ("columns", "options", "width_ratio", "key", "facts", "jargon"):
        if kind_data.get(name) is not None:
            kind_data[name] = tuple(kind_data[name])
    return Question(
        id=data["id"],
        kind=cls(**kind_data),
        points=data.get("points", 1.0),
        hint=data.get("hint", ""),
        partial=data.get("partial", False),
    )
