"""The result of checking one answer: pass or not, score, what differs, and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.feedback import render_html, render_text
from grader.spec import Question


@dataclass(frozen=True)
class Verdict:
    """What one kind's comparison found, before points and mistakes are applied.

    `parts` maps component names to whether each is right; when the question allows partial credit the score is
    the fraction of parts that are right, or `credit` when the kind grades by degree (a set's F1 score); a passing
    answer always scores full points.
    """

    passed: bool
    summary: str
    details: tuple[str, ...] = ()
    parts: dict[str, bool] = field(default_factory=dict)
    credit: float | None = None


@dataclass(frozen=True)
class Outcome:
    """The checked answer; truthy iff it passed. Jupyter shows it as an HTML box, a terminal as text."""

    question_id: str
    passed: bool
    score: float
    points: float
    summary: str
    details: list[str] = field(default_factory=list)
    mistake: str | None = None
    hint: str = ""
    more_help: str = ""  # how to ask for another hint or the solution (self-study only)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return render_text(self)

    def _repr_html_(self) -> str:
        return render_html(self)


def outcome_for_error(question: Question, message: str) -> Outcome:
    """A zero-score Outcome whose summary is `message` (an unusable answer, e.g. from AnswerError).

    It carries no hint: hints answer a wrong attempt, not a missing or unusable one.
    """
    return Outcome(
        question_id=question.id,
        passed=False,
        score=0.0,
        points=question.points,
        summary=message,
        details=[],
        mistake=None,
    )
