"""Compare an answer (as data) with the key: one engine for self-check and batch grading."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from grader.compare import choices, figures, intervals, scalars, sets, statements, tables
from grader.outcome import Outcome, Verdict
from grader.spec import Choice, Figure, Interval, Kind, Question, Scalar, Set, Statement, Table

_COMPARERS: dict[type, Callable[[Any, Any, Any], Verdict]] = {
    Table: tables.compare_table,
    Scalar: scalars.compare_scalar,
    Set: sets.compare_set,
    Choice: choices.compare_choice,
    Figure: figures.compare_figure,
    Statement: statements.compare_statement,
}


def _verdict(kind: Kind, got: Any, expected: Any, truth: float | None) -> Verdict:
    """Run the comparison for this kind (only intervals use `truth`)."""
    if isinstance(kind, Interval):
        return intervals.compare_interval(kind, got, expected, truth=truth)
    return _COMPARERS[type(kind)](kind, got, expected)


def _repeats(kind: Kind, got: Any, variant: Any, truth: float | None) -> bool:
    """Whether a wrong answer is the known mistake `variant` (a sentence repeats one of its wrong numbers)."""
    if isinstance(kind, Statement):
        return statements.repeats_mistake(kind, got, variant)
    if isinstance(kind, Interval) and kind.must_cover == "truth":
        # a wrong interval misses the truth by definition: it repeats the mistake when it is built like it
        return _verdict(dataclasses.replace(kind, must_cover="key"), got, variant, None).passed
    return _verdict(kind, got, variant, truth).passed


def mistake_sentence(name: str) -> str:
    """A known mistake's name as shown to the student: authored as a sentence, closed with a full stop if bare."""
    name = " ".join(name.split())
    return name if name.endswith((".", "!", "?")) else name + "."


def compare(
    question: Question,
    got: Any,
    expected: Any,
    mistakes: Mapping[str, Any] | None = None,
    truth: float | None = None,
) -> Outcome:
    """Compare `got` with `expected` under the question's spec; name a known mistake when a wrong answer matches one.

    Mistakes are tried in the order given; the first variant that `got` matches under the same rules names the
    mistake: its name (authored as a sentence) becomes the summary, and the usual summary moves to the details.
    A passing answer scores full points; otherwise the score is 0, or with `question.partial` the verdict's
    credit (a set's F1 score) or the fraction of the comparison's components that are right.
    """
    verdict = _verdict(question.kind, got, expected, truth)
    if verdict.passed:
        score = question.points
    elif question.partial and verdict.credit is not None:
        score = round(question.points * verdict.credit, 6)
    elif question.partial and verdict.parts:
        score = round(question.points * sum(verdict.parts.values()) / len(verdict.parts), 6)
    else:
        score = 0.0
    mistake = None
    summary, details = verdict.summary, list(verdict.details)
    if not verdict.passed:
        for name, variant in (mistakes or {}).items():
            if _repeats(question.kind, got, variant, truth):
                # The mistake explains the difference; what differs stays listed below it.
                mistake, summary, details = name, mistake_sentence(name), [verdict.summary, *details]
                break
    return Outcome(
        question_id=question.id,
        passed=verdict.passed,
        score=score,
        points=question.points,
        summary=summary,
        details=details,
        mistake=mistake,
        hint=question.first_hint,
    )


__all__ = ["compare", "mistake_sentence"]
