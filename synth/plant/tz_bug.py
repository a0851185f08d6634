"""A time-zone bug: one iOS build writes the phone's local wall-clock time into event_ts, labelled as UTC."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.plant.shared import builds
from synth.world import geography
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "tz_bug"
TITLE = "iOS build that logs local time as UTC"
MODULE = "06_data_accuracy"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
    """One iOS build writes the phone's local wall-clock time into event_ts, labelled as UTC."""

    # iOS releases in the window; the seed picks the buggy one (builds.chosen; seed 42 the first), the next build
    # fixes it. Only builds released after the outage: slow updaters would shift the outage hours module 07 reads.
    versions: tuple[str, ...] = ("8.66.0", "8.67.0", "8.68.0")
IOS = builds.PLATFORM["ios"]
SHIFT = "shift_quarter_hours_"  # tally keys: events shifted by that many quarter hours


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Move the device time of every event the buggy build sent by the user's UTC offset; receipt stays true."""
    config = ctx.config
    k = builds.index(config, IOS, builds.chosen(config, NAME, config.tz_bug.versions))
    if k is None:
        return value
    since, until = builds.running_ms(config, users, IOS, k)
    hit = np.flatnonzero((value.ts_ms >= since[value.user]) & (value.ts_ms < until[value.user]))
    user, utc_s = value.user[hit], value.ts_ms[hit] // 1000
    offset_s = geography.utc_to_local(utc_s, users.tz[user], config.window_start, config.scale.days) - utc_s
    ts = value.ts_ms.copy()
    ts[hit] += offset_s * 1000
    ctx.count(NAME, "affected_users", float(np.count_nonzero(np.bincount(user))))
    # the shift's distribution, in quarter hours (every UTC offset is a multiple of 15 minutes)
    quarters = offset_s // 900
    west = int(quarters.min(initial=0))  # offsets west of UTC are negative; bincount counts from 0
    for q, n in enumerate(np.bincount(quarters - west).tolist()):
        if n:
            ctx.count(NAME, f"{SHIFT}{q + west}", n)
    return value.replace(ts_ms=ts)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The buggy build, how many events it mis-stamped, and by how much (users on UTC+0 are not moved)."""
    version = builds.chosen(config, NAME, config.tz_bug.versions)
    hist = {int(key.removeprefix(SHIFT)) / 4: n for key, n in tally.items() if key.startswith(SHIFT)}
    total = float(sum(hist.values()))
    moved = {h: n for h, n in hist.items() if h != 0}
    return {"platform": "ios", "app_version": version, "release_date": builds.release_date(config, IOS, version),
            "affected_events": total, "shifted_events": float(sum(moved.values())),
            "affected_users": tally.get("affected_users", 0.0),
            "typical_shift_hours": max(moved, key=moved.__getitem__) if moved else 0.0,
            "shift_hours_share": {str(h): round(n / total, 4) for h, n in sorted(hist.items())}}
