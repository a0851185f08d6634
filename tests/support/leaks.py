"""assert_no_key_leak: fail when feedback shows a value of the answer key that the student's answer does not hold.

Use it on any feedback the engine produces (an Outcome, its text or its HTML):

    from support.leaks import assert_no_key_leak

    outcome = compare(question, got, expected)
    assert_no_key_leak(outcome, expected, got)
    assert_no_key_leak(outcome, key.expected[q], raw_answer, kind=question.kind)   # a raw answer, converted

For an Outcome only what the engine wrote is searched (its summary and details); the authored texts - hints,
a known mistake's sentence - are the author's business.

`key_value` and `answer` are what compare() receives (to_data output) or raw answers of the same shape: a number,
text, a (low, high) interval, a set or list, a DataFrame (every cell counts) or a chart dict (its series' x and y
values; labels are text cells). Each key value is rendered the ways the engine renders values (format_value, and
numbers also as %.4g and %g, as interval and width messages do) and searched for as a whole token of the feedback;
it is a leak unless some value of the answer renders the same way.

Allowed by default, because the feedback contract allows them:
- the values of a table's identifying columns (missing rows are named by them, e.g. `day=2025-09-03 is missing`);
  pass `identifying=(...)` to name them, else the engine's default for the key (date, timestamp, text, yes/no);
- counts the engine states about rows, points, values and series ("has 31 rows, 1 more than the key", "the row
  count is right (35)", "first at point 4", "... and 30 more wrong rows"): they are removed before searching;
- whole numbers below `min_whole` (10).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from grader.answers import to_data
from grader.compare.tables import identifying_columns
from grader.feedback import render_text
from grader.outcome import Outcome
from grader.spec import Kind, Table
from grader.values import format_value


def _atoms(value: Any, skip_columns: Iterable[str] = ()) -> list[Any]:
    """The single values inside an answer or key (cells of a table, members of a set, series points of a chart)."""
    if isinstance(value, pd.DataFrame):
        skip = {str(c).casefold() for c in skip_columns}
        return [v for c in value.columns if str(c).casefold() not in skip for v in value[c].tolist()]
    if isinstance(value, pd.Series | np.ndarray):
        return list(np.asarray(value, dtype=object).reshape(-1))
    if isinstance(value, dict):
        if "series" in value:
            return [v for s in value["series"] for v in [s.get("label"), *s["x"], *s["y"]]]
        return [v for item in value.values() for v in _atoms(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [v for item in value for v in _atoms(item)]
    return [value]


def _renderings(value: Any) -> set[str]:
    """Every text the engine may print for one value."""
    if value is None or isinstance(value, bool | np.bool_):
        return set()
    if isinstance(value, np.generic):
        value = value.item()
    shown = {format_value(value)}
    if isinstance(value, str):
        shown.add(value)
    if isinstance(value, int | float) and math.isfinite(value):
        shown |= {f"{value:.4g}", f"{value:g}"}
    return {s for s in shown if s and s != "NULL"}


def _trivial(value: Any, min_whole: int) -> bool:
    """A small whole number (or no value at all), which feedback prints for its own reasons."""
    if value is None or isinstance(value, bool | np.bool_):
        return True
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        number = float(value)
        return math.isnan(number) or (number.is_integer() and abs(number) < min_whole)
    return False


def _appears(token: str, text: str) -> bool:
    """`token` occurs in `text` as a whole value, not as part of a longer number or word."""
    return re.search(rf"(?<![\w.\-]){re.escape(token)}(?![\w]|\.\d)", text) is not None


# How the engine states counts (of rows, points, values, series, attempts): not values of the key.
_COUNTS = re.compile(
    r"\d+ (?:more|fewer) than the key|has \d+ (?:rows?|points|values?)|is right \(\d+\)"
    r"|\d+ (?:distinct )?rows? of the key|\.\.\. and \d+ more|at point \d+|shows \d+ series|wants \d+"
    r"|\d+ values? of the key|\d+ of the key's series|in your answer \d+ times, in the key \d+"
    r"|all \d+ (?:rows|values)|row \d+|\d+ significant figures|\d+ decimal places"
)


def engine_text(feedback: str | Outcome) -> str:
    """The feedback the engine wrote: an Outcome's summary (unless it is a known mistake's sentence) and details."""
    if not isinstance(feedback, Outcome):
        return str(feedback)
    return "\n".join(([] if feedback.mistake else [feedback.summary]) + list(feedback.details))


def key_leaks(
    feedback: str | Outcome, key_value: Any, answer: Any, *, identifying: Sequence[str] | None = None,
    min_whole: int = 10, kind: Kind | None = None,
) -> list[str]:
    """The renderings of key values found in the feedback that the answer does not hold (empty: no leak).

    With `kind`, a raw answer (a relation, a chart, a Series...) is first turned into data as check() does.
    """
    text = _COUNTS.sub(" ", engine_text(feedback))
    if kind is not None:
        answer = to_data(kind, answer)
    if isinstance(key_value, pd.DataFrame) and identifying is None:
        identifying = identifying_columns(Table(), key_value)
    allowed = {r for value in _atoms(answer) for r in _renderings(value)}
    leaked = set()
    for value in _atoms(key_value, identifying or ()):
        if _trivial(value, min_whole):
            continue
        leaked |= {r for r in _renderings(value) if r not in allowed and _appears(r, text)}
    return sorted(leaked)


def assert_no_key_leak(
    feedback: str | Outcome, key_value: Any, answer: Any, *, identifying: Sequence[str] | None = None,
    min_whole: int = 10, kind: Kind | None = None,
) -> None:
    """Fail (AssertionError naming the values) when `feedback` shows a key value the answer does not contain."""
    leaked = key_leaks(feedback, key_value, answer, identifying=identifying, min_whole=min_whole, kind=kind)
    shown = render_text(feedback) if isinstance(feedback, Outcome) else str(feedback)
    assert not leaked, f"feedback shows key value(s) {leaked} that the answer does not contain:\n{shown}"
