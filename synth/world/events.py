"""What happens inside a session: an app open, videos with reactions, searches, creating, shopping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth import vec
from synth.schema import EVENT_NAMES
from synth.world.population import Users
from synth.world.sessions import Sessions

if TYPE_CHECKING:
    from synth.config import Config

E = {name: np.int8(i) for i, name in enumerate(EVENT_NAMES)}
REACTIONS = ("like", "comment", "share", "follow")  # order of the columns of Users.interaction

# Seconds from an event to the next one in the same session: (median, log-sd). A view adds its watch time.
DWELL_S = {
    "app_open": (2.0, 0.5), "push_open": (1.0, 0.3), "search": (12.0, 0.6), "video_view": (0.8, 0.4),
    "like": (1.2, 0.4), "comment": (18.0, 0.7), "share": (7.0, 0.6), "follow": (2.0, 0.4),
    "camera_open": (15.0, 0.8), "record_start": (35.0, 0.6), "edit_open": (110.0, 0.8),
    "post_publish": (4.0, 0.5), "product_view": (25.0, 0.7), "add_to_cart": (12.0, 0.6),
    "checkout_start": (45.0, 0.6), "purchase": (4.0, 0.5), "push_received": (0.0, 0.0),
}
_DWELL = np.array([DWELL_S[n] for n in EVENT_NAMES])
_LOG_DWELL_MS = np.log(np.maximum(_DWELL[:, 0], 1e-3) * 1000.0)

# Event type at position k of a view group whose reactions are the bits of the row index.
_GROUP = np.full((16, 5), -1, dtype=np.int8)
for _mask in range(16):
    _types = [E["video_view"]] + [E[r] for b, r in enumerate(REACTIONS) if _mask >> b & 1]
    _GROUP[_mask, : len(_types)] = _types
_POPCOUNT = np.array([bin(m).count("1") for m in range(16)])


@dataclass(frozen=True)
class SessionEvents:
    """Events of all sessions of a block, laid out session after session, in time order."""

    session: np.ndarray  # which session (index into Sessions)
    name: np.ndarray  # index into EVENT_NAMES
    offset_ms: np.ndarray  # milliseconds after the session start
    video: np.ndarray  # index into the video catalogue, -1 if none
    watch_ms: np.ndarray  # -1 unless video_view
    amount_cents: np.ndarray  # -1 unless purchase
    length_ms: np.ndarray  # per session: time from start until the user leaves


def funnel_steps(rng: np.random.Generator, started: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Steps reached by each flow: 0 if not started, else 1 + each later step passed in turn.

    `rates` holds the conditional chance of each later step, one row per flow (or one row for all).
    """
    rates = np.broadcast_to(rates, (len(started), rates.shape[-1]))
    passed = rng.random(rates.shape) < rates
    return started * (1 + np.cumprod(passed, axis=1).sum(axis=1))


@dataclass(frozen=True)
class SessionPlan:
    """What each session will contain, decided before its events are drawn (planted effects edit it)."""

    user: np.ndarray
    push: np.ndarray
    start_local: np.ndarray  # planned start, seconds since the window start on the user's wall clock
    views_mean: np.ndarray  # expected videos watched
    create: np.ndarray  # chance the session opens the camera
    create_funnel: np.ndarray  # (n, 3) chance of record | camera, edit | record, post | edit
    shop: np.ndarray  # chance the session views a product
    shop_funnel: np.ndarray  # (n, 3) chance of cart | view, checkout | cart, purchase | checkout


def plan_sessions(users: Users, sessions: Sessions, config: Config) -> SessionPlan:
    """The clean world's plan: per-user habits, fixed funnel rates."""
    session_user, n = sessions.user, len(sessions.user)
    return SessionPlan(
        user=session_user, push=sessions.push, start_local=sessions.start_local,
        views_mean=users.views_mean[session_user],
        create=np.where(users.creator[session_user], config.creation_session_rate, 0.004),
        create_funnel=np.broadcast_to(np.asarray(config.creation_funnel), (n, 3)),
        shop=np.where(users.shopper[session_user], config.shop_session_rate, 0.002),
        shop_funnel=np.broadcast_to(np.asarray(config.shop_funnel), (n, 3)),
    )


