"""What the planted A/B tests share (a helper, not a plant): their calendar row, who enters them, when, and
the assignments/exposures rows.

A user enters a test at the first session that starts inside it: assigned at that session's first event
(the app fetches its configuration), exposed at its first video (the surface under test). A plan hook decides
each session's treatment from its planned start; the world hook records entries from the logged times. Spacing
sessions apart can move a planned start later, so a session at the very edge of a test can land on the other
side of it: a handful per test, too few to show in any lift.

The planted tests share experiments/assignments/exposures; they run one after another in the 91-day window (on
different metrics where they overlap) and are left out of windows too short to hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synth import schema, tables
from synth.plant import Context
from synth.units import DAY_MS
from synth.world import geography
from synth.world.events import E, SessionPlan
from synth.world.log import Log
from synth.world.population import Users

if TYPE_CHECKING:
    from synth.config import Config

VARIANTS = ("control", "treatment")
UNIT = "user"
NEVER = np.iinfo(np.int64).max


def window_ms(config: Config, start_day: int, days: int) -> tuple[int, int] | None:
    """The test's [start, end) in ms since the window start (UTC days), or None if it does not fit the window."""
    if start_day < 0 or days <= 0 or start_day + days > config.scale.days:
        return None
    return start_day * DAY_MS, (start_day + days) * DAY_MS


def calendar(config: Config, experiment_id: str, name: str, hypothesis: str, start_day: int, days: int
             ) -> dict[str, pa.Table]:
    """The test's row of `experiments` (none when it does not fit the window)."""
    if window_ms(config, start_day, days) is None:
        return {}
    first_last = np.array([start_day, start_day + days - 1], dtype=np.int64) * DAY_MS
    dates = pc.cast(tables.timestamps(config, first_last), pa.date32())
    return {"experiments": tables.shaped(schema.EXPERIMENTS, {
        "experiment_id": pa.array([experiment_id]),
        "name": pa.array([name]),
        "hypothesis": pa.array([hypothesis]),
        "start_date": dates[:1],
        "end_date": dates[1:],
        "unit": pa.array([UNIT]),
        "variants": pa.array([list(VARIANTS)], type=pa.list_(pa.string())),
    })}


def draws(ctx: Context, plant: str, users: Users) -> np.ndarray:
    """One uniform number per user, the same in every hook of `plant` (ctx.rng starts the stream afresh),
    so the plan hook and the world hook agree on who is in which arm."""
    return ctx.rng(plant).random(len(users))


def planned_start_ms(plan: SessionPlan, users: Users, config: Config) -> np.ndarray:
    """Each session's planned start, UTC ms since the window start."""
    return geography.local_to_utc(plan.start_local, users.tz[plan.user], config.window_start,
                                  config.scale.days) * 1000


def first_inside(user: np.ndarray, t: np.ndarray, lo: int, hi: int, n_users: int) -> np.ndarray:
    """Per user, the earliest t in [lo, hi) (NEVER if there is none)."""
    inside = (t >= lo) & (t < hi)
    out = np.full(n_users, NEVER, dtype=np.int64)
    np.minimum.at(out, user[inside], t[inside])
    return out


@dataclass(frozen=True)
class Entries:
    """Users who entered a test (positions in the block, ascending) and when."""

    user: np.ndarray
    assigned_ms: np.ndarray  # first event of the first session inside the test
    exposed_ms: np.ndarray  # first video of that session


def run_starts(group: np.ndarray) -> np.ndarray:
    """Index of the first row of each run of equal consecutive values."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))


def session_starts(log: Log) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per true session: its first event's time, its first video's time (NEVER if none), and its user."""
    n = int(log.session.max(initial=-1)) + 1
    start, first_view = np.full(n, NEVER, dtype=np.int64), np.full(n, NEVER, dtype=np.int64)
    owner = np.zeros(n, dtype=np.int64)
    view_ts = np.where(log.name == E["video_view"], log.ts_ms, NEVER)  # other rows never win the minimum
    row = run_starts(log.session)
    session = log.session[row]
    real = session >= 0  # pushes outside a session make runs of their own
    if np.all(np.diff(session[real]) > 0):
        # sessions are logged one after another, so each is one run of rows: then a reduceat over the runs
        # does it in one pass over the whole log
        start[session[real]] = np.minimum.reduceat(log.ts_ms, row)[real]
        first_view[session[real]] = np.minimum.reduceat(view_ts, row)[real]
        owner[session[real]] = log.user[row[real]]
    else:  # the (slower) unbuffered minimum
        rows = log.session >= 0
        np.minimum.at(start, log.session[rows], log.ts_ms[rows])
        np.minimum.at(first_view, log.session[rows], view_ts[rows])
        owner[log.session[rows]] = log.user[rows]
    return start, first_view, owner


def entries(ctx: Context, log: Log, lo: int, hi: int, eligible: np.ndarray) -> Entries:
    """Eligible users (a mask over the block) with a session starting in [lo, hi), from the logged times."""
    start, first_view, owner = ctx.derived("abtest.session_starts", log, session_starts)
    inside = np.flatnonzero((start >= lo) & (start < hi) & eligible[owner])
    # sessions by user, then start, then number: one sort on a combined key (start - lo < hi - lo)
    order = inside[np.argsort(owner[inside] * (hi - lo) + (start[inside] - lo), kind="stable")]
    chosen = order[run_starts(owner[order])]
    user = owner[chosen]
    # a session cut by the window's end may have lost its videos: then it was seen at its first event
    exposed = np.where(first_view[chosen] == NEVER, start[chosen], first_view[chosen])
    return Entries(user=user, assigned_ms=start[chosen], exposed_ms=exposed)


def enroll(ctx: Context, log: Log, users: Users, experiment_id: str, start_day: int, days: int,
           treated: np.ndarray, eligible: np.ndarray | None = None) -> Entries | None:
    """Who entered a test (eligible users with a session in it) — written to assignments and exposures.

    None when the test does not fit the window. `treated` and `eligible` are masks over the block's users.
    """
    window = window_ms(ctx.config, start_day, days)
    if window is None:
        return None
    everyone = np.ones(len(users), dtype=bool) if eligible is None else eligible
    entered = entries(ctx, log, *window, everyone)
    emit(ctx, experiment_id, users, entered, treated)
    return entered


def emit(ctx: Context, experiment_id: str, users: Users, entered: Entries, treated: np.ndarray) -> None:
    """The assignments and exposures rows of the users who entered; `treated` is per user of the block."""
    n = len(entered.user)
    test = tables.labels(np.zeros(n, dtype=np.int8), (experiment_id,))
    user_id = pa.array(users.user_id[entered.user])
    ctx.emit("assignments", tables.shaped(schema.ASSIGNMENTS, {
        "experiment_id": test, "user_id": user_id,
        "variant": tables.labels(treated[entered.user].astype(np.int8), VARIANTS),
        "assigned_ts": tables.timestamps(ctx.config, entered.assigned_ms),
    }))
    ctx.emit("exposures", tables.shaped(schema.EXPOSURES, {
        "experiment_id": test, "user_id": user_id,
        "exposure_ts": tables.timestamps(ctx.config, entered.exposed_ms),
    }))
