"""One block of users from nothing to Arrow tables: population -> days -> sessions -> events."""

from __future__ import annotations

from datetime import UTC
from functools import lru_cache

import numpy as np
import pyarrow as pa

from synth import rng as streams
from synth.config import Config
from synth.schema import DEVICE_TIERS, EVENT_NAMES, EVENTS, PLATFORMS, USERS, VIDEOS
from synth.world import diurnal, geography, names, population, releases
from synth.world.activity import Days, day_start_s, living_days
from synth.world.catalog import CATEGORIES, Catalog, build_catalog, video_durations
from synth.world.events import E, session_events
from synth.world.population import AGE_BANDS, CHANNELS, DAY, Users, simulate_users
from synth.world.sessions import draw_sessions, space_out

VIDEO_SALT, EVENT_SALT = 0x71DE0, 0xE7E27


@lru_cache(maxsize=4)
def catalog(config: Config) -> Catalog:
    """The pre-window video catalogue (the same in every process)."""
    return build_catalog(config, streams.stream(config.seed, streams.CATALOG))


def release_calendar(config: Config) -> tuple[np.ndarray, ...]:
    """Release times per platform, seconds since the window start."""
    return tuple(releases.release_seconds(config.window_start, config.scale.days, p) for p in range(2))


def catalog_video_ids(config: Config, index: np.ndarray) -> np.ndarray:
    """Public ids of catalogue videos."""
    return streams.mix63(index, config.seed ^ VIDEO_SALT)


def epoch_us(config: Config) -> int:
    """The window start as microseconds since 1970 (UTC)."""
    return int(config.window_start.replace(tzinfo=UTC).timestamp()) * 1_000_000


def timestamps(config: Config, ms: np.ndarray) -> pa.Array:
    """Milliseconds since the window start as an Arrow UTC timestamp column."""
    return pa.array(epoch_us(config) + ms * 1000, type=pa.timestamp("us"))


def labels(codes: np.ndarray, values: tuple[str, ...] | list[str]) -> pa.DictionaryArray:
    """An Arrow dictionary column (becomes ENUM or VARCHAR in DuckDB)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int16)), pa.array(list(values)))


def optional(values: np.ndarray, type_: pa.DataType) -> pa.Array:
    """Arrow column where -1 means NULL."""
    return pa.array(values, type=type_, mask=values < 0)


def background_pushes(users: Users, days: Days, config: Config, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Push notifications on every day the app is installed, active or not: (user, UTC ms)."""
    counts = rng.poisson(config.pushes_per_day, len(days.user))
    user = np.repeat(days.user, counts)
    local = day_start_s(np.repeat(days.day, counts)) + diurnal.second_of_day(rng, diurnal.PUSH_HOURS, len(user))
    utc_s = geography.local_to_utc(local, users.tz[user], config.window_start, config.scale.days)
    return user, utc_s * 1000 + rng.integers(0, 1000, len(user))


