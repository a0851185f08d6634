"""Arrays of the simulation -> Arrow tables in the schema's column order (synth/schema.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synth import rng as streams
from synth import schema
from synth.units import DAY_MS
from synth.world import geography, releases
from synth.world.catalog import CATEGORIES, Catalog
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import AGE_BANDS, CHANNELS, USER_ID_BASE, Users

if TYPE_CHECKING:
    from synth.config import Config

VIDEO_SALT, EVENT_SALT, REQUEST_SALT = 0x71DE0, 0xE7E27, 0x5E4E4
SERVER_CODES = np.full(len(schema.EVENT_NAMES), -1, dtype=np.int16)
SERVER_CODES[[E[n] for n in schema.SERVER_EVENT_NAMES]] = np.arange(len(schema.SERVER_EVENT_NAMES))


def epoch_us(moment: datetime) -> int:
    """A naive UTC datetime as microseconds since 1970."""
    return int(moment.replace(tzinfo=UTC).timestamp()) * 1_000_000


def timestamps(config: Config, ms: np.ndarray) -> pa.Array:
    """Milliseconds since the window start as an Arrow UTC timestamp column."""
    return pa.array(epoch_us(config.window_start) + ms * 1000, type=pa.timestamp("us"))


def labels(codes: np.ndarray, values: tuple[str, ...] | list[str]) -> pa.DictionaryArray:
    """An Arrow dictionary column (becomes ENUM or VARCHAR in DuckDB)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int16)), pa.array(list(values)))


