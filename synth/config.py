"""Every knob of the simulation, in one frozen dataclass, and the named scales."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


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
        # Hidden grading datasets: the public window with every plant, 1/5 of the users so a class's hundreds of
        # builds stay cheap (~2 s each). 2,000 is enough on seeds 1-10: six promotion weekends adding 87-116 active
        # days, 13-40 newcomers answering CSAT in the redesigned segment, the engagement drop at -18% to -26% WAU in
        # its segment, 24-61 server rows lost in the outage, 4-14 bots, 5-17 skewed clocks, ~300 users per arm.
        Scale("class", 2_000, date(2025, 9, 1), 91),
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

    # two fifths of the users and every other weekend: enough promoted and unpromoted cells that a
    # difference-in-differences on daily DAU lands within a few points of the truth on one small dataset
    # (of the designs tried, the one whose estimates strayed least across seeds 1-10 and 42)
    countries: tuple[str, ...] = ("US", "BR", "MX", "ES")
    saturdays: tuple[int, ...] = (12, 26, 40, 54, 68, 82)  # Sep 13, Sep 27, Oct 11, Oct 25, Nov 8, Nov 22 2025
    lift: float = 0.08


@dataclass(frozen=True)
class Retries:
    """The SDK re-sends some uploads (same event_id) and delivers some events days late."""

    duplicate_share: float = 0.004
    late_share: float = 0.003
    late_days: tuple[float, float] = (1.0, 5.0)
    resend_after_ms: tuple[int, int] = (2_000, 600_000)  # a re-sent upload arrives this long after the first


@dataclass(frozen=True)
class Outage:
    """One region's backend is down for a few hours: its requests are lost, its phones buffer their events.

    The seed picks the region, the start and the length, so only an analysis of the data can say where and when.
    """

    # the candidate regions, each with the UTC hour its evening peak starts
    regions: tuple[tuple[tuple[str, ...], int], ...] = (
        (("US", "CA", "MX", "BR"), 1),  # 21:00 in New York, 22:00 in Sao Paulo
        (("GB", "DE", "FR", "ES"), 18),  # 19:00 in London, 20:00 in Berlin
        (("IN", "ID", "PH"), 13),  # 18:30 in Delhi, 20:00 in Jakarta, 21:00 in Manila
    )
    day: int = 36  # Tuesday 2025-10-07
    start_jitter_hours: int = 1  # the start moves up to this many hours either way from the region's evening
    hours: tuple[int, int] = (3, 5)  # the length, from ... to ... hours
    flush_median_s: float = 120.0  # buffered events reach the server minutes after it is back


@dataclass(frozen=True)
class ClientDrops:
    """The app loses some likes before uploading them (killed, offline); the server records every one."""

    rates: tuple[float, float, float] = (0.06, 0.03, 0.015)  # by device tier: low, mid, high


@dataclass(frozen=True)
class DoubleLogging:
    """One Android build logs every video_view twice with the same event_id, a few milliseconds apart."""

    # Android releases in the window; the seed picks the buggy one (builds.chosen; seed 42 the first), the next
    # build fixes it. Not 8.65.0 (its weeks hold the outage), nor 8.66.0 / 8.68.0 (the redesign's, the push bug's).
    versions: tuple[str, ...] = ("8.64.0", "8.63.0", "8.67.0")
    gap_ms: tuple[int, int] = (1, 40)


@dataclass(frozen=True)
class TzBug:
    """One iOS build writes the phone's local wall-clock time into event_ts, labelled as UTC."""

    # iOS releases in the window; the seed picks the buggy one (builds.chosen; seed 42 the first), the next build
    # fixes it. Only builds released after the outage: slow updaters would shift the outage hours module 07 reads.
    versions: tuple[str, ...] = ("8.66.0", "8.67.0", "8.68.0")


@dataclass(frozen=True)
class ClockSkew:
    """Some phones' clocks are off by hours or days, by the same amount for every event they send."""

    device_share: float = 0.01
    days_share: float = 0.4  # of the skewed phones, those off by days rather than hours
    hours: tuple[float, float] = (1.0, 12.0)
    days: tuple[float, float] = (1.0, 30.0)


