"""Where solution notebooks, exercises, answer keys and progress live, and the error a bad location raises."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SOLUTIONS_ENV = "SANDBOX_SOLUTIONS"  # folder of solution notebooks (tests point it at fixture modules)
HOME_ENV = "SANDBOX_HOME"  # folder for local state such as progress.json
CACHE_NAME = "product-metrics-sandbox"  # this user's cache folder: ~/.cache/<CACHE_NAME> or $XDG_CACHE_HOME/...
# Modules whose exercise form lives beside the tour instead of in exercises/: the capstone is a case study, not a
# drill, so students find it in notebooks/. Only the checkout's own layout: an explicit exercises folder holds all.
EXERCISE_FOLDERS: dict[str, str] = {"10_capstone": "notebooks"}


class GraderError(Exception):
    """A problem the user can fix; its message is one sentence naming the problem and the fix."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


def repo_root() -> Path:
    """The checkout this package lives in."""
    return Path(__file__).resolve().parent.parent


def solutions_dir(path: str | Path | None = None) -> Path:
    """The solution notebooks' folder: `path`, else $SANDBOX_SOLUTIONS, else solutions/ in the checkout."""
    return Path(path or os.environ.get(SOLUTIONS_ENV) or repo_root() / "solutions")


def exercises_dir(path: str | Path | None = None) -> Path:
    """The exercise notebooks' folder: `path`, else exercises/ in the checkout."""
    return Path(path or repo_root() / "exercises")


def exercise_path(module: str, exercises: str | Path | None = None) -> Path:
    """A module's exercise notebook: in `exercises` if given, else in its EXERCISE_FOLDERS folder or exercises/."""
    name = module_name(module)
    if exercises is None and name in EXERCISE_FOLDERS:
        return repo_root() / EXERCISE_FOLDERS[name] / f"{name}.ipynb"
    return exercises_dir(exercises) / f"{name}.ipynb"


def home_dir() -> Path:
    """Local state of this checkout's user: $SANDBOX_HOME, else .sandbox/ in the checkout."""
    return Path(os.environ.get(HOME_ENV) or repo_root() / ".sandbox")


def key_root(dataset: Path) -> Path:
    """Answer keys of a dataset live beside it: datasets/clipstream.duckdb -> datasets/clipstream.key/."""
    return dataset.with_suffix(".key")


def cache_dir() -> Path:
    """This user's cache: $XDG_CACHE_HOME/product-metrics-sandbox, else ~/.cache/product-metrics-sandbox."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / CACHE_NAME


def user_key_root(dataset: Path, checksum: str) -> Path:
    """Answer keys of a dataset whose folder this user cannot write (a shared, read-only dataset).

    In the user's cache, by the dataset's name and checksum: two datasets, or two versions of one, never share it.
    """
    return cache_dir() / "keys" / f"{dataset.stem}-{checksum[:16]}"


def can_write(folder: Path) -> bool:
    """Whether this process can create files in `folder`, found by trying: permission bits do not bind root."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def modules(solutions: str | Path | None = None) -> list[str]:
    """Names of the modules that have a solution notebook, sorted."""
    folder = solutions_dir(solutions)
    return sorted(p.stem for p in folder.glob("*.ipynb")) if folder.is_dir() else []


def solution_path(module: str, solutions: str | Path | None = None) -> Path:
    """The solution notebook of `module` (a name such as 01_active_users, or a path to the notebook)."""
    folder = solutions_dir(solutions)
    path = folder / f"{module_name(module)}.ipynb"
    if not path.is_file():
        known = ", ".join(modules(folder)) or "none"
        raise GraderError(f"no solution notebook {path} (modules there: {known}); check the module name")
    return path


def module_name(module: str) -> str:
    """`01_active_users` from `01_active_users`, `01_active_users.ipynb` or `solutions/01_active_users.ipynb`."""
    return Path(module).name.removesuffix(".ipynb")
