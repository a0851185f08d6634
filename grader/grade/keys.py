"""Answer keys of several modules recorded at once on the worker pool: `grader key`, as hidden grading records them.

A kernel per solution (key.build_key, what check() does on first use) starts a Jupyter kernel and renders every
table and figure for nobody; the pool's pre-warmed workers only run the cells (the ten curriculum keys, two at a
time: 73 s in kernels, 46 s on the pool; benchmarks/bench_keys.py).
The pool needs Linux (as batch grading does); elsewhere `grader key` records each key in a kernel.
"""

from __future__ import annotations

import shutil
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from grader.grade.module import Module, load_module
from grader.grade.pool import Job, Pool, PoolError
from grader.grade.protocol import FAILED, of_kind
from grader.key import (
    TIMEOUT_S,
    Key,
    announce,
    build_key,
    dataset_info,
    find_key,
    finish_recording,
    new_recording,
)
from grader.paths import GraderError

Request = tuple[Module, str]  # a module whose key must be built, and why


def build_keys(modules: list[str], dataset: Path, *, solutions: str | Path | None = None, jobs: int = 1,
               rebuild: bool = False, progress: bool = True, pool: Pool | None = None) -> dict[str, Key]:
    """The current keys of `modules` for `dataset`, the missing or stale ones built `jobs` at a time.

    `pool`, when given, is a started pool to run them on (it stays open); else one is started for this call.
    """
    dataset = Path(dataset).resolve()
    info = dataset_info(dataset)
    keys: dict[str, Key] = {}
    requests: list[Request] = []
    loaded = [load_module(name, solutions) for name in modules]
    for module in loaded:
        found = (None, "a rebuild was asked for") if rebuild else find_key(module.name, dataset, info, module.solution)
        if found[0] is not None:
            keys[module.name] = found[0]
        else:
            requests.append((module, str(found[1])))
    if requests and pool is None and not sys.platform.startswith("linux"):
        keys.update(in_kernels(requests, dataset, info, jobs, progress))
    elif requests:
        folders: list[Path] = []
        try:
            with _running(pool) as running:
                keys.update(record(requests, dataset, info, jobs, running, progress, folders))
        finally:  # after the pool stopped its jobs: an interrupted or failed recording leaves nothing behind
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
    return {module.name: keys[module.name] for module in loaded}


def record(requests: list[Request], dataset: Path, info: dict[str, str], jobs: int, pool: Pool, progress: bool,
           folders: list[Path]) -> dict[str, Key]:
    """Run each requested solution in record mode on `pool`, `jobs` at a time, into new `folders` (the caller
    removes what is left of them); the first failure is raised once the others have finished."""
    waiting, keys, errors = deque(requests), {}, []
    running: dict[Job, tuple[Module, Path]] = {}
    while waiting or running:
        while waiting and len(running) < jobs:
            module, reason = waiting.popleft()
            if progress:
                announce(module.name, info, reason)
            folder = new_recording(module.name, dataset, info)
            folders.append(folder)
            job = Job({"kind": "key", "cells": module.cells, "record": str(folder), "dataset": str(dataset),
                       "solutions": str(module.solution.parent)}, notebook_timeout=TIMEOUT_S)
            pool.submit(job)
            running[job] = (module, folder)
        for job in pool.wait():
            module, folder = running.pop(job)
            try:
                if job.done is None:
                    errors.append(GraderError(f"the solution of {module.name} failed on {dataset}: {_why(job)}"))
                else:
                    keys[module.name] = finish_recording(folder, module.name, module.solution, info, module.reference)
            except GraderError as error:
                errors.append(error)
    if errors:
        raise errors[0]
    return keys


def in_kernels(requests: list[Request], dataset: Path, info: dict[str, str], jobs: int,
               progress: bool) -> dict[str, Key]:
    """Each requested key recorded in a Jupyter kernel, `jobs` at a time: the pool's fork server needs Linux."""
    def one(request: Request) -> Key:
        module, reason = request
        return build_key(module.name, dataset, solutions=module.solution.parent, info=info, reason=reason,
                         progress=progress)

    # Each build waits on its own kernel process, so threads are enough to keep every core busy.
    with ThreadPoolExecutor(max_workers=min(jobs, len(requests))) as threads:
        return dict(zip((module.name for module, _ in requests), threads.map(one, requests), strict=True))


def _why(job: Job) -> str:
    """What stopped a key job, in the words its worker or the pool used."""
    failed = next((str(e.get("error")) for e in of_kind(job.events, FAILED)), None)
    if failed:
        return failed
    if job.killed:
        return f"stopped after {TIMEOUT_S} s"
    return job.broken or ("the worker pool died" if job.lost else f"exit status {job.status}")


@contextmanager
def _running(pool: Pool | None) -> Iterator[Pool]:
    """`pool` as given, or a pool of this call's own, stopped at the end."""
    if pool is not None:
        yield pool
        return
    with TemporaryDirectory(prefix="grader-keys-") as scratch:
        own = Pool(Path(scratch))
        try:
            own.start()
        except PoolError as error:
            raise GraderError(f"cannot build answer keys: {error}") from None
        try:
            yield own
        finally:
            own.close()
