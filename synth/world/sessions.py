"""Sessions on active days: how many, when they start (local time), and spacing them apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth import vec
from synth.units import DAY
from synth.world import diurnal
from synth.world.activity import Days
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config


@dataclass(frozen=True)
class Sessions:
    """Sessions of a block, sorted by user and start time."""

    user: np.ndarray
    start_local: np.ndarray  # seconds since the window start on the user's wall clock (before spacing)
    push: np.ndarray  # opened from a push notification


def draw_sessions(users: Users, days: Days, config: Config, rng: np.random.Generator) -> Sessions:
    """Sessions on every active day, the signup day's first one starting at signup."""
    user, day, signup = days.user[days.active], days.day[days.active], days.signup[days.active]
    rate = users.session_rate[user] * np.where(signup, 0.5, 1.0)
    counts = 1 + rng.poisson(rate)
    s_user, s_day, s_signup = np.repeat(user, counts), np.repeat(day, counts), np.repeat(signup, counts)
    second = diurnal.second_of_day(rng, diurnal.SESSION_HOURS, len(s_user))
    # on the signup day every session comes after signing up, the first one at that very moment
    signup_second = np.mod(users.signup_local_s[s_user], DAY)
    after = signup_second + (rng.random(len(s_user)) * (DAY - signup_second)).astype(np.int64)
    second = np.where(s_signup, np.where(vec.rank(counts) == 0, signup_second, after), second)
    start = s_day * DAY + second
    order = vec.sort_by_pair(s_user, start)
    push = rng.random(len(order)) < config.push_open_share
    push[s_signup[order] & (start[order] == users.signup_local_s[s_user[order]])] = False
    return Sessions(user=s_user[order], start_local=start[order], push=push)


def space_out(sessions: Sessions, length_s: np.ndarray, gap_s: int) -> np.ndarray:
    """Start times moved later where needed so each session begins `gap_s` after the previous one ends.

    s'[i] = max(s[i], s'[i-1] + len[i-1] + gap) per user, solved without a loop: with C the running sum
    of (len + gap) before i, s'[i] = C[i] + cummax(s[k] - C[k], k <= i).
    """
    if len(length_s) == 0:
        return sessions.start_local.copy()
    counts = np.bincount(sessions.user, minlength=int(sessions.user.max()) + 1)
    c = vec.group_cumsum_exclusive(length_s + gap_s, counts)
    shift = sessions.user.astype(np.int64) << 40  # keeps each user's running max to itself
    return c + np.maximum.accumulate(sessions.start_local - c + shift) - shift
