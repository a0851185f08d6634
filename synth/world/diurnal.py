"""When in the local day things happen: an evening peak for watching, office hours for pushes."""

from __future__ import annotations

import numpy as np

from synth.units import HOUR

# relative session starts per local hour 00..23: a night trough at 3-5, an evening peak at 20-22
SESSION_HOURS = np.array([
    3.0, 1.8, 1.0, 0.6, 0.5, 0.6, 1.2, 2.4, 3.3, 3.4, 3.4, 3.6,
    4.3, 4.2, 3.8, 3.8, 4.1, 4.7, 5.4, 6.4, 7.4, 7.9, 7.1, 5.0,
])
# marketing and social pushes are sent in waking hours
PUSH_HOURS = np.array([
    0.1, 0.05, 0.0, 0.0, 0.0, 0.0, 0.2, 0.6, 1.0, 1.0, 1.0, 1.2,
    1.5, 1.2, 1.0, 1.0, 1.1, 1.4, 1.8, 2.0, 1.8, 1.2, 0.6, 0.2,
])


def second_of_day(rng: np.random.Generator, hours: np.ndarray, n: int) -> np.ndarray:
    """Seconds after local midnight drawn from an hourly profile."""
    cum = np.cumsum(hours)
    hour = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    return hour * HOUR + rng.integers(0, HOUR, n)
