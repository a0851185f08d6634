"""Write a dataset and its truth file: simulate blocks (optionally in worker processes), append them in
block order, then swap both files in atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
from tqdm import tqdm

import synth
from synth import portable, schema
from synth.dataset import DatasetError, one, truth_path
from synth.portable import pid_alive, start_context

if TYPE_CHECKING:
    from synth.config import Config

TRUTH_PREFIX = "truth."
TALLY = "truth.tally"  # per-block counts of the plants, summed over blocks into planted_effects
TEMP_MARK = ".tmp-"
ASIDE = ".old"  # suffix of a temp name: where Windows builds move the previous file before renaming onto it
SHM = Path("/dev/shm")  # Linux's RAM-backed folder; elsewhere blocks go through the temp folder
SHM_MIN_FREE = 2 << 30  # bytes; blocks in flight take a few hundred MB at most
EXCHANGE_PREFIX = "synth-build-"
WRITER_MEMORY = "1GB"  # DuckDB's buffer pool in the writing process
BATCH_ROWS = 200_000  # tables smaller than this per block are inserted for several blocks at once

Tally = dict[tuple[str, str], float]


def temp_path(out: Path, pid: int | None = None) -> Path:
    """The hidden file a build of `out` writes before it is renamed onto `out`."""
    return out.parent / f".{out.name}{TEMP_MARK}{os.getpid() if pid is None else pid}"


class DatasetBusy(DatasetError):
    """Windows cannot replace a dataset another process has open; the message names the fix."""


def _remove(path: Path) -> None:
    """Delete a database file with its write-ahead log, spill folder and set-aside predecessor."""
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ASIDE)):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def _remove_stale_temps(out: Path) -> None:
    """Delete temp files left by builds that were killed (their process is gone)."""
    for p in out.parent.glob(f".{out.name}{TEMP_MARK}*"):
        pid = p.name.rsplit(TEMP_MARK, 1)[1].split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            _remove(temp_path(out, int(pid)))


def _exchange_base() -> Path:
    """Where exchange folders go: RAM-backed /dev/shm where it exists and is writable, else the temp folder."""
    return SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else Path(tempfile.gettempdir())


def _exchange_dir() -> Path | None:
    """A fresh folder for handing blocks from workers to the parent, if the machine has room (else None: blocks
    are pickled). Only its name: the workers create it, so a build killed before they started leaves nothing."""
    base = _exchange_base()
    for stale in base.glob(f"{EXCHANGE_PREFIX}*"):
        pid = stale.name.removeprefix(EXCHANGE_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    if not os.access(base, os.W_OK) or shutil.disk_usage(base).free < SHM_MIN_FREE:
        return None
    return base / f"{EXCHANGE_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"


def _init_worker(parent: int, folder: Path | None) -> None:
    """Worker initializer: Ctrl-C is the parent's to handle, and a killed build (SIGKILL gives it no chance
    to clean up) takes its workers and their exchange folder along."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if folder is not None:
        folder.mkdir(mode=0o700, exist_ok=True)  # before the watch starts, which removes it

    def watch() -> None:
        while pid_alive(parent):
            time.sleep(0.5)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _simulate_to_files(config: Config, block: int, folder: Path) -> dict[str, str]:
    """Worker side: simulate a block and write each table as an Arrow IPC stream (cheaper than pickling)."""
    from synth.simulate import simulate_block

    paths = {}
    for name, table in simulate_block(config, block).items():
        path = str(folder / f"{block}.{name}.arrows")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        paths[name] = path
    return paths


def _read_files(paths: Mapping[str, str]) -> dict[str, pa.Table]:
    """Parent side: memory-map a block's tables (no copy); the files go, the mappings live with the tables.
    Windows cannot delete a mapped file, so there the tables are read into memory first."""
    tables = {}
    for name, path in paths.items():
        with pa.OSFile(path) if portable.WINDOWS else pa.memory_map(path) as source:
            tables[name] = pa.ipc.open_stream(source).read_all()
        try:
            os.unlink(path)
        except PermissionError:
            if not portable.WINDOWS:
                raise
            # A virus scanner may hold a new file for a moment; the folder is removed with it at the end.
    return tables


