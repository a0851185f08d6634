"""What runs inside a forked worker: a student's notebook (confined), or a trusted job (hidden dataset, answer key).

A notebook runs cell by cell in an IPython shell of this process (magics, `display`, `_` work as in Jupyter; no
kernel round-trip). `check(question_id, answer)` records the answer as data - `to_data` then `dump`, Arrow IPC or
JSON - and sends it to the grader at once, so answers given before a crash or a hang still count. Comparing
happens in the grader, with a key the worker never sees: replacing `check` gains nothing. A question never
checked is read at the end from the expression the module's own check call uses (`dau_by_day`), so cells that
were reordered, or a check line that was deleted or edited, still yield the answer the notebook computed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from IPython.core.interactiveshell import InteractiveShell

from grader.grade import protocol
from grader.grade.sandbox import Confinement, confine

_SHORT = 200
_MISSING = object()


class CellTimeout(BaseException):
    """Raised in a cell that runs past its time limit (a BaseException so `except Exception` cannot swallow it)."""


class GradingShell(InteractiveShell):
    """An IPython shell that computes nothing for display and never draws figures on screen."""

    def init_display_formatter(self) -> None:
        super().init_display_formatter()
        formatter = self.display_formatter
        assert formatter is not None  # the call above made it
        # Outputs are never shown to anyone: formatting a DataFrame or running a relation for display is waste.
        formatter.active_types = []
        formatter.mimebundle_formatter.enabled = False
        formatter.ipython_display_formatter.enabled = False

    @contextmanager
    def _tee(self, channel: str) -> Iterator[None]:
        yield  # IPython 9 would keep every printed line in memory for its history: a print loop would fill it

    def enable_matplotlib(self, gui: str | None = None) -> tuple[str | None, str]:
        return gui, "agg"  # `%matplotlib inline` keeps the Agg backend

    def showtraceback(self, *args: Any, **kwargs: Any) -> None:
        pass  # the worker reports the exception itself; IPython's formatted traceback is slow and unused

    def showsyntaxerror(self, *args: Any, **kwargs: Any) -> None:
        pass

    def showindentationerror(self) -> None:
        pass


def make_shell() -> GradingShell:
    """The shell every worker inherits from the fork server (history off: no background thread)."""
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return GradingShell.instance(config=config)


class _Sink:
    """sys.stdout/sys.stderr of a worker: counts what the notebook prints and keeps none of it."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1  # /dev/null, for libraries that write to the descriptor


