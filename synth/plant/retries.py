"""Upload retries and late delivery: some events arrive twice with the same event_id, some days late."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from synth.plant import Context
from synth.units import DAY_MS
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

NAME = "retries"
TITLE = "Retry duplicates and late-arriving events"
MODULE = "06_data_accuracy"
DETAILS = "planted.md"


@dataclass(frozen=True)
class Params:
    """The SDK re-sends some uploads (same event_id) and delivers some events days late."""

    duplicate_share: float = 0.004
    late_share: float = 0.003
    late_days: tuple[float, float] = (1.0, 5.0)
    resend_after_ms: tuple[int, int] = (2_000, 600_000)  # a re-sent upload arrives this long after the first


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Repeat a share of events (a later receipt, same id and device time) and delay another share by days."""
    p = ctx.config.retries
    rng = ctx.rng(NAME)
    n = len(value)
    late = rng.random(n) < p.late_share
    n_late = int(np.count_nonzero(late))
    delay_ms = (rng.uniform(*p.late_days, n_late) * DAY_MS).astype(np.int64)
    received = value.received_ms.copy()
    received[late] += delay_ms
    value = value.replace(received_ms=received)
    again = np.flatnonzero(rng.random(n) < p.duplicate_share)
    copies = value.take(again)
    copies = copies.replace(received_ms=copies.received_ms + rng.integers(*p.resend_after_ms, len(again)))
    ctx.count(NAME, "duplicate_rows", len(again))
    ctx.count(NAME, "late_events", n_late)
    return Log.concat(value, copies)


def expected(config: Config, tally: dict[str, float]) -> dict[str, float]:
    """How many extra rows deduplication by event_id removes, and how many events arrived a day or more late."""
    return {"duplicate_rows": tally.get("duplicate_rows", 0.0), "late_events": tally.get("late_events", 0.0)}
