"""What `grader grade` is told, with its defaults: the CLI and the Gradescope runner build the same Settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from grader.grade import HIDDEN_SCALE


@dataclass(frozen=True)
class Settings:
    """Everything `grader grade` is told."""

    submissions: Path
    module: str
    out: Path
    jobs: int = max(1, os.cpu_count() or 1)
    secret: str | None = None
    variants: int | None = None
    timeout: float = 30.0  # seconds per cell
    notebook_timeout: float | None = None  # seconds per notebook (default: 4 x timeout)
    resume: bool = False
    solutions: Path | None = None
    scale: str = HIDDEN_SCALE
    cache: Path | None = None
    memory_mb: int = 2048
    progress: bool = True
    disk_mb: int = 512  # the working folder of a notebook (a tmpfs of its own when the grader runs as root)
    unsafe: bool = False  # grade even where workers cannot be confined (trusted submissions only)

    @property
    def total_timeout(self) -> float:
        return self.notebook_timeout if self.notebook_timeout is not None else 4 * self.timeout


def default(name: str) -> Any:
    """The default of one Settings field (the CLI's --help and defaults read them from here)."""
    return next(f.default for f in fields(Settings) if f.name == name)
