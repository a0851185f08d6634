"""Which local days each user is active: alive (installed) days thinned by propensity and weekday."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth import vec
from synth.units import DAY
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config


@dataclass(frozen=True)
class Days:
    """User-days while the app is installed: one entry per (user, local day)."""

    user: np.ndarray  # position of the user in the block
    day: np.ndarray  # local window day index (-1 .. days)
    active: np.ndarray  # the user opened the app that day
    signup: np.ndarray  # the day the account was created


def weekday(config: Config, day: np.ndarray) -> np.ndarray:
    """Day of week (0 = Monday) of a window day index."""
    return (config.scale.start.weekday() + day) % 7


def living_days(users: Users, config: Config, rng: np.random.Generator) -> Days:
    """Every installed user-day in the window, and whether the user was active on it."""
    counts = np.maximum(users.end_day - users.first_day, 0)
    user = vec.owner(counts)
    day = users.first_day[user] + vec.rank(counts)
    profile = np.asarray(config.weekly_profile)[weekday(config, day)]
    p = np.minimum(users.propensity[user] * profile, 1.0)
    signup = (users.signup_s[user] >= 0) & (day == users.first_day[user])
    active = signup | (rng.random(len(day)) < p)
    return Days(user=user, day=day, active=active, signup=signup)


def day_start_s(day: np.ndarray) -> np.ndarray:
    """Local wall-clock seconds since the window start at the beginning of a window day."""
    return day.astype(np.int64) * DAY
