"""The notebook side of a module: the setup line, check(), and the question()/mistake() declarations.

`db, check = grader.start("01_active_users")` opens the current dataset read-only and returns `check`. In a
kernel started by `grader key` ($GRADER_RECORD set) the same calls record the key instead of comparing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.key import DATASET_ENV, RECORD_ENV, Key, Recorder, RecordError, load_key, require_checksum
from grader.outcome import Outcome, outcome_for_error
from grader.paths import GraderError, module_name
from grader.spec import Interval, Kind, Question

if TYPE_CHECKING:
    import duckdb

    from grader.reveal import Note

_MISSING = object()


class Session:
    """One module's connection, dataset and (lazily loaded) answer key in this kernel."""

    def __init__(self, module: str, db: duckdb.DuckDBPyConnection, dataset: Path, info: dict[str, str],
                 solutions: str | Path | None, recorder: Recorder | None) -> None:
        self.module, self.db, self.dataset, self.info = module, db, dataset, info
        self.solutions, self.recorder = solutions, recorder
        self._key: Key | None = None
        self._progress_warned = False
        self._class_warned = False

    def key(self) -> Key:
        """The module's key for this dataset, built on first use."""
        if self._key is None:
            self._key = load_key(self.module, self.dataset, solutions=self.solutions, info=self.info)
        return self._key

    def check(self, question_id: Any, answer: Any, *, record_progress: bool = True) -> Outcome:
        """Compare an answer with the key; every problem becomes an Outcome whose summary says what to do."""
        from grader.answers import AnswerError, to_data
        from grader.compare import compare

        if not isinstance(question_id, str):
            return _outcome(repr(question_id), 'Question ids are text in quotes, e.g. check("dau", answer).')
        try:
            key = self.key()
        except GraderError as error:
            return _outcome(question_id, f"Answers cannot be checked yet: {error}.")
        question = key.questions.get(question_id)
        if question is None:
            known = ", ".join(key.questions) or "none"
            return _outcome(question_id, f"There is no question {question_id!r} in {self.module}; "
                                         f"its questions are: {known}.")
        if answer is _MISSING:
            return outcome_for_error(question, f"No answer given: pass it too, e.g. check({question_id!r}, "
                                               "your_answer).")
        try:
            got = to_data(question.kind, answer)
        except AnswerError as error:
            return outcome_for_error(question, str(error))
        outcome = compare(question, got, key.expected[question_id], key.mistakes[question_id],
                          truth=key.truth[question_id])
        if not outcome.passed:
            outcome = self._with_help(question, outcome, record_progress)
        if record_progress:
            self._record_progress(outcome)
            self._report_to_class(outcome)
        return outcome

    def _with_help(self, question: Question, outcome: Outcome, record: bool) -> Outcome:
        """A wrong answer's outcome with the latest hint seen and how to ask for more (remembered as seen)."""
        from grader.ledger import record_reveal
        from grader.reveal import more_help, shown_hint

        if not question.hint:
            return replace(outcome, more_help=more_help(question, 0))
        seen = self._hints_seen(question.id) if record else 0
        shown = shown_hint(question, seen)
        if record and shown > seen:
            self._progress(record_reveal, self.module, question.id, hints=shown)
        return replace(outcome, hint=question.hint[shown - 1], more_help=more_help(question, shown))

    def _hints_seen(self, question_id: str) -> int:
        """How many hints of a question the learner has seen (0 when the progress file cannot say)."""
        from grader.ledger import hints_revealed

        return self._progress(hints_revealed, self.module, question_id) or 0

    def question(self, question_id: Any) -> Question | Note:
        """The question with this id in the module's key, or a note saying why there is none."""
        from grader.reveal import Note

        if not isinstance(question_id, str) or not question_id:
            return Note('Name the question, in quotes: e.g. check.hint("dau") or check.solution("dau").')
        try:
            key = self.key()
        except GraderError as error:
            return Note(f"The answer key is not available: {error}.")
        if question_id not in key.questions:
            return Note(f"There is no question {question_id!r} in {self.module}.",
                        f"Its questions are: {', '.join(key.questions) or 'none'}.")
        return key.questions[question_id]

    def hint(self, question_id: Any) -> Note:
        """The next hint of a question (the last one again once all were seen); remembered in the progress file."""
        from grader.ledger import record_reveal
        from grader.reveal import Note, hint_note

        question = self.question(question_id)
        if isinstance(question, Note):
            return question
        if not question.hint:
            return hint_note(question, 0)
        number = min(self._hints_seen(question.id) + 1, len(question.hint))
        self._progress(record_reveal, self.module, question.id, hints=number)
        return hint_note(question, number)

    def solution(self, question_id: Any) -> Note:
        """The reference solution of one question from the answer key; remembered in the progress file."""
        from grader.ledger import record_reveal
        from grader.reveal import Note, solution_note

        question = self.question(question_id)
        if isinstance(question, Note):
            return question
        code = self.key().solutions.get(question.id)
        if code:
            self._progress(record_reveal, self.module, question.id, solution=True)
        return solution_note(question, code)

    def record(self, question_id: str, answer: Any) -> Outcome:
        """Record-mode check: store the solution's answer as the key's (author errors raise RecordError)."""
        from grader.answers import AnswerError, to_data

        assert self.recorder is not None
        question = self.recorder.question(question_id)
        try:
            data = to_data(question.kind, None if answer is _MISSING else answer)
        except AnswerError as error:
            raise RecordError(f"the solution's answer to {question_id!r} is unusable: {error}") from None
        _spec_fits(question, data, self.recorder.entries[question_id]["truth"])
        self.recorder.expected(question_id, data)
        return Outcome(question_id, True, question.points, question.points, "Recorded as the answer key.")

    def _record_progress(self, outcome: Outcome) -> None:
        from grader.ledger import record

        self._progress(record, self.module, outcome.question_id, outcome.passed, outcome.score, outcome.points)

    def _report_to_class(self, outcome: Outcome) -> None:
        """Add the verdict to the class folder the learner joined, if any; a failure is said once per session."""
        from grader.classroom.record import report

        try:
            report(self.module, outcome.question_id, outcome.passed, outcome.mistake)
        except (GraderError, OSError) as error:
            if not self._class_warned:  # once per session: the answer was still checked
                print(f"Class folder not updated: {error}", file=sys.stderr)
                self._class_warned = True

    def _progress(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Read or write the progress file; a failure is said once per session and never stops the learner."""
        try:
            return call(*args, **kwargs)
        except (GraderError, OSError) as error:
            if not self._progress_warned:  # once per session: the answer was still checked
                print(f"Progress not saved: {error}", file=sys.stderr)
                self._progress_warned = True
            return None


def _spec_fits(question: Question, data: Any, truth: float | None) -> None:
    """Raise RecordError when the spec cannot judge the solution's answer (a misspelt Table(key=...) column).

    Only such authoring errors: whether the answer passes (an interval's width, a chart's series count) can
    depend on the dataset, and a hidden dataset's key must still be recorded.
    """
    from grader.compare import compare

    try:
        compare(question, data, data, truth=truth)
    except ValueError as error:
        raise RecordError(f"question {question.id!r} cannot judge the solution's answer: {error}") from None


class Check:
    """check(question_id, answer): compare with the answer key, show feedback, remember progress; never raises.

    check.hint(question_id) shows the next hint of a question, check.solution(question_id) its reference solution.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def hint(self, question_id: str = "") -> Note:
        """The next hint of a question (self-study; nothing is revealed while a key is recorded)."""
        return self._help(self._session.hint, question_id)

    def solution(self, question_id: str = "") -> Note:
        """The reference solution of one question (self-study; nothing is revealed while a key is recorded)."""
        return self._help(self._session.solution, question_id)

    def _help(self, ask: Callable[[Any], Note], question_id: Any) -> Note:
        """Ask the session for a hint or solution; never while a key is recorded, never a traceback."""
        from grader.reveal import GRADED, Note

        if self._session.recorder is not None:
            return Note(GRADED)
        try:
            return ask(question_id)
        except Exception as error:  # our bug must not look like the student's
            return Note(f"The grader failed while looking this up ({type(error).__name__}: {error}); please report it.")

    def __call__(self, question_id: str, answer: Any = _MISSING, *, practice: bool = False) -> Outcome:
        """Check an answer; `practice=True` shows the feedback without counting an attempt (a demonstration)."""
        if self._session.recorder is not None:
            return self._session.record(question_id, answer)
        try:
            return self._session.check(question_id, answer, record_progress=not practice)
        except Exception as error:  # our bug must not look like the student's
            return _outcome(str(question_id), "The grader failed while checking this answer "
                                              f"({type(error).__name__}: {error}); please report it.")

    def __repr__(self) -> str:
        return f"check(question_id, answer) for {self._session.module}"


class GradedCheck:
    """check() in a graded run: answers go to `record`; check.hint and check.solution never reveal anything."""

    def __init__(self, record: Callable[..., Any]) -> None:
        self._record = record

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._record(*args, **kwargs)

    def hint(self, question_id: Any = None) -> Note:
        """Nothing while grading: one sentence says so."""
        from grader.reveal import GRADED, Note

        return Note(GRADED)

    solution = hint


_current: Session | None = None


def _outcome(question_id: str, summary: str) -> Outcome:
    return Outcome(question_id, False, 0.0, 1.0, summary)


def start(
    module: str, *, dataset: str | Path | None = None, solutions: str | Path | None = None,
) -> tuple[duckdb.DuckDBPyConnection, Check]:
    """The setup line of a module: `db, check = grader.start("01_active_users")`.

    `db` is a read-only connection to $SANDBOX_DB (else datasets/clipstream.duckdb); `solutions` overrides
    where the solution notebooks behind the answer keys are ($SANDBOX_SOLUTIONS, else solutions/).
    """
    import synth

    global _current
    if not isinstance(module, str) or not module_name(module):
        raise GraderError(f'start() needs the module name, e.g. grader.start("01_active_users"), not {module!r}')
    module = module_name(module)
    path = synth.dataset_path(dataset).resolve()
    try:
        db = synth.connect(dataset)  # not `path`: synth words its message by where the path came from
    except synth.DatasetError as error:  # synth's errors say how to get a dataset; show only that
        raise GraderError(str(error)) from None
    try:
        info = require_checksum(synth.info(db), path)
    except GraderError:
        db.close()
        raise
    record_dir = os.environ.get(RECORD_ENV)
    recorder = Recorder(Path(record_dir), module) if record_dir else None
    if recorder is not None and os.environ.get(DATASET_ENV) and Path(os.environ[DATASET_ENV]).resolve() != path:
        raise RecordError("a solution notebook must use the dataset it is recorded on; drop dataset= from start()")
    _current = Session(module, db, path, info, solutions, recorder)
    print(f"{module}: Clipstream dataset seed {info.get('seed')}, scale {info.get('scale')}.")
    return db, Check(_current)


def _session() -> Session:
    if _current is None:
        raise GraderError('run the setup line first: db, check = grader.start("<module>")')
    return _current


def question(id: str, kind: Kind, points: float = 1, hint: str | Sequence[str] = "", *, partial: bool = False,
             truth: float | None = None) -> None:
    """Declare how question `id` is compared (instructor cell of a solution notebook).

    `hint` is one text or a sequence of successive hints (shown after wrong attempts and by check.hint);
    `truth` is the planted value an Interval(must_cover="truth") must contain.
    """
    declared = Question(id, kind, points, hint, partial)
    if isinstance(kind, Interval) and kind.must_cover == "truth" and truth is None:
        raise RecordError(f"question {id!r} must cover the planted truth: pass truth=<value> to question()")
    session = _session()
    if session.recorder is not None:
        session.recorder.declare(declared, truth)


def mistake(question_id: str, name: str, answer: Any) -> None:
    """Register a known wrong answer (instructor cell); outside recording, show the feedback it gets."""
    from grader.answers import AnswerError, to_data

    session = _session()
    if session.recorder is None:
        from IPython.display import display

        # The author sees what a student making this mistake is told (and whether it is recognised).
        display(session.check(question_id, answer, record_progress=False))
        return
    kind = session.recorder.question(question_id).kind
    try:
        data = to_data(kind, answer)
    except AnswerError as error:
        raise RecordError(f"mistake {name!r} of {question_id!r} is not a usable answer: {error}") from None
    session.recorder.mistake(question_id, name, data)


def known_questions() -> dict[str, list[str]]:
    """The current module's question ids, once its key is loaded (used by progress())."""
    if _current is None or _current._key is None:
        return {}
    return {_current.module: list(_current._key.questions)}
