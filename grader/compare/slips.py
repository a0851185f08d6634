"""Scale slips a student makes with numbers: a percentage for a fraction, a unit off by 60 or 1000, a flipped sign.

Shared by scalar and table comparisons, so a slip reads the same wherever it is made.
"""

from __future__ import annotations

import numpy as np

# (factor of the answer over the key, what it usually means); checked in this order.
_SLIPS: tuple[tuple[float, str], ...] = (
    (100, "100 times the key's value: a percentage where a fraction is wanted?"),
    (1 / 100, "1/100 of the key's value: a fraction where a percentage is wanted?"),
    (60, "60 times the key's value: seconds where minutes are wanted, or minutes where hours are?"),
    (1 / 60, "1/60 of the key's value: minutes where seconds are wanted, or hours where minutes are?"),
    (1000, "1000 times the key's value: milliseconds where seconds are wanted?"),
    (1 / 1000, "1/1000 of the key's value: seconds where milliseconds are wanted?"),
    (3600, "3600 times the key's value: seconds where hours are wanted?"),
    (1 / 3600, "1/3600 of the key's value: hours where seconds are wanted?"),
    (60_000, "60000 times the key's value: milliseconds where minutes are wanted?"),
    (1 / 60_000, "1/60000 of the key's value: minutes where milliseconds are wanted?"),
    (-1, "the key's value with the opposite sign: a difference taken the wrong way round?"),
)
_REL_TOL = 1e-3


def slip(got: float, expected: float) -> str | None:
    """What `got` is relative to `expected` when it is a known slip ('60 times the key's value: ...'), else None."""
    return column_slip(np.array([got], dtype=float), np.array([expected], dtype=float))


def column_slip(got: np.ndarray, expected: np.ndarray) -> str | None:
    """The one slip that every differing pair of numbers shows (pairs with a zero or NULL are left out), or None."""
    differ = (got != expected) & (got != 0) & (expected != 0) & np.isfinite(got) & np.isfinite(expected)
    if not differ.any():
        return None
    ratio = got[differ] / expected[differ]
    for factor, meaning in _SLIPS:
        if np.all(np.isclose(ratio, factor, rtol=_REL_TOL, atol=0.0)):
            return meaning
    return None


_MAX_FIGURES = 15  # beyond this a float's own noise decides, not the student's rounding
_MAX_DECIMALS = 12
_ROUNDING_RTOL = 1e-9


def _differing(got: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs that differ, both finite."""
    keep = (got != expected) & np.isfinite(got) & np.isfinite(expected)
    return got[keep], expected[keep]


def round_sig(values: np.ndarray, figures: int) -> np.ndarray:
    """`values` rounded to `figures` significant figures (0 stays 0)."""
    magnitude = np.floor(np.log10(np.abs(np.where(values == 0, 1.0, values))))
    scale = 10.0 ** (figures - 1 - magnitude)
    return np.round(values * scale) / scale


def significant_figures(got: np.ndarray, expected: np.ndarray) -> int | None:
    """The most significant figures to which every differing `got` is its `expected` rounded, or None.

    The most, not the fewest: a float keeps no trailing zeros, so 0.4 for 0.4012 is a rounding to two figures
    (0.40) as much as to one, and a student who rounded to two must not be told otherwise.
    """
    got, expected = _differing(got, expected)
    if not len(got) or np.any(got == 0):
        return None
    for figures in range(_MAX_FIGURES, 0, -1):
        if np.allclose(got, round_sig(expected, figures), rtol=_ROUNDING_RTOL, atol=0.0):
            return figures
    return None


def decimal_places(got: np.ndarray, expected: np.ndarray) -> int | None:
    """The fewest decimal places to which every differing `got` is its `expected` rounded, or None."""
    got, expected = _differing(got, expected)
    if not len(got):
        return None
    for places in range(_MAX_DECIMALS + 1):
        if np.allclose(got, np.round(expected, places), rtol=_ROUNDING_RTOL, atol=0.0):
            return places
    return None
