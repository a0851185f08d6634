"""Turn what a worker reported into a graded row: one Outcome per question, a status and a one-line reason.

Statuses: graded (ran to the end), timeout (a cell or the notebook ran over its limit), crashed (the process
died or wrote garbage into the grader's channel), invalid (not a readable notebook), empty (no code cells),
error (the grader failed; retried by --resume). `duplicate` replaces the status of every submission of a
student who handed in more than one; the reason then names them and the run's own status.
Answers given before a timeout or a crash still count.
"""

from __future__ import annotations

import dataclasses
import signal
from dataclasses import dataclass, field
from typing import Any

from grader.grade.pool import Job
from grader.grade.protocol import FAILED, NOTE, RAN, number, of_kind
from grader.key import Key
from grader.outcome import Outcome, outcome_for_error
from grader.spec import Question

_MAX_MESSAGE = 400
_LOUD = 2**20  # printed characters worth a note
_MAX_COUNT = 2**53  # a reported count beyond this is forged
STATUSES = ("graded", "timeout", "crashed", "invalid", "empty", "duplicate", "error")


@dataclass
class Result:
    """One row of the grade sheet, with the per-question outcomes behind it."""

    student: str
    name: str
    submission: str
    seed: int | None
    outcomes: list[Outcome]
    status: str
    reason: str
    seconds: float = 0.0  # wall time in the worker pool
    student_seconds: float = 0.0  # of which the notebook's own cells
    notes: list[str] = field(default_factory=list)  # further lines for the feedback (cell errors)

    @property
    def score(self) -> float:
        return round(sum(o.score for o in self.outcomes), 6)

    @property
    def max_score(self) -> float:
        return round(sum(o.points for o in self.outcomes), 6)


def _n(event: dict[str, Any]) -> str:
    """The cell number an event names, as the worker sent it only when it is a plausible one."""
    n = number(event.get("n"), _MAX_COUNT)
    return "?" if n is None else f"{n:.0f}"


def _cut(text: Any) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def not_run(questions: list[Question], why: str) -> list[Outcome]:
    """Outcomes for a submission that could not be run at all."""
    return [outcome_for_error(q, f"Not graded: {why}.") for q in questions]


def _outcome(question: Question, key: Key, answer: tuple[dict[str, Any], bytes] | None, stopped: bool) -> Outcome:
    from grader.compare import compare
    from grader.grade.untrusted import decode

    if answer is None:
        if stopped:
            return outcome_for_error(question, "Not answered: the notebook stopped before answering this question.")
        return outcome_for_error(question, "Not answered: no check() call answered this question.")
    header, payload = answer
    if header.get("error") is not None or not payload:
        return outcome_for_error(question, _cut(header.get("error") or "No answer was recorded."))
    try:
        got = decode(payload)
        outcome = compare(question, got, key.expected[question.id], key.mistakes[question.id],
                          truth=key.truth[question.id])
    except Exception as error:  # data a notebook forged into the channel: its own loss, never the grader's
        return outcome_for_error(question, f"The answer could not be compared ({type(error).__name__}).")
    if header.get("via") == "end":
        note = "No check() call answered this question; graded its value at the end of the notebook."
        outcome = dataclasses.replace(outcome, details=[*outcome.details, note])
    return outcome


def _unanswered(outcome: Outcome) -> bool:
    return outcome.summary.startswith("Not answered")


def _crash(job: Job, cpu_s: int) -> str:
    where = f" in cell {job.cell}" if job.cell else ""
    status = job.status or 0
    if status >= 0:
        return (f"the notebook's process ended{where} before the notebook did (exit code {status}: os._exit() or "
                "a fatal error such as running out of memory)")
    if -status == signal.SIGXCPU:
        return f"the notebook used more than {cpu_s} s of CPU time{where}"
    if -status == signal.SIGKILL:
        return f"the notebook's process was killed{where} (out of memory?)"
    try:
        name = signal.Signals(-status).name
    except ValueError:
        name = f"signal {-status}"
    return f"the notebook's process crashed{where} ({name})"


def _status(job: Job, ran: list[dict[str, Any]], cell_timeout: float, notebook_timeout: float,
            cpu_s: int) -> tuple[str, str]:
    """The row's status and the first part of its reason: what happened to the run as a whole."""
    failed = next(iter(of_kind(job.events, FAILED)), None)
    if job.lost:
        return "error", "the worker pool died while this notebook ran; grade it again with --resume"
    if job.broken:
        return "crashed", f"the notebook {job.broken}"
    if job.killed == "cell":
        return "timeout", (f"cell {job.cell} ran over the {cell_timeout:g} s limit and did not stop; "
                           "later cells did not run")
    if job.killed == "notebook" or any(e.get("kind") == "notebook" for e in ran):
        return "timeout", (f"the notebook ran over its {notebook_timeout:g} s limit (in cell {job.cell}); "
                           "later cells did not run")
    if failed is not None and job.cell is None:
        return "error", f"the worker could not start this notebook ({_cut(failed.get('error'))})"
    if job.done is None:
        return "crashed", _crash(job, cpu_s)
    timeouts = [e for e in ran if e.get("kind") == "timeout"]
    if timeouts:
        return "timeout", f"cell {_n(timeouts[0])} {_cut(timeouts[0]['error'])}"
    if not ran:
        return "graded", ""
    count = f"{len(ran)} cells raised errors, first: " if len(ran) > 1 else ""
    return "graded", f"{count}cell {_n(ran[0])} {_cut(ran[0]['error'])}"


def score(job: Job, key: Key, cell_timeout: float, notebook_timeout: float, cpu_s: int) -> tuple[
        list[Outcome], str, str, list[str]]:
    """(outcomes, status, reason, notes) for a finished grading job."""
    ran = [e for e in of_kind(job.events, RAN) if isinstance(e.get("error"), str)]
    status, reason = _status(job, ran, cell_timeout, notebook_timeout, cpu_s)
    notes = [f"cell {_n(e)} {_cut(e['error'])}" for e in ran]
    notes += [_cut(e["text"]) for e in of_kind(job.events, NOTE) if isinstance(e.get("text"), str)]
    printed = number((job.done or {}).get("printed"), _MAX_COUNT) or 0
    if printed > _LOUD:
        notes.append(f"the notebook printed {printed / 2**20:.0f} MB of output (not kept)")
    stopped = status in ("timeout", "crashed", "error")
    outcomes = [_outcome(q, key, job.answers.get(q.id), stopped) for q in key.questions.values()]
    missing = [o.question_id for o in outcomes if _unanswered(o)]
    wrong = [o.question_id for o in outcomes if not o.passed and not _unanswered(o)]
    parts = [reason]
    if missing:
        parts.append("not answered: " + (f"all {len(outcomes)} questions" if len(missing) == len(outcomes)
                                         else ", ".join(missing)))
    if wrong:
        parts.append(f"not passed: {', '.join(wrong)}")
    return outcomes, status, "; ".join(filter(None, parts)), notes
