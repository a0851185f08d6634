"""Every knob of the simulation, in one frozen dataclass, and the named scales."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Scale:
    """How big a dataset is and which fixed calendar window it covers."""

    name: str
    users: int
    start: date
    days: int


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("tiny", 1_000, date(2025, 9, 1), 35),
        Scale("small", 10_000, date(2025, 9, 1), 91),
        Scale("medium", 200_000, date(2025, 9, 1), 91),
        Scale("large", 400_000, date(2025, 9, 1), 91),
    )
}
DEFAULT_SCALE = "small"
DEFAULT_SEED = 42


# Planted phenomena (synth/plant). Days are window day indices: day 0 is 2025-09-01, a Monday.


@dataclass(frozen=True)
class Promotion:
    """Weekend promotions in some countries: active users rise by `lift` on those local weekend days."""

    countries: tuple[str, ...] = ("BR", "MX", "ES", "TR")
    saturdays: tuple[int, ...] = (19, 47, 75)  # Sep 20, Oct 18, Nov 15 2025
    lift: float = 0.08


@dataclass(frozen=True)
class Retries:
    """The SDK re-sends some uploads (same event_id) and delivers some events days late."""

    duplicate_share: float = 0.004
    late_share: float = 0.003
    late_days: tuple[float, float] = (1.0, 5.0)


@dataclass(frozen=True)
class Config:
    """All parameters of one build; same Config + same pinned versions = same dataset."""

    seed: int = DEFAULT_SEED
    scale: Scale = SCALES[DEFAULT_SCALE]
    block_users: int = 4_096  # users simulated together; fixed so output never depends on --workers

    # Population: share of accounts that signed up before the window (the established base).
    established_share: float = 0.55
    established_alive_share: float = 0.25  # the rest are dormant accounts: no app, no events
    established_history_days: int = 730
    signup_growth: float = 0.5  # daily signups grow by this fraction across the window
    signup_weekend_boost: float = 1.25
    paid_bursts: tuple[tuple[int, int, float], ...] = ((20, 4, 2.5), (58, 5, 2.0))  # (day, length, x)

    # Retention of new signups: share who never return, then a Lomax (Pareto II) lifetime in days.
    churn_day0: float = 0.35
    lifetime_alpha: float = 1.0
    lifetime_scale_days: float = 12.0
    established_mean_lifetime_days: float = 600.0

    # Day-level activity propensity of a living user: Beta(a, b).
    propensity_a: float = 1.4
    propensity_b: float = 1.0
    weekly_profile: tuple[float, ...] = (0.97, 0.96, 0.97, 0.99, 1.04, 1.15, 1.15)  # local Mon..Sun

    # Sessions per active day: 1 + Poisson(rate), rate lognormal across users.
    session_rate_median: float = 2.2
    session_rate_sigma: float = 0.7
    session_gap_min_s: int = 31 * 60  # sessions are at least this far apart (> the 30-minute convention)

    # Videos watched per session: 1 + geometric, mean varies by user (lognormal).
    views_per_session_median: float = 3.6
    views_per_session_sigma: float = 0.6

    # Interaction probabilities per view (user-level Beta means).
    like_rate: float = 0.08
    comment_rate: float = 0.012
    share_rate: float = 0.01
    follow_rate: float = 0.006
    search_rate: float = 0.15  # per session

    # Creators and shoppers.
    creator_share: float = 0.09
    creation_session_rate: float = 0.12
    creation_funnel: tuple[float, float, float] = (0.75, 0.70, 0.80)  # record|camera, edit|record, post|edit
    shopper_share: float = 0.10
    shop_session_rate: float = 0.05
    shop_funnel: tuple[float, float, float] = (0.35, 0.45, 0.65)  # cart|view, checkout|cart, buy|checkout

    # Push notifications: per alive user-day, and the chance a push opens a session.
    pushes_per_day: float = 1.0
    push_open_share: float = 0.12

    catalog_videos_per_user: float = 0.5
    disabled: frozenset[str] = frozenset()  # planted phenomena left out (synth.plant.PLANT_NAMES)
    promotion: Promotion = Promotion()
    retries: Retries = Retries()
    upload_delay_median_s: float = 1.5

    @property
    def window_start(self) -> datetime:
        return datetime.combine(self.scale.start, datetime.min.time())

    @property
    def window_end(self) -> datetime:
        """First instant after the window (exclusive)."""
        return self.window_start + timedelta(days=self.scale.days)

    @property
    def n_blocks(self) -> int:
        return -(-self.scale.users // self.block_users)

    def replace(self, **changes: object) -> Config:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def config_for(scale: str = DEFAULT_SCALE, seed: int = DEFAULT_SEED) -> Config:
    """The standard Config for a named scale and seed."""
    if scale not in SCALES:
        raise KeyError(scale)
    return Config(seed=seed, scale=SCALES[scale])
