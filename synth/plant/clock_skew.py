"""Clock skew: a few phones' clocks are off by hours or days, the same amount for every event they send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.units import DAY_MS, HOUR_MS
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "clock_skew"
TITLE = "Phones whose clocks are hours or days off"
MODULE = "06_data_accuracy"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
    """Some phones' clocks are off by hours or days, by the same amount for every event they send."""

    device_share: float = 0.01
    days_share: float = 0.4  # of the skewed phones, those off by days rather than hours
    hours: tuple[float, float] = (1.0, 12.0)
    days: tuple[float, float] = (1.0, 30.0)


def skews_ms(config: Config, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each phone's clock error (0 for most): hours or days, ahead or behind, by an arbitrary amount."""
    p = config.clock_skew
    skewed = rng.random(n) < p.device_share
    by_days = rng.random(n) < p.days_share
    size = np.where(by_days, rng.uniform(*p.days, n) * DAY_MS, rng.uniform(*p.hours, n) * HOUR_MS)
    sign = np.where(rng.random(n) < 0.5, -1, 1)
    return np.where(skewed, sign * size.astype(np.int64), 0)


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Add each phone's clock error to the device time of its events; the server's receipt time stays true."""
    skew = skews_ms(ctx.config, len(users), ctx.rng(NAME))
    shifted = np.flatnonzero((skew != 0)[value.user])
    rows = value.take(shifted)  # gathers just these rows of the columns read below, not whole columns
    user, seq = rows.user, rows.seq
    moved = rows.ts_ms + skew[user]
    early = moved < users.signup_s[user] * 1000
    outside = (moved < 0) | (moved >= ctx.config.scale.days * DAY_MS)
    # counted once per event (seq): a double-logged view already has two rows
    ctx.count(NAME, "skewed_users", len(np.unique(user)))
    ctx.count(NAME, "skewed_events", len(np.unique(seq)))
    ctx.count(NAME, "events_before_signup", len(np.unique(seq[early])))
    ctx.count(NAME, "users_with_events_before_signup", len(np.unique(user[early])))
    ctx.count(NAME, "events_outside_window", len(np.unique(seq[outside])))
    ts = value.ts_ms.copy()
    ts[shifted] = moved
    return value.replace(ts_ms=ts)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """How many phones are skewed and what it does: events dated before signup or outside the window."""
    p = config.clock_skew
    keys = ("skewed_users", "skewed_events", "events_before_signup", "users_with_events_before_signup",
            "events_outside_window")
    return {**{k: tally.get(k, 0.0) for k in keys}, "min_skew_hours": min(p.hours[0], 24 * p.days[0])}
