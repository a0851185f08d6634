"""A seccomp filter for grading workers: the system calls Landlock cannot refuse, refused with EPERM.

Landlock (see sandbox.py) confines files, TCP and - from ABI 6 - signals and abstract unix sockets. It does not
cover pathname unix sockets (an instructor's ssh-agent), UDP or netlink, nor signals before ABI 6. This filter,
a classic BPF program installed with prctl, refuses for the worker and everything it starts:
- creating any socket: a notebook needs no network and no IPC beyond its own pipe (socketpair stays allowed: a
  connected pair reaches nothing outside the job, and asyncio's event loop needs one);
- io_uring (it could open sockets past the filter), ptrace and process_vm_* (other processes' memory),
  the kernel keyrings, unshare and setns;
- below Landlock ABI 6: every signal except to the worker itself and its own process group (kill(-1) and the
  grader's pid are refused), since nothing else tells the job's processes from the grader's.
Any other architecture's system calls (32-bit entry points) kill the process.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_KILL_PROCESS = 0x7FFF0000, 0x80000000
_RET_EPERM = 0x00050000 | errno.EPERM
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (args[i] at 16 + 8 i; the low half first)
_X32_BIT = 0x40000000

# architecture -> (AUDIT_ARCH value, system call numbers)
_ARCHES = {
    "x86_64": (0xC000003E, {
        "socket": 41, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "setns": 308, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "pidfd_send_signal": 424, "kill": 62, "tkill": 200,
        "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297}),
    "aarch64": (0xC00000B7, {
        "socket": 198, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "add_key": 217, "request_key": 218, "keyctl": 219, "unshare": 97, "setns": 268, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "pidfd_send_signal": 424, "kill": 129, "tkill": 130,
        "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240}),
}
_ALWAYS = ("socket", "ptrace", "process_vm_readv", "process_vm_writev", "add_key", "request_key",
           "keyctl", "unshare", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register",
           "pidfd_send_signal")
_SIGNALS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # the target pid is the first argument


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def available() -> bool:
    """Whether this kernel and architecture take the filter (a NULL program gets EFAULT, not EINVAL)."""
    if platform.machine() not in _ARCHES:
        return False
    return _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, None, 0, 0) < 0 and ctypes.get_errno() == errno.EFAULT


def program(pid: int, restrict_signals: bool, machine: str | None = None) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions for the worker `pid`."""
    arch, numbers = _ARCHES[machine or platform.machine()]
    code = [(_LD_W_ABS, 0, 0, _ARCH), (_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, _RET_KILL_PROCESS), (_LD_W_ABS, 0, 0, _NR)]
    if arch == _ARCHES["x86_64"][0]:
        code += [(_JGE_K, 0, 1, _X32_BIT), (_RET_K, 0, 0, _RET_EPERM)]
    for name in _ALWAYS:
        code += [(_JEQ_K, 0, 1, numbers[name]), (_RET_K, 0, 0, _RET_EPERM)]
    if restrict_signals:
        own, group = pid & 0xFFFFFFFF, -pid & 0xFFFFFFFF
        # Load the target (pid_t: the low 32 bits) and allow 0, the worker and its process group; else EPERM.
        target = [(_LD_W_ABS, 0, 0, _ARG0), (_JEQ_K, 3, 0, 0), (_JEQ_K, 2, 0, own), (_JEQ_K, 1, 0, group),
                  (_RET_K, 0, 0, _RET_EPERM), (_RET_K, 0, 0, _RET_ALLOW)]
        for name in _SIGNALS:
            code += [(_JEQ_K, 0, len(target), numbers[name]), *target]
    code.append((_RET_K, 0, 0, _RET_ALLOW))
    return code


def install(restrict_signals: bool) -> None:
    """Filter this process and its future children; irreversible. Needs no_new_privs (set by the caller)."""
    code = program(os.getpid(), restrict_signals)
    filters = (_Filter * len(code))(*(_Filter(*instruction) for instruction in code))
    prog = _Program(len(code), filters)
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter")

