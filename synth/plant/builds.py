"""Which app build an event's row shows, for the plants that act on one build (a bug, a fix, a redesign)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from synth.config import Config
from synth.schema import PLATFORMS
from synth.simulate import release_calendar
from synth.world import releases
from synth.world.population import DAY, Users

PLATFORM = {name: i for i, name in enumerate(PLATFORMS)}  # label -> the code Users.platform holds


def index(config: Config, platform: int, label: str) -> int | None:
    """Position of a version on the platform's release calendar, or None unless it was released in the window."""
    times = release_calendar(config)[platform]
    names = releases.version_names(len(times))
    if label not in names:
        return None
    k = names.index(label)
    return k if 0 <= times[k] < config.scale.days * DAY else None


def release_date(config: Config, platform: int, label: str) -> str | None:
    """UTC day (ISO) a version reached the platform's app store, or None unless that was inside the window."""
    k = index(config, platform, label)
    if k is None:
        return None
    return (config.window_start + timedelta(seconds=int(release_calendar(config)[platform][k]))).date().isoformat()


def shown(config: Config, users: Users, user: np.ndarray, ts_ms: np.ndarray) -> np.ndarray:
    """The version index rows of these events will carry: simulate.py labels rows by their (device) event time."""
    return releases.version_at(ts_ms // 1000, users.platform[user], users.adoption_lag_s[user],
                               release_calendar(config))
