"""Synthesizer speed: events/s into DuckDB (small and ~100M events), peak RSS, and the ratio to a Faker loop.

Usage: python benchmarks/bench_synth.py [--skip-large] [--events-target N] [--workers N] [--faker-rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import psutil
import pyarrow as pa
from faker import Faker

from synth import schema
from synth.cli import default_workers
from synth.config import Config, config_for
from synth.plant import PLANT_NAMES
from synth.writer import build

TARGET_EVENTS_PER_S = 2_000_000
TARGET_100M_S = 60.0
TARGET_RSS_GB = 4.0
TARGET_FAKER_RATIO = 150.0
TARGET_PLANT_RATIO = 1.3  # every phenomenon planted vs the clean world


class TreeMonitor:
    """Samples the RSS and CPU time of this process and all its descendants while a build runs."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.peak_rss = 0
        self._cpu: dict[int, float] = {}
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rss = 0
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                rss += proc.memory_info().rss
                times = proc.cpu_times()
            except psutil.Error:
                continue
            self._cpu[proc.pid] = times.user + times.system
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __enter__(self) -> TreeMonitor:
        self._sample()
        self._cpu0 = dict(self._cpu)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU seconds used during the run by this process and by its descendants."""
        me = self._me.pid
        parent = self._cpu.get(me, 0.0) - self._cpu0.get(me, 0.0)
        children = sum(v - self._cpu0.get(pid, 0.0) for pid, v in self._cpu.items() if pid != me)
        return parent, children


@dataclasses.dataclass
class Run:
    label: str
    events: int
    seconds: float
    peak_rss: int
    parent_cpu: float
    worker_cpu: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def idle_rate(self) -> float:
        """Events/s if every CPU had been ours: on a shared machine the wall clock also counts others' work."""
        return self.events / ((self.parent_cpu + self.worker_cpu) / (os.cpu_count() or 1))


def timed_build(label: str, config: Config, folder: Path, workers: int) -> Run:
    out = folder / f"{config.scale.name}.duckdb"
    with TreeMonitor() as monitor:
        started = time.perf_counter()
        meta = build(config, out, workers=workers, progress=True)
        seconds = time.perf_counter() - started
    for p in folder.iterdir():
        p.unlink()
    return Run(label, int(meta["events_rows"]), seconds, monitor.peak_rss, *monitor.cpu_seconds())


def faker_rows_per_s(rows: int, config: Config) -> tuple[float, float]:
    """A row-per-event Faker loop producing the events columns, then the same Arrow -> DuckDB insert;
    rows per wall-clock second and per CPU second."""
    fake = Faker()
    Faker.seed(1)
    rnd = random.Random(1)
    start, end = config.window_start, config.window_end
    started, cpu_started = time.perf_counter(), time.process_time()
    data: dict[str, list] = {c: [] for c in schema.EVENTS.column_names}
    for _ in range(rows):
        ts = fake.date_time_between(start_date=start, end_date=end)
        name = rnd.choice(schema.EVENT_NAMES)
        view = name == "video_view"
        data["event_id"].append(fake.pyint(0, 2**62))
        data["user_id"].append(fake.pyint(0, config.scale.users))
        data["event_name"].append(name)
        data["event_ts"].append(ts)
        data["received_ts"].append(ts + timedelta(milliseconds=fake.pyint(50, 5000)))
        data["platform"].append(fake.random_element(schema.PLATFORMS))
        data["app_version"].append(fake.numerify("4.#.#"))
        data["country"].append(fake.country_code())
        data["video_id"].append(fake.pyint(0, 10**9) if view else None)
        data["watch_ms"].append(fake.pyint(500, 120_000) if view else None)
        data["amount_cents"].append(fake.pyint(99, 9999) if name == "purchase" else None)
    faked = pa.table(data)
    con = duckdb.connect()
    con.execute(schema.EVENTS.ddl())
    con.register("faked", faked)
    con.execute("INSERT INTO events SELECT * FROM faked")
    con.close()
    return rows / (time.perf_counter() - started), rows / (time.process_time() - cpu_started)


def sized(config: Config, events_target: int, events_per_user: float) -> Config:
    """`config` with enough users (whole blocks) for about `events_target` events."""
    blocks = max(1, round(events_target / events_per_user / config.block_users))
    scale = dataclasses.replace(config.scale, users=blocks * config.block_users)
    return config.replace(scale=scale)


