"""Creation-funnel friction: one Android device tier (picked per seed) gets stuck at the edit step until a redesign
release.

A creation survey shown after creation attempts records their lower satisfaction, its rise after the
redesign, and a growing share of newcomers (who rate the tools lower) that biases a naive before/after.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from synth import rng as streams
from synth import schema
from synth.plant import Context
from synth.plant.shared import builds
from synth.plant.surveys import SEGMENTS, answers, response_delay_ms, segment, survey_rows
from synth.units import DAY, DAY_MS, WEEK_DAYS
from synth.world import geography, releases
from synth.world.events import E, SessionPlan
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "feature_friction"
TITLE = "Creation funnel friction at the edit step on one Android device tier, fixed by a redesign"
MODULE = "04_feature_friction"
DETAILS = "planted-product.md"


@dataclass(frozen=True)
class Params:
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

TIER_SALT = 0xF71C7
STEPS = ("camera_open", "record_start", "edit_open", "post_publish")
PERIODS = ("before", "after")
COMMENT_SHARE = 0.6  # respondents who add a comment (coded into a theme)
# THEMES order (synth.plant.surveys): content, ads, performance, bugs, creation_tools, notifications,
# ease_of_use, other; rows are the CSAT answer 1..5. Unhappy creators write about bugs and the editor.
THEME_WEIGHTS = np.array([
    [0.02, 0.00, 0.30, 0.35, 0.28, 0.00, 0.02, 0.03],
    [0.04, 0.01, 0.25, 0.30, 0.32, 0.00, 0.04, 0.04],
    [0.10, 0.02, 0.15, 0.15, 0.40, 0.01, 0.12, 0.05],
    [0.20, 0.02, 0.05, 0.05, 0.40, 0.01, 0.22, 0.05],
    [0.25, 0.01, 0.02, 0.02, 0.40, 0.01, 0.25, 0.04],
])


def redesign(config: Config) -> int | None:
    """Version index of the redesign, or None if it was not released inside the window (then never fixed)."""
    p = config.feature_friction
    return builds.index(config, builds.PLATFORM[p.platform], p.redesign_version)


def fixed(config: Config, users: Users, user: np.ndarray, t_s: np.ndarray) -> np.ndarray:
    """Whether the user's phone runs a version with the redesign at UTC second t (since the window start).

    Versions are compared by their place on the release train, the same on both platforms.
    """
    first = redesign(config)
    if first is None:
        return np.zeros(len(user), dtype=bool)
    running = releases.version_at(t_s, users.platform[user], users.adoption_lag_s[user], releases.calendar(config))
    return running >= first


def tier(config: Config) -> str:
    """Device tier of the segment: the configured one, else one picked by the seed."""
    p = config.feature_friction
    if p.tier is not None:
        return p.tier
    pick = streams.hash01(np.array([config.seed]), TIER_SALT)[0]
    return schema.DEVICE_TIERS[int(pick * len(schema.DEVICE_TIERS))]


def in_segment(config: Config, users: Users, user: np.ndarray) -> np.ndarray:
    """Whether each user is in the segment that meets the friction."""
    p = config.feature_friction
    return (users.platform[user] == builds.PLATFORM[p.platform]) & (
        users.tier[user] == schema.DEVICE_TIERS.index(tier(config)))


def plan(value: SessionPlan, ctx: Context, users: Users) -> SessionPlan:
    """Lower edit | record in the segment's sessions on a version without the redesign; once redesigned, the
    app prompts newcomers on the redesign's platform to make a first video."""
    config, p = ctx.config, ctx.config.feature_friction
    mine = np.flatnonzero(users.platform[value.user] == builds.PLATFORM[p.platform])
    user = value.user[mine]
    utc_s = geography.local_to_utc(value.start_local[mine], users.tz[user], config.window_start, config.scale.days)
    redesigned = fixed(config, users, user, utc_s)
    funnel = np.array(value.create_funnel, dtype=np.float64)
    funnel[mine[in_segment(config, users, user) & ~redesigned], 1] = p.edit_rate
    create = value.create.copy()
    prompted = mine[redesigned & (utc_s - users.signup_s[user] < p.newcomer_days * DAY)]
    create[prompted] = np.maximum(create[prompted], p.newcomer_prompt)
    return dataclasses.replace(value, create_funnel=funnel, create=create)


