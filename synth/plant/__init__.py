"""Planted phenomena: named, switchable steps that change the clean world, each with its ground truth.

A plant is a module in this package with NAME, TITLE, MODULE (the curriculum module that uses it), DETAILS (its
page in docs/instructors/), its parameters as a frozen dataclass `Params`, and any of the stage hooks below;
helpers several plants share live in plant/shared/. Config holds each plant's Params in a field named like the
plant; the order of those fields is the order hooks run in (synth.config.PLANT_NAMES, the one list of plants: a
test fails on a module left off it). Each hook takes the stage's value, the block Context and the block's users,
and returns the changed value. `static_tables(config)` may contribute whole tables (e.g. a calendar);
`expected(config, tally)` gives the values a correct analysis should find, from the plant's parameters and what
its hooks counted (Context.count) over all blocks. Days in parameters are window day indices: day 0 is
2025-09-01, a Monday.

Stages, in pipeline order (see synth/simulate.py):
  users    Users        who the users are (flag bots, shorten a cohort's lifetimes)
  days     Days         which days each user is active (promotions, an engagement drop)
  plan     SessionPlan  what each session contains (an experiment's lift, a funnel's friction)
  world    Log          behaviour the session model can't express (bots' round-the-clock views)
  server   Log          the backend's record (an outage loses requests)
  client   Log          what the app's SDK delivers: the corruption layer (duplicates, skew, drops)
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from synth import rng as streams

if TYPE_CHECKING:
    from synth.config import Config

STAGES = ("users", "days", "plan", "world", "server", "client")

def plants() -> tuple[ModuleType, ...]:
    """Every plant module, in application order."""
    from synth.config import PLANT_NAMES  # config gathers the plants' parameters, so it imports them first

    return tuple(import_module(f"synth.plant.{name}") for name in PLANT_NAMES)


def enabled(config: Config) -> tuple[ModuleType, ...]:
    """The plants this config switches on."""
    return tuple(p for p in plants() if p.NAME not in config.disabled)


@dataclass
class Context:
    """What a hook may use while one block is simulated, and where it leaves rows and counts for the truth."""

    config: Config
    block: int
    tables: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))
    tally: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    memo: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def rng(self, plant: str) -> np.random.Generator:
        """A stream of its own for each plant and block, keyed by the plant's name: adding, removing or
        reordering plants never shifts another plant's draws."""
        return streams.stream(self.config.seed, streams.PLANT + zlib.crc32(plant.encode()), self.block)

    def emit(self, table: str, rows: pa.Table) -> None:
        """Add rows to a dataset table (e.g. assignments) or, named truth.*, to a truth table."""
        self.tables[table].append(rows)

    def derived(self, key: str, source: Any, compute: Any) -> Any:
        """compute(source), computed once per block while `source` is the very same object (plants share it)."""
        hit = self.memo.get(key)
        if hit is None or hit[0] is not source:
            hit = self.memo[key] = (source, compute(source))
        return hit[1]

    def count(self, plant: str, key: str, value: float) -> None:
        """Add to a number the plant's `expected` will read back, summed over all blocks."""
        self.tally[(plant, key)] += float(value)


def apply(stage: str, value: Any, ctx: Context, users: Any) -> Any:
    """Run every enabled plant's hook for `stage` over `value`."""
    for plant in enabled(ctx.config):
        hook = getattr(plant, stage, None)
        if hook is not None:
            value = hook(value, ctx, users)
    return value


def stages(plant: ModuleType) -> tuple[str, ...]:
    """The stages a plant hooks into, in pipeline order."""
    return tuple(stage for stage in STAGES if hasattr(plant, stage))


def _details(page: str) -> str:
    """A link to the plant's page; the table's own page says 'below'."""
    return "below" if page == "planted.md" else f"[{page.removeprefix('planted-').removesuffix('.md')}]({page})"


def markdown() -> str:
    """The instructors' table of plants (docs/instructors/planted.md), in application order, from the plants."""
    rows = [f"| {n} | `{p.NAME}` — {p.TITLE} | {p.MODULE[:2]} | {', '.join(stages(p))} | {_details(p.DETAILS)} |"
            for n, p in enumerate(plants(), 1)]
    return "\n".join(["| # | plant | module | stage(s) | details |", "|---|---|---|---|---|", *rows]) + "\n"
