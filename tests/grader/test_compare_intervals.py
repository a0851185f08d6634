"""Intervals with a declared centre tolerance: a plausible width around the wrong value still fails."""

from __future__ import annotations

import pytest
from support.leaks import assert_no_key_leak

from grader.answers import to_data
from grader.compare import compare
from grader.outcome import Outcome
from grader.spec import Interval, Question

KEY = (0.0689, 0.3453)  # a reference interval as wide as a tiny hidden dataset gives
SPEC = Interval(width_ratio=(0.7, 1.3), center_tolerance=0.25)


def check(kind: Interval, answer: object, key: object = KEY) -> Outcome:
    """to_data both sides, then compare, as check() does."""
    question = Question("q", kind)
    return compare(question, to_data(kind, answer), to_data(kind, key))


def test_a_made_up_interval_of_a_plausible_width_around_the_wrong_value_fails_and_says_which_way():
    outcome = check(SPEC, (0.0, 0.25))
    assert not outcome.passed
    assert outcome.summary == ("Your interval is centred too far below where this data puts it: build it around "
                               "the estimate, from the same data and definition.")
    assert_no_key_leak(outcome, KEY, (0.0, 0.25))


def test_without_a_centre_tolerance_width_alone_cannot_tell_it_apart():
    assert check(Interval(width_ratio=(0.7, 1.3)), (0.0, 0.25)).passed


@pytest.mark.parametrize("answer", [
    (0.0689, 0.3453),           # the reference itself
    (0.0520, 0.3454),           # a symmetric (delta-method) interval around a point estimate below the midpoint
    (0.0900, 0.3700),           # another resampling seed
])
def test_intervals_from_other_valid_methods_pass(answer):
    assert check(SPEC, answer).passed


def test_an_interval_centred_too_far_above_says_above():
    assert "centred too far above" in check(SPEC, (0.15, 0.45)).summary


def test_a_centre_tolerance_must_be_positive():
    with pytest.raises(ValueError, match="center_tolerance"):
        Interval(width_ratio=(0.5, 2.0), center_tolerance=0)