def row(figure: str, measured: str, target: str = "", ok: bool | None = None) -> str:
    status = "" if ok is None else ("OK" if ok else "MISSED")
    return f"{figure:<44}{measured:>22}  {target:<16}{status}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-large", action="store_true", help="only the small build and the Faker loop")
    parser.add_argument("--events-target", type=int, default=None,
                        help="resize the large build to about this many events (default: the large scale as is)")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--faker-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="small builds, planted and clean, to take the best of")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the temporary datasets")
    args = parser.parse_args()

    small = config_for("small")
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-synth-", dir=args.tmp) as tmp:
        folder = Path(tmp)
        # Alternate planted and clean builds and keep each one's fastest: the first build of a process pays for
        # cold caches, and other work on the machine comes and goes.
        planted_runs, clean_runs = [], []
        for _ in range(args.repeat):
            planted_runs.append(timed_build("small", small, folder, args.workers))
            clean_runs.append(timed_build("small, clean world", small.replace(disabled=frozenset(PLANT_NAMES)),
                                          folder, args.workers))
        runs.append(min(planted_runs, key=lambda r: r.seconds))
        clean = min(clean_runs, key=lambda r: r.seconds)
        if not args.skip_large:
            large = config_for("large")
            if args.events_target:
                large = sized(large, args.events_target, runs[0].events / small.scale.users)
            runs.append(timed_build(f"large ({large.scale.users:,} users)", large, folder, args.workers))
    faker = faker_rows_per_s(args.faker_rows, small)

    print(f"\nmachine: {psutil.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
          f"workers {args.workers}")
    print(row("figure", "measured", "target"))
    for r in runs:
        print(row(f"{r.label}: events", f"{r.events:,}"))
        print(row(f"{r.label}: wall time", f"{r.seconds:.1f} s"))
        print(row(f"{r.label}: events/s end-to-end", f"{r.rate:,.0f}", f">= {TARGET_EVENTS_PER_S:,}",
                  r.rate >= TARGET_EVENTS_PER_S))
        print(row(f"{r.label}: CPU s writer (parent) / simulation", f"{r.parent_cpu:.1f} / {r.worker_cpu:.1f}"))
        print(row(f"{r.label}: events/s from CPU time (idle machine)", f"{r.idle_rate:,.0f}",
                  f">= {TARGET_EVENTS_PER_S:,}", r.idle_rate >= TARGET_EVENTS_PER_S))
        print(row(f"{r.label}: peak RSS, all processes", f"{r.peak_rss / 2**30:.2f} GB", f"<= {TARGET_RSS_GB} GB",
                  r.peak_rss <= TARGET_RSS_GB * 2**30))
    for how, planted_s, clean_s in (("wall", runs[0].seconds, clean.seconds),
                                    ("CPU", min(r.parent_cpu + r.worker_cpu for r in planted_runs),
                                     min(r.parent_cpu + r.worker_cpu for r in clean_runs))):
        print(row(f"small: planted / clean build time ({how})", f"{planted_s / clean_s:.2f}x",
                  f"<= {TARGET_PLANT_RATIO}x", planted_s / clean_s <= TARGET_PLANT_RATIO))
    if len(runs) > 1:
        for how, rate in (("wall", runs[-1].rate), ("CPU time, idle machine", runs[-1].idle_rate)):
            per_100m = 100_000_000 / rate
            print(row(f"time for 100M events ({how})", f"{per_100m:.1f} s", f"<= {TARGET_100M_S:.0f} s",
                      per_100m <= TARGET_100M_S))
    faker_wall, faker_cpu = faker
    print(row(f"Faker row loop ({args.faker_rows:,} rows): events/s", f"{faker_wall:,.0f}"))
    for how, ours, theirs in (("wall", max(r.rate for r in runs), faker_wall),
                              ("CPU time, idle machine", max(r.idle_rate for r in runs), faker_cpu)):
        print(row(f"synth / Faker ({how})", f"{ours / theirs:,.0f}x", f">= {TARGET_FAKER_RATIO:.0f}x",
                  ours / theirs >= TARGET_FAKER_RATIO))


if __name__ == "__main__":
    main()
