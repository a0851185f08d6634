"""Compare an interval answer: it must contain the key's (or the planted true) value and be neither too wide nor,
when the spec bounds it against the key's reference interval, too narrow.

Partial credit components: `covers` (contains the value) and `width` (within the width limits and, when declared,
centred near the reference), half each.
Feedback never states the reference interval's bounds or width.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.outcome import Verdict
from grader.spec import Interval

# Which way a wrong resampling unit moves the width depends on the data (module 03's user-days come out wider),
# so the sentence names the checks, not a direction.
_TOO_NARROW_CAUSE = (
    "check the confidence level, and that each resample draws the question's units (e.g. users) with replacement."
)


def _point(expected: float | Sequence[float]) -> float:
    """The key's value: a number itself, or the midpoint of the key's own interval."""
    if isinstance(expected, int | float):
        return float(expected)
    low, high = expected
    return (float(low) + float(high)) / 2


def _times(factor: float) -> str:
    """'twice', 'half', '1.5 times' - a width factor in words."""
    return {2.0: "twice", 0.5: "half", 3.0: "three times"}.get(factor, f"{factor:g} times")


def _reference(spec: Interval, expected: float | Sequence[float]) -> tuple[float, float]:
    """The key's reference interval, which width_ratio and center_tolerance are measured against."""
    if isinstance(expected, int | float):
        raise ValueError("Interval(width_ratio=/center_tolerance=) needs the key to be an interval (low, high), "
                         "not one value.")
    return float(expected[0]), float(expected[1])


def _center_problem(spec: Interval, low: float, high: float, expected: float | Sequence[float]) -> list[str]:
    """Why the interval sits in the wrong place: its midpoint too far from the reference interval's midpoint."""
    if spec.center_tolerance is None:
        return []
    ref_low, ref_high = _reference(spec, expected)
    offset = (low + high) / 2 - (ref_low + ref_high) / 2
    if abs(offset) <= spec.center_tolerance * (ref_high - ref_low) * (1 + 1e-9):
        return []
    side = "below" if offset < 0 else "above"
    return [f"Your interval is centred too far {side} where this data puts it: build it around the estimate, "
            "from the same data and definition."]


def _width_problems(spec: Interval, width: float, expected: float | Sequence[float]) -> list[str]:
    """Why the width is out of bounds: over max_width, or outside width_ratio x the reference interval's width."""
    problems = []
    if spec.max_width is not None and width > spec.max_width * (1 + 1e-9):
        problems.append(f"Your interval is {width:.4g} wide; it must be at most {spec.max_width:g} wide.")
    if spec.width_ratio is not None:
        low, high = spec.width_ratio
        ref_low, ref_high = _reference(spec, expected)
        reference = ref_high - ref_low
        if width > high * reference * (1 + 1e-9):
            problems.append(f"Your interval is more than {_times(high)} as wide as the reference interval on this "
                            "data should be: check the confidence level and that the estimate uses all the data.")
        elif width < low * reference * (1 - 1e-9):
            problems.append(f"Your interval is far narrower than the reference (less than {_times(low)} its "
                            f"width): {_TOO_NARROW_CAUSE}")
    return problems


def compare_interval(
    spec: Interval, got: Sequence[float], expected: float | Sequence[float], truth: float | None = None
) -> Verdict:
    """Check that (low, high) covers the target value and that its width is within the spec's limits."""
    low, high = float(got[0]), float(got[1])
    if spec.must_cover == "truth":
        if truth is None:
            raise ValueError("This interval question must cover the planted truth, but compare() got truth=None.")
        target, what = float(truth), "the true (planted) value"
    else:
        target, what = _point(expected), "the key's value"
    slack = 1e-12 * max(1.0, abs(target))
    covers = low - slack <= target <= high + slack
    shown = f"({low:.4g}, {high:.4g})"
    problems = []
    if not covers:
        side = "above" if target > high else "below"
        problems.append(f"Your interval {shown} does not contain {what}: the value lies {side} it.")
    width_problems = _width_problems(spec, high - low, expected) + _center_problem(spec, low, high, expected)
    problems += width_problems
    parts = {"covers": covers, "width": not width_problems}
    if not problems:
        return Verdict(True, f"Correct: {shown} contains {what} and is narrow enough.", (), parts)
    return Verdict(False, problems[0], tuple(problems[1:]), parts)
