"""What the pytest-xdist workers share: datasets and answer keys built once per run, by whichever worker asks first.

Session fixtures live once per worker; without this each of the two workers built the same datasets and ran the same
solution notebooks for the same keys. A file lock per artefact makes the other worker wait, then reuse it.
"""

from __future__ import annotations

import fcntl
import os
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


def shared_key(module: str, dataset: Path, solutions: Path | None = None) -> Any:
    """`module`'s answer key on `dataset` (the curriculum's solutions unless given), built once per run."""
    from grader.key import load_key

    with locked(dataset.with_name(f"{dataset.name}.{module}")):
        return load_key(module, dataset, solutions=solutions or SOLUTIONS, progress=False)


class Keys(Mapping[str, Any]):
    """Answer keys of `modules` on one dataset, each built on first use, once per run whichever worker asks."""

    def __init__(self, modules: list[str], dataset: Path, solutions: Path) -> None:
        self._modules, self._dataset, self._solutions = modules, dataset, solutions
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, module: str) -> Any:
        if module not in self._modules:
            raise KeyError(module)
        if module not in self._loaded:
            self._loaded[module] = shared_key(module, self._dataset, self._solutions)
        return self._loaded[module]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)
