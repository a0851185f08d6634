"""Compare single values: numbers within tolerance (whole numbers exactly), text and yes/no values exactly."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.compare.slips import significant_figures, slip
from grader.outcome import Verdict
from grader.spec import Scalar
from grader.values import format_value


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


def rounded_figures(got: float, expected: float) -> int | None:
    """The number of significant figures to which `got` is `expected` rounded (the most that fit), or None."""
    return significant_figures(np.array([got]), np.array([expected]))


def _number_verdict(spec: Scalar, got: float, expected: float) -> Verdict:
    """Pass within tolerance or as an accepted rounding; else the direction and the usual causes."""
    if numbers_equal(got, expected, spec.rtol, spec.atol):
        return Verdict(True, "Correct.")
    figures = rounded_figures(got, expected)
    if figures is not None and spec.sig_figs is not None and figures >= spec.sig_figs:
        return Verdict(True, f"Correct (to {figures} significant figures).")
    shown = format_value(got)
    if figures is not None and figures >= 2:
        wanted = "the unrounded value" if spec.sig_figs is None else f"at least {spec.sig_figs} significant figures"
        return Verdict(False, f"Your answer ({shown}) matches the key to {figures} significant figures; give {wanted}.")
    details = [f"Your answer ({shown}) is {'lower' if got < expected else 'higher'} than the key's value."]
    if (meaning := slip(got, expected)) is not None:
        details.append(f"It is {meaning}")
    if _whole(got) and not _whole(expected) and got == math.trunc(expected):
        details.append("Your answer is the key's value cut to a whole number: integer division, or a cast to INTEGER?")
    return Verdict(False, details[0], tuple(details[1:]))


def compare_scalar(spec: Scalar, got: Any, expected: Any) -> Verdict:
    """Compare one value with the key's."""
    kind_g, kind_e = value_kind(got), value_kind(expected)
    if kind_g != kind_e:
        return Verdict(False, f"Your answer is {kind_g} ({format_value(got)}); this question wants {kind_e}.")
    if kind_e == "a number":
        return _number_verdict(spec, float(got), float(expected))
    if kind_e == "text":
        passed = got.strip() == expected.strip()
    else:
        passed = got == expected
    return Verdict(passed, "Correct." if passed else f"Your answer ({format_value(got)}) is not the key's value.")
