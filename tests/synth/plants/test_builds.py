"""builds.running_ms: the windows during which a phone's events show a version agree with releases.version_at."""

import numpy as np
import pytest

from synth import rng as streams
from synth.config import config_for
from synth.plant.shared import builds
from synth.units import DAY_MS
from synth.world import releases
from synth.world.population import simulate_users
from synth.world.releases import calendar as release_calendar


@pytest.mark.parametrize("platform", [0, 1])
def test_running_windows_match_the_version_lookup_for_every_version(platform):
    config = config_for("small", 3)
    users = simulate_users(config, 0, streams.stream(3, streams.BLOCK, 0))
    calendar = release_calendar(config)
    draw = np.random.default_rng(0)
    user = draw.integers(0, len(users), 100_000)
    # before the first release, across the window and after it; whole seconds and the ms between them
    ts_ms = draw.integers(-400 * DAY_MS, (config.scale.days + 30) * DAY_MS, len(user))
    version = releases.version_at(ts_ms // 1000, users.platform[user], users.adoption_lag_s[user], calendar)
    mine = users.platform[user] == platform
    for k in range(len(calendar[platform])):
        since, until = builds.running_ms(config, users, platform, k)
        inside = (ts_ms >= since[user]) & (ts_ms < until[user])
        assert np.array_equal(inside, mine & (version == k)), k
        assert np.array_equal(ts_ms >= since[user], mine & (version >= k)), k
    assert mine.any() and (~mine).any()
