"""The soft-launch market's empty days: the truth of a daily series that needs a date spine.

The market itself is part of the clean world (Config.soft_launch, synth/world/population.py): it opens a fifth
of the way into the window and takes a trickle of signups, so on many UTC days nobody there is active. This step
changes nothing: it counts, on the events as delivered, the market's DAU per UTC day of the window, so that a
daily series of `country = '<code>'` can be checked, zero days included. Switched off, the truth has no record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.units import DAY_MS
from synth.world import geography
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users, launch_day

if TYPE_CHECKING:
    from synth.config import Config

NAME = "soft_launch"
TITLE = "Soft-launch market with days of no activity"
MODULE = "01_active_users"
DETAILS = "planted.md"


@dataclass(frozen=True)
class Params:
    """A market opened mid-window by invitation: a trickle of signups, so its daily DAU has days without anyone.

    Part of the clean world (synth/world/population.py); the soft_launch plant only records its empty days.
    The trickle is per day whatever the scale, so the market is as sparse in a tiny dataset as in a small one.
    """

    country: str = "IE"  # geography.COUNTRIES lists it with no share of the other signups
    launch_share: float = 0.2  # launch day as a share of the window: day 18 of 91, day 7 of 35
    signups_per_day: float = 0.5  # new accounts a day, on average over the window's signup curve


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Tally the market's distinct active users per UTC day of the window (every day, zeros too)."""
    config = ctx.config
    days = config.scale.days
    market = users.country == geography.COUNTRY_CODES.index(config.soft_launch.country)
    day = value.ts_ms // DAY_MS
    counted = market[value.user] & (value.name != E["push_received"]) & (day >= 0) & (day < days)
    user_days = np.unique(value.user[counted].astype(np.int64) * days + day[counted])
    dau = np.bincount(user_days % days, minlength=days)
    for d, n in enumerate(dau):
        ctx.count(NAME, f"dau_{d}", float(n))
    return value


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The market's filter, launch date, daily DAU on UTC days and how many window days have nobody active."""
    dau = [int(tally.get(f"dau_{d}", 0.0)) for d in range(config.scale.days)]
    return {
        "filter": f"country = '{config.soft_launch.country}'",
        "launch_date": (config.scale.start + timedelta(days=launch_day(config))).isoformat(),
        "days": config.scale.days,
        "zero_days": sum(n == 0 for n in dau),
        "zero_days_after_launch": sum(n == 0 for n in dau[launch_day(config):]),
        "daily_dau": dau,
    }
