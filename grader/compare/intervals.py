"""Compare an interval answer: it must contain the key's (or the planted true) value and be narrow enough.

Partial credit components: `covers` (contains the value) and `width` (no wider than max_width), half each.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.outcome import Verdict
from grader.spec import Interval


def _point(expected: float | Sequence[float]) -> float:
    """The key's value: a number itself, or the midpoint of the key's own interval."""
    if isinstance(expected, int | float):
        return float(expected)
    low, high = expected
    return (float(low) + float(high)) / 2


def compare_interval(
    spec: Interval, got: Sequence[float], expected: float | Sequence[float], truth: float | None = None
) -> Verdict:
    """Check that (low, high) covers the target value and is at most spec.max_width wide."""
    low, high = float(got[0]), float(got[1])
    if spec.must_cover == "truth":
        if truth is None:
            raise ValueError("This interval question must cover the planted truth, but compare() got truth=None.")
        target, what = float(truth), "the true (planted) value"
    else:
        target, what = _point(expected), "the key's value"
    slack = 1e-12 * max(1.0, abs(target))
    covers = low - slack <= target <= high + slack
    width = high - low
    narrow = width <= spec.max_width * (1 + 1e-9)
    shown = f"({low:.4g}, {high:.4g})"
    problems = []
    if not covers:
        side = "above" if target > high else "below"
        problems.append(f"Your interval {shown} does not contain {what}: the value lies {side} it.")
    if not narrow:
        problems.append(f"Your interval is {width:.4g} wide; it must be at most {spec.max_width:g} wide.")
    parts = {"covers": covers, "width": narrow}
    if not problems:
        return Verdict(True, f"Correct: {shown} contains {what} and is narrow enough.", (), parts)
    return Verdict(False, problems[0], tuple(problems[1:]), parts)
