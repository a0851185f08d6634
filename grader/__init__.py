"""Exercises for the sandbox: question specs, answer checking, exercise builds and grading.

In a notebook: `import grader` then `db, check = grader.start("01_active_users")`; `grader.progress()` shows
which questions you have passed. Importing grader stays light: pandas and matplotlib load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grader.ledger import progress

if TYPE_CHECKING:
    from grader.session import mistake, question, start

__all__ = ["mistake", "progress", "question", "start"]


def __getattr__(name: str) -> Any:
    if name in ("start", "question", "mistake"):
        from grader import session

        return getattr(session, name)
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
