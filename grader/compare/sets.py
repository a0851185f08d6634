"""Compare sets of values: how many members are missing, which ones are unexpected; strings case-insensitive when asked.

Feedback never names a member of the key the answer lacks: missing members are counted, not listed. A detection
set (`Set(min_precision=..., min_recall=...)`) is judged by precision and recall, with its F1 score as partial credit.
"""

from __future__ import annotations

import math
from typing import Any

from grader.outcome import Verdict
from grader.spec import Set
from grader.values import format_value

_SHOWN = 5


def _member_key(value: Any, casefold: bool) -> tuple[str, Any]:
    """A hashable identity for a member that keeps True apart from 1 and whole floats equal to ints."""
    if value is None:
        return ("null", None)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", int(value) if float(value).is_integer() else float(value))
    if isinstance(value, str) and casefold:
        return ("text", " ".join(value.split()).casefold())
    return ("text", str(value))


def _values(n: int) -> str:
    """'1 value' / '3 values'."""
    return f"{n} value" if n == 1 else f"{n} values"


def _listed(values: list[Any], limit: int) -> str:
    """Up to `limit` values, then how many more."""
    shown = [format_value(v) for v in values[:limit]]
    more = len(values) - len(shown)
    if not shown:
        return _values(more)
    return ", ".join(shown) + (f" (and {more} more)" if more else "")


def _percent(share: float) -> str:
    """A share as a percentage rounded down, so 94.96% never reads as a passing 95%."""
    return f"{math.floor(share * 1000 + 1e-9) / 10:g}%"


def _detection(spec: Set, mine: dict, key: dict, unexpected: list[Any]) -> Verdict:
    """Judge a detected set by precision (share of the answer in the key) and recall (share of the key found)."""
    found = len(mine) - len(unexpected)
    precision = found / len(mine) if mine else float(not key)
    recall = found / len(key) if key else 1.0
    passed = precision >= spec.min_precision and recall >= spec.min_recall
    credit = 2 * found / (len(mine) + len(key)) if mine or key else 1.0
    scores = (f"precision {_percent(precision)} ({found} of your {_values(len(mine))} {'is' if found == 1 else 'are'}"
              f" in the key), recall {_percent(recall)} (your set finds {found} of the key's {len(key)})")
    bar = f"at least {_percent(spec.min_precision)} and {_percent(spec.min_recall)} are needed"
    if passed:
        return Verdict(True, f"Correct: {scores}; {bar}.", (), {}, 1.0)
    details = [f"Too many of your values are not in the key: {_listed(unexpected, _SHOWN)}."] \
        if precision < spec.min_precision else []
    if recall < spec.min_recall:
        details.append("Your set misses too many of the key's values; widen the rule that selects them.")
    return Verdict(False, f"Not yet: {scores}; {bar}.", tuple(details), {}, credit)


def compare_set(spec: Set, got: list[Any], expected: list[Any]) -> Verdict:
    """Compare two collections as sets, naming up to 5 missing and 5 unexpected members."""
    mine = {_member_key(v, spec.casefold): v for v in got}
    key = {_member_key(v, spec.casefold): v for v in expected}
    missing = [v for k, v in key.items() if k not in mine]
    unexpected = [v for k, v in mine.items() if k not in key]
    if not missing and not unexpected:
        return Verdict(True, f"Correct: all {len(key)} values match.")
    if spec.detection:
        return _detection(spec, mine, key, unexpected)
    if len(mine) != len(key):
        fewer = "fewer" if len(mine) < len(key) else "more"
        summary = f"Your set has {_values(len(mine))}, {abs(len(key) - len(mine))} {fewer} than the key."
    else:
        summary = f"The number of values is right ({len(key)}), but some differ."
    details = []
    if missing:
        details.append(f"{_values(len(missing)).capitalize()} of the key {'is' if len(missing) == 1 else 'are'} "
                       "missing from your set.")
    if unexpected:
        details.append(f"Unexpected: {_listed(unexpected, _SHOWN)}.")
    return Verdict(False, summary, tuple(details))