@contextmanager
def _simulated_blocks(config: Config, workers: int, check: Callable[[], None]
                      ) -> Iterator[Iterator[dict[str, pa.Table]]]:
    """Each block's tables, in block order, whatever the number of workers; `check` runs while waiting.
    Workers start on entry, so they import and simulate while the caller sets up its files."""
    from synth.simulate import simulate_block

    n = config.n_blocks
    workers = min(workers, n)
    if workers <= 1:
        yield (simulate_block(config, block) for block in range(n))
        return
    # forkserver (spawn on Windows): workers never inherit the parent's DuckDB or Arrow threads. A dead worker
    # raises BrokenProcessPool here instead of hanging the build. pandas is preloaded too: pyarrow imports it on
    # first use, which would cost every worker most of a second.
    ctx = start_context(["pandas", "synth.writer", "synth.simulate"])
    folder = _exchange_dir()
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(os.getpid(), folder))

    def submit(block: int) -> Future:
        if folder is None:
            return pool.submit(simulate_block, config, block)
        return pool.submit(_simulate_to_files, config, block, folder)

    # A bounded window of blocks in flight keeps memory flat while the parent inserts.
    todo = iter(range(n))
    pending: deque[Future] = deque()
    failed: list[BaseException] = []

    def start() -> None:
        try:
            pending.extend(submit(b) for b in islice(todo, 2 * workers))
        except BaseException as error:  # raised again in the caller's thread, where the build can fail
            failed.append(error)

    # The first submissions wait for the fork server to import its modules: let the caller go on meanwhile.
    starter = threading.Thread(target=start)
    starter.start()

    def results() -> Iterator[dict[str, pa.Table]]:
        starter.join()
        if failed:
            raise failed[0]
        while pending:
            head = pending.popleft()
            while not wait([head], timeout=0.2).done:
                check()
            result = head.result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(submit(nxt))
            yield result if folder is None else _read_files(result)

    finished = False
    try:
        yield results()
        finished = not pending
    finally:
        starter.join()
        if not finished:
            # A failed or interrupted build should not wait for blocks nobody will read.
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _create(path: Path, tables: tuple[schema.Table, ...]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")  # the build has its own bar, per block
    # Written blocks are on disk; without a limit DuckDB would keep them cached up to most of the RAM.
    con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")
    con.execute("BEGIN")
    for t in dict.fromkeys((*tables, schema.DATASET_INFO)):
        con.execute(t.ddl())
    con.execute("COMMIT")
    return con


def _append(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> None:
    cols = ", ".join(schema.table(name).column_names)
    con.register("block_in", data)
    try:
        con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM block_in")
    finally:
        con.unregister("block_in")


class _Store:
    """Routes simulated tables: truth.* to the truth file, the tally into `tally`, the rest to the dataset.
    Small tables wait for later blocks' rows: an INSERT costs about a millisecond whatever its size."""

    def __init__(self, con: duckdb.DuckDBPyConnection, truth: duckdb.DuckDBPyConnection) -> None:
        self.con, self.truth = con, truth
        self.tally: Tally = defaultdict(float)
        self.waiting: dict[str, list[pa.Table]] = defaultdict(list)

    def add(self, data: Mapping[str, pa.Table]) -> None:
        for name, rows in data.items():
            if name == TALLY:
                for plant, key, value in zip(*(rows.column(c).to_pylist() for c in ("plant", "key", "value")),
                                             strict=True):
                    self.tally[(plant, key)] += value
                continue
            known = schema.TRUTH_TABLES if name.startswith(TRUTH_PREFIX) else schema.TABLES
            if name.removeprefix(TRUTH_PREFIX) not in {t.name for t in known}:
                raise ValueError(f"the simulation produced table {name!r}, which synth/schema.py does not define")
            self.waiting[name].append(rows)
            if sum(t.num_rows for t in self.waiting[name]) >= BATCH_ROWS:
                self._insert(name)

    def _insert(self, name: str) -> None:
        rows = pa.concat_tables(self.waiting.pop(name))
        if name.startswith(TRUTH_PREFIX):
            _append(self.truth, name.removeprefix(TRUTH_PREFIX), rows)
        else:
            _append(self.con, name, rows)

    def flush(self) -> None:
        """Insert every table's waiting rows."""
        for name in list(self.waiting):
            self._insert(name)


def planted_effects(config: Config, tally: Tally) -> pa.Table:
    """One planted_effects row per enabled plant: what it is, its parameters and its expected findings."""
    from synth import plant

    rows: dict[str, list[str]] = {c: [] for c in schema.PLANTED_EFFECTS.column_names}
    for p in plant.enabled(config):
        own = {key: value for (name, key), value in tally.items() if name == p.NAME}
        rows["effect_id"].append(p.NAME)
        rows["title"].append(p.TITLE)
        rows["module"].append(p.MODULE)
        rows["params"].append(json.dumps(dataclasses.asdict(getattr(config, p.NAME)), sort_keys=True))
        rows["expected"].append(json.dumps(p.expected(config, own) if hasattr(p, "expected") else own,
                                           sort_keys=True))
    return pa.table({c: pa.array(v, pa.string()) for c, v in rows.items()})


def _merge_clean_counts(truth: duckdb.DuckDBPyConnection) -> None:
    """One clean_event_counts row per (day, event_name): blocks each counted their own users' events."""
    truth.execute("CREATE TEMP TABLE merged AS SELECT day, event_name, sum(events)::BIGINT AS events "
                  "FROM clean_event_counts GROUP BY ALL")
    truth.execute("DELETE FROM clean_event_counts")
    truth.execute("INSERT INTO clean_event_counts SELECT * FROM merged ORDER BY day, event_name")
    truth.execute("DROP TABLE merged")


def content_checksum(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 over every data table's columns, row count and order-free sum of row hashes (not dataset_info)."""
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name <> 'dataset_info' ORDER BY table_name"
    ).fetchall()
    digest = hashlib.sha256()
    for (name,) in tables:
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
            "AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [name]
        ).fetchall()]
        total, rows = one(con,
            f"SELECT coalesce(sum(hash({', '.join(cols)}))::HUGEINT, 0), count(*) FROM {name}"
        )
        digest.update(f"{name}:{','.join(cols)}:{rows}:{total}\n".encode())
    return digest.hexdigest()


