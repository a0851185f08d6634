"""Working folders with a size and a file-count limit: a tmpfs mounted per job (root only).

A notebook that fills its working folder, or creates a million files in it, then fills its own tmpfs and gets
ENOSPC; the grader's disk and the other jobs do not notice. Without root (or where mounting is not allowed) the
folder is a plain directory and only the per-file size limit (RLIMIT_FSIZE) applies.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8
_MNT_DETACH = 2


def mount_limited(path: Path, size_mb: int, files: int, uid: int) -> None:
    """Mount a private tmpfs of `size_mb` and `files` inodes on `path`, owned by `uid`; raises OSError."""
    options = f"size={size_mb}m,nr_inodes={files},mode=0700,uid={uid},gid={uid}".encode()
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    if _libc.mount(b"grader-work", os.fsencode(path), b"tmpfs", flags, options) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(path))


def unmount_under(folder: Path) -> None:
    """Detach every mount at or below `folder` (what a job, or a crashed run, left mounted)."""
    prefix = os.fsencode(folder.absolute())
    try:
        with open("/proc/self/mounts", "rb") as handle:
            points = [line.split()[1] for line in handle if len(line.split()) > 1]
    except OSError:
        return
    for point in sorted(points, key=len, reverse=True):
        point = point.replace(b"\\040", b" ")
        if point == prefix or point.startswith(prefix + b"/"):
            _libc.umount2(point, _MNT_DETACH)
