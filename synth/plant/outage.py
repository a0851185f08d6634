"""A regional outage: for a few hours the backend of some countries is down; the app buffers its log meanwhile."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from synth import rng as streams
from synth.plant import Context
from synth.units import HOUR_MS
from synth.world import geography
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "outage"
TITLE = "Regional backend outage"
MODULE = "07_conflicting_sources"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
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


@lru_cache(maxsize=16)
def pick(config: Config) -> tuple[tuple[str, ...], int, int]:
    """The seed's outage: (countries, start hour, length in hours), from one draw shared by every block."""
    p = config.outage
    rng = streams.stream(config.seed, streams.PLANT + zlib.crc32(f"{NAME}.pick".encode()))
    countries, evening = p.regions[rng.integers(len(p.regions))]
    start = evening + int(rng.integers(-p.start_jitter_hours, p.start_jitter_hours + 1))
    return countries, start, int(rng.integers(p.hours[0], p.hours[1] + 1))


def window_ms(config: Config) -> tuple[int, int]:
    """Start and end (exclusive) of the outage, ms since the window start (UTC)."""
    _, start_hour, hours = pick(config)
    start = (config.outage.day * 24 + start_hour) * HOUR_MS
    return start, start + hours * HOUR_MS


def in_region(config: Config, users: Users, log: Log) -> np.ndarray:
    """Whether each event comes from a phone in one of the outage's countries."""
    codes = [geography.COUNTRY_CODES.index(c) for c in pick(config)[0]]
    return np.isin(users.country, codes)[log.user]


def server(value: Log, ctx: Context, users: Users) -> Log:
    """Lose every request the region's backend would have handled while it was down."""
    start, end = window_ms(ctx.config)
    lost = in_region(ctx.config, users, value) & (value.ts_ms >= start) & (value.ts_ms < end)
    ctx.count(NAME, "missing_server_rows", float(lost.sum()))
    return value.take(~lost)


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Events that reached the region's ingestion while it was down wait on the phone until it is back."""
    start, end = window_ms(ctx.config)
    held = in_region(ctx.config, users, value) & (value.received_ms >= start) & (value.received_ms < end)
    flush = ctx.rng(NAME).lognormal(np.log(ctx.config.outage.flush_median_s * 1000), 1.0, int(held.sum()))
    received = value.received_ms.copy()
    received[held] = end + flush.astype(np.int64)
    ctx.count(NAME, "delayed_client_events", float(held.sum()))
    return value.replace(received_ms=received)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """When and where the outage was, the server rows it lost and the client events it delayed."""
    start, end = (config.window_start + timedelta(milliseconds=ms) for ms in window_ms(config))
    return {"start_ts": start.isoformat(sep=" "), "end_ts": end.isoformat(sep=" "),
            "countries": list(pick(config)[0]),
            "missing_server_rows": tally.get("missing_server_rows", 0.0),
            "delayed_client_events": tally.get("delayed_client_events", 0.0)}
