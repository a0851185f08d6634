"""Weekend uplift on local days: the truth of what the clean world's weekly profile does to engagement.

The uplift itself is part of the clean world (Config.weekly_profile: users are more often active on their local
Saturdays and Sundays); this step changes nothing and records the value module 03 estimates, so that estimates
can be checked against it. Switched off, the world is the same and the truth has no weekend record.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from synth.config import Config
from synth.plant import Context
from synth.world.activity import Days, weekday
from synth.world.population import DAY, Users

NAME = "weekend"
TITLE = "Weekend uplift in watch time per user-day, on users' local days"
MODULE = "03_weekend_trends"


def complete_weeks(config: Config) -> tuple[int, int]:
    """First Monday and last Sunday (window day indices) of the complete weeks module 03 analyses.

    The window's first and last two dates are only partly inside it in some time zones, so they are left out.
    """
    first = config.scale.start + timedelta(days=1)
    last = config.scale.start + timedelta(days=config.scale.days - 2)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return (monday - config.scale.start).days, (sunday - config.scale.start).days


def days(value: Days, ctx: Context, users: Users) -> Days:
    """Tally expected watch on the active days of users who had the app before the first complete week.

    A user's expected minutes on an active day are proportional to (1 + session rate) x videos per session:
    which videos are watched does not depend on the user, so the constant minutes per view cancels in the ratio.
    """
    monday, sunday = complete_weeks(ctx.config)
    if sunday < monday:
        return value
    population = users.signup_local_s // DAY < monday
    intensity = (1.0 + users.session_rate) * np.maximum(users.views_mean, 1.0)
    counted = value.active & (value.day >= monday) & (value.day <= sunday) & population[value.user]
    weekend = weekday(ctx.config, value.day) >= 5
    ctx.count(NAME, "weekend_watch", float(intensity[value.user[counted & weekend]].sum()))
    ctx.count(NAME, "weekday_watch", float(intensity[value.user[counted & ~weekend]].sum()))
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
