"""Find the submissions in a folder or a zip, and read each one's code cells; nothing found is ever dropped.

Layouts: `alice.ipynb` (student id = file stem), or `alice/` holding the notebook (the one named after the
module, else the only one), or a zip of either (an export that wraps everything in one folder is unwrapped).
Every notebook becomes one Submission, even when it cannot be read: the problem is its status, not an error.
Anything that is not a regular file (a symlink, a FIFO, a device) is refused, never followed or read: a link to the
solution would otherwise be graded as the student's work. A file name that is not UTF-8 is shown with escapes.
Two submissions of the same student (ids compare case-insensitively) are both kept and flagged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.paths import GraderError

MAX_BYTES = 50 * 2**20
_IGNORED = ("__MACOSX", ".ipynb_checkpoints", "__pycache__")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")
_NAME_CHARS = 64  # feedback file names stay far below NAME_MAX (255 bytes) with their suffix and a ~N counter
_KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
          stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


class NotebookProblem(Exception):
    """Why a submission cannot be run; the message is one sentence for the grade sheet."""


@dataclass
class Submission:
    """One submitted notebook (or a place where one should have been)."""

    student: str
    source: str  # where it is, relative to SUBMISSIONS
    read: Callable[[], bytes] | None = None  # the notebook's bytes; None when there is no notebook
    problem: str | None = None  # known before reading (no notebook in the folder, several notebooks)
    name: str = ""  # unique, file-safe name for its feedback and results files
    duplicates: list[str] = field(default_factory=list)  # other sources with the same student id


@dataclass(frozen=True)
class _File:
    path: PurePosixPath
    size: int
    read: Callable[[], bytes]
    refused: str | None = None  # why it is not read at all (not a regular file)


def displayable(name: str) -> str:
    """A file name as one line of valid text: bytes that are not UTF-8 and control characters become escapes."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _hidden(path: PurePosixPath) -> bool:
    return any(part.startswith(".") or part in _IGNORED for part in path.parts)


def _refusal(name: str, mode: int) -> str:
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return f"{displayable(name)} is {kind}, not a file: hand in the notebook itself"


