"""What a grading worker may do, applied in the worker process before any student code runs.

Layers, each enforced by the kernel, not by Python:
- resource limits: address space (memory), CPU seconds, file size, open files, processes (per uid), no core dumps;
- a cgroup per job where one is writable (cgroups.py): memory, tasks and CPU for the job as a whole;
- Landlock (Linux >= 5.13, unprivileged): the worker reads only the Python installation, system libraries and
  its hidden dataset, writes only its own working folder, cannot signal processes outside its sandbox (the
  grader, other workers) and cannot open TCP connections. Keys, the secret, solutions, other students' files
  and the grader's output folder are simply not reachable;
- seccomp (seccomp.py): no sockets of any kind, no io_uring, ptrace or keyrings, and below Landlock ABI 6 no
  signals outside the worker's own process group;
- as root: an unprivileged uid per worker slot (not in /etc/passwd), so file permissions protect too, and every
  process the student started can be killed afterwards with one kill(-1) as that uid.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import stat
import sys
from dataclasses import dataclass, field

from grader.grade.cgroups import join

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

# Landlock syscalls share these numbers on every architecture (they postdate the unified syscall table).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
_READ = _EXECUTE | _READ_FILE | _READ_DIR
_NET_ALL = 0b11  # bind and connect TCP
_SCOPE_ALL = 0b11  # abstract unix sockets and signals
_PR_SET_DUMPABLE, _PR_SET_NO_NEW_PRIVS = 4, 38
_NET_ABI, _SIGNAL_SCOPE_ABI = 4, 6  # the first ABIs that confine TCP, and signals and abstract unix sockets

_SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/sys/fs/cgroup",
                "/sys/devices/system/cpu", "/dev/urandom", "/dev/random", "/dev/zero")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    abi = _libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(abi), 0)


@dataclass(frozen=True)
class Confinement:
    """Everything a worker needs to confine itself; JSON-ready so it travels in the job spec."""

    work: str  # the worker's own folder: cwd, HOME, TMPDIR; the only place it may write
    read: list[str] = field(default_factory=list)  # extra read-only paths (the hidden dataset's folder)
    uid: int | None = None  # drop to this uid/gid (only when the grader runs as root)
    gid: int | None = None
    memory_mb: int = 2048
    cpu_s: int = 60
    file_mb: int = 100
    nproc: int = 128
    landlock: bool = True
    landlock_abi: int | None = None  # use at most this ABI: what an older kernel enforces (to check the fallbacks)
    seccomp: bool = True
    cgroups: list[str] = field(default_factory=list)  # cgroup.procs files of the job's own groups, to join first
    env: dict[str, str] = field(default_factory=dict)


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    _, ceiling = resource.getrlimit(which)
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(which, (soft, hard))


def _limits(c: Confinement) -> None:
    _set_limit(resource.RLIMIT_AS, c.memory_mb * 2**20)
    _set_limit(resource.RLIMIT_CPU, c.cpu_s, c.cpu_s + 5)  # SIGXCPU at the soft limit, SIGKILL 5 s later
    _set_limit(resource.RLIMIT_FSIZE, c.file_mb * 2**20)
    _set_limit(resource.RLIMIT_NOFILE, 1024)
    _set_limit(resource.RLIMIT_CORE, 0)
    if c.uid is not None:  # counted per uid, and each slot has its own uid
        _set_limit(resource.RLIMIT_NPROC, c.nproc)
    elif os.geteuid() != 0:  # a shared user: allow what it runs already, plus the notebook's share
        _set_limit(resource.RLIMIT_NPROC, tasks_of(os.getuid()) + c.nproc)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write raises OSError instead of killing


def tasks_of(uid: int) -> int:
    """Processes and threads whose real uid is `uid` (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields["Threads"])
        except (OSError, KeyError, ValueError):  # the process ended while being read
            continue
    return count


def _package_dirs(roots: list[str]) -> list[str]:
    """Imported packages that live outside `roots` (editable installs such as grader and synth themselves).

    Their folders are allowed one by one so that the checkout around them (solutions, tests) stays unreadable.
    """
    found = set()
    for name, module in list(sys.modules.items()):
        paths = getattr(module, "__path__", None)
        if "." in name or not paths or not isinstance(paths, list):
            continue
        for path in paths:
            real = os.path.realpath(path)
            if os.path.isdir(real) and not any(real == r or real.startswith(r + os.sep) for r in roots):
                found.add(real)
    return sorted(found)


def readable_roots() -> list[str]:
    """What every worker may read: the Python installation, system libraries, imported packages' folders.

    Computed once in the fork server (it walks sys.modules), not in every worker.
    """
    roots = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *_SYSTEM_READ)]
    return sorted({p for p in [*roots, *_package_dirs(roots)] if os.path.exists(p)})


