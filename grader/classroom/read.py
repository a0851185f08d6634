"""Reading a class folder: every file is untrusted (a student can write anything), so each is validated in full.

A file that is not a regular file, too big, not UTF-8 JSON or not a record of the expected shape is skipped with
a one-line note; nothing in it is ever trusted for more than its validated values.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.classroom.schema import FORMAT, ID, MAX_MISTAKES

MAX_BYTES = 256_000  # a real record of every module is a few KB
MAX_QUESTIONS = 400  # in all modules of one record
MAX_MISTAKE_CHARS = 600
MAX_COUNT = 1_000_000


class RecordError(ValueError):
    """A class-folder file that is not a valid record; the message says what is wrong, in a few words."""


@dataclass(frozen=True)
class Record:
    """One student's validated record."""

    student: str
    since: datetime
    updated: datetime
    last_pass: datetime | None
    fails_since_pass: int
    stuck_on: tuple[str, str] | None
    questions: dict[tuple[str, str], tuple[int, bool, dict[str, int]]]  # (module, q) -> attempts, passed, mistakes
    data: dict[str, Any]  # the validated record as written, for the student's own next update


def _time(value: Any, field: str) -> datetime:
    if not isinstance(value, str) or len(value) != 20:
        raise RecordError(f"{field} is not a time")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise RecordError(f"{field} is not a time") from None


def _count(value: Any, field: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise RecordError(f"{field} is not a count")
    return value


def _mistakes(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > MAX_MISTAKES:
        raise RecordError(f"mistakes of {where} are not a small mapping")
    for name, count in value.items():
        if not name or len(name) > MAX_MISTAKE_CHARS:
            raise RecordError(f"a mistake of {where} has no name or a name too long")
        _count(count, f"a mistake count of {where}")
    return dict(value)


def _questions(value: Any) -> dict[tuple[str, str], tuple[int, bool, dict[str, int]]]:
    if not isinstance(value, dict):
        raise RecordError("modules is not a mapping")
    out = {}
    for module, questions in value.items():
        if not ID.fullmatch(module) or not isinstance(questions, dict):
            raise RecordError("a module id is malformed")
        for question, entry in questions.items():
            where = f"{module}/{question}"[:80]
            if not ID.fullmatch(question) or not isinstance(entry, dict):
                raise RecordError(f"question {where} is malformed")
            if set(entry) != {"attempts", "passed", "mistakes"} or not isinstance(entry["passed"], bool):
                raise RecordError(f"question {where} has unexpected fields")
            out[(module, question)] = (_count(entry["attempts"], f"attempts of {where}"), entry["passed"],
                                       _mistakes(entry["mistakes"], where))
            if len(out) > MAX_QUESTIONS:
                raise RecordError("too many questions")
    return out


def _stuck_on(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.count("/") != 1:
        raise RecordError("stuck_on is malformed")
    module, question = value.split("/")
    if not (ID.fullmatch(module) and ID.fullmatch(question)):
        raise RecordError("stuck_on is malformed")
    return module, question


def parse(payload: bytes, student: str) -> Record:
    """The record in `payload`, which must be the record of `student` (the file's name)."""
    if len(payload) > MAX_BYTES:
        raise RecordError(f"larger than {MAX_BYTES:,} bytes")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError("not UTF-8 JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordError(f"not a class record of format {FORMAT}")
    expected = {"format", "student", "since", "updated", "last_pass", "fails_since_pass", "stuck_on", "modules"}
    if set(data) != expected:
        raise RecordError("unexpected fields")
    if data["student"] != student:
        raise RecordError("its student id is not its file name")
    last_pass = None if data["last_pass"] is None else _time(data["last_pass"], "last_pass")
    return Record(student, _time(data["since"], "since"), _time(data["updated"], "updated"), last_pass,
                  _count(data["fails_since_pass"], "fails_since_pass"), _stuck_on(data["stuck_on"]),
                  _questions(data["modules"]), data)


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file, never following a link nor blocking on a FIFO, at most MAX_BYTES + 1."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        raise RecordError("a link" if error.errno == 40 else f"unreadable ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise RecordError("not a regular file")
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(handle, 65536)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_folder(folder: Path) -> tuple[list[Record], list[str]]:
    """The valid records in a class folder, by student id, and one note per file skipped."""
    records, notes = [], []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        raise OSError(f"cannot list the class folder {folder} ({error.strerror})") from None
    for entry in entries:
        if entry.name.startswith("."):  # a writer's temporary file, or set-up files
            continue
        shown = entry.name.encode("unicode_escape").decode("ascii")[:80]  # a name can hold escape codes too
        student = entry.name.removesuffix(".json")
        if not entry.name.endswith(".json") or not ID.fullmatch(student):
            notes.append(f"skipped {shown}: not a record's name (<student>.json)")
            continue
        try:
            records.append(parse(read_regular(Path(folder, entry.name)), student))
        except RecordError as error:
            notes.append(f"skipped {shown}: {error}")
    return records, notes
