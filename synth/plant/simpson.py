"""Simpson's paradox: an A/B test ramped first in a low-baseline country wins in every country and loses pooled.

Preloading the next video raises videos per session everywhere it runs. It was ramped first in the country
where slow networks keep sessions short (treatment share `ramp_share` there, `treatment_share` elsewhere), so
treatment users come mostly from the low-baseline country: the pooled comparison is negative, each country's
positive, and a stratified estimate (per-country lifts weighted by the country's share of users) recovers it.
The low baseline itself is part of the plant: with it switched off, countries watch alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from synth.plant import Context
from synth.plant.shared import abtest
from synth.world import geography
from synth.world.events import SessionPlan
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "simpson"
TITLE = "A/B test ramped first in a low-baseline country (Simpson's paradox)"
MODULE = "05_prioritizing_metrics"
DETAILS = "planted-experiments.md"


@dataclass(frozen=True)
class Params:
    """An A/B test ramped first in a low-baseline country: it wins in every country and loses pooled."""

    experiment_id: str = "exp_003"
    start_day: int = 63  # Monday 2025-11-03
    days: int = 28
    countries: tuple[str, ...] = ("IN", "BR", "ID", "MX")  # where it ran
    ramp_country: str = "IN"
    ramp_share: float = 0.8  # treatment share in the ramp country
    treatment_share: float = 0.2  # treatment share in the other countries
    baseline: float = 0.35  # videos per session in the ramp country relative to elsewhere (whole window)
    lift: float = 0.20  # relative rise of videos per session in treatment
TEST_NAME = "video_preload"
HYPOTHESIS = "Preloading the next video raises videos watched per session."


def country_codes(config: Config) -> np.ndarray:
    """Indices (geography.COUNTRY_CODES) of the countries the test ran in."""
    return np.array([geography.COUNTRY_CODES.index(c) for c in config.simpson.countries])


def arms(u: np.ndarray, users: Users, config: Config) -> np.ndarray:
    """Treatment flag per user: the ramp country's share there, the other share in the test's other countries."""
    p = config.simpson
    ramp = users.country == geography.COUNTRY_CODES.index(p.ramp_country)
    share = np.where(ramp, p.ramp_share, p.treatment_share)
    return np.isin(users.country, country_codes(config)) & (u < share)


def plan(value: SessionPlan, ctx: Context, users: Users) -> SessionPlan:
    """Shorten every session in the ramp country; lengthen treatment sessions inside the test."""
    config, p = ctx.config, ctx.config.simpson
    country = users.country[value.user]
    views = value.views_mean * np.where(country == geography.COUNTRY_CODES.index(p.ramp_country), p.baseline, 1.0)
    window = abtest.window_ms(config, p.start_day, p.days)
    if window is None:
        return dataclasses.replace(value, views_mean=views)
    start = abtest.planned_start_ms(value, users, config)
    inside = (start >= window[0]) & (start < window[1]) & np.isin(country, country_codes(config))
    treated = arms(abtest.draws(ctx, NAME, users), users, config)[value.user]
    base = np.maximum(views, 1.0)  # a session holds at least one video
    views = np.where(inside & treated, views * (1.0 + p.lift), views)
    lifted = np.maximum(views, 1.0)
    for code, name in zip(country_codes(config), p.countries, strict=True):
        here = inside & (country == code)
        for variant, arm in zip(abtest.VARIANTS, (~treated, treated), strict=True):
            ctx.count(NAME, f"sessions_{name}_{variant}", (here & arm).sum())
            ctx.count(NAME, f"views_{name}_{variant}", lifted[here & arm].sum())
        ctx.count(NAME, f"base_views_{name}_treatment", base[here & treated].sum())
    return dataclasses.replace(value, views_mean=views)


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Record who entered the test, in which arm and when, and how many users per country and arm."""
    config, p = ctx.config, ctx.config.simpson
    treated = arms(abtest.draws(ctx, NAME, users), users, config)
    entered = abtest.enroll(ctx, value, users, p.experiment_id, p.start_day, p.days, treated,
                            np.isin(users.country, country_codes(config)))
    if entered is None:
        return value
    country, arm = users.country[entered.user], treated[entered.user]
    for code, name in zip(country_codes(config), p.countries, strict=True):
        ctx.count(NAME, f"users_{name}_treatment", (arm & (country == code)).sum())
        ctx.count(NAME, f"users_{name}_control", (~arm & (country == code)).sum())
    return value


def static_tables(config: Config) -> dict[str, pa.Table]:
    """The test's row of the experiments calendar."""
    p = config.simpson
    return abtest.calendar(config, p.experiment_id, TEST_NAME, HYPOTHESIS, p.start_day, p.days)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """Per-country lifts and treatment shares, the pooled lift (the wrong answer) and the stratified one.

    Lifts are in expected videos per session, treatment vs control; per country they are the true effect
    (treatment sessions with vs without the change), pooled it is what the naive comparison shows.
    """
    p = config.simpson
    if abtest.window_ms(config, p.start_day, p.days) is None:
        return {"experiment_id": p.experiment_id, "in_window": False}

    def mean(variant: str, countries: tuple[str, ...]) -> float:
        sessions = sum(tally.get(f"sessions_{c}_{variant}", 0.0) for c in countries)
        return sum(tally.get(f"views_{c}_{variant}", 0.0) for c in countries) / sessions if sessions else 0.0

    per_country: dict[str, dict[str, Any]] = {}
    for c in p.countries:
        t, k = tally.get(f"users_{c}_treatment", 0.0), tally.get(f"users_{c}_control", 0.0)
        base = tally.get(f"base_views_{c}_treatment", 0.0)
        per_country[c] = {
            "users_treatment": t, "users_control": k,
            "treatment_share": t / (t + k) if t + k else None,
            "lift": tally.get(f"views_{c}_treatment", 0.0) / base - 1.0 if base else None,
            "views_per_session_control": mean("control", (c,)),
            "views_per_session_treatment": mean("treatment", (c,)),
        }
    users = sum(v["users_treatment"] + v["users_control"] for v in per_country.values())
    stratified = sum((v["users_treatment"] + v["users_control"]) / users * v["lift"]
                     for v in per_country.values() if v["lift"] is not None) if users else None
    control = mean("control", p.countries)
    return {
        "experiment_id": p.experiment_id,
        "in_window": True,
        "per_country": per_country,
        "pooled_lift": mean("treatment", p.countries) / control - 1.0 if control else None,
        "stratified_lift": stratified,
        "planted_lift": p.lift,
        "ramp_country": p.ramp_country,
    }
