"""Where the grader tests' fixture modules are, and the environment their notebook kernels get."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "grader" / "fixtures"
SOLUTIONS = FIXTURES / "solutions"
EXERCISES = FIXTURES / "exercises"
FIXTURE_MODULES = ("90_fixture_sql", "91_fixture_pandas")


def kernel_env(**values: str | Path) -> dict[str, str]:
    """This process's environment plus `values`, for a notebook kernel."""
    return {**os.environ, **{name: str(value) for name, value in values.items()}}
