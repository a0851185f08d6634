"""One block of users from nothing to Arrow tables: population -> days -> sessions -> events -> logs.

Planted phenomena hook into the stages (synth/plant); with every plant disabled this is the clean world.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth import plant, tables
from synth import rng as streams
from synth.units import DAY, DAY_MS
from synth.world import diurnal, geography, names, releases
from synth.world.activity import Days, day_start_s, living_days
from synth.world.catalog import CATEGORIES, catalog, video_durations
from synth.world.events import E, plan_sessions, session_events
from synth.world.log import Log
from synth.world.population import Users, simulate_users
from synth.world.sessions import draw_sessions, space_out

if TYPE_CHECKING:
    from synth.config import Config

SERVER_NAMES = np.isin(np.arange(len(E)), [E[n] for n in ("like", "comment", "follow", "post_publish", "purchase")])


def background_pushes(users: Users, days: Days, config: Config, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Push notifications on every day the app is installed, active or not: (user, UTC ms)."""
    counts = rng.poisson(config.pushes_per_day, len(days.user))
    user = np.repeat(days.user, counts)
    local = day_start_s(np.repeat(days.day, counts)) + diurnal.second_of_day(rng, diurnal.PUSH_HOURS, len(user))
    utc_s = geography.local_to_utc(local, users.tz[user], config.window_start, config.scale.days)
    return user, utc_s * 1000 + rng.integers(0, 1000, len(user))


def clean_log(users: Users, days: Days, ctx: plant.Context, rng: np.random.Generator) -> Log:
    """Every event that really happened in a block, sessions first, in time order within each session."""
    config = ctx.config
    sessions = draw_sessions(users, days, config, rng)
    plan = plant.apply("plan", plan_sessions(users, sessions, config), ctx, users)
    ev = session_events(users, plan, catalog(config).duration_s, config, rng)
    start_local = space_out(sessions, -(-ev.length_ms // 1000), config.session_gap_min_s)
    start_ms = geography.local_to_utc(start_local, users.tz[sessions.user], config.window_start,
                                      config.scale.days) * 1000
    opened = np.flatnonzero(sessions.push)  # the push that opened a session came seconds to minutes before
    bg_user, bg_ms = background_pushes(users, days, config, rng)
    user = np.concatenate([sessions.user[ev.session], sessions.user[opened], bg_user])
    ts_ms = np.concatenate([start_ms[ev.session] + ev.offset_ms,
                            start_ms[opened] - rng.integers(*config.push_lead_ms, len(opened)), bg_ms])
    n_push = len(opened) + len(bg_user)
    none = np.full(n_push, -1)
    log = Log(
        user=user, seq=np.arange(len(user)), ts_ms=ts_ms,
        name=np.concatenate([ev.name, np.full(n_push, E["push_received"], dtype=np.int8)]),
        received_ms=ts_ms + (config.upload_delay_median_s * 1000
                             * rng.lognormal(0.0, config.upload_delay_sigma, len(user))).astype(np.int64),
        video=np.concatenate([ev.video, none]), watch=np.concatenate([ev.watch_ms, none]),
        amount=np.concatenate([ev.amount_cents, none]), session=np.concatenate([ev.session, none]),
    )
    # nothing before the account existed (pushes earlier on the signup day) or outside the window
    inside = (ts_ms >= np.maximum(users.signup_s[user] * 1000, 0)) & (ts_ms < config.scale.days * DAY_MS)
    return log.take(inside)


def posted_videos(log: Log, users: Users, config: Config, block: int, rng: np.random.Generator
                  ) -> tuple[Log, pa.Table]:
    """Give each post_publish a new video and return the `videos` rows for them."""
    posted = np.flatnonzero(log.name == E["post_publish"])
    index = len(catalog(config).duration_s) + (block << 32) + np.arange(len(posted))
    video = log.video.copy()
    video[posted] = index
    category = rng.integers(0, len(CATEGORIES), len(posted))
    rows = tables.videos_table(config, index, users.index[log.user[posted]], category,
                               video_durations(rng, len(posted)), log.ts_ms[posted])
    return log.replace(video=video), rows


def first_position(seq: np.ndarray) -> np.ndarray:
    """Where each event number first occurs in a log, indexed by the number."""
    at = np.zeros(int(seq.max(initial=-1)) + 1, dtype=np.int64)
    at[seq[::-1]] = np.arange(len(seq) - 1, -1, -1)  # the last write wins, and in reverse the last is the first
    return at


def simulate_block(config: Config, block: int) -> dict[str, pa.Table]:
    """Every table's rows for one block of users; names starting with `truth.` go to the truth file."""
    ctx = plant.Context(config, block)
    rng = streams.stream(config.seed, streams.BLOCK, block)
    users = plant.apply("users", simulate_users(config, block, rng), ctx, None)
    days = plant.apply("days", living_days(users, config, rng), ctx, users)
    log = plant.apply("world", clean_log(users, days, ctx, rng), ctx, users)
    log, videos = posted_videos(log, users, config, block, rng)
    server = plant.apply("server", log.take(SERVER_NAMES[log.name]), ctx, users)
    client = plant.apply("client", log, ctx, users)

    calendar = releases.calendar(config)
    lag = users.adoption_lag_s
    end_version = releases.version_at(np.full(len(users), config.scale.days * DAY), users.platform, lag, calendar)
    # the app version is the one that really ran, whatever the device clock then wrote into event_ts
    true_version = releases.version_at(log.ts_ms // 1000, users.platform[log.user], lag[log.user], calendar)
    client_version = true_version[first_position(log.seq)[client.seq]]
    labels = releases.labels(config)
    out = {
        "users": tables.users_table(config, users, names.usernames(rng, len(users), config.seed), end_version,
                                    labels),
        "events": tables.events_table(config, block, users, client, client_version, labels),
        "videos": videos,
        "server_events": tables.server_table(config, block, users, server, np.zeros(len(server), bool)),
        "truth.true_sessions": tables.true_sessions_table(config, users, log),
        "truth.clean_event_counts": tables.clean_counts_table(config, log),
    }
    for name, parts in ctx.tables.items():
        out[name] = pa.concat_tables(parts)
    out["truth.tally"] = pa.table({"plant": [k[0] for k in ctx.tally], "key": [k[1] for k in ctx.tally],
                                   "value": pa.array(list(ctx.tally.values()), type=pa.float64())})
    return out


def simulate_static(config: Config) -> dict[str, pa.Table]:
    """Tables that don't depend on any block: the pre-window catalogue, calendars of plants and releases."""
    out = {"videos": tables.catalog_table(config, catalog(config)), "app_releases": tables.releases_table(config)}
    for p in plant.enabled(config):
        if hasattr(p, "static_tables"):
            # several plants may add rows to one calendar (each A/B test is a row of `experiments`)
            for name, rows in p.static_tables(config).items():
                out[name] = pa.concat_tables([out[name], rows]) if name in out else rows
    return out


def simulate_catalog(config: Config) -> pa.Table:
    """The videos posted before the window."""
    return tables.catalog_table(config, catalog(config))
