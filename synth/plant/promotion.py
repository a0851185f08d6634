"""Weekend promotions: in some countries, on some weekends, more users open the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth import schema, tables
from synth.plant import Context
from synth.units import DAY_MS
from synth.world import geography
from synth.world.activity import Days, weekday
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "promotion"
TITLE = "Weekend promotion in some countries"
MODULE = "03_weekend_trends"
DETAILS = "planted.md"


@dataclass(frozen=True)
class Params:
    """Weekend promotions in some countries: active users rise by `lift` on those local weekend days."""

    # two fifths of the users and every other weekend: enough promoted and unpromoted cells that a
    # difference-in-differences on daily DAU lands within a few points of the truth on one small dataset
    # (of the designs tried, the one whose estimates strayed least across seeds 1-10 and 42)
    countries: tuple[str, ...] = ("US", "BR", "MX", "ES")
    saturdays: tuple[int, ...] = (12, 26, 40, 54, 68, 82)  # Sep 13, Sep 27, Oct 11, Oct 25, Nov 8, Nov 22 2025
    lift: float = 0.08


def saturdays(config: Config) -> list[int]:
    """Promoted Saturdays whose weekend lies inside the window."""
    return [d for d in config.promotion.saturdays if d + 1 < config.scale.days]


def promoted(config: Config, country: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether a (country, local day) pair is a promoted weekend day."""
    codes = [geography.COUNTRY_CODES.index(c) for c in config.promotion.countries]
    weekend = np.isin(day, np.add.outer(saturdays(config), (0, 1)).ravel())
    return weekend & np.isin(country, codes)


def activation_chance(p: np.ndarray, target: float) -> np.ndarray:
    """Chance that each inactive day turns active, so that `target` of them do in expectation.

    The chance is c p / (1 - p), capped at certainty, so users who are often active anyway are the likeliest to
    come for the promotion; c is found by bisection on a log scale (it may be tiny or huge).
    """
    odds = p / np.maximum(1.0 - p, 1e-12)
    lo, hi = -40.0, 40.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(np.exp(mid) * odds, 1.0).sum() < target else (lo, mid)
    return np.minimum(np.exp(hi) * odds, 1.0)


def days(value: Days, ctx: Context, users: Users) -> Days:
    """Turn inactive promoted days active so that active user-days there rise by `lift` in expectation.

    It runs after every other change to active days and counts every active day of the promoted cells, signup
    days included as DAU counts them: the rise it records is the one a comparison of DAU measures.
    """
    config = ctx.config
    cells = promoted(config, users.country[value.user], value.day)
    inactive = np.flatnonzero(cells & ~value.active)
    user, day = value.user[inactive], value.day[inactive]
    p = np.minimum(users.propensity[user] * np.asarray(config.weekly_profile)[weekday(config, day)], 1.0)
    active_without = int(value.active[cells].sum())
    q = activation_chance(p, config.promotion.lift * active_without)
    extra = np.zeros(len(value.day), dtype=bool)
    extra[inactive] = ctx.rng(NAME).random(len(inactive)) < q
    ctx.count(NAME, "active_days_without", float(active_without))
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
