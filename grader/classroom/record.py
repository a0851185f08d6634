"""The student's side of the class view: which class folder to report to, and the record written there.

A record holds only ids, verdicts, named mistakes and times: never an answer, a score or the student's code.
It is rewritten whole on every check, atomically (a temporary file then a rename), readable by its owner and the
class folder's group (the instructor), by nobody else.
"""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.classroom.read import RecordError, parse, read_regular
from grader.classroom.schema import FORMAT, ID, MAX_MISTAKES
from grader.paths import GraderError, home_dir

CLASS_ENV = "SANDBOX_CLASS"  # the class folder, for every notebook of this user (e.g. set on a JupyterHub)
NAME_ENV = "SANDBOX_CLASS_NAME"  # the name to report under (default: the login name)
FILE_MODE = 0o640  # owner and the folder's group (the instructor) read; other students do not


@dataclass(frozen=True)
class Membership:
    """Where this student reports and under which id."""

    folder: Path
    student: str


def _joined_path() -> Path:
    """Where grader.join() remembers the class folder: $SANDBOX_HOME/class.json or .sandbox/class.json."""
    return home_dir() / "class.json"


def student_id(name: str | None = None) -> str:
    """The id a student reports under: `name`, else $SANDBOX_CLASS_NAME, else the login name."""
    try:
        chosen = name or os.environ.get(NAME_ENV) or getpass.getuser()
    except (KeyError, OSError):  # a uid without a login name (a container)
        raise GraderError(f"no login name to report under; set ${NAME_ENV} or use grader.join(FOLDER, "
                          "name=\"your-name\")") from None
    if not ID.fullmatch(chosen):
        raise GraderError(f"{chosen!r} cannot be a class name: use letters, digits, '.', '_' or '-' "
                          "(up to 64, starting with a letter or digit), e.g. grader.join(FOLDER, name=\"alice\")")
    return chosen


def join(folder: str | Path, name: str | None = None) -> None:
    """Report every later check() of this checkout to the class folder (remembered in .sandbox/class.json)."""
    student = student_id(name)
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise GraderError(f"class folder {path} does not exist; ask your instructor for its path "
                          "(they create it with `grader class FOLDER --init`)")
    saved = _joined_path()
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({"folder": str(path.resolve()), "name": student}) + "\n", encoding="utf-8")
    print(f"Your checks now go to the class folder {path} as {student!r}; grader.leave() stops this.")


def leave() -> None:
    """Stop reporting checks to a class folder joined with grader.join()."""
    _joined_path().unlink(missing_ok=True)
    print("Your checks no longer go to a class folder." + (
        f" (${CLASS_ENV} is still set: unset it too.)" if os.environ.get(CLASS_ENV) else ""))


def membership() -> Membership | None:
    """The class this checkout reports to: $SANDBOX_CLASS, else the folder grader.join() remembered, else none."""
    if folder := os.environ.get(CLASS_ENV):
        return Membership(Path(folder).expanduser(), student_id())
    saved = _joined_path()
    if not saved.exists():
        return None
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        return Membership(Path(data["folder"]), student_id(data.get("name")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GraderError(f"{saved} is unreadable ({error}); run grader.join(FOLDER) again") from None


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty(student: str, stamp: str) -> dict[str, Any]:
    return {"format": FORMAT, "student": student, "since": stamp, "updated": stamp, "last_pass": None,
            "fails_since_pass": 0, "stuck_on": None, "modules": {}}


def _previous(path: Path, student: str, stamp: str) -> dict[str, Any]:
    """This student's record so far; a missing or damaged one starts afresh (only its owner writes it).

    Read like any untrusted file: a classmate may have put a FIFO or a link there first, which must not block
    check() nor be followed.
    """
    try:
        return parse(read_regular(path), student).data
    except (OSError, RecordError):
        return _empty(student, stamp)


def updated(data: dict[str, Any], module: str, question_id: str, passed: bool, mistake: str | None,
            stamp: str) -> dict[str, Any]:
    """The record with one more check: attempts, passed, the named mistake; stuck state for the whole student."""
    entry = data["modules"].setdefault(module, {}).setdefault(
        question_id, {"attempts": 0, "passed": False, "mistakes": {}})
    entry["attempts"] += 1
    entry["passed"] = entry["passed"] or passed
    if mistake and (mistake in entry["mistakes"] or len(entry["mistakes"]) < MAX_MISTAKES):
        entry["mistakes"][mistake] = entry["mistakes"].get(mistake, 0) + 1
    if passed:
        data["last_pass"], data["fails_since_pass"], data["stuck_on"] = stamp, 0, None
    else:
        data["fails_since_pass"] += 1
        data["stuck_on"] = f"{module}/{question_id}"
    data["updated"] = stamp
    return data


def write_atomically(path: Path, text: str, mode: int = FILE_MODE) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never a part of either."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # O_EXCL, random
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), mode)  # whatever the umask: the group (instructor) reads, others do not
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def report(module: str, question_id: str, passed: bool, mistake: str | None, *, now: datetime | None = None,
           member: Membership | None = None) -> Path | None:
    """Add one checked answer to this student's record in the class folder, if they joined one."""
    member = member or membership()
    if member is None:
        return None
    if not (ID.fullmatch(module) and ID.fullmatch(question_id)):
        return None  # a misspelt question id is not the class's business
    stamp = _stamp(now or datetime.now(UTC))
    path = member.folder / f"{member.student}.json"
    data = updated(_previous(path, member.student, stamp), module, question_id, passed, mistake, stamp)
    write_atomically(path, json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path
