"""Scale slips a student makes with numbers: a percentage for a fraction, a unit off by 60 or 1000, a flipped sign.

Shared by scalar and table comparisons, so a slip reads the same wherever it is made.
"""

from __future__ import annotations

import math

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
    if got == 0 or expected == 0 or not (math.isfinite(got) and math.isfinite(expected)):
        return None
    ratio = got / expected
    for factor, meaning in _SLIPS:
        if math.isclose(ratio, factor, rel_tol=_REL_TOL):
            return meaning
    return None
