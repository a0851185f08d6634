"""The video catalogue that exists before the window: who posted what, how long, how popular."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from synth import rng as streams
from synth.units import DAY, HOUR
from synth.world import population

if TYPE_CHECKING:
    from synth.config import Config

CATEGORIES = ("comedy", "music", "dance", "food", "sports", "gaming", "beauty", "education", "pets", "travel")
CATEGORY_WEIGHTS = np.array([0.18, 0.15, 0.12, 0.10, 0.09, 0.09, 0.08, 0.07, 0.07, 0.05])


@dataclass(frozen=True)
class Catalog:
    """Videos ordered from most to least popular (index 0 is the most watched)."""

    creator_index: np.ndarray
    category: np.ndarray
    duration_s: np.ndarray
    posted_s: np.ndarray  # seconds since the window start, UTC (all negative)


def video_durations(rng: np.random.Generator, n: int) -> np.ndarray:
    """Video lengths in seconds: mostly a minute or two, a long tail up to fifteen minutes."""
    return np.clip(np.round(rng.lognormal(np.log(140.0), 0.7, n)), 8, 900).astype(np.int64)


def build_catalog(config: Config, rng: np.random.Generator) -> Catalog:
    """Pre-window videos, each posted by an established creator."""
    n = max(int(config.scale.users * config.catalog_videos_per_user), 50)
    n_est = max(population.n_established(config), 1)
    candidates = rng.integers(0, n_est, 4 * n + 100)
    creators = candidates[population.is_creator(candidates, config)]
    creators = np.resize(creators, n) if len(creators) else np.zeros(n, dtype=np.int64)
    return Catalog(
        creator_index=creators,
        category=rng.choice(len(CATEGORIES), n, p=CATEGORY_WEIGHTS).astype(np.int8),
        duration_s=video_durations(rng, n),
        posted_s=-rng.integers(HOUR, config.established_history_days * DAY, n),
    )



@lru_cache(maxsize=4)
def catalog(config: Config) -> Catalog:
    """The pre-window video catalogue (the same in every process)."""
    return build_catalog(config, streams.stream(config.seed, streams.CATALOG))