@dataclass(frozen=True)
class Bots:
    """Scripted accounts (view bots, the company's own test accounts): machine-regular views at any hour."""

    share: float = 0.005  # of all accounts
    internal_share: float = 0.3  # of those, internal test accounts
    day_share: float = 0.25  # chance a script runs on a given day (always on the account's first day)
    run_hours: tuple[float, float] = (0.5, 2.0)  # length of a run, uniform
    gap_s: tuple[float, float] = (60.0, 45.0)  # seconds between views: bot, internal test account
    jitter_s: float = 1.0  # each gap is gap_s +- this
    videos_per_bot: int = 5  # a script cycles through a handful of videos


@dataclass(frozen=True)
class EngagementDrop:
    """Push notifications break on one platform from one app version on: no pushes, fewer active days."""

    platform: str = "android"
    app_version: str = "8.68.0"  # Android release of 2025-11-12 (day 72); later builds in the window keep the bug
    lapse: float = 0.8  # chance the lightest users stop opening the app without reminders (x 1 - propensity)
    lapse_after_days: float = 4.0  # mean time from the update to lapsing


@dataclass(frozen=True)
class FeatureFriction:
    """Creation funnel friction at the edit step on one segment until a redesign release; a creation survey."""

    platform: str = "android"  # the redesign is an Android release
    tier: str | None = None  # None: a device tier picked per seed, so the segment is found, not read off
    edit_rate: float = 0.25  # edit | record in the segment before the redesign (clean: creation_funnel[1])
    redesign_version: str = "8.66.0"  # Android release of 2025-10-15 (day 44)
    survey: str = "creation_csat"
    survey_share: float = 0.9  # (user, UTC week)s with a creation attempt that are shown the survey
    response_rate: float = 0.6  # a one-tap rating right after creating: most answer
    csat_mean: float = 4.2  # latent satisfaction before rounding to 1..5
    csat_noise: float = 0.6
    friction_penalty: float = 0.85
    newcomer_days: int = 30  # accounts younger than this rate the creation tools lower
    newcomer_penalty: float = 1.3
    newcomer_prompt: float = 0.03  # the redesign's "make your first video" card: newcomers' camera opens/session


@dataclass(frozen=True)
class Surveys:
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


@dataclass(frozen=True)
class Comments:
    """Survey respondents' free-text comments (synth.plant.shared.comments), written for their coded theme."""

    typo_rate: float = 0.03  # chance that a word of four letters or more is misspelt


@dataclass(frozen=True)
class CohortQuality:
    """Paid-social signups of the paid-acquisition bursts (Config.paid_bursts) retain worse than others."""

    churn_day0: float = 0.75  # share who never come back after the signup day (everyone else: Config.churn_day0)
    lifetime_scale_days: float = 3.0  # Lomax scale of the others' lifetimes (everyone else: 12)


@dataclass(frozen=True)
class SoftLaunch:
    """A market opened mid-window by invitation: a trickle of signups, so its daily DAU has days without anyone.

    Part of the clean world (synth/world/population.py); the soft_launch plant only records its empty days.
    The trickle is per day whatever the scale, so the market is as sparse in a tiny dataset as in a small one.
    """

    country: str = "IE"  # geography.COUNTRIES lists it with no share of the other signups
    launch_share: float = 0.2  # launch day as a share of the window: day 18 of 91, day 7 of 35
    signups_per_day: float = 0.5  # new accounts a day, on average over the window's signup curve


# The planted A/B tests share experiments/assignments/exposures; they run one after another in the 91-day
# window (on different metrics where they overlap) and are left out of windows too short to hold them.


@dataclass(frozen=True)
class NoveltyTest:
    """A feed-ranking A/B test whose lift in videos per session fades with days since the user's exposure."""

    experiment_id: str = "exp_001"
    start_day: int = 14  # Monday 2025-09-15
    days: int = 42
    treatment_share: float = 0.5
    day0_lift: float = 0.25  # relative rise of videos per session on the UTC day of exposure
    steady_lift: float = 0.03  # what is left once the novelty has worn off
    half_life_days: float = 4.0  # the novelty part halves every this many days


@dataclass(frozen=True)
class BrokenRandomisation:
    """An A/B test whose assignment put every account created after its start into control."""

    experiment_id: str = "exp_002"
    start_day: int = 35  # Monday 2025-10-06
    days: int = 28
    treatment_share: float = 0.5  # as designed; accounts created during the test all got control
    lift: float = 0.20  # relative rise in the chance of an active (local) day after exposure


