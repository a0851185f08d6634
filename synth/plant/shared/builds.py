"""Which app build an event's row shows, for the plants that act on one build (a bug, a fix, a redesign)."""

from __future__ import annotations

import zlib
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from synth import rng as streams
from synth.schema import PLATFORMS
from synth.units import DAY
from synth.world import releases
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NEVER = np.iinfo(np.int64).max
PLATFORM = {name: i for i, name in enumerate(PLATFORMS)}  # label -> the code Users.platform holds


def index(config: Config, platform: int, label: str) -> int | None:
    """Position of a version on the platform's release calendar, or None unless it was released in the window."""
    times = releases.calendar(config)[platform]
    names = releases.version_names(len(times))
    if label not in names:
        return None
    k = names.index(label)
    return k if 0 <= times[k] < config.scale.days * DAY else None


def chosen(config: Config, plant: str, versions: tuple[str, ...]) -> str:
    """The build a plant acts on for this seed: one of `versions`, so the schema's docs cannot give it away."""
    draw = streams.stream(config.seed, streams.PLANT + zlib.crc32(f"{plant}.buggy_version".encode()))
    return versions[int(draw.integers(len(versions)))]


def release_date(config: Config, platform: int, label: str) -> str | None:
    """UTC day (ISO) a version reached the platform's app store, or None unless that was inside the window."""
    k = index(config, platform, label)
    if k is None:
        return None
    return (config.window_start + timedelta(seconds=int(releases.calendar(config)[platform][k]))).date().isoformat()


def running_ms(config: Config, users: Users, platform: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per user of the block, when rows of their events show version k of `platform`: [since, until) in ms of
    event time, the time simulate.py labels rows by (NEVER for both off the platform).

    A phone runs a version from adoption_lag_s after its release until the next one reaches it as late: two
    bounds per phone instead of a version lookup per event (releases.version_at gives the same answer).
    """
    times = releases.calendar(config)[platform]
    lag_ms = users.adoption_lag_s * 1000
    # version_at shows the first version before any release and the last one ever after
    since = lag_ms + times[k] * 1000 if k > 0 else np.full(len(users), -NEVER)
    until = lag_ms + times[k + 1] * 1000 if k + 1 < len(times) else np.full(len(users), NEVER)
    off = users.platform != platform
    since[off] = until[off] = NEVER
    return since, until
