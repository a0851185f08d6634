"""Exercises for the sandbox: question specs, answer checking, exercise builds and grading.

In a notebook: `import grader` then `db, check = grader.start("01_active_users")`; `grader.progress()` shows
which questions you have passed; `grader.join("/path/to/class")` sends your checks' verdicts to your
instructor's class view (`grader.leave()` stops it).
Importing grader stays light: pandas and matplotlib load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grader.ledger import progress

if TYPE_CHECKING:
    from grader.classroom.record import join, leave
    from grader.session import mistake, question, start

__all__ = ["join", "leave", "mistake", "progress", "question", "start"]


def __getattr__(name: str) -> Any:
    if name in ("start", "question", "mistake"):
        from grader import session

        return getattr(session, name)
    if name in ("join", "leave"):
        from grader.classroom import record

        return getattr(record, name)
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
