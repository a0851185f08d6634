"""Compare sets of values: how many members are missing, which ones are unexpected; strings case-insensitive when asked.

Feedback never names a member of the key the answer lacks: missing members are counted, not listed.
"""

from __future__ import annotations

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


def compare_set(spec: Set, got: list[Any], expected: list[Any]) -> Verdict:
    """Compare two collections as sets, naming up to 5 missing and 5 unexpected members."""
    mine = {_member_key(v, spec.casefold): v for v in got}
    key = {_member_key(v, spec.casefold): v for v in expected}
    missing = [v for k, v in key.items() if k not in mine]
    unexpected = [v for k, v in mine.items() if k not in key]
    if not missing and not unexpected:
        return Verdict(True, f"Correct: all {len(key)} values match.")
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
