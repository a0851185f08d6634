"""Cohort quality: the paid-social signups of the paid-acquisition bursts retain worse than everyone else.

The bursts (Config.paid_bursts) buy installs through paid social ads; those accounts more often never come
back after the signup day and the rest keep the app for less time. Blended weekly signup cohorts dip in the
burst weeks; split by channel, the other signups of those weeks retain as usual.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.units import DAY, WEEK_DAYS
from synth.world import geography
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import CHANNELS, Users, burst_multiplier

if TYPE_CHECKING:
    from synth.config import Config

NAME = "cohort_quality"
TITLE = "Paid-social burst cohorts retain worse"
MODULE = "02_engagement_kpis"
DETAILS = "planted-experiments.md"


@dataclass(frozen=True)
class Params:
    """Paid-social signups of the paid-acquisition bursts (Config.paid_bursts) retain worse than others."""

    churn_day0: float = 0.75  # share who never come back after the signup day (everyone else: Config.churn_day0)
    lifetime_scale_days: float = 3.0  # Lomax scale of the others' lifetimes (everyone else: 12)
RETENTION_DAYS = (1, 7, 30)
GROUPS = ("burst", "other")  # paid-social signups on burst days, and every other signup in the window


def burst_signups(users: Users, config: Config) -> np.ndarray:
    """Accounts created through paid social on a burst day (UTC), inside the window."""
    day = np.clip(users.signup_s // DAY, 0, config.scale.days - 1)
    in_burst = burst_multiplier(config, day) > 1.0
    return (users.signup_s >= 0) & in_burst & (users.channel == CHANNELS.index("paid_social"))


def users(value: Users, ctx: Context, _: None) -> Users:
    """Redraw the burst signups' lifetimes: more never return, the others' Lomax lifetimes are shorter."""
    config, p = ctx.config, ctx.config.cohort_quality
    hit = np.flatnonzero(burst_signups(value, config))
    rng = ctx.rng(NAME)
    lomax = p.lifetime_scale_days * (np.power(1.0 - rng.random(len(hit)), -1.0 / config.lifetime_alpha) - 1.0)
    life = np.where(rng.random(len(hit)) < p.churn_day0, 0, np.maximum(1.0, np.ceil(lomax))).astype(np.int64)
    end_day = value.end_day.copy()
    end_day[hit] = np.minimum(value.first_day[hit] + 1 + life, config.scale.days + 1)
    ctx.count(NAME, "burst_signups", len(hit))
    return dataclasses.replace(value, end_day=end_day)


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Count classic day-N retention (local days, the project's definition) by group and weekly cohort.

    Counted here, first of the client hooks, to see the final world (after bots and the engagement drop)
    before any corruption of its record; the log passes through unchanged.
    """
    config = ctx.config
    new = users.signup_s >= 0
    group = np.where(burst_signups(users, config), 0, 1)
    own = (value.name != E["push_received"]) & new[value.user]
    user = value.user[own]
    local_day = geography.utc_to_local(value.ts_ms[own] // 1000, users.tz[user], config.window_start,
                                       config.scale.days) // DAY
    since = local_day - users.first_day[user]
    week = np.floor_divide(users.first_day, WEEK_DAYS)
    for n in RETENTION_DAYS:
        # day N counts once the user's local day N has ended inside the window
        day_end = geography.local_to_utc((users.first_day + n + 1) * DAY, users.tz, config.window_start,
                                         config.scale.days)
        eligible = new & (day_end <= config.scale.days * DAY)
        back = np.zeros(len(users), dtype=bool)
        back[user[since == n]] = True
        for g, name in enumerate(GROUPS):
            ctx.count(NAME, f"d{n}_{name}_eligible", (eligible & (group == g)).sum())
            ctx.count(NAME, f"d{n}_{name}_returned", (eligible & back & (group == g)).sum())
        if n == 7:
            for w in np.unique(week[eligible]):
                ctx.count(NAME, f"week{w}_d7_eligible", (eligible & (week == w)).sum())
                ctx.count(NAME, f"week{w}_d7_returned", (eligible & back & (week == w)).sum())
    return value


def rate(tally: dict[str, float], key: str) -> float | None:
    """Returned / eligible users counted under `key`, None if nobody was eligible."""
    eligible = tally.get(f"{key}_eligible", 0.0)
    return tally.get(f"{key}_returned", 0.0) / eligible if eligible else None


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """D1/D7/D30 retention of the burst cohort and of every other signup; blended D7 of each weekly cohort.

    Weekly cohorts are local signup weeks starting on Monday, keyed by their first day.
    """
    weeks = sorted({int(k[len("week"):].split("_")[0]) for k in tally if k.startswith("week")})
    start = np.datetime64(config.scale.start, "D")
    burst_days = [d for first, length, _ in config.paid_bursts for d in range(first, first + length)
                  if d < config.scale.days]
    return {
        "burst_signups": tally.get("burst_signups", 0.0),
        "retention": {name: {f"d{n}": rate(tally, f"d{n}_{name}") for n in RETENTION_DAYS} for name in GROUPS},
        "cohort_users": {name: tally.get(f"d1_{name}_eligible", 0.0) for name in GROUPS},
        "weekly_d7": {str(start + WEEK_DAYS * w): rate(tally, f"week{w}_d7") for w in weeks},
        "burst_days": [str(start + d) for d in burst_days],
        "burst_weeks": sorted({str(start + WEEK_DAYS * (d // WEEK_DAYS)) for d in burst_days}),
    }
