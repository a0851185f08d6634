"""Where solution notebooks, exercises, answer keys and progress live, and the error a bad location raises."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from synth import portable
from synth.dataset import PROJECT_ROOT

SOLUTIONS_ENV = "SANDBOX_SOLUTIONS"  # folder of solution notebooks (tests point it at fixture modules)
HOME_ENV = "SANDBOX_HOME"  # folder for local state such as progress.json
CACHE_NAME = "product-metrics-sandbox"  # this user's cache folder, in the platform's cache place (cache_dir)
# Modules whose exercise form lives beside the tour instead of in exercises/: the capstone is a case study, not a
# drill, so students find it in notebooks/. Only the checkout's own layout: an explicit exercises folder holds all.
EXERCISE_FOLDERS: dict[str, str] = {"10_capstone": "notebooks"}


class GraderError(Exception):
    """A problem the user can fix; its message is one sentence naming the problem and the fix."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


def checkout() -> Path | None:
    """The source checkout this package runs from; None when it is installed from a wheel."""
    root = Path(__file__).resolve().parent.parent
    return root if root == PROJECT_ROOT else None


def repo_root() -> Path:
    """The source checkout, which the maintainers' commands (re-executing solutions, packaging) work on."""
    root = checkout()
    if root is None:
        raise GraderError("this command changes or packages the project's files and needs a source checkout: "
                          "run it from a git clone of the sandbox")
    return root


def content_root() -> Path:
    """Where solutions/, exercises/ and notebooks/ are: the checkout, else the copies installed with the package."""
    return checkout() or Path(__file__).resolve().parent / "content"


def project_root() -> Path:
    """Where a student's my-work/ and .sandbox/ go: the checkout, else ~/metrics-sandbox (beside the dataset)."""
    return PROJECT_ROOT


def solutions_dir(path: str | Path | None = None) -> Path:
    """The solution notebooks' folder: `path`, else $SANDBOX_SOLUTIONS, else solutions/ of the content."""
    return Path(path or os.environ.get(SOLUTIONS_ENV) or content_root() / "solutions")


def exercises_dir(path: str | Path | None = None) -> Path:
    """The exercise notebooks' folder: `path`, else exercises/ of the content."""
    return Path(path or content_root() / "exercises")


def exercise_path(module: str, exercises: str | Path | None = None) -> Path:
    """A module's exercise notebook: in `exercises` if given, else in its EXERCISE_FOLDERS folder or exercises/."""
    name = module_name(module)
    if exercises is None and name in EXERCISE_FOLDERS:
        return content_root() / EXERCISE_FOLDERS[name] / f"{name}.ipynb"
    return exercises_dir(exercises) / f"{name}.ipynb"


def home_dir() -> Path:
    """Local state of this user: $SANDBOX_HOME, else .sandbox/ in the project folder."""
    return Path(os.environ.get(HOME_ENV) or project_root() / ".sandbox")


def key_root(dataset: Path) -> Path:
    """Answer keys of a dataset live beside it: datasets/clipstream.duckdb -> datasets/clipstream.key/."""
    return dataset.with_suffix(".key")


def user_cache_root() -> Path:
    """Where this platform keeps users' caches: $XDG_CACHE_HOME if set, else %LOCALAPPDATA% on Windows,
    ~/Library/Caches on macOS and ~/.cache elsewhere (the places platformdirs uses)."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"])
    if portable.WINDOWS:
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if portable.MACOS:
        return Path.home() / "Library" / "Caches"
    return Path.home() / ".cache"


def cache_dir() -> Path:
    """This user's cache: product-metrics-sandbox/ in the platform's cache folder (user_cache_root)."""
    return user_cache_root() / CACHE_NAME


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
