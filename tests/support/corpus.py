"""The answer corpus's machinery: named right and wrong answers per question, judged as check() judges them.

A module's corpus file registers answers with `@corpus.right(question)` and `@corpus.wrong(question, reason)`;
each is a function of a workbench (the tiny dataset's connection and shared intermediate frames) that returns
what a student would pass to check(). `judge` runs the same flow as `grader.session.Session.check`: turn the
raw answer into data, then compare it with the key, its registered mistakes and its planted truth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import duckdb
import matplotlib
import pandas as pd
import pytest

from grader.compare import compare
from grader.feedback import render_text
from grader.key import Key
from grader.outcome import Outcome, outcome_for_error
from support.leaks import assert_no_key_leak

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the non-interactive backend)

# The window's bounds as the modules' solutions compute them, as timestamps (window_end is exclusive).
BOUNDS = """
    bounds AS (
        SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS TIMESTAMP) AS window_start,
               CAST(MAX(value) FILTER (WHERE key = 'window_end') AS TIMESTAMP) AS window_end
        FROM dataset_info
    )"""
LOCAL_TS = "((events.event_ts AT TIME ZONE 'UTC') AT TIME ZONE users.timezone)"
ROW_COUNT = r"the key has \d+|(more|fewer) than the key"   # feedback on a wrong number of rows
UNIQUE_EVENTS = """
    CREATE OR REPLACE TEMP VIEW unique_events AS
    SELECT * FROM events
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_ts, event_ts) = 1
"""


@dataclass(frozen=True)
class Answer:
    """One answer a student could hand in: `reason` (a regex) is what the feedback of a wrong one must say."""

    question: str
    name: str
    build: Callable[[Any], Any]
    reason: str | None = None
    xfail: str | None = None

    def param(self) -> Any:
        marks = [pytest.mark.xfail(strict=True, reason=self.xfail)] if self.xfail else []
        return pytest.param(self, id=f"{self.question}-{self.name}", marks=marks)


class Corpus:
    """The right and wrong answers of one module, registered by decorators in the order written."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.answers: list[Answer] = []

    def right(self, question: str, *, xfail: str | None = None) -> Callable:
        """Register a right answer: it must pass."""
        def register(build: Callable) -> Callable:
            self.answers.append(Answer(question, build.__name__, build, xfail=xfail))
            return build
        return register

    def wrong(self, question: str, reason: str, *, xfail: str | None = None) -> Callable:
        """Register a wrong answer: it must fail, and its feedback must match `reason` (a regex, any case)."""
        def register(build: Callable) -> Callable:
            self.answers.append(Answer(question, build.__name__, build, reason=reason, xfail=xfail))
            return build
        return register

    def rights(self) -> list[Any]:
        return [a.param() for a in self.answers if a.reason is None]

    def wrongs(self) -> list[Any]:
        return [a.param() for a in self.answers if a.reason is not None]

    def count(self, question: str, right: bool) -> int:
        """How many right (or wrong) answers of `question` are expected to hold today (xfails do not count)."""
        return sum(1 for a in self.answers
                   if a.question == question and (a.reason is None) == right and a.xfail is None)

    def specification(self) -> tuple[Callable, Callable, Callable]:
        """The module's three tests, to assign at the end of its corpus file (after every answer is registered)."""
        module = self.module

        def test_every_question_has_three_right_and_two_wrong_answers(module_keys):
            assert_covered(self, module_keys[module])

        @pytest.mark.parametrize("answer", self.rights())
        def test_a_right_answer_passes_without_giving_the_key_away(answer, bench, module_keys):
            assert_right(module_keys[module], answer, bench)

        @pytest.mark.parametrize("answer", self.wrongs())
        def test_a_wrong_answer_fails_saying_why_without_giving_the_key_away(answer, bench, module_keys):
            assert_wrong(module_keys[module], answer, bench)

        return (test_every_question_has_three_right_and_two_wrong_answers,
                test_a_right_answer_passes_without_giving_the_key_away,
                test_a_wrong_answer_fails_saying_why_without_giving_the_key_away)


class Workbench:
    """A student's kernel on the hidden-scale dataset: `db`, `sql(query) -> DataFrame`, and cached shared frames."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self.db = db

    def sql(self, query: str) -> pd.DataFrame:
        return self.db.sql(query).df()

    def one(self, query: str) -> Any:
        return self.db.sql(query).fetchall()[0][0]

    @cached_property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """(window_start, window_end) as timestamps."""
        start, end = self.db.sql(f"WITH {BOUNDS} SELECT window_start, window_end FROM bounds").fetchall()[0]
        return pd.Timestamp(start), pd.Timestamp(end)


def local_dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """The local calendar day (a midnight Timestamp) of each UTC timestamp in `column`, in the row's `timezone`."""
    parts = [group[column].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
             for zone, group in frame.groupby("timezone")]
    return pd.concat(parts).reindex(frame.index)


def judge(key: Key, question_id: str, raw: Any) -> tuple[Outcome, Any]:
    """The Outcome check() gives for `raw`, and the answer as data (None when it is unusable)."""
    from grader.answers import AnswerError, to_data

    question = key.questions[question_id]
    try:
        got = to_data(question.kind, raw)
    except AnswerError as error:
        return outcome_for_error(question, str(error)), None
    finally:
        plt.close("all")
    return compare(question, got, key.expected[question_id], key.mistakes[question_id],
                   truth=key.truth[question_id]), got




def assert_right(key: Key, answer: Answer, bench: Workbench) -> None:
    """A right answer passes, and its feedback gives nothing away."""
    outcome, got = judge(key, answer.question, answer.build(bench))
    assert outcome.passed, render_text(outcome)
    assert_no_key_leak(outcome, key.expected[answer.question], got)


def assert_wrong(key: Key, answer: Answer, bench: Workbench) -> None:
    """A wrong answer fails, its feedback says why (`answer.reason`), and it gives no key value away."""
    outcome, got = judge(key, answer.question, answer.build(bench))
    text = render_text(outcome)
    assert not outcome.passed, text
    assert re.search(answer.reason, text, re.IGNORECASE), f"expected /{answer.reason}/ in:\n{text}"
    assert_no_key_leak(outcome, key.expected[answer.question], got)


def assert_covered(corpus: Corpus, key: Key) -> None:
    """Every question of the module has at least 3 right and 2 wrong answers in the corpus."""
    thin = {q: (corpus.count(q, True), corpus.count(q, False)) for q in key.questions
            if corpus.count(q, True) < 3 or corpus.count(q, False) < 2}
    assert not thin, f"questions with fewer than 3 right / 2 wrong answers: {thin}"
