"""The class folder's set-up on a shared server, and the instructor's secret behind pseudonyms.

Recommended: a drop-box folder of mode 3733 owned by the instructor, whose group only the instructor (and
assistants) belong to. Students may create files (w+x) but not list the folder (no r); the sticky bit stops them
renaming or deleting each other's files; the setgid bit gives every new file the folder's group, so the 0640
records students write are readable by the instructor's group and by nobody else.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import stat
from pathlib import Path

from grader.paths import GraderError, cache_dir

MODE = 0o3733  # setgid + sticky; owner rwx; group and others write and enter, never list


def group_id(name: str | None) -> int:
    """The gid of group `name`, or this user's primary group."""
    if name is None:
        return os.getgid()
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise GraderError(f"there is no group {name!r}; create it (groupadd) or pass an existing --group") from None


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:  # a gid without an entry (containers): its number is its name
        return str(gid)


def other_members(gid: int) -> list[str]:
    """Users other than this one who belong to group `gid` (and so could read every student's record)."""
    try:
        listed = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        listed = set()
    others = listed | {p.pw_name for p in pwd.getpwall() if p.pw_gid == gid and p.pw_uid != os.getuid()}
    try:
        others.discard(pwd.getpwuid(os.getuid()).pw_name)
    except KeyError:
        pass
    return sorted(others)


def init(folder: Path, group: str | None = None) -> list[str]:
    """Create (or fix) the class folder with mode 3733 and the instructor's group; lines saying what was done."""
    gid = group_id(group)
    if folder.exists() and not folder.is_dir():
        raise GraderError(f"{folder} exists and is not a folder; choose another path for the class folder")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chown(folder, -1, gid)
        os.chmod(folder, MODE)  # explicitly: mkdir's mode is cut by the umask
    except PermissionError:
        raise GraderError(f"cannot set the group and mode of {folder}: run --init as its owner") from None
    name = _group_name(gid)
    lines = [f"class folder {folder}: mode {stat.filemode(folder.stat().st_mode)} ({MODE:o}), group {name}",
             f"students: export SANDBOX_CLASS={folder}   (or in a notebook: grader.join({str(folder)!r}))"]
    others = other_members(gid)
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        lines.append(f"warning: group {name} also has {shown}: they could read every record; "
                     "use --group with a group of instructors only")
    return lines


def secret() -> bytes:
    """The instructor's secret for pseudonyms, made once in their cache (0600): pseudonyms stay stable."""
    path = cache_dir() / "class-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another view made it meanwhile
            return path.read_bytes()
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_hex(32).encode())
    return path.read_bytes()
