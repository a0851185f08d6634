"""Broken randomisation: an A/B test that put every account created after its start into control.

The assignment job bucketed the accounts that existed at launch; accounts created later fell through to the
default variant. New accounts come back on far fewer days than established ones, so comparing all treatment
users with all control users credits the treatment with the difference between old and new users. A
sample-ratio-mismatch test flags the split; among accounts created before the start the split is fair and
treatment vs control recovers the true effect on active days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth.plant import Context
from synth.plant.shared import abtest
from synth.units import DAY, DAY_MS
from synth.world import geography
from synth.world.activity import Days, weekday
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "broken_randomisation"
TITLE = "A/B test with broken randomisation (new accounts all in control)"
MODULE = "05_prioritizing_metrics"
DETAILS = "planted-experiments.md"


@dataclass(frozen=True)
class Params:
    """An A/B test whose assignment put every account created after its start into control."""

    experiment_id: str = "exp_002"
    start_day: int = 35  # Monday 2025-10-06
    days: int = 28
    treatment_share: float = 0.5  # as designed; accounts created during the test all got control
    lift: float = 0.20  # relative rise in the chance of an active (local) day after exposure
TEST_NAME = "daily_rewards"
HYPOTHESIS = "A daily check-in reward brings users back on more days."
COHORTS = ("existing", "new")  # accounts created before the test's start, and during it


def arms(u: np.ndarray, users: Users, config: Config) -> np.ndarray:
    """Treatment flag per user: a fair draw for accounts that existed at the start, control for later ones."""
    p = config.broken_randomisation
    return (u < p.treatment_share) & (users.signup_s < p.start_day * DAY)


def days(value: Days, ctx: Context, users: Users) -> Days:
    """After a treatment user's first active day in the test, turn inactive days active so they rise by `lift`."""
    config, p = ctx.config, ctx.config.broken_randomisation
    if abtest.window_ms(config, p.start_day, p.days) is None:
        return value
    rng = ctx.rng(NAME)
    treated = arms(rng.random(len(users)), users, config)  # the same draws as abtest.draws in `world`
    in_test = (value.day >= p.start_day) & (value.day < p.start_day + p.days)
    first = abtest.first_inside(value.user, np.where(value.active, value.day, -1), p.start_day,
                                p.start_day + p.days, len(users))
    on = in_test & treated[value.user] & (value.day > first[value.user])
    prob = np.minimum(users.propensity[value.user] * np.asarray(config.weekly_profile)[weekday(config, value.day)],
                      1.0)
    # P(active) = prob + (1 - prob) q = prob (1 + lift)  =>  q = lift prob / (1 - prob), at most certainty
    q = np.minimum(p.lift * prob / np.maximum(1.0 - prob, 1e-9), 1.0)
    extra = on & ~value.active & (rng.random(len(prob)) < q)
    mine = in_test & treated[value.user] & (first[value.user] != abtest.NEVER)
    ctx.count(NAME, "treatment_active_days_without", (value.active & mine).sum())
    ctx.count(NAME, "treatment_active_days_added", extra.sum())
    return Days(user=value.user, day=value.day, active=value.active | extra, signup=value.signup)


