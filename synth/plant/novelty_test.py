"""A/B test with a novelty effect: a new feed ranking lifts videos per session, less with every day since exposure.

Half of the users who open the app during the test get the new ranking. Their sessions on the UTC day of
exposure watch `day0_lift` more videos; the extra part halves every `half_life_days` towards `steady_lift`.
Read after its first week the test looks several times better than it will stay.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth.plant import Context
from synth.plant.shared import abtest
from synth.units import DAY_MS, WEEK_DAYS
from synth.world.events import SessionPlan
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "novelty_test"
TITLE = "A/B test with a novelty effect (feed ranking)"
MODULE = "05_prioritizing_metrics"
DETAILS = "planted-experiments.md"


@dataclass(frozen=True)
class Params:
    """A feed-ranking A/B test whose lift in videos per session fades with days since the user's exposure."""

    experiment_id: str = "exp_001"
    start_day: int = 14  # Monday 2025-09-15
    days: int = 42
    treatment_share: float = 0.5
    day0_lift: float = 0.25  # relative rise of videos per session on the UTC day of exposure
    steady_lift: float = 0.03  # what is left once the novelty has worn off
    half_life_days: float = 4.0  # the novelty part halves every this many days
TEST_NAME = "feed_ranking_v2"
HYPOTHESIS = "Ranking the feed by predicted watch time raises videos watched per session."


def lift(p: Params, days_since: np.ndarray) -> np.ndarray:
    """Relative lift of videos per session on a day since exposure (0 = the exposure's UTC day)."""
    return p.steady_lift + (p.day0_lift - p.steady_lift) * 0.5 ** (days_since / p.half_life_days)


def plan(value: SessionPlan, ctx: Context, users: Users) -> SessionPlan:
    """Raise the expected videos of treatment sessions inside the test by the lift of their day since exposure."""
    config, p = ctx.config, ctx.config.novelty_test
    window = abtest.window_ms(config, p.start_day, p.days)
    if window is None:
        return value
    lo, hi = window
    start = abtest.planned_start_ms(value, users, config)
    exposed = abtest.first_inside(value.user, start, lo, hi, len(users))
    treated = abtest.draws(ctx, NAME, users) < p.treatment_share
    on = (start >= lo) & (start < hi) & treated[value.user]
    since = start[on] // DAY_MS - exposed[value.user[on]] // DAY_MS
    views = value.views_mean.copy()
    views[on] *= 1.0 + lift(p, since)
    # a session holds at least one video, so what a session is expected to hold is max(views_mean, 1)
    base, lifted = np.maximum(value.views_mean[on], 1.0), np.maximum(views[on], 1.0)
    for d, (b, v) in enumerate(zip(np.bincount(since, base, p.days), np.bincount(since, lifted, p.days),
                                   strict=True)):
        if b:
            ctx.count(NAME, f"base_{d}", b)
            ctx.count(NAME, f"lifted_{d}", v)
    first_week = start[on] < lo + WEEK_DAYS * DAY_MS
    ctx.count(NAME, "first_week_base", base[first_week].sum())
    ctx.count(NAME, "first_week_lifted", lifted[first_week].sum())
    return dataclasses.replace(value, views_mean=views)


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Record who entered the test, in which arm, and when."""
    p = ctx.config.novelty_test
    treated = abtest.draws(ctx, NAME, users) < p.treatment_share
    entered = abtest.enroll(ctx, value, users, p.experiment_id, p.start_day, p.days, treated)
    if entered is None:
        return value
    ctx.count(NAME, "users_treatment", treated[entered.user].sum())
    ctx.count(NAME, "users_control", (~treated[entered.user]).sum())
    return value


def static_tables(config: Config) -> dict[str, pa.Table]:
    """The test's row of the experiments calendar."""
    p = config.novelty_test
    return abtest.calendar(config, p.experiment_id, TEST_NAME, HYPOTHESIS, p.start_day, p.days)


def ratio(lifted: float, base: float) -> float | None:
    """Relative lift, None without data."""
    return lifted / base - 1.0 if base else None


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """Lift by day and week since exposure, overall, in the first week of the test, and once novelty is gone.

    Lifts are ratios of expected videos per treatment session with and without the change, so they are
    what treatment vs control estimates, up to sampling noise.
    """
    p = config.novelty_test
    if abtest.window_ms(config, p.start_day, p.days) is None:
        return {"experiment_id": p.experiment_id, "in_window": False}
    base = np.array([tally.get(f"base_{d}", 0.0) for d in range(p.days)])
    lifted = np.array([tally.get(f"lifted_{d}", 0.0) for d in range(p.days)])
    week_base = np.bincount(np.arange(p.days) // WEEK_DAYS, base)
    week_lifted = np.bincount(np.arange(p.days) // WEEK_DAYS, lifted)
    return {
        "experiment_id": p.experiment_id,
        "in_window": True,
        "users_treatment": tally.get("users_treatment", 0.0),
        "users_control": tally.get("users_control", 0.0),
        "lift_by_day": [ratio(v, b) for v, b in zip(lifted, base, strict=True)],
        "lift_by_week": [ratio(v, b) for v, b in zip(week_lifted, week_base, strict=True)],
        "overall_lift": ratio(lifted.sum(), base.sum()),
        "first_week_lift": ratio(tally.get("first_week_lifted", 0.0), tally.get("first_week_base", 0.0)),
        "day0_lift": p.day0_lift,
        "steady_state_lift": p.steady_lift,
    }
