"""Who the users are: signup times in id order, home, phone, channel, and behavioural propensities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth import rng as streams
from synth.units import DAY, HOUR
from synth.world import geography

if TYPE_CHECKING:
    from synth.config import Config

CHANNELS = ("organic", "paid_social", "search_ads", "referral", "app_store_featured")
CHANNEL_WEIGHTS = np.array([0.46, 0.18, 0.10, 0.16, 0.10])
AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55+")
AGE_WEIGHTS = np.array([0.09, 0.33, 0.29, 0.15, 0.09, 0.05])
# device tier shares (low, mid, high) by platform (ios, android)
TIER_WEIGHTS = np.array([[0.05, 0.35, 0.60], [0.38, 0.45, 0.17]])
USER_ID_BASE = 10_000_000
# salts of the per-user hashes other blocks must agree on
CREATOR_SALT, SHOPPER_SALT = 0xC4EA7, 0x5A0BB


@dataclass(frozen=True)
class Users:
    """One block of users, one array entry per user."""

    index: np.ndarray  # 0..N-1 across the whole dataset, in signup order
    signup_s: np.ndarray  # seconds since window start, UTC (negative: established base)
    signup_local_s: np.ndarray  # the same moment on the user's wall clock
    country: np.ndarray
    tz: np.ndarray
    platform: np.ndarray  # 0 ios, 1 android
    tier: np.ndarray
    channel: np.ndarray
    age: np.ndarray
    first_day: np.ndarray  # first simulated local day (window day index, -1 = day before)
    end_day: np.ndarray  # first local day after the user's lifetime (uninstall), exclusive
    propensity: np.ndarray  # chance of being active on a living day, before day-of-week effects
    session_rate: np.ndarray  # Poisson rate of extra sessions on an active day
    views_mean: np.ndarray  # mean videos watched per session
    interaction: np.ndarray  # (n, 4) per-view chance of like, comment, share, follow
    creator: np.ndarray
    shopper: np.ndarray
    adoption_lag_s: np.ndarray  # delay before a new app version reaches this user's phone
    bot: np.ndarray  # a script, not a person (set by the bots plant)

    @property
    def user_id(self) -> np.ndarray:
        return self.index + USER_ID_BASE

    def __len__(self) -> int:
        return len(self.index)


def block_range(config: Config, block: int) -> np.ndarray:
    """Global indices of the users simulated in `block`."""
    lo = block * config.block_users
    return np.arange(lo, min(config.scale.users, lo + config.block_users), dtype=np.int64)


def n_established(config: Config) -> int:
    """How many accounts signed up before the window."""
    return round(config.scale.users * config.established_share)


def is_creator(index: np.ndarray, config: Config) -> np.ndarray:
    """Whether a user posts videos; a pure function of the index so the catalogue can agree."""
    return streams.hash01(index, config.seed ^ CREATOR_SALT) < config.creator_share


def signup_intensity(config: Config) -> np.ndarray:
    """Relative new-signup rate for each UTC hour of the window: growth, weekends, paid bursts."""
    days = np.arange(config.scale.days)
    rate = 1.0 + config.signup_growth * days / config.scale.days
    weekday = (config.scale.start.weekday() + days) % 7
    rate = rate * np.where(weekday >= 5, config.signup_weekend_boost, 1.0)
    rate = rate * burst_multiplier(config, days)
    return np.repeat(rate / 24.0, 24)


def burst_multiplier(config: Config, days: np.ndarray) -> np.ndarray:
    """Signup multiplier from paid-acquisition bursts on each window day."""
    mult = np.ones(len(days))
    for start, length, x in config.paid_bursts:
        mult[(days >= start) & (days < start + length)] *= x
    return mult


def signup_seconds(index: np.ndarray, jitter: np.ndarray, config: Config) -> np.ndarray:
    """Signup time for each user index; monotone in the index, as auto-increment ids are."""
    n_est = n_established(config)
    n_new = config.scale.users - n_est
    out = np.empty(len(index), dtype=np.int64)
    est = index < n_est
    # established base: density rising linearly towards the window start
    q = (index[est] + jitter[est]) / max(n_est, 1)
    out[est] = np.floor(config.established_history_days * DAY * (np.sqrt(q) - 1.0)).astype(np.int64) - 1
    q = (index[~est] - n_est + jitter[~est]) / max(n_new, 1)
    cum = np.concatenate([[0.0], np.cumsum(signup_intensity(config))])
    cum /= cum[-1]
    hour = np.searchsorted(cum, q, side="right") - 1
    frac = (q - cum[hour]) / (cum[hour + 1] - cum[hour])
    out[~est] = ((hour + frac) * HOUR).astype(np.int64)
    return out


def launch_day(config: Config) -> int:
    """Window day on which the soft-launch market opens (Config.soft_launch)."""
    return round(config.soft_launch.launch_share * config.scale.days)


def country_weights(config: Config, signup_s: np.ndarray) -> np.ndarray:
    """Per-user country weights (rows): after the soft launch its market takes a fixed trickle of new signups."""
    base = geography.country_weights()
    n_new = config.scale.users - n_established(config)
    share = min(config.soft_launch.signups_per_day * config.scale.days / max(n_new, 1), 1.0)
    opened = base * (1.0 - share)
    opened[geography.COUNTRY_CODES.index(config.soft_launch.country)] += share
    return np.where((signup_s >= launch_day(config) * DAY)[:, None], opened, base)


def choose(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """Indices drawn with the given (row) weights; a 2-D weights array gives one row per draw."""
    cum = np.cumsum(weights, axis=-1)
    u = rng.random(n) * cum[..., -1]
    if cum.ndim == 1:
        return np.searchsorted(cum, u, side="right").astype(np.int8)
    return (u[:, None] >= cum).sum(axis=1).astype(np.int8)


def lifetimes(rng: np.random.Generator, established: np.ndarray, config: Config) -> np.ndarray:
    """Living days after the first simulated day: a steep early drop, then a long flat tail."""
    n = len(established)
    u = rng.random(n)
    lomax = config.lifetime_scale_days * (np.power(1.0 - u, -1.0 / config.lifetime_alpha) - 1.0)
    new = np.where(rng.random(n) < config.churn_day0, 0.0, np.maximum(1.0, np.ceil(lomax)))
    old = np.ceil(rng.exponential(config.established_mean_lifetime_days, n))
    return np.where(established, old, new).astype(np.int64)


def simulate_users(config: Config, block: int, rng: np.random.Generator) -> Users:
    """Attributes and propensities of every user in a block."""
    index = block_range(config, block)
    n = len(index)
    days = config.scale.days
    signup_s = signup_seconds(index, rng.random(n), config)
    country = choose(rng, country_weights(config, signup_s), n).astype(np.int16)
    tz = geography.timezone_choice(country, rng.random(n))
    platform = (rng.random(n) >= geography.ios_share()[country]).astype(np.int8)
    tier = choose(rng, TIER_WEIGHTS[platform], n)
    signup_day = np.floor_divide(signup_s, DAY)
    paid_boost = burst_multiplier(config, np.clip(signup_day, 0, days - 1))
    paid = (signup_s >= 0) & (rng.random(n) < 1.0 - 1.0 / paid_boost)  # burst signups beyond base are paid
    channel = np.where(paid, 1, choose(rng, CHANNEL_WEIGHTS, n)).astype(np.int8)
    age = choose(rng, AGE_WEIGHTS, n)

    established = signup_s < 0
    u = rng.random(n)
    living = ~established | (u < config.established_alive_share)
    # lapsed users who never uninstalled: the app still receives pushes, but they almost never open it
    idle = established & ~living & (u < config.established_alive_share + config.established_idle_share)
    living |= idle
    local_signup = geography.utc_to_local(signup_s, tz, config.window_start, days)
    first_day = np.where(established, -1, np.floor_divide(local_signup, DAY))
    end_day = np.where(living, np.minimum(first_day + 1 + lifetimes(rng, established, config), days + 1),
                       first_day)

    shared, own = config.session_rate_loadings
    views_shared, views_own = config.views_loadings
    engaged = rng.standard_normal(n)  # one latent drives both how often and how long people watch
    session_rate = config.session_rate_median * np.exp(
        config.session_rate_sigma * (shared * engaged + own * rng.standard_normal(n)))
    views_mean = config.views_per_session_median * np.exp(
        config.views_per_session_sigma * (views_shared * engaged + views_own * rng.standard_normal(n)))
    base = np.array([config.like_rate, config.comment_rate, config.share_rate, config.follow_rate])
    interaction = rng.beta(config.interaction_concentration, config.interaction_concentration * (1.0 / base - 1.0),
                           size=(n, 4))
    return Users(
        index=index, signup_s=signup_s, signup_local_s=local_signup, country=country, tz=tz, platform=platform,
        tier=tier,
        channel=channel, age=age, first_day=first_day.astype(np.int64), end_day=end_day.astype(np.int64),
        propensity=np.where(idle, config.idle_propensity, rng.beta(config.propensity_a, config.propensity_b, n)),
        session_rate=session_rate, views_mean=views_mean, interaction=interaction,
        creator=is_creator(index, config),
        shopper=streams.hash01(index, config.seed ^ SHOPPER_SALT) < config.shopper_share,
        adoption_lag_s=(DAY * rng.lognormal(np.log(config.adoption_lag_median_days), config.adoption_lag_sigma,
                                            n)).astype(np.int64),
        bot=np.zeros(n, dtype=bool),
    )
