"""Weekend promotions: in some countries, on some weekends, more users open the app."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from synth import schema, tables
from synth.config import Config
from synth.plant import Context
from synth.world import geography
from synth.world.activity import Days, weekday
from synth.world.population import DAY_MS, Users

NAME = "promotion"
TITLE = "Weekend promotion in some countries"
MODULE = "03_weekend_trends"


def saturdays(config: Config) -> list[int]:
    """Promoted Saturdays whose weekend lies inside the window."""
    return [d for d in config.promotion.saturdays if d + 1 < config.scale.days]


def promoted(config: Config, country: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether a (country, local day) pair is a promoted weekend day."""
    codes = [geography.COUNTRY_CODES.index(c) for c in config.promotion.countries]
    weekend = np.isin(day, np.add.outer(saturdays(config), (0, 1)).ravel())
    return weekend & np.isin(country, codes)


def activation_chance(p: np.ndarray, lift: float) -> np.ndarray:
    """Chance that an inactive day turns active, so that expected active days rise by `lift` overall.

    A day active with chance p gains (1 - p) q; q = c p / (1 - p) spreads the rise in proportion to p,
    capped at certainty, and c is found by bisection so that the gains add up to lift * sum(p).
    """
    target = lift * p.sum()
    lo, hi = 0.0, 1.0 / max(lift, 1e-9)
    for _ in range(40):
        c = (lo + hi) / 2
        lo, hi = (c, hi) if np.minimum(c * p, 1.0 - p).sum() < target else (lo, c)
    return np.minimum(hi * p / np.maximum(1.0 - p, 1e-12), 1.0)


def days(value: Days, ctx: Context, users: Users) -> Days:
    """Turn inactive promoted days active so that active users rise by `lift` in expectation."""
    config = ctx.config
    on = promoted(config, users.country[value.user], value.day) & ~value.signup
    p = np.minimum(users.propensity[value.user] * np.asarray(config.weekly_profile)[weekday(config, value.day)], 1.0)
    q = activation_chance(p[on], config.promotion.lift)
    extra = np.zeros(len(p), dtype=bool)
    extra[on] = ~value.active[on] & (ctx.rng(NAME).random(int(on.sum())) < q)
    # the realised rise over the days that were active anyway (signup days too: DAU counts them), so the truth
    # is the lift in active user-days a DAU comparison measures, not the expectation the chances aim at
    ctx.count(NAME, "active_days_without", float(value.active[on].sum()))
    ctx.count(NAME, "added_active_days", float(extra.sum()))
    return Days(user=value.user, day=value.day, active=value.active | extra, signup=value.signup)


def static_tables(config: Config) -> dict[str, pa.Table]:
    """The promotions calendar: one row per promoted weekend (Saturday 00:00 to Monday 00:00 UTC)."""
    start = np.array(saturdays(config), dtype=np.int64) * DAY_MS
    return {"promotions": tables.shaped(schema.PROMOTIONS, {
        "promo_id": pa.array([f"promo_{i + 1}" for i in range(len(start))]),
        "name": pa.array(["Weekend Watch Party"] * len(start)),
        "start_ts": tables.timestamps(config, start),
        "end_ts": tables.timestamps(config, start + 2 * DAY_MS),
        "countries": pa.array([list(config.promotion.countries)] * len(start), type=pa.list_(pa.string())),
    })}


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The promotion's true effect: relative rise of active user-days on promoted days in promoted countries.

    The user-day counts behind it let an interval be judged: a binomial-sized spread on `active_days_without`.
    """
    base = tally.get("active_days_without", 0.0)
    added = tally.get("added_active_days", 0.0)
    return {"true_lift": added / base if base else 0.0,
            "planted_lift": config.promotion.lift,
            "active_days_without": base,
            "added_active_days": added,
            "countries": list(config.promotion.countries),
            "weekends": len(saturdays(config))}
