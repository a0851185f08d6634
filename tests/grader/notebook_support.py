"""Where the fixture modules are, and helpers to run notebooks in the grader tests."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SOLUTIONS = FIXTURES / "solutions"
EXERCISES = FIXTURES / "exercises"
FIXTURE_MODULES = ("90_fixture_sql", "91_fixture_pandas")


def kernel_env(**values: str | Path) -> dict[str, str]:
    """This process's environment plus `values`, for a notebook kernel."""
    return {**os.environ, **{name: str(value) for name, value in values.items()}}
