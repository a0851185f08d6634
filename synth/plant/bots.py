"""Bots and internal test accounts: scripted video views at a machine's pace, at any hour of the day."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from synth import schema, tables, vec
from synth.plant import Context
from synth.units import DAY, DAY_MS, HOUR
from synth.world.catalog import catalog
from synth.world.events import E
from synth.world.log import Log
from synth.world.population import Users
from synth.world.sessions import Sessions, space_out

if TYPE_CHECKING:
    from synth.config import Config

NAME = "bots"
TITLE = "Bots and internal test accounts"
MODULE = "07_conflicting_sources"
DETAILS = "planted-quality.md"


@dataclass(frozen=True)
class Params:
    """Scripted accounts (view bots, the company's own test accounts): machine-regular views at any hour."""

    share: float = 0.005  # of all accounts
    internal_share: float = 0.3  # of those, internal test accounts
    day_share: float = 0.25  # chance a script runs on a given day (always on the account's first day)
    run_hours: tuple[float, float] = (0.5, 2.0)  # length of a run, uniform
    gap_s: tuple[float, float] = (60.0, 45.0)  # seconds between views: bot, internal test account
    jitter_s: float = 1.0  # each gap is gap_s +- this
    videos_per_bot: int = 5  # a script cycles through a handful of videos
KINDS = ("bot", "internal")
FIRST_VIEW_S = 2.0  # from the scripted app_open to the first view


def draw(ctx: Context, users: Users) -> tuple[np.ndarray, np.random.Generator]:
    """Which accounts of the block are scripts (the first draw of the plant's stream), and the stream after it."""
    rng = ctx.rng(NAME)
    return rng.random(len(users)) < ctx.config.bots.share, rng


def is_bot(ctx: Context, users: Users) -> np.ndarray:
    """Which accounts of the block are scripts; the same answer in every stage (other plants read Users.bot)."""
    return draw(ctx, users)[0]


def active_days(log: Log, n_users: int, days: int) -> np.ndarray:
    """Per user of the block, the number of UTC days with a user-initiated event."""
    own = np.flatnonzero((log.name != E["push_received"]) & (log.ts_ms >= 0) & (log.ts_ms < days * DAY_MS))
    seen = np.zeros(n_users * days, bool)  # a grid, not np.unique: this runs over every event of the block
    seen[log.user[own] * days + log.ts_ms[own] // DAY_MS] = True
    return seen.reshape(n_users, days).sum(axis=1)


def runs(config: Config, users: Users, bots: np.ndarray, kind: np.ndarray, rng: np.random.Generator
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scripted runs, one a day at most: (bot position in `bots`, start in seconds, views), sorted by bot and time.

    A bot runs on the day its account is created and then on a share of the days, starting at any hour.
    """
    p = config.bots
    first = np.maximum(users.signup_s[bots] // DAY, 0)
    n_days = np.maximum(config.scale.days - first, 0)
    bot, day = vec.owner(n_days), first[vec.owner(n_days)] + vec.rank(n_days)
    on = (vec.rank(n_days) == 0) | (rng.random(len(day)) < p.day_share)
    bot, day = bot[on], day[on]
    start = np.maximum(day * DAY + rng.integers(0, DAY, len(day)), users.signup_s[bots[bot]])
    gap = np.asarray(p.gap_s)[kind[bot]]
    views = np.maximum((rng.uniform(*p.run_hours, len(day)) * HOUR // gap).astype(np.int64), 1)
    # a run that crosses midnight pushes the next day's run back rather than overlapping it
    length = (FIRST_VIEW_S + views * gap).astype(np.int64)
    start = space_out(Sessions(user=bot, start_local=start, push=np.zeros(len(bot), bool)), length, 60)
    return bot, start, views


def users(value: Users, ctx: Context, _: None) -> Users:
    """Bot accounts have no human life: no installed days, so no sessions and no pushes of their own."""
    bot = is_bot(ctx, value)
    return dataclasses.replace(value, end_day=np.where(bot, value.first_day, value.end_day), bot=bot)


def world(value: Log, ctx: Context, users: Users) -> Log:
    """Add the bots' scripted runs: an app_open, then a video_view every gap, for an hour or two."""
    config, p = ctx.config, ctx.config.bots
    flagged, rng = draw(ctx, users)
    bots = np.flatnonzero(flagged)
    kind = (rng.random(len(bots)) < p.internal_share).astype(np.int64)
    ctx.emit("truth.bots", tables.shaped(schema.BOTS, {
        "user_id": pa.array(users.user_id[bots]), "kind": pa.array(np.array(KINDS)[kind].tolist(), pa.string())}))

    bot, start, views = runs(config, users, bots, kind, rng)
    counts = 1 + views
    at = vec.owner(counts)
    head = vec.rank(counts) == 0
    gap = np.asarray(p.gap_s)[kind[bot[at]]]
    step_ms = (np.where(head, FIRST_VIEW_S, gap + rng.uniform(-p.jitter_s, p.jitter_s, len(at))) * 1000
               ).astype(np.int64)
    ts = start[at] * 1000 + vec.group_cumsum_exclusive(step_ms, counts)
    targets = rng.integers(0, len(catalog(config).duration_s), (len(bots), p.videos_per_bot))
    video = targets[bot[at], rng.integers(0, p.videos_per_bot, len(at))]
    scripted = Log(
        user=bots[bot[at]], seq=value.seq.max(initial=-1) + 1 + np.arange(len(at)),
        name=np.where(head, E["app_open"], E["video_view"]).astype(np.int8), ts_ms=ts,
        received_ms=ts + (config.upload_delay_median_s * 1000 * rng.lognormal(0.0, 0.9, len(at))).astype(np.int64),
        video=np.where(head, -1, video), watch=np.where(head, -1, step_ms - rng.integers(300, 900, len(at))),
        amount=np.full(len(at), -1), session=value.session.max(initial=-1) + 1 + at,
    ).take(ts < config.scale.days * DAY_MS)

    ctx.count(NAME, "bot_accounts", len(bots))
    ctx.count(NAME, "internal_accounts", float(kind.sum()))
    return Log.concat(value, scripted)


def client(value: Log, ctx: Context, users: Users) -> Log:
    """Count what the bots add to views and DAU; here, before any corruption, the world's changes are all made.

    The log passes through unchanged.
    """
    flagged = is_bot(ctx, users)
    views = value.name == E["video_view"]
    bot_views = int(np.count_nonzero(views & flagged[value.user]))
    days = active_days(value, len(users), ctx.config.scale.days)
    ctx.count(NAME, "active_bots", int((flagged & (days > 0)).sum()))
    ctx.count(NAME, "bot_views", bot_views)
    ctx.count(NAME, "human_views", int(np.count_nonzero(views)) - bot_views)
    ctx.count(NAME, "bot_user_days", int(days[flagged].sum()))
    ctx.count(NAME, "human_user_days", int(days[~flagged].sum()))
    return value


def expected(config: Config, tally: dict[str, float]) -> dict[str, object]:
    """How many bot accounts there are and how much they inflate video views and DAU (UTC days)."""
    human_views, human_days = tally.get("human_views", 0.0), tally.get("human_user_days", 0.0)
    return {
        "bot_accounts": tally.get("bot_accounts", 0.0), "internal_accounts": tally.get("internal_accounts", 0.0),
        "active_bots": tally.get("active_bots", 0.0), "bot_views": tally.get("bot_views", 0.0),
        "view_inflation": tally.get("bot_views", 0.0) / human_views if human_views else 0.0,
        "bot_dau": tally.get("bot_user_days", 0.0) / config.scale.days,
        "dau_inflation": tally.get("bot_user_days", 0.0) / human_days if human_days else 0.0,
    }