def _write_info(con: duckdb.DuckDBPyConnection, meta: Mapping[str, str]) -> None:
    con.executemany("INSERT INTO dataset_info VALUES (?, ?)", list(meta.items()))
    con.execute("CHECKPOINT")


@contextmanager
def _interrupt_between_blocks() -> Iterator[Callable[[], None]]:
    """Hold Ctrl-C while DuckDB inserts (it would turn it into a generic query error) and yield a check
    that raises it as KeyboardInterrupt at the next block boundary."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield lambda: None
        return
    pressed = threading.Event()

    def check() -> None:
        if pressed.is_set():
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, lambda *_: pressed.set())
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)


def _write(config: Config, blocks: Iterator[dict[str, pa.Table]], path: Path, truth_file: Path,
           progress: bool, check: Callable[[], None]) -> dict[str, str]:
    from synth.simulate import simulate_static

    con = _create(path, schema.TABLES)
    truth = _create(truth_file, schema.TRUTH_TABLES)
    try:
        store = _Store(con, truth)
        store.add(simulate_static(config))
        events = 0
        # disable=None lets tqdm hide the bar when stderr is not a terminal.
        with tqdm(total=config.n_blocks, unit="block", desc="synth build", file=sys.stderr,
                  disable=None if progress else True) as bar:
            for tables in blocks:
                store.add(tables)
                events += tables["events"].num_rows
                bar.set_postfix_str(f"{events:,} events", refresh=False)
                bar.update(1)
                check()
        store.flush()
        _append(truth, "planted_effects", planted_effects(config, store.tally))
        _merge_clean_counts(truth)
        counts = {
            name: one(con, f"SELECT count(*) FROM {name}")[0] for name in ("users", "events", "videos")
        }
        meta = {
            "seed": str(config.seed),
            "scale": config.scale.name,
            "synth_version": synth.__version__,
            "schema_version": str(schema.SCHEMA_VERSION),
            "window_start": config.window_start.isoformat(sep=" "),
            "window_end": config.window_end.isoformat(sep=" "),
            **{f"{name}_rows": str(n) for name, n in counts.items()},
            "checksum": content_checksum(con),
            "built_with": f"duckdb {duckdb.__version__}, numpy {np.__version__}, pyarrow {pa.__version__}",
        }
        _write_info(con, meta)
        # The truth file names the dataset it belongs to, so a mismatched pair can be detected.
        _write_info(truth, {"seed": meta["seed"], "scale": meta["scale"], "dataset_checksum": meta["checksum"],
                            "checksum": content_checksum(truth)})
    finally:
        truth.close()
        con.close()
    return meta


def _commit(moves: list[tuple[Path, Path]]) -> None:
    """Rename each finished temp file onto its final name; the last (the dataset) is the commit: once it is in
    place, the truth beside it is its own."""
    if not portable.WINDOWS:
        for temp, final in moves:
            os.replace(temp, final)  # atomic: open connections keep reading the old file
        return
    # Windows cannot rename over a file another process has open (a notebook's connection): move the old files
    # aside first, so that a file in use stops the build before anything has changed.
    aside: list[tuple[Path, Path]] = []
    for temp, final in reversed(moves):
        if final.exists():
            old = temp.with_name(temp.name + ASIDE)
            try:
                os.replace(final, old)
            except PermissionError:
                for back, place in reversed(aside):
                    os.replace(back, place)
                raise DatasetBusy(f"cannot replace {final}: another program has it open (a notebook's kernel, a "
                                  "DuckDB shell) and Windows cannot replace an open file; shut that kernel down "
                                  "(Kernel > Shut Down Kernel) and build again") from None
            aside.append((old, final))
    for temp, final in moves:
        os.replace(temp, final)
    for old, _ in aside:
        old.unlink()


def build(config: Config, out: Path, workers: int = 1, progress: bool = True) -> dict[str, str]:
    """Simulate `config` into the DuckDB file `out` and its truth file, atomically; returns dataset_info."""
    out = Path(out)
    truth = truth_path(out)
    for final in (out, truth):
        _remove_stale_temps(final)
    tmp, tmp_truth = temp_path(out), temp_path(truth)
    try:
        with _interrupt_between_blocks() as check:
            with _simulated_blocks(config, workers, check) as blocks:
                meta = _write(config, blocks, tmp, tmp_truth, progress, check)
            check()
            _commit([(tmp_truth, truth), (tmp, out)])
    except BaseException:
        _remove(tmp)
        _remove(tmp_truth)
        raise
    return meta
