"""A student's own copies of the notebooks, in a git-ignored folder, so `git pull` never meets their work.

`grader workspace` (which `make lab` runs) copies the tour and every exercise into my-work/ when a copy is not there
yet: created on first run, never overwritten, and new modules appear after an update. A module started afresh is
first moved aside, never deleted.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from grader.paths import (
    EXERCISE_FOLDERS,
    GraderError,
    content_root,
    exercise_path,
    exercises_dir,
    module_name,
    project_root,
)

FOLDER = "my-work"  # in the checkout (git-ignored), else in ~/metrics-sandbox


def workspace_dir(path: str | Path | None = None) -> Path:
    """The students' working folder: `path`, else my-work/ in the project folder."""
    return Path(path or project_root() / FOLDER)


def originals(exercises: str | Path | None = None) -> list[Path]:
    """The notebooks a workspace holds copies of: the start-here tour, then every exercise in order (the capstone's
    too, which lives beside the tour)."""
    tour = content_root() / "notebooks" / "00_start_here.ipynb"
    found = list(exercises_dir(exercises).glob("*.ipynb"))
    if exercises is None:
        found += [path for module in EXERCISE_FOLDERS if (path := exercise_path(module)).is_file()]
    return [p for p in [tour] if p.is_file()] + sorted(found, key=lambda p: p.name)


def _copy_new(source: Path, target: Path) -> bool:
    """Copy `source` to `target` unless `target` exists (checked by the create itself: a race never overwrites)."""
    try:
        with source.open("rb") as reader, target.open("xb") as writer:
            shutil.copyfileobj(reader, writer)
    except FileExistsError:
        return False
    return True


def make_workspace(folder: str | Path | None = None, exercises: str | Path | None = None) -> dict[Path, str]:
    """Copy each notebook the workspace lacks; returns path -> "created" or "kept" (existing copies are untouched)."""
    target = workspace_dir(folder)
    sources = originals(exercises)
    if not sources:
        raise GraderError(f"no notebooks to copy in {exercises_dir(exercises)}; run `grader build` to write them")
    try:
        target.mkdir(parents=True, exist_ok=True)
        return {target / s.name: "created" if _copy_new(s, target / s.name) else "kept" for s in sources}
    except OSError as error:
        raise GraderError(f"cannot write your copies in {target} ({error.strerror}); pass --folder DIR") from None


def start_afresh(module: str, folder: str | Path | None = None, exercises: str | Path | None = None,
                 *, now: datetime | None = None) -> Path:
    """Move a module's copy aside (NN_topic.before-<UTC time>.ipynb), copy a fresh one; returns where the old went."""
    name = module_name(module)
    target = workspace_dir(folder) / f"{name}.ipynb"
    source = next((s for s in originals(exercises) if s.stem == name), None)
    if source is None:
        known = ", ".join(s.stem for s in originals(exercises)) or "none"
        raise GraderError(f"no notebook {name!r} to start afresh (there are: {known}); check the module name")
    if not target.is_file():
        raise GraderError(f"you have no copy of {name} in {target.parent} yet; `grader workspace` makes it")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    old = target.with_name(f"{name}.before-{stamp}.ipynb")
    if old.exists():
        raise GraderError(f"{old} exists already; wait a second and try again")
    target.rename(old)
    _copy_new(source, target)
    return old
