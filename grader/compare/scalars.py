"""Compare single values: numbers within tolerance (whole numbers exactly), text and yes/no values exactly."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.feedback import format_value
from grader.outcome import Verdict
from grader.spec import Scalar


def value_kind(value: Any) -> str:
    """'a number', 'text', 'a yes/no value' (a bool is not a number) or 'a <type>'."""
    if isinstance(value, bool | np.bool_):
        return "a yes/no value"
    if isinstance(value, int | float | np.number):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def _whole(x: float) -> bool:
    """A whole number that a float holds exactly."""
    return float(x).is_integer() and abs(x) < 2**53


def numbers_equal(got: float, expected: float, rtol: float, atol: float) -> bool:
    """Equal within atol + rtol * |expected|; when both are whole numbers they must be equal exactly."""
    if _whole(got) and _whole(expected):
        return float(got) == float(expected)
    return abs(got - expected) <= atol + rtol * abs(expected)


def _number_details(got: float, expected: float) -> list[str]:
    """Direction of the error and the usual causes (a percentage, integer division)."""
    details = [f"Your answer ({format_value(got)}) is {'lower' if got < expected else 'higher'} than the key's value."]
    if expected != 0 and got != 0:
        ratio = got / expected
        if math.isclose(ratio, 100, rel_tol=1e-3):
            details.append("It is 100 times the key's value: a percentage where a fraction is wanted?")
        elif math.isclose(ratio, 0.01, rel_tol=1e-3):
            details.append("It is 1/100 of the key's value: a fraction where a percentage is wanted?")
    if _whole(got) and not _whole(expected) and got == math.trunc(expected):
        details.append("Your answer is the key's value cut to a whole number: integer division, or a cast to INTEGER?")
    return details


def compare_scalar(spec: Scalar, got: Any, expected: Any) -> Verdict:
    """Compare one value with the key's."""
    kind_g, kind_e = value_kind(got), value_kind(expected)
    if kind_g != kind_e:
        return Verdict(False, f"Your answer is {kind_g} ({format_value(got)}); this question wants {kind_e}.")
    if kind_e == "a number":
        if numbers_equal(float(got), float(expected), spec.rtol, spec.atol):
            return Verdict(True, "Correct.")
        details = _number_details(float(got), float(expected))
        return Verdict(False, details[0], tuple(details[1:]))
    if kind_e == "text":
        passed = got.strip() == expected.strip()
    else:
        passed = got == expected
    return Verdict(passed, "Correct." if passed else f"Your answer ({format_value(got)}) is not the key's value.")
