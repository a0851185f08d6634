"""Engagement drop: push notifications break on one platform from one app version on.

Phones running the broken build receive no push notifications, so no session is opened from a push and
users who relied on the reminders come back on fewer days. WAU falls at the end of the window, almost all
of it in that platform and version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.plant.shared import builds
from synth.units import DAY, DAY_MS, WEEK_DAYS
from synth.world import geography, releases
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "engagement_drop"
TITLE = "Engagement drop: push notifications broken on one platform and app version"
MODULE = "10_capstone"
DETAILS = "planted-product.md"


@dataclass(frozen=True)
class Params:
    """Push notifications break on one platform from one app version on: no pushes, fewer active days."""

    platform: str = "android"
    app_version: str = "8.68.0"  # Android release of 2025-11-12 (day 72); later builds in the window keep the bug
    lapse: float = 0.8  # chance the lightest users stop opening the app without reminders (x 1 - propensity)
    lapse_after_days: float = 4.0  # mean time from the update to lapsing



def broken(config: Config) -> tuple[int, int] | None:
    """(platform, version index) of the first broken build, or None if it was not released inside the window."""
    platform = builds.PLATFORM[config.engagement_drop.platform]
    version = builds.index(config, platform, config.engagement_drop.app_version)
    return None if version is None else (platform, version)


def start_day(config: Config, where: tuple[int, int]) -> int:
    """Window day (UTC) on which the broken build was released."""
    platform, version = where
    return int(releases.calendar(config)[platform][version] // DAY)


def weekly_active(user: np.ndarray, day: np.ndarray, n_users: int, last: int) -> np.ndarray:
    """Per user of the block, whether any of the given active events falls in the 7 UTC days ending on `last`."""
    seen = np.zeros(n_users, dtype=bool)
    seen[user[(day > last - WEEK_DAYS) & (day <= last)]] = True
    return seen


def world(value: Log, ctx: Context, users: Users) -> Log:
    """On phones running the broken build: no pushes, no push-opened sessions, lighter users lapse."""
    config, p = ctx.config, ctx.config.engagement_drop
    where = broken(config)
    if where is None or len(value) == 0:
        return value
    platform, version = where
    calendar = releases.calendar(config)
    before, last = start_day(config, where) - 1, config.scale.days - 1
    # only the last weeks matter: the week before the release (for the tally) and everything after it
    tail = np.flatnonzero(value.ts_ms > (before - WEEK_DAYS) * DAY_MS)
    user, ts, name, session = value.user[tail], value.ts_ms[tail], value.name[tail], value.session[tail]
    since, _ = builds.running_ms(config, users, platform, version)
    hit = ts >= since[user]  # the broken build or a later one

    # a push-opened session never happens when the push never arrives
    no_session = np.zeros(int(session.max(initial=-1)) + 2, dtype=bool)
    no_session[session[hit & (name == E["push_open"])]] = True
    lost_session = no_session[session] & (session >= 0)

    # without reminders, lighter users lapse a few days after the update: no session starts after that, though
    # the signup day of an account created on the broken build stays
    rng = ctx.rng(NAME)
    lapsed = (rng.random(len(users)) < p.lapse * (1.0 - users.propensity)) & ~users.bot
    lapse_ms = 1000 * (calendar[platform][version] + users.adoption_lag_s
                       + rng.exponential(p.lapse_after_days * DAY, len(users))).astype(np.int64)
    # a session's events are consecutive (in the tail too, which holds whole sessions after the release)
    first = np.flatnonzero(np.r_[True, session[1:] != session[:-1]] | (session < 0))
    started = np.repeat(ts[first], np.diff(first, append=len(ts)))
    gone = hit & lapsed[user] & (started >= lapse_ms[user])
    local_day = geography.utc_to_local(ts[gone] // 1000, users.tz[user[gone]], config.window_start,
                                       config.scale.days) // DAY
    gone[gone] = local_day != users.signup_local_s[user[gone]] // DAY

    drop = hit & ((name == E["push_received"]) | lost_session | gone)
    keep = np.ones(len(value), dtype=bool)
    keep[tail[drop]] = False
    out = value.take(keep)

    # WAU the day before the release and on the window's last day, everyone and the segment
    # (users whose phone runs the broken build or a later one at the end of the window)
    end_version = releases.version_at(np.full(len(users), config.scale.days * DAY), users.platform,
                                      users.adoption_lag_s, calendar)
    segment = (users.platform == platform) & (end_version >= version)
    active = name != E["push_received"]
    day = ts // DAY_MS
    kept = active & ~drop
    kept_user, kept_day = user[kept], day[kept]
    weeks = {"before": weekly_active(kept_user, kept_day, len(users), before),
             "end": weekly_active(kept_user, kept_day, len(users), last),
             "end_without_drop": weekly_active(user[active], day[active], len(users), last)}
    for group, among in (("all", np.ones(len(users), dtype=bool)), ("segment", segment)):
        for when, seen in weeks.items():
            ctx.count(NAME, f"wau_{when}_{group}", (seen & among).sum())
    ctx.count(NAME, "push_received_removed", (drop & (name == E["push_received"])).sum())
    ctx.count(NAME, "push_opened_sessions_removed", (drop & (name == E["push_open"])).sum())
    ctx.count(NAME, "events_removed", drop.sum())
    return out


def _ratio_change(now: float, then: float) -> float:
    return now / then - 1 if then else 0.0


def expected(config: Config, tally: dict[str, float]) -> dict:
    """The broken segment, when it started, and how far WAU fell overall, in the segment and outside it."""
    p = config.engagement_drop
    where = broken(config)
    segment = {"platform": p.platform, "app_version": p.app_version, "later_versions_too": True}
    if where is None:
        return {"segment": segment, "in_window": False}
    day = start_day(config, where)
    wau = {key: tally.get(key, 0.0) for key in (f"wau_{w}_{g}" for w in ("before", "end", "end_without_drop")
                                                for g in ("all", "segment"))}
    rest = {w: wau[f"wau_{w}_all"] - wau[f"wau_{w}_segment"] for w in ("before", "end")}
    return {
        "segment": segment,
        "in_window": True,
        "start_date": builds.release_date(config, where[0], p.app_version),
        "wau_before_date": (config.window_start + timedelta(days=day - 1)).date().isoformat(),
        "wau_end_date": (config.window_start + timedelta(days=config.scale.days - 1)).date().isoformat(),
        "wau_before": wau["wau_before_all"],
        "wau_end": wau["wau_end_all"],
        "wau_change_overall": _ratio_change(wau["wau_end_all"], wau["wau_before_all"]),
        "wau_change_segment": _ratio_change(wau["wau_end_segment"], wau["wau_before_segment"]),
        "wau_change_rest": _ratio_change(rest["end"], rest["before"]),
        "wau_end_without_drop": wau["wau_end_without_drop_all"],
        "wau_effect_overall": _ratio_change(wau["wau_end_all"], wau["wau_end_without_drop_all"]),
        "wau_effect_segment": _ratio_change(wau["wau_end_segment"], wau["wau_end_without_drop_segment"]),
        "push_received_removed": tally.get("push_received_removed", 0.0),
        "push_opened_sessions_removed": tally.get("push_opened_sessions_removed", 0.0),
        "events_removed": tally.get("events_removed", 0.0),
    }