def _read_regular(path: Path) -> bytes:
    """The bytes of `path`, refusing to follow a link or block on a FIFO swapped in after discovery."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotebookProblem(_refusal(path.name, mode))
        return handle.read(MAX_BYTES + 1)


def _folder_files(root: Path, relative: PurePosixPath | None = None) -> list[_File]:
    """Every entry under `root`, found with lstat: directories are entered, never followed through a link."""
    files: list[_File] = []
    relative = relative or PurePosixPath()
    with os.scandir(root / relative) as entries:
        found = sorted(entries, key=lambda e: e.name)
    for entry in found:
        path = relative / entry.name
        if _hidden(path):
            continue
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            files += _folder_files(root, path)
        elif stat.S_ISREG(info.st_mode):
            files.append(_File(path, info.st_size, lambda full=root / path: _read_regular(full)))
        else:
            files.append(_File(path, 0, _never, _refusal(str(path), info.st_mode)))
    return files


def _never() -> bytes:
    raise NotebookProblem("not a regular file")


def _zip_files(archive: Path) -> list[_File]:
    files = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            relative = PurePosixPath(info.filename)
            if info.is_dir() or _hidden(relative) or relative.is_absolute() or ".." in relative.parts:
                continue
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # unix: a link, a FIFO
                files.append(_File(relative, 0, _never, _refusal(info.filename, mode)))
                continue

            def read(member_info: zipfile.ZipInfo = info) -> bytes:  # by entry, not name: names can repeat
                with zipfile.ZipFile(archive) as again, again.open(member_info) as member:
                    return member.read(MAX_BYTES + 1)

            files.append(_File(relative, info.file_size, read))
    tops = {f.path.parts[0] for f in files}
    if len(tops) == 1 and all(len(f.path.parts) > 1 for f in files):
        inner = {f.path.parts[1] for f in files}
        if len(inner) > 1 or any(len(f.path.parts) > 2 for f in files):  # a wrapper folder, not one student's
            files = [_File(PurePosixPath(*f.path.parts[1:]), f.size, f.read, f.refused) for f in files]
    return files


def _sized(file: _File) -> Callable[[], bytes]:
    def read() -> bytes:
        if file.refused:
            raise NotebookProblem(file.refused)
        if file.size > MAX_BYTES:
            raise NotebookProblem(f"the notebook is {file.size / 2**20:.0f} MB; the grader reads notebooks up to "
                                  f"{MAX_BYTES // 2**20} MB (clear its outputs and resubmit)")
        return file.read()

    return read


def _group(files: list[_File], module: str) -> tuple[list[Submission], list[str]]:
    """One submission per top-level notebook, folder or refused entry; other top-level files are skipped (listed)."""
    submissions, skipped = [], []
    folders: dict[str, list[_File]] = {}
    for file in files:
        if len(file.path.parts) > 1:
            folders.setdefault(file.path.parts[0], []).append(file)
        elif file.path.suffix == ".ipynb" or file.refused:  # a link named alice could point at a whole folder
            submissions.append(Submission(displayable(file.path.stem.strip()), displayable(str(file.path)),
                                          _sized(file)))
        else:
            skipped.append(displayable(str(file.path)))
    for folder, inside in folders.items():
        notebooks = [f for f in inside if f.path.suffix == ".ipynb"]
        named = [f for f in notebooks if f.path.stem == module]
        chosen = named if len(named) == 1 else notebooks
        student, shown = displayable(folder.strip()), displayable(folder)
        if len(chosen) == 1:
            submissions.append(Submission(student, displayable(str(chosen[0].path)), _sized(chosen[0])))
        elif not chosen:
            submissions.append(Submission(student, f"{shown}/", problem=f"no notebook in {shown}/"))
        else:
            names = ", ".join(displayable(str(PurePosixPath(*f.path.parts[1:]))) for f in chosen[:4])
            submissions.append(Submission(
                student, f"{shown}/",
                problem=f"{len(chosen)} notebooks in {shown}/ ({names}): keep one, or name it {module}.ipynb"))
    return submissions, skipped


def _name(student: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("_", student).lstrip(".") or "student"
    if len(base) > _NAME_CHARS:  # cut, and keep long ids that share a beginning apart
        base = f"{base[:_NAME_CHARS - 13]}-{hashlib.sha256(student.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        name = f"{base}~{n}"
    taken.add(name.casefold())
    return name


def discover(path: Path, module: str) -> tuple[list[Submission], list[str]]:
    """Submissions under `path` (folder, zip or single notebook) sorted by student, and the files skipped."""
    if path.is_dir():
        files = _folder_files(path)
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            files = _zip_files(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise GraderError(f"cannot read the zip {path} ({error}); check the file") from None
        except UnicodeDecodeError:  # a name flagged UTF-8 that is not: zipfile cannot list such an archive
            raise GraderError(f"cannot read the zip {path}: a file name in it is not valid UTF-8; extract it "
                              "(e.g. `unzip`) and grade the folder") from None
    elif path.is_file() and path.suffix == ".ipynb":
        files = [_File(PurePosixPath(path.name), path.stat().st_size, lambda: _read_regular(path))]
    elif path.exists():
        raise GraderError(f"{path} is neither a folder, a zip nor a notebook; pass the folder of submissions")
    else:
        raise GraderError(f"{path} does not exist; pass the folder (or zip) of submitted notebooks")
    submissions, skipped = _group(files, module)
    seen: dict[str, int] = {}
    for submission in submissions:  # a zip may hold one path twice: each copy still gets its own row
        seen[submission.source] = seen.get(submission.source, 0) + 1
        if seen[submission.source] > 1:
            submission.source += f" (copy {seen[submission.source]})"
    submissions.sort(key=lambda s: (s.student.casefold(), s.source))
    by_student: dict[str, list[Submission]] = {}
    for submission in submissions:
        by_student.setdefault(submission.student.casefold(), []).append(submission)
    taken: set[str] = set()
    for submission in submissions:
        submission.name = _name(submission.student, taken)
        submission.duplicates = [s.source for s in by_student[submission.student.casefold()] if s is not submission]
    return submissions, skipped


def code_cells(data: bytes) -> tuple[list[str], str | None]:
    """The code cells of a notebook file, and a note when it had to be converted; raises NotebookProblem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookProblem("not a notebook: the file is not text (UTF-8)") from None
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise NotebookProblem(f"not a notebook: the file is not JSON ({error})") from None
    except RecursionError:
        raise NotebookProblem("not a notebook: its JSON is nested too deeply to read") from None
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw):
        raise NotebookProblem("not a notebook: the file is JSON but has no notebook cells")
    note = None
    if raw.get("nbformat") != 4:
        import nbformat

        try:
            raw = nbformat.reads(text, as_version=4)
        except Exception:  # nbformat raises several types for versions it cannot read
            raise NotebookProblem(f"unsupported notebook format {raw.get('nbformat')!r}: open and save it in "
                                  "JupyterLab, then resubmit") from None
        note = f"converted from nbformat {json.loads(text).get('nbformat')}"
    cells = raw.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookProblem("not a notebook: its 'cells' are not a list of cells")
    sources = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookProblem("not a notebook: a code cell's source is not text")
        sources.append(source)
    return sources, note