class _Channel:
    """The worker's end of the pipe to the grader."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        try:
            protocol.send(self.fd, header, payload)
        except OSError:  # the grader went away, or the notebook closed the channel: nothing left to report to
            os._exit(71)


def _short(text: object) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def _line(error: BaseException) -> int | None:
    """The line of the cell where `error` was raised."""
    if isinstance(error, SyntaxError):
        return error.lineno
    line, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<ipython-input-"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def describe(error: BaseException, cell_timeout: float, memory_mb: int) -> tuple[str, str]:
    """(kind, sentence) for an exception a cell raised: timeout, memory, exit or error."""
    if isinstance(error, CellTimeout):
        return "timeout", f"ran longer than {cell_timeout:g} s and was stopped"
    if isinstance(error, SystemExit):
        return "exit", "called sys.exit() (the cells after it ran anyway)"
    where = f" (line {_line(error)})" if _line(error) else ""
    if isinstance(error, MemoryError):
        return "memory", f"ran out of memory{where}: the limit is {memory_mb} MB"
    text = error.msg if isinstance(error, SyntaxError) else str(error)
    message = _short(text.splitlines()[0]) if text.strip() else ""
    return "error", f"raised {type(error).__name__}{where}" + (f": {message}" if message else "")


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout()


class _Notebook:
    """One submission's run: the cells, the recording check, the answers sent as they come."""

    def __init__(self, spec: dict[str, Any], channel: _Channel, shell: GradingShell) -> None:
        from grader.spec import spec_from_json

        self.spec, self.channel, self.shell = spec, channel, shell
        self.questions = {q["id"]: spec_from_json(q) for q in spec["questions"]}
        self.checked: set[str] = set()
        self.cell_timeout = float(spec["cell_timeout"])
        self.deadline = time.monotonic() + float(spec["notebook_timeout"])
        self.memory_mb = int(spec["confinement"]["memory_mb"])
        self.student_seconds = 0.0
        self.notebook_limited = False  # whether the running alarm is the notebook's deadline

    def answer(self, question_id: str, raw: Any, via: str) -> None:
        """Convert and send one answer; an unusable answer is sent as its sentence for the student."""
        from grader.answers import AnswerError, NotAnswered, dump, to_data

        header: dict[str, Any] = {"t": protocol.ANSWER, "q": question_id, "via": via}
        payload = b""
        try:
            payload = dump(to_data(self.questions[question_id].kind, None if raw is _MISSING else raw))
        except NotAnswered as error:
            header.update(error=str(error), unanswered=True)
        except AnswerError as error:
            header["error"] = str(error)
        except CellTimeout:
            raise
        except Exception as error:  # a hostile or exotic object: its conversion failing is the student's problem
            header["error"] = f"The answer could not be read ({type(error).__name__}: {_short(error)})."
        if len(payload) > protocol.MAX_PAYLOAD:
            header["error"] = (f"The answer is too large to grade ({len(payload) / 2**20:.0f} MB): hand in only "
                               "what the question asks for.")
            payload = b""
        self.channel.send(header, payload)

    def check(self, question_id: Any = _MISSING, answer: Any = _MISSING) -> _Recorded:
        """The notebook's check(): records the answer for grading; the grader compares it later."""
        if not isinstance(question_id, str) or question_id not in self.questions:
            self.channel.send({"t": protocol.NOTE, "text": f"check() was called with an unknown question id "
                                                    f"{_short(repr(question_id))}"})
            return _Recorded(str(question_id))
        self.checked.add(question_id)
        self.answer(question_id, answer, "check")
        return _Recorded(question_id)

    def _timed(self, limit: float, run: Any) -> Any:
        """Run `run()` with an alarm after `limit` seconds (capped by the notebook's deadline)."""
        left = self.deadline - time.monotonic()
        self.notebook_limited = left <= limit
        limit = min(limit, left)
        if limit <= 0:
            raise CellTimeout()
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return run()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.student_seconds += time.monotonic() - started

    def run_cells(self) -> None:
        for number, source in enumerate(self.spec["cells"], start=1):
            self.channel.send({"t": protocol.CELL, "n": number})
            try:
                result = self._timed(self.cell_timeout, lambda s=source: self.shell.run_cell(s, store_history=True))
                error = result.error_before_exec or result.error_in_exec
            except CellTimeout as timeout:  # the alarm fired outside the student's code, in IPython's
                error = timeout
            header: dict[str, Any] = {"t": protocol.RAN, "n": number}
            if isinstance(error, CellTimeout) and self.notebook_limited:
                header.update(kind="notebook", error="was stopped at the notebook's time limit")
                self.channel.send(header)
                return
            if error is not None:
                header["kind"], header["error"] = describe(error, self.cell_timeout, self.memory_mb)
            self.channel.send(header)

    def read_unchecked(self) -> None:
        """Questions no check() call answered: read the module's answer expression in the final namespace."""
        if time.monotonic() >= self.deadline:
            return
        for question_id, expression in self.spec["expressions"].items():
            if question_id in self.checked or question_id not in self.questions:
                continue
            try:
                value = self._timed(self.cell_timeout, lambda e=expression: eval(e, self.shell.user_ns))
            except NameError:
                self.channel.send({"t": protocol.ANSWER, "q": question_id, "via": "end", "unanswered": True,
                                   "error": f"Not answered: no check({question_id!r}, ...) ran, and `{expression}` "
                                            "is not defined at the end of the notebook."})
                continue
            except BaseException as error:  # whatever the object does, report it
                kind, sentence = describe(error, self.cell_timeout, self.memory_mb)
                self.channel.send({"t": protocol.ANSWER, "q": question_id, "via": "end",
                                   "error": f"Reading `{expression}` at the end of the notebook {sentence}."})
                continue
            try:
                self._timed(self.cell_timeout, lambda v=value, q=question_id: self.answer(q, v, "end"))
            except CellTimeout:
                self.channel.send({"t": protocol.ANSWER, "q": question_id, "via": "end",
                                   "error": f"Reading `{expression}` at the end of the notebook took too long."})


