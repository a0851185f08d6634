"""What differs between Linux, macOS and Windows, in one place: how worker processes start, whether a process
is alive, and what a console can print. Each function takes the fast facility where the platform has it and
falls back where it does not; tests simulate the absence (tests/synth/test_portable.py)."""

from __future__ import annotations

import functools
import io
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Protocol

WINDOWS = os.name == "nt"  # read through the module (portable.WINDOWS), so tests can simulate the platform
MACOS = sys.platform == "darwin"
# Windows API constants (winnt.h, winerror.h, minwinbase.h).
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
ERROR_ACCESS_DENIED = 5
STILL_ACTIVE = 259
REPLACE_TRIES = 20  # x 50 ms: a reader holds a small file for milliseconds


def start_context(preload: Sequence[str] = ()) -> BaseContext:
    """forkserver where the platform has it (Linux, macOS), else spawn (Windows).

    Neither copies the parent's threads (DuckDB's, Arrow's) into workers, so both give the same data; forkserver
    imports `preload` once for every worker, spawn has each worker import what it needs.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        return ctx
    return multiprocessing.get_context("spawn")


class Kernel32(Protocol):
    """The three Windows calls a liveness probe needs (a ctypes WinDLL, or a stand-in in tests)."""

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> Any: ...  # noqa: N802 - the API's names
    def GetExitCodeProcess(self, handle: Any, code: Any) -> int: ...  # noqa: N802
    def CloseHandle(self, handle: Any) -> int: ...  # noqa: N802


@functools.cache  # a build's workers probe their parent twice a second
def _kernel32() -> tuple[Kernel32, Any]:
    """Windows' kernel32 with typed handles (a 64-bit HANDLE must not be cut to an int), and its last error."""
    import ctypes
    from ctypes import wintypes

    dll = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    dll.OpenProcess.restype = wintypes.HANDLE
    dll.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    dll.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    dll.CloseHandle.argtypes = (wintypes.HANDLE,)
    return dll, ctypes.get_last_error  # type: ignore[attr-defined]


def _windows_pid_alive(pid: int) -> bool:
    """Windows: open the process and ask for its exit code (os.kill(pid, 0) would send it Ctrl-C)."""
    import ctypes

    kernel32, last_error = _kernel32()
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return bool(last_error() == ERROR_ACCESS_DENIED)  # someone else's process: alive, not ours to ask
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: never treat a process as gone without proof
        return code.value == STILL_ACTIVE  # a handle can outlive its process, which then has an exit code
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """Whether process `pid` is running, on any platform; a process we may not signal counts as alive."""
    if WINDOWS:
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)  # POSIX: signal 0 checks existence and delivers nothing
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def replace(source: Path, target: Path, tries: int = REPLACE_TRIES, pause_s: float = 0.05) -> None:
    """os.replace, which on Windows fails while another process has `target` open: there it tries again for a
    moment (another notebook's kernel reading the file briefly), then gives up with the last error."""
    for attempt in range(tries if WINDOWS else 1):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt + 1 >= (tries if WINDOWS else 1):
                raise
            time.sleep(pause_s)


def printable_console(streams: Sequence[Any] | None = None) -> None:
    """Let stdout and stderr print any text: a console whose encoding lacks a character (a Windows code page,
    output redirected there) shows '?' for it instead of failing with UnicodeEncodeError."""
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if isinstance(stream, io.TextIOWrapper) and encoding != "utf8":
            stream.reconfigure(errors="replace")
