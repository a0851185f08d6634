"""What the instructor sees: per question the share of the class that passed and the most frequent named
mistakes, and the students stuck longest.

Stuck: a student who has failed at least one check since their last passed check (on any question) is stuck
since that pass, or since their first check if they never passed one. Stuck longest = stuck since the longest.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from grader.classroom.read import Record

TOP_MISTAKES = 3
TOP_STUCK = 10


@dataclass(frozen=True)
class QuestionStats:
    """One question across the class."""

    module: str
    question: str
    passed: int  # students who passed it
    tried: int  # students who checked an answer to it
    mistakes: list[tuple[str, int]]  # named mistake, students who made it; most frequent first


@dataclass(frozen=True)
class Stuck:
    """A student with failed checks since their last pass."""

    student: str
    since: datetime  # their last pass, else their first check
    on: tuple[str, str] | None  # the question of their latest failed check
    fails: int  # failed checks since `since`
    last_check: datetime


@dataclass(frozen=True)
class ClassView:
    """The class at one moment."""

    now: datetime
    students: int
    questions: list[QuestionStats]
    stuck: list[Stuck]
    notes: list[str] = field(default_factory=list)

    def stuck_for(self, stuck: Stuck) -> timedelta:
        """How long a student has been stuck at `now` (never negative: clocks of two machines may differ)."""
        return max(self.now - stuck.since, timedelta(0))


def pseudonym(student: str, secret: bytes) -> str:
    """A stable stand-in for a student's id: the same id and secret always give the same pseudonym."""
    return "student-" + hmac.new(secret, student.encode(), hashlib.sha256).hexdigest()[:6]


def _order(records: Sequence[Record], catalogue: dict[str, list[str]] | None) -> list[tuple[str, str]]:
    """The questions to show: the catalogue's checked ones in notebook order, else every question seen, sorted."""
    seen = {key for record in records for key in record.questions}
    if catalogue is None:
        return sorted(seen)
    return [(m, q) for m in sorted(catalogue) for q in catalogue[m] if (m, q) in seen]


def summarise(records: Sequence[Record], now: datetime, *, catalogue: dict[str, list[str]] | None = None,
              module: str | None = None, secret: bytes | None = None, notes: Sequence[str] = (),
              top_stuck: int = TOP_STUCK) -> ClassView:
    """The class view of these records at `now`; only the catalogue's questions (and `module`'s) when given.

    With `secret`, student ids are replaced by their pseudonyms.
    """
    order = [key for key in _order(records, catalogue) if module is None or key[0] == module]
    stats = []
    for key in order:
        entries = [record.questions[key] for record in records if key in record.questions]
        mistakes: Counter[str] = Counter()
        for _, _, named in entries:
            mistakes.update(named.keys())  # students who made it, not how often one student retried it
        top = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))[:TOP_MISTAKES]
        stats.append(QuestionStats(key[0], key[1], sum(passed for _, passed, _ in entries),
                                   sum(attempts > 0 for attempts, _, _ in entries), top))
    stuck = [Stuck(pseudonym(r.student, secret) if secret else r.student, r.last_pass or r.since, r.stuck_on,
                   r.fails_since_pass, r.updated)
             for r in records if r.fails_since_pass > 0 and (module is None or (r.stuck_on or ("",))[0] == module)]
    stuck.sort(key=lambda s: (s.since, s.student))
    return ClassView(now, len(records), stats, stuck[:top_stuck], list(notes))