class _Recorded:
    """What check() returns while grading: truthy, and says the answer was recorded (not whether it is right)."""

    def __init__(self, question_id: str) -> None:
        self.question_id = question_id

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"{self.question_id}: answer recorded for grading."


def _grade(spec: dict[str, Any], channel: _Channel, shell: GradingShell, abi: int, roots: list[str],
           reroutes: dict[str, int]) -> None:
    import grader.session
    import synth

    confine(Confinement(**spec["confinement"]), abi, roots, reroutes)
    sys.stdout = sys.stderr = sink = _Sink()
    signal.signal(signal.SIGALRM, _on_alarm)
    notebook = _Notebook(spec, channel, shell)
    db = synth.connect(spec["dataset"])

    check = grader.session.GradedCheck(notebook.check)  # check.hint / check.solution reveal nothing here

    def start(module: str = "", **ignored: Any) -> tuple[Any, Any]:
        print(f"{module}: hidden grading dataset.")
        return db, check

    # The notebook's setup line gets the hidden dataset and the recording check; instructor calls do nothing.
    grader.session.start = start
    grader.session.question = grader.session.mistake = lambda *args, **kwargs: None
    shell.user_ns.update(db=db, check=check)  # a deleted setup cell costs nothing
    notebook.run_cells()
    notebook.read_unchecked()
    channel.send({"t": protocol.DONE, "student_s": round(notebook.student_seconds, 6), "printed": sink.written})


def _record_key(spec: dict[str, Any], channel: _Channel, shell: GradingShell) -> None:
    """Run a solution notebook in record mode (trusted): the session's Recorder writes the key's files."""
    from grader.key import DATASET_ENV, RECORD_ENV
    from grader.paths import SOLUTIONS_ENV

    os.environ.update({RECORD_ENV: spec["record"], DATASET_ENV: spec["dataset"], SOLUTIONS_ENV: spec["solutions"]})
    os.chdir(spec["solutions"])
    for number, source in enumerate(spec["cells"], start=1):
        result = shell.run_cell(source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            _, sentence = describe(error, 0, 0)
            channel.send({"t": protocol.FAILED, "error": f"code cell {number} {sentence}"})
            return
    channel.send({"t": protocol.DONE})


def _build_dataset(spec: dict[str, Any], channel: _Channel) -> None:
    """Build a hidden dataset (trusted): synth's atomic build into the cache."""
    from synth.config import config_for
    from synth.writer import build

    build(config_for(spec["scale"], int(spec["seed"])), Path(spec["out"]), workers=1, progress=False)
    channel.send({"t": protocol.DONE})


def run_job(spec: dict[str, Any], fd: int, shell: GradingShell, abi: int, roots: list[str],
            reroutes: dict[str, int]) -> None:
    """Run one job in this freshly forked process and exit; never returns."""
    channel = _Channel(fd)
    code = 0
    try:
        if spec["kind"] == "grade":
            _grade(spec, channel, shell, abi, roots, reroutes)
        elif spec["kind"] == "key":
            _record_key(spec, channel, shell)
        else:
            _build_dataset(spec, channel)
    except BaseException as error:  # reported to the grader, which decides what it means
        channel.send({"t": protocol.FAILED, "error": f"{type(error).__name__}: {_short(error)}"})
        code = 70
    finally:
        os._exit(code)
