"""Weekend uplift on local days: the truth of what the clean world's weekly profile does to engagement.

The uplift itself is part of the clean world (Config.weekly_profile: users are more often active on their local
Saturdays and Sundays); this step changes nothing and records the value module 03 estimates, so that estimates
can be checked against it. Switched off, the world is the same and the truth has no weekend record.

The truth is module 03's estimand itself, evaluated on the world's own record: every event that really happened,
after the world-stage plants (bots' views, the engagement drop, the experiments) and before the corruption layer.
A model expectation would not do: expected minutes are not realised minutes, and world-stage plants add or change
views that no days-stage tally sees. So module 03's estimate on the delivered record differs from this value only
through the corruption of that record: duplicates, which a careful analyst removes, and mis-zoned or skewed clocks
that move a few views across local midnight. Its bootstrap interval, the uplift's spread over samples of users,
therefore covers the truth unless the analysis itself is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.units import DAY
from synth.world import geography
from synth.world.activity import weekday
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "weekend"
TITLE = "Weekend uplift in watch time per user-day, on users' local days"
MODULE = "03_weekend_trends"
DETAILS = "planted.md"


@dataclass(frozen=True)
class Params:
    """None of its own: the uplift is the clean world's weekly profile (Config.weekly_profile); the plant records it."""


def complete_weeks(config: Config) -> tuple[int, int]:
    """First Monday and last Sunday (window day indices) of the complete weeks module 03 analyses.

    The window's first and last two dates are only partly inside it in some time zones, so they are left out.
    """
    first = config.scale.start + timedelta(days=1)
    last = config.scale.start + timedelta(days=config.scale.days - 2)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return (monday - config.scale.start).days, (sunday - config.scale.start).days


def local_days(config: Config, users: Users, log: Log) -> np.ndarray:
    """Each event's day on its user's local calendar, as a window day index."""
    local_s = geography.utc_to_local(log.ts_ms // 1000, users.tz[log.user], config.window_start, config.scale.days)
    return local_s // DAY


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Tally the watch time of users who had the app before the first complete week, on their local days.

    Runs after every other world-stage plant, so the record tallied is the final world's (bots' views included)
    and before any corruption of it; days without views add nothing, which is how they count as 0 minutes.
    """
    monday, sunday = complete_weeks(ctx.config)
    if sunday < monday:
        return value
    population = users.signup_local_s // DAY < monday
    views = np.flatnonzero((value.name == E["video_view"]) & population[value.user])
    log = value.take(views)
    day = local_days(ctx.config, users, log)
    counted = (day >= monday) & (day <= sunday)
    weekend = weekday(ctx.config, day) >= 5
    ctx.count(NAME, "weekend_watch", float(log.watch[counted & weekend].sum(dtype=np.int64)))
    ctx.count(NAME, "weekday_watch", float(log.watch[counted & ~weekend].sum(dtype=np.int64)))
    return value


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The weekend uplift: weekend watch per user-day / weekday watch per user-day - 1 (zeros included)."""
    monday, sunday = complete_weeks(config)
    weekend, weekday_ = tally.get("weekend_watch", 0.0), tally.get("weekday_watch", 0.0)
    start = config.scale.start
    return {
        "true_uplift": (weekend / 2) / (weekday_ / 5) - 1 if weekday_ else None,
        "first_monday": (start + timedelta(days=monday)).isoformat(),
        "last_sunday": (start + timedelta(days=sunday)).isoformat(),
        "profile": list(config.weekly_profile),
    }