def watch_time_ms(rng: np.random.Generator, duration_s: np.ndarray) -> np.ndarray:
    """Watch time of one view: quick skips (22%), partial watches (33%), full watches (45%) that sometimes loop.

    Two uniforms per view serve all three kinds (this runs for every view): a skip lasts 0.6-4 s, a partial
    watch a triangular share of the video, a full watch 1 + Geometric(0.75) - 1 loops of it.
    """
    u, v = rng.random(len(duration_s)), rng.random(len(duration_s))
    dur_ms = duration_s * 1000.0
    skip = 600.0 + 3400.0 * v
    partial = dur_ms * (u - 0.22 + v * 0.33) / 0.66  # (u' + v) / 2 with u' uniform on the partial band
    loops = np.floor(np.log1p(-v) / np.log(0.25))
    full = dur_ms * (1.0 + loops)
    return np.where(u < 0.22, skip, np.where(u < 0.55, partial, full)).astype(np.int64)


def session_events(users: Users, plan: SessionPlan, catalog_duration_s: np.ndarray, config: Config,
                   rng: np.random.Generator) -> SessionEvents:
    """Every event of every session, vectorised over the whole block."""
    session_user, push = plan.user, plan.push
    n_s = len(session_user)
    heads = 1 + push.astype(np.int64)  # [push_open,] app_open
    search = (rng.random(n_s) < config.search_rate).astype(np.int64)
    n_views = 1 + rng.poisson(np.maximum(plan.views_mean - 1.0, 0.0))
    create = funnel_steps(rng, rng.random(n_s) < plan.create, plan.create_funnel)
    shop = funnel_steps(rng, rng.random(n_s) < plan.shop, plan.shop_funnel)

    # view groups: a video_view followed by the reactions to it
    view_session = vec.owner(n_views)
    probs = users.interaction[session_user[view_session]]
    mask = np.packbits(rng.random(probs.shape) < probs, axis=1, bitorder="little")[:, 0]  # reaction k -> bit k
    group = 1 + _POPCOUNT[mask]
    view_events = np.bincount(view_session, weights=group, minlength=n_s).astype(np.int64)

    counts = heads + search + view_events + create + shop
    first = vec.starts(counts)
    total = int(counts.sum())
    name = np.empty(total, dtype=np.int8)
    video = np.full(total, -1, dtype=np.int64)
    watch = np.full(total, -1, dtype=np.int64)
    amount = np.full(total, -1, dtype=np.int64)

    name[first] = np.where(push, E["push_open"], E["app_open"])
    name[first[push] + 1] = E["app_open"]
    name[(first + heads)[search == 1]] = E["search"]

    n_catalog = len(catalog_duration_s)
    r = rng.random(len(group))
    picked = np.minimum((n_catalog * (r * r * r)).astype(np.int64), n_catalog - 1)  # heavy-tailed popularity
    group_start = first[view_session] + heads[view_session] + search[view_session] + vec.group_cumsum_exclusive(
        group, n_views)
    member = vec.rank(group)
    owner_view = vec.owner(group)
    pos = group_start[owner_view] + member
    name[pos] = _GROUP[mask[owner_view], member]
    video[pos] = picked[owner_view]
    watch[group_start] = watch_time_ms(rng, catalog_duration_s[picked])

    flows = first + heads + search + view_events
    for steps, first_step, at in ((create, "camera_open", flows), (shop, "product_view", flows + create)):
        k = vec.rank(steps)
        name[at[vec.owner(steps)] + k] = E[first_step] + k  # a funnel's steps are consecutive event names
    bought = name == E["purchase"]
    amount[bought] = np.round(rng.lognormal(np.log(18.0), 0.8, int(bought.sum()))).astype(np.int64) * 100 - 1

    dwell = np.exp(_LOG_DWELL_MS[name] + _DWELL[name, 1] * rng.standard_normal(total))
    dwell_ms = dwell.astype(np.int64) + np.maximum(watch, 0)
    offset_ms = vec.group_cumsum_exclusive(dwell_ms, counts)
    session = vec.owner(counts)
    length_ms = offset_ms[np.maximum(first + counts - 1, 0)] + dwell_ms[np.maximum(first + counts - 1, 0)]
    return SessionEvents(session=session, name=name, offset_ms=offset_ms, video=video,
                         watch_ms=watch, amount_cents=amount, length_ms=length_ms)
