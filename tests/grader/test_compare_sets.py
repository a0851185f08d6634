"""Detection sets (bots, skewed clocks): judged by precision and recall, with the F1 score as partial credit."""

from __future__ import annotations

import pytest
from support.leaks import assert_no_key_leak

from grader.answers import to_data
from grader.compare import compare
from grader.outcome import Outcome
from grader.spec import Question, Set, spec_from_json, spec_to_json

KEY = set(range(100, 140))  # 40 members
DETECT = Set(min_precision=0.95, min_recall=0.95)


def check(kind: Set, answer: object, key: object = KEY, mistakes: dict | None = None, partial: bool = True) -> Outcome:
    """to_data both sides, then compare, as check() does."""
    variants = {name: to_data(kind, raw) for name, raw in (mistakes or {}).items()}
    return compare(Question("bots", kind, partial=partial), to_data(kind, answer), to_data(kind, key), variants)


def test_a_detected_set_within_both_bars_passes_with_full_points():
    answer = (KEY - {100, 101}) | {999}  # 38 of 39 right (97.4%), 38 of 40 found (95%)
    outcome = check(DETECT, answer)
    assert outcome.passed and outcome.score == 1.0
    assert outcome.summary == ("Correct: precision 97.4% (38 of your 39 values are in the key), recall 95% "
                               "(your set finds 38 of the key's 40); at least 95% and 95% are needed.")


def test_the_exact_set_passes_as_an_exact_set_does():
    assert check(DETECT, KEY).summary == "Correct: all 40 values match."


def test_low_precision_fails_names_only_the_answers_extra_members_and_scores_f1():
    answer = KEY | {1, 2, 3, 4, 5, 6}  # every key member, 6 extra: precision 40/46
    outcome = check(DETECT, answer)
    assert not outcome.passed
    assert outcome.summary.startswith("Not yet: precision 86.9% (40 of your 46 values are in the key), recall 100%")
    assert outcome.details == ["Too many of your values are not in the key: 1, 2, 3, 4, 5 (and 1 more)."]
    assert outcome.score == pytest.approx(2 * 40 / (46 + 40), abs=1e-6)
    assert_no_key_leak(outcome, sorted(KEY), sorted(answer), min_whole=0)


def test_low_recall_fails_without_naming_a_missing_member():
    answer = set(range(100, 120))  # half the key
    outcome = check(DETECT, answer)
    assert not outcome.passed
    assert "recall 50% (your set finds 20 of the key's 40)" in outcome.summary
    assert outcome.details == ["Your set misses too many of the key's values; widen the rule that selects them."]
    assert outcome.score == pytest.approx(2 * 20 / 60, abs=1e-6)
    assert_no_key_leak(outcome, sorted(KEY), sorted(answer), min_whole=0)


def test_a_share_just_below_the_bar_is_never_shown_rounded_up_to_it():
    key = set(range(1000, 1000 + 1999))
    answer = set(range(1000, 1000 + 1898))  # recall 1898/1999 = 94.947%
    outcome = check(DETECT, answer, key)
    assert not outcome.passed
    assert "recall 94.9%" in outcome.summary


def test_without_partial_credit_a_failed_detection_scores_zero():
    assert check(DETECT, set(range(100, 120)), partial=False).score == 0.0


def test_an_empty_answer_scores_nothing_and_an_empty_key_needs_an_empty_answer():
    empty = check(DETECT, set())
    assert not empty.passed and empty.score == 0.0
    assert check(DETECT, set(), key=set()).passed
    assert not check(DETECT, {1}, key=set()).passed


def test_a_known_mistake_is_named_when_the_answer_is_within_the_bars_of_its_variant():
    heavy_humans = set(range(500, 540))
    answer = heavy_humans - {500}
    outcome = check(DETECT, answer, mistakes={"Top users by volume are heavy humans, not bots": heavy_humans})
    assert outcome.mistake == "Top users by volume are heavy humans, not bots"


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, True, "0.9"])
def test_bars_outside_zero_to_one_are_refused(bad):
    with pytest.raises(ValueError, match="must be a number in"):
        Set(min_recall=bad)


def test_the_bars_survive_the_answer_key_round_trip():
    question = Question("bots", DETECT, partial=True)
    assert spec_from_json(spec_to_json(question)) == question