def active_days(log: Log, users: Users, config: Config) -> np.ndarray:
    """Per user, distinct local days of the test with a user-initiated event."""
    p = config.broken_randomisation
    # no time zone is a day or more off UTC: the test's local days lie within a day either side of it in UTC
    near = (log.ts_ms >= (p.start_day - 1) * DAY_MS) & (log.ts_ms < (p.start_day + p.days + 1) * DAY_MS)
    own = np.flatnonzero(near & (log.name != E["push_received"]))
    user = log.user[own]
    day = geography.utc_to_local(log.ts_ms[own] // 1000, users.tz[user], config.window_start,
                                 config.scale.days) // DAY - p.start_day
    inside = (day >= 0) & (day < p.days)
    seen = np.zeros((len(users), p.days), dtype=bool)  # a grid, not np.unique: this runs over every event
    seen[user[inside], day[inside]] = True
    return seen.sum(axis=1)


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Record who entered the test, in which arm and when; count users and active local days per arm and cohort."""
    config, p = ctx.config, ctx.config.broken_randomisation
    treated = arms(abtest.draws(ctx, NAME, users), users, config)
    entered = abtest.enroll(ctx, value, users, p.experiment_id, p.start_day, p.days, treated)
    if entered is None:
        return value
    n_days = active_days(value, users, config)[entered.user]
    new = users.signup_s[entered.user] >= p.start_day * DAY
    arm = treated[entered.user]
    for cohort, in_cohort in zip(COHORTS, (~new, new), strict=True):
        for variant, in_arm in zip(abtest.VARIANTS, (~arm, arm), strict=True):
            ctx.count(NAME, f"users_{cohort}_{variant}", (in_cohort & in_arm).sum())
            ctx.count(NAME, f"active_days_{cohort}_{variant}", n_days[in_cohort & in_arm].sum())
    return value


def static_tables(config: Config) -> dict[str, pa.Table]:
    """The test's row of the experiments calendar."""
    p = config.broken_randomisation
    return abtest.calendar(config, p.experiment_id, TEST_NAME, HYPOTHESIS, p.start_day, p.days)


def srm_p_value(treatment: float, control: float, share: float) -> float:
    """Chi-square test (1 degree of freedom) of the split against the designed treatment share."""
    n = treatment + control
    if n == 0:
        return 1.0
    chi2 = (treatment - n * share) ** 2 / (n * share) + (control - n * (1 - share)) ** 2 / (n * (1 - share))
    return math.erfc(math.sqrt(chi2 / 2))


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The designed and observed split, the SRM p-value, the naive lift in active days and the true effect."""
    p = config.broken_randomisation
    if abtest.window_ms(config, p.start_day, p.days) is None:
        return {"experiment_id": p.experiment_id, "in_window": False}

    def total(key: str, cohorts: tuple[str, ...]) -> float:
        return sum(tally.get(f"{key}_{c}", 0.0) for c in cohorts)

    def lift_in(cohorts: tuple[str, ...]) -> float | None:
        t_users, c_users = total("users", tuple(f"{c}_treatment" for c in cohorts)), total(
            "users", tuple(f"{c}_control" for c in cohorts))
        if not t_users or not c_users:
            return None
        t_days = total("active_days", tuple(f"{c}_treatment" for c in cohorts))
        c_days = total("active_days", tuple(f"{c}_control" for c in cohorts))
        return (t_days / t_users) / (c_days / c_users) - 1.0

    treatment, control = total("users", ("existing_treatment", "new_treatment")), total(
        "users", ("existing_control", "new_control"))
    old_t, old_c = tally.get("users_existing_treatment", 0.0), tally.get("users_existing_control", 0.0)
    without = tally.get("treatment_active_days_without", 0.0)
    return {
        "experiment_id": p.experiment_id,
        "in_window": True,
        "planted_treatment_share": p.treatment_share,
        "users_treatment": treatment,
        "users_control": control,
        "observed_treatment_share": treatment / (treatment + control) if treatment + control else None,
        "srm_p_value": srm_p_value(treatment, control, p.treatment_share),
        "new_accounts": total("users", ("new_treatment", "new_control")),
        "new_accounts_in_treatment": tally.get("users_new_treatment", 0.0),
        "existing_treatment_share": old_t / (old_t + old_c) if old_t + old_c else None,
        "existing_srm_p_value": srm_p_value(old_t, old_c, p.treatment_share),
        "naive_lift": lift_in(COHORTS),
        "existing_accounts_lift": lift_in(("existing",)),
        "true_lift": tally.get("treatment_active_days_added", 0.0) / without if without else None,
        "planted_day_lift": p.lift,
    }