def _add_rule(ruleset: int, path: str, access: int, handled: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= _FILE_RIGHTS
        rule = _PathBeneath(access & handled, fd)
        if _libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock rule for {path}")
    finally:
        os.close(fd)


def _landlock(c: Confinement, abi: int, roots: list[str]) -> None:
    handled = (1 << 13) - 1 | (_REFER if abi >= 2 else 0) | (_TRUNCATE if abi >= 3 else 0) \
        | (_IOCTL_DEV if abi >= 5 else 0)
    attr = _RulesetAttr(handled, _NET_ALL if abi >= _NET_ABI else 0, _SCOPE_ALL if abi >= _SIGNAL_SCOPE_ABI else 0)
    size = 24 if abi >= _SIGNAL_SCOPE_ABI else 16 if abi >= _NET_ABI else 8
    ruleset = _libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        for path in [*roots, f"/proc/{os.getpid()}", *c.read]:
            _add_rule(ruleset, path, _READ, handled)
        _add_rule(ruleset, c.work, handled, handled)
        _add_rule(ruleset, "/dev/null", _READ_FILE | _WRITE_FILE, handled)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if _libc.syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)


def hidden_from_others(path: str) -> bool:
    """True when some folder on the way to `path` is not searchable by other users (e.g. a Python under /root)."""
    parts = os.path.abspath(path).split(os.sep)
    for end in range(2, len(parts) + 1):
        try:
            if not os.stat(os.sep.join(parts[:end])).st_mode & stat.S_IXOTH:
                return True
        except OSError:
            return False
    return False


def open_reroutes() -> dict[str, int]:
    """O_PATH handles on import folders an unprivileged uid could not reach; opened once, before any fork.

    Imports through /proc/self/fd/N reach the folder without searching its (private) parents, so a Python
    installed under /root keeps working after the worker drops to an unprivileged uid.
    """
    return {path: os.open(path, os.O_PATH | os.O_DIRECTORY)
            for path in dict.fromkeys(sys.path) if path and os.path.isdir(path) and hidden_from_others(path)}


def _reroute_imports(reroutes: dict[str, int]) -> None:
    for old, fd in reroutes.items():
        new = f"/proc/self/fd/{fd}"
        sys.path[:] = [new if entry == old else entry for entry in sys.path]
        for module in list(sys.modules.values()):
            paths = getattr(module, "__path__", None)
            if isinstance(paths, list) and any(p == old or p.startswith(old + os.sep) for p in paths):
                paths[:] = [new + p[len(old):] if p == old or p.startswith(old + os.sep) else p for p in paths]
    sys.path_importer_cache.clear()


def _drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    # setuid made the process non-dumpable, which hands /proc/self to root; the worker needs /proc/self/fd.
    _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)


def confine(c: Confinement, abi: int, roots: list[str], reroutes: dict[str, int]) -> None:
    """Apply every layer to this process; irreversible. Raises OSError if a layer that was asked for fails."""
    join(c.cgroups)  # first: still root, and Landlock would refuse the write
    abi = abi if c.landlock_abi is None else min(abi, c.landlock_abi)
    _limits(c)
    if c.landlock and abi:
        _landlock(c, abi, roots)
    if c.uid is not None and c.gid is not None:
        _drop_privileges(c.uid, c.gid)
        _reroute_imports(reroutes)
    if c.seccomp:
        from grader.grade import seccomp

        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        seccomp.install(restrict_signals=not (c.landlock and abi >= _SIGNAL_SCOPE_ABI))
    os.chdir(c.work)
    os.environ.clear()
    os.environ.update(c.env)


def enforced(abi: int, seccomp: bool, root: bool) -> list[str]:
    """What the kernel enforces on workers with this Landlock ABI and seccomp, one line each (for the log)."""
    lines = []
    if abi:
        lines.append(f"Landlock ABI {abi}: files limited to Python, system libraries and the job's own dataset copy"
                     + ("; TCP bind/connect refused" if abi >= _NET_ABI else "")
                     + ("; signals and abstract unix sockets limited to the job" if abi >= _SIGNAL_SCOPE_ABI else ""))
    if seccomp:
        lines.append("seccomp: no sockets (unix, UDP, TCP, netlink), io_uring, ptrace or keyrings"
                     + ("" if abi >= _SIGNAL_SCOPE_ABI else "; signals only within the worker's process group"))
    if root:
        lines.append("one unprivileged uid per worker slot (the grader runs as root)")
    return lines
