"""What the pytest-xdist workers share: datasets and answer keys built once per run, by whichever worker asks first.

Session fixtures live once per worker; without this each of the two workers built the same datasets and ran the same
solution notebooks for the same keys. A file lock per artefact makes the other worker wait, then reuse it.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from support.modules import SOLUTIONS


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run sees: the parent of the workers' own temporary folders under xdist."""
    base = factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(exist_ok=True)
    return root


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named after `path` (the other workers wait for it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def built_once(path: Path, build: Callable[[Path], object]) -> Path:
    """`path`, built by `build(path)` unless a worker of this run already built it."""
    done = path.parent / f".{path.name}.done"
    with locked(path):
        if not done.exists():
            build(path)
            done.touch()
    return path


def shared_key(module: str, dataset: Path, solutions: Path | None = None, *, kernel: bool = False) -> Any:
    """`module`'s answer key on `dataset` (the curriculum's solutions unless given), built once per run: on this
    worker's pool as `grader key` builds keys, or with `kernel` in a Jupyter kernel as check() does."""
    from grader.grade.keys import build_keys
    from grader.key import load_key

    solutions = solutions or SOLUTIONS
    with locked(dataset.with_name(f"{dataset.name}.{module}")):
        if kernel:
            return load_key(module, dataset, solutions=solutions, progress=False)
        return build_keys([module], dataset, solutions=solutions, progress=False, pool=key_pool())[module]


@functools.cache
def key_pool() -> Any:
    """This process's worker pool for building keys, started on first use and stopped when the process exits."""
    from grader.grade.pool import Pool

    scratch = Path(tempfile.mkdtemp(prefix="key-pool-"))
    pool = Pool(scratch)
    pool.start()
    atexit.register(lambda: (pool.close(), shutil.rmtree(scratch, ignore_errors=True)))
    return pool


class Keys(Mapping[str, Any]):
    """Answer keys of `modules` on one dataset, each built on first use, once per run whichever worker asks."""

    def __init__(self, modules: list[str], dataset: Path, solutions: Path, *, kernel: bool = False) -> None:
        self._modules, self._dataset, self._solutions, self._kernel = modules, dataset, solutions, kernel
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, module: str) -> Any:
        if module not in self._modules:
            raise KeyError(module)
        if module not in self._loaded:
            self._loaded[module] = shared_key(module, self._dataset, self._solutions, kernel=self._kernel)
        return self._loaded[module]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)