def simulate_block(config: Config, block: int) -> dict[str, pa.Table]:
    """Users, events and newly posted videos of one block of users."""
    rng = streams.stream(config.seed, streams.BLOCK, block)
    cat = catalog(config)
    users = simulate_users(config, block, rng)
    days = living_days(users, config, rng)
    sessions = draw_sessions(users, days, config, rng)
    ev = session_events(users, sessions.user, sessions.push, cat.duration_s, config, rng)
    start_local = space_out(sessions, -(-ev.length_ms // 1000), config.session_gap_min_s)
    start_ms = geography.local_to_utc(start_local, users.tz[sessions.user], config.window_start,
                                      config.scale.days) * 1000

    # a push that opened a session arrived seconds to minutes before it
    opened = np.flatnonzero(sessions.push)
    bg_user, bg_ms = background_pushes(users, days, config, rng)

    user = np.concatenate([sessions.user[ev.session], sessions.user[opened], bg_user])
    ts_ms = np.concatenate([
        start_ms[ev.session] + ev.offset_ms,
        start_ms[opened] - rng.integers(5_000, 900_000, len(opened)),
        bg_ms,
    ])
    n_push = len(opened) + len(bg_user)
    name = np.concatenate([ev.name, np.full(n_push, E["push_received"], dtype=np.int8)])
    video = np.concatenate([ev.video, np.full(n_push, -1)])
    watch = np.concatenate([ev.watch_ms, np.full(n_push, -1)])
    amount = np.concatenate([ev.amount_cents, np.full(n_push, -1)])

    # nothing before the account existed (pushes earlier on the signup day) or outside the window
    keep = (ts_ms >= np.maximum(users.signup_s[user] * 1000, 0)) & (ts_ms < config.scale.days * DAY * 1000)
    user, ts_ms, name, video, watch, amount = (a[keep] for a in (user, ts_ms, name, video, watch, amount))
    return {
        "users": users_table(users, config, rng),
        **events_and_videos(users, user, ts_ms, name, video, watch, amount, config, block, rng),
    }


def users_table(users: Users, config: Config, rng: np.random.Generator) -> pa.Table:
    """The users of a block as the `users` table."""
    end_s = np.full(len(users), config.scale.days * DAY)
    version = releases.version_at(end_s, users.platform, users.adoption_lag_s, release_calendar(config))
    n_versions = max(len(r) for r in release_calendar(config))
    columns = {
        "user_id": pa.array(users.user_id),
        "username": pa.array(names.usernames(rng, len(users), config.seed)),
        "signup_ts": timestamps(config, users.signup_s * 1000),
        "country": labels(users.country, geography.COUNTRY_CODES),
        "timezone": labels(users.tz, geography.TIMEZONES),
        "platform": labels(users.platform, PLATFORMS),
        "device_tier": labels(users.tier, DEVICE_TIERS),
        "app_version": labels(version, releases.version_names(n_versions)),
        "acquisition_channel": labels(users.channel, CHANNELS),
        "age_band": labels(users.age, AGE_BANDS),
    }
    return pa.table(columns).select(USERS.column_names)


def events_and_videos(users: Users, user: np.ndarray, ts_ms: np.ndarray, name: np.ndarray, video: np.ndarray,
                      watch: np.ndarray, amount: np.ndarray, config: Config, block: int,
                      rng: np.random.Generator) -> dict[str, pa.Table]:
    """The `events` rows of a block, and the `videos` rows its users posted during the window."""
    n = len(user)
    posted = np.flatnonzero(name == E["post_publish"])
    new_ids = streams.mix63(len(catalog(config).duration_s) + (block << 32) + np.arange(len(posted)),
                            config.seed ^ VIDEO_SALT)
    video_id = np.where(video >= 0, catalog_video_ids(config, np.maximum(video, 0)), -1)
    video_id[posted] = new_ids
    delay_ms = (config.upload_delay_median_s * 1000 * rng.lognormal(0.0, 0.9, n)).astype(np.int64)
    version = releases.version_at(ts_ms // 1000, users.platform[user], users.adoption_lag_s[user],
                                  release_calendar(config))
    n_versions = max(len(r) for r in release_calendar(config))
    events = pa.table({
        "event_id": pa.array(streams.mix63((block << 36) + np.arange(n), config.seed ^ EVENT_SALT)),
        "user_id": pa.array(users.user_id[user]),
        "event_name": labels(name, EVENT_NAMES),
        "event_ts": timestamps(config, ts_ms),
        "received_ts": timestamps(config, ts_ms + delay_ms),
        "platform": labels(users.platform[user], PLATFORMS),
        "app_version": labels(version, releases.version_names(n_versions)),
        "country": labels(users.country[user], geography.COUNTRY_CODES),
        "video_id": optional(video_id, pa.int64()),
        "watch_ms": optional(watch, pa.int32()),
        "amount_cents": optional(amount, pa.int32()),
    }).select(EVENTS.column_names)
    videos = pa.table({
        "video_id": pa.array(new_ids),
        "creator_id": pa.array(users.user_id[user[posted]]),
        "category": pa.array(np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), len(posted))]),
        "duration_s": pa.array(video_durations(rng, len(posted)).astype(np.int32)),
        "posted_ts": timestamps(config, ts_ms[posted]),
    }).select(VIDEOS.column_names)
    return {"events": events, "videos": videos}


def simulate_catalog(config: Config) -> pa.Table:
    """The videos posted before the window, as `videos` rows."""
    cat = catalog(config)
    index = np.arange(len(cat.duration_s))
    return pa.table({
        "video_id": pa.array(catalog_video_ids(config, index)),
        "creator_id": pa.array(cat.creator_index + population.USER_ID_BASE),
        "category": pa.array(np.array(CATEGORIES)[cat.category]),
        "duration_s": pa.array(cat.duration_s.astype(np.int32)),
        "posted_ts": timestamps(config, cat.posted_s * 1000),
    }).select(VIDEOS.column_names)