@dataclass(frozen=True)
class Simpson:
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


@dataclass(frozen=True)
class Config:
    """All parameters of one build; same Config + same pinned versions = same dataset."""

    seed: int = DEFAULT_SEED
    scale: Scale = SCALES[DEFAULT_SCALE]
    # users simulated together; fixed so output never depends on --workers. 2,048 keeps a block's arrays small
    # enough to stay cheap (bigger is slower per event) and gives the small scale five blocks to share out.
    block_users: int = 2_048

    # Population: share of accounts that signed up before the window (the established base).
    # Most accounts predate the window and a fifth of those still use the app: a habitual core beside a stream of
    # newcomers who mostly leave again puts DAU/MAU near 0.44 (CURRICULUM's stickiness). Fewer newcomers would
    # leave too few signups a day to tell the paid bursts (CohortQuality) from chance.
    established_share: float = 0.70
    established_alive_share: float = 0.22  # using the app at the window start
    established_idle_share: float = 0.12  # app installed but lapsed: pushes arrive, opens are rare
    idle_propensity: float = 0.004  # the rest of the established base uninstalled: no events at all
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
    propensity_a: float = 1.8
    propensity_b: float = 1.0
    weekly_profile: tuple[float, ...] = (0.97, 0.96, 0.97, 0.99, 1.04, 1.15, 1.15)  # local Mon..Sun

    # Sessions per active day: 1 + Poisson(rate), rate lognormal across users.
    session_rate_median: float = 2.2
    session_rate_sigma: float = 0.7
    # One latent engagement per user drives both sessions and views: (its weight, the user's own noise's weight).
    session_rate_loadings: tuple[float, float] = (0.7, 0.71)
    views_loadings: tuple[float, float] = (0.6, 0.8)
    session_gap_min_s: int = 31 * 60  # sessions are at least this far apart (> the 30-minute convention)

    # Videos watched per session: 1 + geometric, mean varies by user (lognormal).
    views_per_session_median: float = 3.1
    views_per_session_sigma: float = 0.6

    # Interaction probabilities per view (user-level Beta means).
    like_rate: float = 0.08
    comment_rate: float = 0.012
    share_rate: float = 0.01
    follow_rate: float = 0.006
    search_rate: float = 0.15  # per session
    interaction_concentration: float = 1.2  # Beta(c, c (1/mean - 1)) across users: how much users differ

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
    push_lead_ms: tuple[int, int] = (5_000, 900_000)  # the push that opens a session arrives this long before it

    # The release train: a version every two weeks from the epoch, iOS first, Android two days later.
    release_epoch: datetime = datetime(2024, 1, 8)
    release_every_days: int = 14
    release_delay_days: tuple[int, int] = (0, 2)  # per platform (ios, android)
    release_hour: int = 17  # UTC
    adoption_lag_median_days: float = 2.0  # how long a phone takes to update: lognormal across users
    adoption_lag_sigma: float = 1.2

    catalog_videos_per_user: float = 0.5
    disabled: frozenset[str] = frozenset()  # planted phenomena left out (synth.plant.PLANT_NAMES)
    promotion: Promotion = Promotion()
    retries: Retries = Retries()
    outage: Outage = Outage()
    client_drops: ClientDrops = ClientDrops()
    double_logging: DoubleLogging = DoubleLogging()
    tz_bug: TzBug = TzBug()
    clock_skew: ClockSkew = ClockSkew()
    bots: Bots = Bots()
    engagement_drop: EngagementDrop = EngagementDrop()
    feature_friction: FeatureFriction = FeatureFriction()
    surveys: Surveys = Surveys()
    comments: Comments = Comments()
    cohort_quality: CohortQuality = CohortQuality()
    soft_launch: SoftLaunch = SoftLaunch()
    novelty_test: NoveltyTest = NoveltyTest()
    broken_randomisation: BrokenRandomisation = BrokenRandomisation()
    simpson: Simpson = Simpson()
    upload_delay_median_s: float = 1.5  # device time to server receipt: lognormal with this median
    upload_delay_sigma: float = 0.9

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

    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def config_for(scale: str = DEFAULT_SCALE, seed: int = DEFAULT_SEED) -> Config:
    """The standard Config for a named scale and seed."""
    if scale not in SCALES:
        raise KeyError(scale)
    return Config(seed=seed, scale=SCALES[scale])
