"""A double-logging release: one Android build sends every video_view twice, same event_id, ms apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.plant.shared import builds
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "double_logging"
TITLE = "Android build that logs every video view twice"
MODULE = "06_data_accuracy"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
    """One Android build logs every video_view twice with the same event_id, a few milliseconds apart."""

    # Android releases in the window; the seed picks the buggy one (builds.chosen; seed 42 the first), the next
    # build fixes it. Not 8.65.0 (its weeks hold the outage), nor 8.66.0 / 8.68.0 (the redesign's, the push bug's).
    versions: tuple[str, ...] = ("8.64.0", "8.63.0", "8.67.0")
    gap_ms: tuple[int, int] = (1, 40)
ANDROID = builds.PLATFORM["android"]


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Add a second row for each video_view the buggy build sent: same event_id, a few ms later."""
    p = ctx.config.double_logging
    k = builds.index(ctx.config, ANDROID, builds.chosen(ctx.config, NAME, p.versions))
    if k is None:
        return value
    since, until = builds.running_ms(ctx.config, users, ANDROID, k)
    user, ts = value.user, value.ts_ms
    views = np.flatnonzero((value.name == E["video_view"]) & (ts >= since[user]) & (ts < until[user]))
    gap = ctx.rng(NAME).integers(p.gap_ms[0], p.gap_ms[1] + 1, len(views))
    # the copy must carry the buggy version too (not so for a view ms before the phone updated)
    same = ts[views] + gap < until[user[views]]
    views, gap = views[same], gap[same]
    copies = value.take(views)
    copies = copies.replace(ts_ms=copies.ts_ms + gap, received_ms=copies.received_ms + gap)
    ctx.count(NAME, "duplicate_rows", len(copies))
    return Log.concat(value, copies)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The buggy build, its release day, and the extra rows that deduplication by event_id removes."""
    version = builds.chosen(config, NAME, config.double_logging.versions)
    released = builds.release_date(config, ANDROID, version)
    return {"platform": "android", "app_version": version, "release_date": released,
            "event_name": "video_view", "duplicate_rows": tally.get("duplicate_rows", 0.0)}