def optional(values: np.ndarray, type_: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """Arrow column, NULL where `valid` is false (by default: where the value is negative)."""
    valid = values >= 0 if valid is None else valid
    # from buffers: pa.array(..., mask=) converts element by element, several times slower on millions of rows
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    data = pa.py_buffer(np.ascontiguousarray(values, dtype=type_.to_pandas_dtype()))
    return pa.Array.from_buffers(type_, len(values), [bitmap, data], null_count=len(values) - int(valid.sum()))


def shaped(table: schema.Table, columns: dict[str, pa.Array]) -> pa.Table:
    """Columns in the schema's order."""
    return pa.table(columns).select(table.column_names)


def video_ids(config: Config, index: np.ndarray) -> np.ndarray:
    """Public ids of videos: catalogue positions first, then videos posted in the window."""
    return streams.mix63(index, config.seed ^ VIDEO_SALT)


def public_video_ids(config: Config, video: np.ndarray) -> np.ndarray:
    """video_ids() where a video is set (>= 0); elsewhere 0."""
    out = np.zeros(len(video), dtype=np.int64)
    has = video >= 0
    out[has] = video_ids(config, video[has])
    return out


def event_ids(config: Config, block: int, seq: np.ndarray) -> np.ndarray:
    """Client insert ids: unique per clean event, repeated by a re-sent upload."""
    return streams.mix63((block << 36) + seq, config.seed ^ EVENT_SALT)


def users_table(config: Config, users: Users, usernames: np.ndarray, version: np.ndarray,
                version_names: list[str]) -> pa.Table:
    """The `users` rows of a block."""
    return shaped(schema.USERS, {
        "user_id": pa.array(users.user_id),
        "username": pa.array(usernames),
        "signup_ts": timestamps(config, users.signup_s * 1000),
        "country": labels(users.country, geography.COUNTRY_CODES),
        "timezone": labels(users.tz, geography.TIMEZONES),
        "platform": labels(users.platform, schema.PLATFORMS),
        "device_tier": labels(users.tier, schema.DEVICE_TIERS),
        "app_version": labels(version, version_names),
        "acquisition_channel": labels(users.channel, CHANNELS),
        "age_band": labels(users.age, AGE_BANDS),
    })


def events_table(config: Config, block: int, users: Users, log: Log, version: np.ndarray,
                 version_names: list[str]) -> pa.Table:
    """The `events` rows of a block: the client log as delivered."""
    return shaped(schema.EVENTS, {
        "event_id": pa.array(event_ids(config, block, log.seq)),
        "user_id": pa.array(users.user_id[log.user]),
        "event_name": labels(log.name, schema.EVENT_NAMES),
        "event_ts": timestamps(config, log.ts_ms),
        "received_ts": timestamps(config, log.received_ms),
        "platform": labels(users.platform[log.user], schema.PLATFORMS),
        "app_version": labels(version, version_names),
        "country": labels(users.country[log.user], geography.COUNTRY_CODES),
        "video_id": optional(public_video_ids(config, log.video), pa.int64(), log.video >= 0),
        "watch_ms": optional(log.watch, pa.int32()),
        "amount_cents": optional(log.amount, pa.int32()),
    })


def server_table(config: Config, block: int, users: Users, log: Log, failed: np.ndarray) -> pa.Table:
    """The `server_events` rows of a block; `log.ts_ms` is the server's clock."""
    return shaped(schema.SERVER_EVENTS, {
        "request_id": pa.array(streams.mix63((block << 36) + np.arange(len(log)), config.seed ^ REQUEST_SALT)),
        "event_id": pa.array(event_ids(config, block, log.seq)),
        "user_id": pa.array(users.user_id[log.user]),
        "event_name": labels(SERVER_CODES[log.name], schema.SERVER_EVENT_NAMES),
        "server_ts": timestamps(config, log.ts_ms),
        "status": labels(failed.astype(np.int8), ("ok", "failed")),
        "amount_cents": optional(log.amount, pa.int32()),
    })


def videos_table(config: Config, index: np.ndarray, creator_index: np.ndarray, category: np.ndarray,
                 duration_s: np.ndarray, posted_ms: np.ndarray) -> pa.Table:
    """`videos` rows."""
    return shaped(schema.VIDEOS, {
        "video_id": pa.array(video_ids(config, index)),
        "creator_id": pa.array(creator_index + USER_ID_BASE),
        "category": pa.array(np.array(CATEGORIES)[category]),
        "duration_s": pa.array(duration_s.astype(np.int32)),
        "posted_ts": timestamps(config, posted_ms),
    })


def catalog_table(config: Config, cat: Catalog) -> pa.Table:
    """The videos posted before the window."""
    index = np.arange(len(cat.duration_s))
    return videos_table(config, index, cat.creator_index, cat.category, cat.duration_s, cat.posted_s * 1000)


def releases_table(config: Config) -> pa.Table:
    """The release calendar of both platforms."""
    times = releases.calendar(config)
    platform = np.concatenate([np.full(len(t), p) for p, t in enumerate(times)])
    version = np.concatenate([np.arange(len(t)) for t in times])
    return shaped(schema.APP_RELEASES, {
        "platform": labels(platform, schema.PLATFORMS),
        "app_version": pa.array(np.array(releases.version_names(int(version.max()) + 1))[version]),
        "release_ts": timestamps(config, np.concatenate(times) * 1000),
        "rollout_pct": pa.array(np.full(len(platform), 100, dtype=np.int32)),
    })


def clean_counts_table(config: Config, log: Log) -> pa.Table:
    """Events per UTC day and name, before corruption (truth)."""
    key = (log.ts_ms // DAY_MS) * 32 + log.name
    low = int(key.min(initial=0))
    counts = np.bincount(key - low)
    present = np.flatnonzero(counts)
    values, counts = present + low, counts[present]
    day_ms = (values // 32) * DAY_MS
    return shaped(schema.CLEAN_EVENT_COUNTS, {
        "day": pc.cast(timestamps(config, day_ms), pa.date32()),
        "event_name": labels(values % 32, schema.EVENT_NAMES),
        "events": pa.array(counts.astype(np.int64)),
    })


def true_sessions_table(config: Config, users: Users, log: Log) -> pa.Table:
    """Every real session of a block: first and last event, number of events (truth)."""
    inside = log.session >= 0
    session, ts = log.session[inside], log.ts_ms[inside]
    # a session's events are consecutive and in time order, and sessions come in the order they were drawn
    first = np.flatnonzero(np.diff(session, prepend=-1))
    counts = np.diff(first, append=len(session))
    last = first + counts - 1
    return shaped(schema.TRUE_SESSIONS, {
        "user_id": pa.array(users.user_id[log.user[inside][first]]),
        "session_start": timestamps(config, ts[first]),
        "session_end": timestamps(config, ts[last]),
        "events": pa.array(counts.astype(np.int32)),
    })
