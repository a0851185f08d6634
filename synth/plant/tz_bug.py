"""A time-zone bug: one iOS build writes the phone's local wall-clock time into event_ts, labelled as UTC."""

from __future__ import annotations

import numpy as np

from synth.config import Config
from synth.plant import Context, builds
from synth.world import geography
from synth.world.log import Log
from synth.world.population import Users

NAME = "tz_bug"
TITLE = "iOS build that logs local time as UTC"
MODULE = "06_data_accuracy"
IOS = builds.PLATFORM["ios"]
SHIFT = "shift_quarter_hours_"  # tally keys: events shifted by that many quarter hours


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Move the device time of every event the buggy build sent by the user's UTC offset; receipt stays true."""
    config = ctx.config
    k = builds.index(config, IOS, config.tz_bug.version)
    if k is None:
        return value
    ios = np.flatnonzero(users.platform[value.user] == IOS)
    hit = ios[builds.shown(config, users, value.user[ios], value.ts_ms[ios]) == k]
    utc_s = value.ts_ms[hit] // 1000
    offset_s = geography.utc_to_local(utc_s, users.tz[value.user[hit]], config.window_start,
                                      config.scale.days) - utc_s
    ts = value.ts_ms.copy()
    ts[hit] += offset_s * 1000
    ctx.count(NAME, "affected_users", len(np.unique(value.user[hit])))
    # the shift's distribution, in quarter hours (every UTC offset is a multiple of 15 minutes)
    quarters, n = np.unique(offset_s // 900, return_counts=True)
    for q, c in zip(quarters.tolist(), n.tolist(), strict=True):
        ctx.count(NAME, f"{SHIFT}{q}", c)
    return value.replace(ts_ms=ts)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """The buggy build, how many events it mis-stamped, and by how much (users on UTC+0 are not moved)."""
    hist = {int(key.removeprefix(SHIFT)) / 4: n for key, n in tally.items() if key.startswith(SHIFT)}
    total = float(sum(hist.values()))
    moved = {h: n for h, n in hist.items() if h != 0}
    return {"platform": "ios", "app_version": config.tz_bug.version,
            "release_date": builds.release_date(config, IOS, config.tz_bug.version),
            "affected_events": total, "shifted_events": float(sum(moved.values())),
            "affected_users": tally.get("affected_users", 0.0),
            "typical_shift_hours": max(moved, key=moved.__getitem__) if moved else 0.0,
            "shift_hours_share": {str(h): round(n / total, 4) for h, n in sorted(hist.items())}}
