"""Client drops: the app loses some likes before uploading them (killed, offline); the server has every one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.schema import DEVICE_TIERS
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "client_drops"
TITLE = "Likes lost by the app before upload"
MODULE = "07_conflicting_sources"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
    """The app loses some likes before uploading them (killed, offline); the server records every one."""

    rates: tuple[float, float, float] = (0.06, 0.03, 0.015)  # by device tier: low, mid, high


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Drop likes from the client log, more often on cheaper phones (the OS kills the app sooner)."""
    likes = np.flatnonzero(value.name == E["like"])
    tier = users.tier[value.user[likes]]
    lost = ctx.rng(NAME).random(len(likes)) < np.asarray(ctx.config.client_drops.rates)[tier]
    for t, label in enumerate(DEVICE_TIERS):
        ctx.count(NAME, f"likes_{label}", float((tier == t).sum()))
        ctx.count(NAME, f"dropped_{label}", float((lost & (tier == t)).sum()))
    keep = np.ones(len(value), bool)
    keep[likes[lost]] = False
    return value.take(keep)


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """Likes the client lost: how many, the share of all likes, and the share by device tier."""
    likes = {t: tally.get(f"likes_{t}", 0.0) for t in DEVICE_TIERS}
    dropped = {t: tally.get(f"dropped_{t}", 0.0) for t in DEVICE_TIERS}
    total = sum(likes.values())
    return {"dropped_likes": sum(dropped.values()),
            "drop_rate": sum(dropped.values()) / total if total else 0.0,
            "drop_rate_by_tier": {t: dropped[t] / likes[t] if likes[t] else 0.0 for t in DEVICE_TIERS}}
