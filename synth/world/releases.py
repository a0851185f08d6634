"""The app's release train and which version each phone runs at a given time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from synth.units import DAY, HOUR

if TYPE_CHECKING:
    from synth.config import Config

FIRST_MINOR = 20  # 8.20.0 is the first release on the calendar, well before any window
LABELLED = 80  # versions 8.20.0 to 8.99.0 (releases until late 2026): the labels the dataset's schema knows


def release_seconds(config: Config, platform: int) -> np.ndarray:
    """Release times (seconds since window start, UTC) of every version up to the window end."""
    first = (config.release_epoch - config.window_start).total_seconds() + config.release_delay_days[platform] * DAY
    end = config.scale.days * DAY
    n = int((end - first) // (config.release_every_days * DAY)) + 1
    return (first + np.arange(n) * config.release_every_days * DAY + config.release_hour * HOUR).astype(np.int64)


def version_names(n: int) -> list[str]:
    """Version labels in release order."""
    return [f"8.{FIRST_MINOR + k}.0" for k in range(n)]


def version_at(t_s: np.ndarray, platform: np.ndarray, lag_s: np.ndarray, releases: tuple[np.ndarray, ...]
               ) -> np.ndarray:
    """Index of the version a phone runs at time t: the newest released at least `lag` earlier."""
    out = np.empty(len(t_s), dtype=np.int16)
    for p, times in enumerate(releases):
        mine = platform == p
        out[mine] = np.maximum(np.searchsorted(times, t_s[mine] - lag_s[mine], side="right") - 1, 0)
    return out


def calendar(config: Config) -> tuple[np.ndarray, ...]:
    """Release times per platform, seconds since the window start."""
    return tuple(release_seconds(config, p) for p in range(2))


def labels(config: Config) -> list[str]:
    """Labels of every version on the calendar."""
    n = max(len(r) for r in calendar(config))
    if n > LABELLED:
        raise ValueError(f"the window needs {n} app versions, but the schema labels {LABELLED}: "
                         "raise releases.LABELLED")
    return version_names(n)
