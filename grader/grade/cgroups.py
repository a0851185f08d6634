"""A control group per notebook: memory, processes and CPU limited for the job as a whole, not per process.

Per-process limits alone let a notebook multiply them: 20 forked children of 300 MB each, or 120 busy loops that
each left the process group. Where a cgroup hierarchy is writable (as root, v2 with the memory, pids and cpu
controllers, or v1 with a hierarchy for each), the grader makes `<its own group>/grader-<pid>/slot-<n>` for each
worker slot, with memory (swap included where the kernel counts it), task and CPU limits; a slot runs one notebook
at a time, whose worker moves itself in before it confines itself, so everything it starts is counted there;
after the notebook the grader kills whatever is left in the group, and removes the groups when the run ends.
Where none is writable `available()` is None, the per-process limits stay, and the log says so.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

_CONTROLLERS = ("memory", "pids", "cpu")
_PERIOD_US = 100_000


@dataclass(frozen=True)
class Limits:
    """What one job may use in total."""

    memory_mb: int
    tasks: int
    cpus: float = 1.0


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, file system type, options) of cgroup file systems."""
    found = []
    with open("/proc/self/mounts", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 4 and parts[2] in ("cgroup", "cgroup2"):
                found.append((parts[1], parts[2], set(parts[3].split(","))))
    return found


def _own_paths() -> dict[str, str]:
    """This process's group per hierarchy: controller name (or "" for v2) -> path."""
    paths = {}
    with open("/proc/self/cgroup", encoding="utf-8") as handle:
        for line in handle:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(value)


class Groups:
    """The cgroups of one grading run: a folder per controller (v1) or one for all (v2), and a group per job."""

    def __init__(self, version: int, bases: dict[str, Path]) -> None:
        self.version, self.bases = version, bases

    def create(self, name: str, limits: Limits) -> list[str]:
        """Make the job's group(s) with `limits`; returns the cgroup.procs files the worker joins."""
        memory, quota = str(limits.memory_mb * 2**20), str(int(limits.cpus * _PERIOD_US))
        folders = {controller: base / name for controller, base in self.bases.items()}
        for folder in dict.fromkeys(folders.values()):
            folder.mkdir()
        if self.version == 2:
            folder = folders["memory"]
            _write(folder / "memory.max", memory)
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(limits.tasks))
            _write(folder / "cpu.max", f"{quota} {_PERIOD_US}")
        else:
            _write(folders["memory"] / "memory.limit_in_bytes", memory)
            if (folders["memory"] / "memory.memsw.limit_in_bytes").exists():
                _write(folders["memory"] / "memory.memsw.limit_in_bytes", memory)
            _write(folders["pids"] / "pids.max", str(limits.tasks))
            _write(folders["cpu"] / "cpu.cfs_period_us", str(_PERIOD_US))
            _write(folders["cpu"] / "cpu.cfs_quota_us", quota)
        return [str(folder / "cgroup.procs") for folder in dict.fromkeys(folders.values())]

    def clear(self, name: str) -> None:
        """Kill whatever is left in the group(s) `name`, which stay for the slot's next job."""
        for folder in dict.fromkeys(base / name for base in self.bases.values()):
            _kill_all(folder)

    def close(self) -> None:
        """Remove the run's own folders and every job group still in them."""
        for base in dict.fromkeys(self.bases.values()):
            remove_tree(base)

    def parents(self) -> set[Path]:
        """The folders that hold this run's groups, and those of other runs."""
        return {base.parent for base in self.bases.values()}


def _kill_all(folder: Path) -> None:
    """SIGKILL every process in one group."""
    try:
        pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
    except OSError:
        pids = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _empty(folder: Path) -> None:
    """Kill the processes in one group and remove it (left in place while they are still exiting)."""
    _kill_all(folder)
    try:
        folder.rmdir()
    except OSError:
        pass


def remove_tree(folder: Path) -> None:
    """Remove a run's folder of groups: every job group in it, then itself (e.g. of a grader that was killed)."""
    for job in [entry for entry in folder.iterdir() if entry.is_dir()]:
        _empty(job)
    try:
        folder.rmdir()
    except OSError:
        pass


def _v2(run: str) -> Groups | None:
    mount = next((point for point, kind, _ in _mounts() if kind == "cgroup2"), None)
    own = _own_paths().get("")
    if mount is None or own is None:
        return None
    parent = Path(mount) / own.lstrip("/")
    if not set(_CONTROLLERS) <= set((parent / "cgroup.controllers").read_text().split()):
        return None
    base = parent / run
    base.mkdir()
    try:
        # Children get the controllers only if each level hands them down (fails where this group has processes
        # of its own and is not the hierarchy's root: then v2 limits are not possible here).
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
        if not set(_CONTROLLERS) <= enabled:
            _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in _CONTROLLERS))
        _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in _CONTROLLERS))
    except OSError:
        base.rmdir()
        raise
    return Groups(2, dict.fromkeys(_CONTROLLERS, base))


def _v1(run: str) -> Groups | None:
    own = _own_paths()
    bases = {}
    for controller in _CONTROLLERS:
        mount = next((point for point, kind, options in _mounts() if kind == "cgroup" and controller in options),
                      None)
        if mount is None or controller not in own:
            return None
        bases[controller] = Path(mount) / own[controller].lstrip("/") / run
    made = []
    try:
        for base in dict.fromkeys(bases.values()):
            base.mkdir()
            made.append(base)
    except OSError:
        for base in made:
            base.rmdir()
        raise
    return Groups(1, bases)


def available(run: str) -> Groups | None:
    """This run's cgroups (named `run`), or None where no hierarchy with memory, pids and cpu is writable."""
    for make in (_v2, _v1):
        try:
            groups = make(run)
        except OSError:
            groups = None
        if groups is not None:
            return groups
    return None


def join(procs: list[str]) -> None:
    """Move the calling process into the groups whose cgroup.procs files are `procs` (before confining it)."""
    for path in procs:
        _write(Path(path), "0")
