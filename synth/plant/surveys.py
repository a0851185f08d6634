"""A general in-app CSAT/NPS survey: sent to a sample of existing users, answered mostly by the heavier ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth import rng as streams
from synth import schema, tables
from synth.plant import Context
from synth.plant.shared import comments
from synth.units import DAY, DAY_MS
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users, choose

if TYPE_CHECKING:
    from synth.config import Config

NAME = "surveys"
TITLE = "Survey response bias: heavier users answer the in-app satisfaction survey more"
MODULE = "08_user_research"
DETAILS = "planted-product.md"


@dataclass(frozen=True)
class Params:
    """A general in-app CSAT/NPS survey to a sample of existing users; heavier users respond more."""

    survey: str = "app_csat"
    start_day: int = 28  # 2025-09-29: sent at the first app open in [start_day, start_day + days)
    days: int = 28
    lookback_days: int = 28  # engagement = active UTC days in this many days before start_day
    invite_share: float = 0.8  # of the accounts older than the survey that open the app during it
    response_logit: tuple[float, float] = (-2.8, 4.0)  # intercept, slope on the share of days active
    csat_mean: float = 3.0  # latent satisfaction of the lightest users before segment effects
    engagement_effect: float = 1.8  # latent rise from the lightest to the heaviest users
    tier_effect: tuple[float, float, float] = (-0.5, 0.0, 0.2)  # low, mid, high
    android_effect: float = -0.1
    csat_noise: float = 0.6
    comment_share: float = 0.7  # respondents who leave a comment (coded into a theme)

SURVEY_SALT = 0x5C5A7
SURVEY_CODES = {"surveys": 1, "feature_friction": 2}  # keeps response ids of different surveys apart
THEMES = ("content", "ads", "performance", "bugs", "creation_tools", "notifications", "ease_of_use", "other")
# Chance of each coded theme (columns, THEMES order) given the CSAT answer (rows, 1..5).
THEME_WEIGHTS = np.array([
    [0.10, 0.25, 0.25, 0.25, 0.03, 0.05, 0.02, 0.05],
    [0.15, 0.25, 0.20, 0.20, 0.04, 0.06, 0.04, 0.06],
    [0.25, 0.20, 0.15, 0.12, 0.05, 0.06, 0.10, 0.07],
    [0.40, 0.10, 0.08, 0.05, 0.06, 0.04, 0.20, 0.07],
    [0.50, 0.05, 0.03, 0.02, 0.07, 0.03, 0.25, 0.05],
])
SEGMENTS = [f"{p}/{t}" for p in schema.PLATFORMS for t in schema.DEVICE_TIERS]


def segment(users: Users, user: np.ndarray) -> np.ndarray:
    """Index into SEGMENTS (platform x device tier) of each user."""
    return users.platform[user].astype(np.int64) * len(schema.DEVICE_TIERS) + users.tier[user]


def answers(rng: np.random.Generator, latent: np.ndarray, weights: np.ndarray, comment_share: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """CSAT 1..5 from latent satisfaction, and a coded comment theme (-1: no comment) that depends on it."""
    csat = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    theme = np.where(rng.random(len(csat)) < comment_share, choose(rng, weights[csat - 1], len(csat)), -1)
    return csat, theme.astype(np.int64)


def survey_rows(ctx: Context, plant: str, survey: str, users: Users, user: np.ndarray, sent_ms: np.ndarray,
                responded_ms: np.ndarray, csat: np.ndarray, nps: np.ndarray, theme: np.ndarray) -> pa.Table:
    """`surveys` rows of one block; -1 marks an unanswered field. Ids are unique across blocks and surveys."""
    config = ctx.config
    counter = (SURVEY_CODES[plant] << 56) + (ctx.block << 36) + np.arange(len(user), dtype=np.int64)
    answered = responded_ms >= 0
    commented = answered & (theme >= 0)
    text = np.full(len(user), None, dtype=object)
    # a stream of its own, so that writing the comments never shifts a draw of any other column
    text[commented] = comments.comments(ctx.rng(f"{plant}.comments"), THEMES, theme[commented],
                                        users.platform[user[commented]].astype(np.int64),
                                        users.tier[user[commented]].astype(np.int64), config.seed,
                                        config.comments.typo_rate)
    return tables.shaped(schema.SURVEYS, {
        "response_id": pa.array(streams.mix63(counter, config.seed ^ SURVEY_SALT)),
        "user_id": pa.array(users.user_id[user]),
        "survey": pa.array([survey] * len(user), type=pa.string()),
        "sent_ts": tables.timestamps(config, sent_ms),
        "responded_ts": pa.array(tables.epoch_us(config.window_start) + responded_ms * 1000,
                                 type=pa.timestamp("us"), mask=~answered),
        "csat": pa.array(csat, type=pa.int8(), mask=~answered),
        "nps": pa.array(nps, type=pa.int8(), mask=~answered | (nps < 0)),
        "theme": pa.array(np.asarray(THEMES, dtype=object)[np.maximum(theme, 0)], type=pa.string(),
                          mask=~commented),
        "comment": pa.array(text, type=pa.string()),
    })


def response_delay_ms(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time from showing an in-app survey to the answer: mostly seconds, sometimes minutes."""
    return (1000 * rng.lognormal(np.log(25.0), 1.0, n)).astype(np.int64) + 1000