def release_ms(config: Config) -> int | None:
    """When the redesign reached the app store, ms since the window start (None: not inside the window)."""
    p, first = config.feature_friction, redesign(config)
    return None if first is None else int(releases.calendar(config)[builds.PLATFORM[p.platform]][first]) * 1000


def count_steps(log: Log, ctx: Context, users: Users) -> np.ndarray:
    """Tally creation-funnel events by segment, version period (redesigned or not) and step; their positions."""
    steps = np.flatnonzero((log.name >= E[STEPS[0]]) & (log.name <= E[STEPS[-1]]) & (log.session >= 0))
    user = log.user[steps]
    after = fixed(ctx.config, users, user, log.ts_ms[steps] // 1000)
    key = (segment(users, user) * 2 + after) * len(STEPS) + (log.name[steps] - E[STEPS[0]])
    counts = np.bincount(key, minlength=len(SEGMENTS) * 2 * len(STEPS))
    for k in np.flatnonzero(counts):
        s, rest = divmod(int(k), 2 * len(STEPS))
        ctx.count(NAME, f"steps_{SEGMENTS[s]}_{PERIODS[rest // len(STEPS)]}_{STEPS[rest % len(STEPS)]}", counts[k])
    return steps


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Count funnel steps; show the creation survey after creation attempts and emit the answers."""
    config, p = ctx.config, ctx.config.feature_friction
    steps = count_steps(value, ctx, users)
    end_ms = config.scale.days * DAY_MS

    # the survey follows a creation attempt (a recording started), at most once per user and UTC week
    flow_end = np.zeros(int(value.session.max(initial=-1)) + 1, dtype=np.int64)
    np.maximum.at(flow_end, value.session[steps], value.ts_ms[steps])
    attempts = steps[value.name[steps] == E["record_start"]]
    rng = ctx.rng(NAME)
    user = value.user[attempts]
    sent = flow_end[value.session[attempts]] + rng.integers(2_000, 20_000, len(attempts))
    week = user * (config.scale.days // WEEK_DAYS + 1) + sent // (WEEK_DAYS * DAY_MS)
    order = np.lexsort((sent, week))
    first = order[np.r_[True, week[order][1:] != week[order][:-1]]] if len(order) else order
    first = np.sort(first[(rng.random(len(first)) < p.survey_share) & (sent[first] < end_ms)])
    user, sent = user[first], sent[first]
    n = len(user)

    responded = sent + response_delay_ms(rng, n)
    answered = (rng.random(n) < p.response_rate) & (responded < end_ms)
    newcomer = sent // 1000 - users.signup_s[user] < p.newcomer_days * DAY
    exposed = in_segment(config, users, user)
    stuck = exposed & ~fixed(config, users, user, sent // 1000)
    mood = p.csat_mean - p.newcomer_penalty * newcomer + rng.normal(0.0, p.csat_noise, n)
    csat, theme = answers(rng, mood - p.friction_penalty * stuck, THEME_WEIGHTS, COMMENT_SHARE)
    ctx.emit("surveys", survey_rows(ctx, NAME, p.survey, users, user, sent, np.where(answered, responded, -1),
                                    csat, np.full(n, -1), theme))

    # every segment respondent's answer with and without the friction: same person, same mood
    mine = answered & exposed
    for tenure, group in (("newcomer", newcomer), ("established", ~newcomer)):
        rows = mine & group
        ctx.count(NAME, f"segment_{tenure}_responses", rows.sum())
        ctx.count(NAME, f"segment_{tenure}_csat_with_friction", np.clip(np.rint(mood - p.friction_penalty), 1, 5)[
            rows].sum())
        ctx.count(NAME, f"segment_{tenure}_csat_without_friction", np.clip(np.rint(mood), 1, 5)[rows].sum())
    # what the naive comparisons see: the segment by version, everyone by the release date
    released = release_ms(config)
    calendar_after = sent >= (released if released is not None else end_ms)
    for period, segment_rows, all_rows in (("before", mine & stuck, answered & ~calendar_after),
                                           ("after", mine & ~stuck, answered & calendar_after)):
        ctx.count(NAME, f"segment_{period}_responses", segment_rows.sum())
        ctx.count(NAME, f"segment_{period}_csat", csat[segment_rows].sum())
        ctx.count(NAME, f"segment_{period}_newcomers", (segment_rows & newcomer).sum())
        ctx.count(NAME, f"all_{period}_responses", all_rows.sum())
        ctx.count(NAME, f"all_{period}_csat", csat[all_rows].sum())
    return value


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def expected(config: Config, tally: dict[str, float]) -> dict:
    """Step conversion by segment and version period, and the creation survey's true and naive CSAT changes."""
    p = config.feature_friction
    released = release_ms(config)
    conversion: dict[str, dict[str, Any]] = {}
    for s in SEGMENTS:
        conversion[s] = {}
        for period in PERIODS:
            n = [tally.get(f"steps_{s}_{period}_{step}", 0.0) for step in STEPS]
            conversion[s][period] = {f"{STEPS[k + 1]}|{STEPS[k]}": _ratio(n[k + 1], n[k]) for k in range(3)}
    pooled = {period: _ratio(sum(tally.get(f"steps_{s}_{period}_edit_open", 0.0) for s in SEGMENTS),
                             sum(tally.get(f"steps_{s}_{period}_record_start", 0.0) for s in SEGMENTS))
              for period in PERIODS}

    def mean(group: str, period: str) -> float | None:
        return _ratio(tally.get(f"{group}_{period}_csat", 0.0), tally.get(f"{group}_{period}_responses", 0.0))

    def lift(group: str) -> float | None:
        before, after = mean(group, "before"), mean(group, "after")
        return after / before - 1 if before and after else None

    def true_lift(*tenures: str) -> float | None:
        with_friction = sum(tally.get(f"segment_{t}_csat_with_friction", 0.0) for t in tenures)
        ratio = _ratio(sum(tally.get(f"segment_{t}_csat_without_friction", 0.0) for t in tenures), with_friction)
        return None if ratio is None else ratio - 1

    return {
        "segment": f"{p.platform}/{tier(config)}",
        "redesign_version": p.redesign_version,
        "redesign_released": None if released is None else
        (config.window_start + timedelta(milliseconds=released)).isoformat(sep=" "),
        "edit_rate_planted": {"before": p.edit_rate, "after": config.creation_funnel[1]},
        "step_conversion": conversion,
        "naive_pooled_edit_rate": pooled,
        "survey": p.survey,
        "true_csat_lift": true_lift("newcomer", "established"),
        "true_csat_lift_by_tenure": {t: true_lift(t) for t in ("newcomer", "established")},
        "segment_responses_by_tenure": {t: tally.get(f"segment_{t}_responses", 0.0)
                                        for t in ("newcomer", "established")},
        "segment_csat": {period: mean("segment", period) for period in PERIODS},
        "segment_newcomer_share": {period: _ratio(tally.get(f"segment_{period}_newcomers", 0.0),
                                                  tally.get(f"segment_{period}_responses", 0.0))
                                   for period in PERIODS},
        "naive_segment_csat_lift": lift("segment"),
        "all_csat": {period: mean("all", period) for period in PERIODS},
        "naive_csat_lift": lift("all"),
    }