def active_days(log: Log, n_users: int, first_day: int, last_day: int) -> np.ndarray:
    """Per user, UTC days in [first_day, last_day) with a user-initiated event."""
    span = last_day - first_day
    mine = np.flatnonzero((log.name != E["push_received"]) & (log.ts_ms >= first_day * DAY_MS)
                          & (log.ts_ms < last_day * DAY_MS))
    seen = np.zeros(n_users * span, dtype=bool)
    seen[log.user[mine] * span + (log.ts_ms[mine] // DAY_MS - first_day)] = True
    return seen.reshape(n_users, span).sum(axis=1)


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Invite a sample of the existing users who open the app in the survey period; emit invitations, answers."""
    p = ctx.config.surveys
    end_day = min(p.start_day + p.days, ctx.config.scale.days)
    if p.start_day >= end_day or len(users) == 0:
        return value
    rng = ctx.rng(NAME)
    n = len(users)
    opens = np.flatnonzero((value.name == E["app_open"]) & (value.ts_ms >= p.start_day * DAY_MS)
                           & (value.ts_ms < end_day * DAY_MS))
    first_open = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_open, value.user[opens], value.ts_ms[opens])
    # the sample is drawn from accounts that existed when the survey started and opened the app during it
    user = np.flatnonzero((first_open < np.iinfo(np.int64).max) & (users.signup_s < p.start_day * DAY)
                          & (rng.random(n) < p.invite_share) & ~users.bot)
    sent = np.minimum(first_open[user] + rng.integers(3_000, 60_000, len(user)), end_day * DAY_MS - 1)

    lookback = max(p.start_day - p.lookback_days, 0)
    days = active_days(value, n, lookback, p.start_day)[user]
    share = days / max(p.start_day - lookback, 1)
    logit = p.response_logit[0] + p.response_logit[1] * share
    responded = sent + response_delay_ms(rng, len(user))
    answered = (rng.random(len(user)) < 1.0 / (1.0 + np.exp(-logit))) & (responded < ctx.config.scale.days * DAY_MS)

    seg = segment(users, user)
    latent = (p.csat_mean + p.engagement_effect * share + np.asarray(p.tier_effect)[users.tier[user]]
              + p.android_effect * users.platform[user] + rng.normal(0.0, p.csat_noise, len(user)))
    csat, theme = answers(rng, latent, THEME_WEIGHTS, p.comment_share)
    nps = np.clip(np.rint(2.5 * (latent - 1.0) + rng.normal(0.0, 1.2, len(user))), 0, 10).astype(np.int64)
    ctx.emit("surveys", survey_rows(ctx, NAME, p.survey, users, user, sent, np.where(answered, responded, -1),
                                    csat, nps, theme))

    # the simulation knows every invitee's answer, respondent or not: the truth the estimates aim at
    for key, weights in (("invited", None), ("responded", answered), ("csat_all", csat),
                         ("csat_responded", csat * answered)):
        by_days = np.bincount(days, weights=weights, minlength=p.lookback_days + 1)
        by_seg = np.bincount(seg, weights=weights, minlength=len(SEGMENTS))
        for k in np.flatnonzero(by_days):
            ctx.count(NAME, f"{key}_days_{k}", by_days[k])
        for k in np.flatnonzero(by_seg):
            ctx.count(NAME, f"{key}_{SEGMENTS[k]}", by_seg[k])
    return value


def decile_rates(invited: np.ndarray, responded: np.ndarray) -> list[float]:
    """Response rate per engagement decile of the invitees, ties split evenly across a decile boundary.

    invited[k], responded[k]: invitees and respondents with engagement value k (sorted ascending). This is
    what NTILE(10) over the engagement value gives in expectation when ties are broken at random.
    """
    total = invited.sum()
    upper = np.cumsum(invited)
    lower = upper - invited
    rate = np.divide(responded, invited, out=np.zeros(len(invited)), where=invited > 0)
    out = []
    for d in range(10):
        lo, hi = total * d / 10, total * (d + 1) / 10
        overlap = np.clip(np.minimum(upper, hi) - np.maximum(lower, lo), 0, None)
        out.append(float((overlap * rate).sum() / overlap.sum()) if overlap.sum() else 0.0)
    return out


def expected(config: Config, tally: dict[str, float]) -> dict:
    """True mean CSAT of everyone invited, the respondents-only mean, response by engagement, CSAT by segment."""
    days = range(config.surveys.lookback_days + 1)

    def series(key: str) -> np.ndarray:
        return np.array([tally.get(f"{key}_days_{k}", 0.0) for k in days])

    invited, responded = series("invited"), series("responded")
    csat_all, csat_responded = series("csat_all"), series("csat_responded")
    if not invited.sum():
        return {"invited": 0}
    seen = responded > 0  # post-stratification can only use strata with at least one answer
    strata_means = csat_responded[seen] / responded[seen]
    by_segment = {}
    for s in SEGMENTS:
        n, r = tally.get(f"invited_{s}", 0.0), tally.get(f"responded_{s}", 0.0)
        by_segment[s] = {
            "invited": n, "respondents": r,
            "true_mean_csat": tally.get(f"csat_all_{s}", 0.0) / n if n else None,
            "respondent_mean_csat": tally.get(f"csat_responded_{s}", 0.0) / r if r else None,
        }
    return {
        "survey": config.surveys.survey,
        "engagement": f"active UTC days in the {config.surveys.lookback_days} days before the survey started",
        "invited": float(invited.sum()),
        "respondents": float(responded.sum()),
        "response_rate": float(responded.sum() / invited.sum()),
        "true_mean_csat": float(csat_all.sum() / invited.sum()),
        "naive_mean_csat": float(csat_responded.sum() / responded.sum()) if responded.sum() else None,
        "reweighted_mean_csat": float((invited[seen] * strata_means).sum() / invited[seen].sum())
        if seen.any() else None,
        "response_rate_by_engagement_decile": decile_rates(invited, responded),
        "csat_by_segment": by_segment,
    }
