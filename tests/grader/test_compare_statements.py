"""A Statement: one plain sentence whose numbers, directions and words are checked against the data's facts."""

from __future__ import annotations

import pytest
from support.leaks import assert_no_key_leak

from grader.answers import AnswerError, to_data
from grader.compare import compare
from grader.compare.statements import claims
from grader.outcome import Outcome
from grader.spec import Fact, Question, Statement, spec_from_json, spec_to_json

# The capstone's story: weekly active users fell after an Android build broke push notifications.
FACTS = (
    Fact("the change in weekly active users", -0.1234, "change"),
    Fact("weekly active users this week", 41_230, "count", required=False),
    Fact("the share of lost users who are on Android", 0.81, "share", required=False),
    Fact("the change in the share of Android pushes opened", -0.062, "points", required=False),
    Fact("how many times faster Android users left than iOS users", 3.4, "times", required=False),
)
SPEC = Statement(facts=FACTS, max_words=35, jargon=("WAU",))
REFERENCE = "Weekly active users fell 12% in two weeks, to 41,230, and 81% of those we lost are on Android."
KEY_VALUES = [12.34, 0.1234, -0.1234, 41_230, 0.81, 81, -0.062, 6.2, 3.4]


def check(sentence: object, mistakes: dict | None = None, spec: Statement = SPEC) -> Outcome:
    question = Question("memo", spec, partial=True)
    variants = {name: to_data(spec, v) for name, v in (mistakes or {}).items()}
    return compare(question, to_data(spec, sentence), to_data(spec, REFERENCE), variants)


RIGHT = [
    "Weekly active users fell 12% over the last two weeks.",
    "Weekly active users are down 12.3% since the new Android build shipped.",
    "Weekly active users dropped by about 12%, to 41,230.",
    "Weekly actives fell 12.3 percent, and 81% of the users we lost are on Android.",
    "Weekly active users fell 12% to 41.2k, mostly on Android.",
    "Weekly active users are down 12%: Android users open 6.2 percentage points fewer notifications.",
    "A 12% drop in weekly active users, to 41,230, followed the Android release.",
    "Weekly active users declined 12.34% in the last 2 weeks.",
    "Weekly active users fell 12%; Android users left 3.4 times as fast as iPhone users.",
    "Weekly active users decreased by 12 percent after the Android update of 3 November.",
    "Since November 3, weekly active users have dropped 12%.",
    "Our weekly audience shrank 12% to 41,230 people.",
    "Weekly active users slumped 12.3% as Android push opens fell 6.2 points.",
    "Weekly active users: \u221212% in two weeks, nearly all of it on Android.",
    "Weekly active users are 12% lower than two weeks ago.",
    "Weekly active users fell 12%, 3.4x faster on Android than on iOS.",
    "We have 12% fewer weekly active users than two weeks ago.",
    "Weekly active users dipped 12%, to roughly 41 thousand.",
    "Weekly active users fell 12.3% after the Android 7.3 release.",
    "Weekly active users fell 12%, with four out of five lost users on Android.",
    "In 2025's last weeks, weekly active users fell 12%, mostly Android users whose notifications broke.",
    "weekly active users went down 12% in 14 days.",
    "The Android build reduced weekly active users by 12%.",
    "Weekly active users sank 12% to 41,230 after the release.",
    "The broken notifications lowered weekly active users by 12.3%.",
]

WRONG = [
    ("Weekly active users rose 12%.", "the direction is wrong"),
    ("Weekly active users grew by 12.3% after the release.", "the direction is wrong"),
    ("Weekly active users fell 12% as Android push opens rose 6.2 percentage points.", "the direction is wrong"),
    ("Weekly active users changed by 12%.", "say which way it moved"),
    ("Weekly active users fell 15%.", "'15%' matches none of the figures"),
    ("Weekly active users fell 13%.", "'13%' matches none of the figures"),
    ("Weekly active users fell 12.4%.", "'12.4%' matches none of the figures"),
    ("Weekly active users fell 1.2%.", "'1.2%' matches none of the figures"),
    ("Weekly active users fell 0.12%.", "'0.12%' matches none of the figures"),
    ("Weekly active users fell 12% to 52,000.", "'52,000' matches none of the figures"),
    ("Weekly active users fell 12%, twice as fast on Android.", "'twice' matches none of the figures"),
    ("Weekly active users fell 12% while Android push opens fell 6.2%.", "in percentage points, not percent"),
    ("Something is wrong with Android notifications.", "does not state the change in weekly active users"),
    ("Weekly active users fell 12% (p-value < 0.001).", "'p-value' is jargon"),
    ("Weekly active users fell 12%, a statistically significant drop.", "'statistically significant' is jargon"),
    ("Weekly active users fell 12% (95% confidence interval 10% to 14%).", "'confidence interval' is jargon"),
    ("After CUPED, weekly active users fell 12%.", "'CUPED' is jargon"),
    ("Weekly active users fell 12%, with heteroscedasticity across segments.", "'heteroscedasticity' is jargon"),
    ("Weekly active users fell 12%; a regression blames Android.", "'regression' is jargon"),
    ("WAU fell 12%.", "'WAU' is jargon"),
    ("Weekly active users fell 12%. Android is to blame. We should roll back the build.", "3 sentences"),
    ("Weekly active users fell 12% over the last two weeks, and when we look at it by platform, by device tier, "
     "by country and by acquisition channel, almost all of the users we lost turn out to be on Android phones.",
     "words: keep it to 35 or fewer"),
]


@pytest.mark.parametrize("sentence", RIGHT)
def test_a_right_sentence_passes(sentence):
    outcome = check(sentence)
    assert outcome.passed, (sentence, outcome.summary, outcome.details)


@pytest.mark.parametrize(("sentence", "problem"), WRONG)
def test_a_wrong_sentence_fails_naming_its_problem_without_giving_a_fact_away(sentence, problem):
    outcome = check(sentence)
    assert not outcome.passed
    feedback = " ".join([outcome.summary, *outcome.details])
    assert problem in feedback, (sentence, feedback)
    assert_no_key_leak(outcome, KEY_VALUES, [c.value for c in claims(sentence)], min_whole=0)


def test_the_corpus_is_big_enough():
    assert len(RIGHT) >= 20 and len(WRONG) >= 20


def test_partial_credit_counts_numbers_directions_completeness_and_plainness():
    outcome = check("Weekly active users rose 12%, a statistically significant change.")
    assert outcome.score == pytest.approx(0.25)  # numbers right; direction, completeness, plainness wrong


def test_a_known_mistake_is_named_when_the_sentence_repeats_its_wrong_number():
    naive = {"Compares with the promotion weekend, so the drop looks twice as big": "Weekly active users fell 25%."}
    outcome = check("Weekly active users are down about 25% in two weeks.", naive)
    assert outcome.mistake == "Compares with the promotion weekend, so the drop looks twice as big"
    assert check("Weekly active users are down 30%.", naive).mistake is None


# A recommendation's verbs: what an action does to a number ("raises DAU 8%", "adds 8% to DAU").
PROMOTION = Statement(facts=(Fact("the promotion's own effect on weekend DAU", 0.081, "change"),))


@pytest.mark.parametrize(("sentence", "passes"), [
    ("Extend the Weekend Watch Party: it raises weekend DAU by 8% in the countries where it runs.", True),
    ("Keep the promotion, which adds about 8% to daily active users on its weekends.", True),
    ("Extend the Weekend Watch Party: it raises DAU on its weekends by about 8% where it runs.", True),
    ("Extend it: the promotion raises daily active users on promotion weekends by 8.1%.", True),
    ("The promotion lifts weekend DAU 8% and boosts nothing else.", True),
    ("Run the promotion everywhere; it raised weekend daily users 8.1%.", True),
    ("Daily users on promotion weekends surged 8% against ordinary weekends.", True),
    ("Stop the promotion: it reduces weekend DAU by 8%.", False),
    ("The promotion lowered weekend daily users 8%.", False),
])
def test_action_verbs_say_which_way_a_number_moved(sentence, passes):
    outcome = compare(Question("recommendation", PROMOTION), to_data(PROMOTION, sentence),
                      "Keep the promotion: it raises weekend DAU by 8%.")
    assert outcome.passed == passes, (sentence, outcome.summary)
    if not passes:
        assert "the direction is wrong" in outcome.summary


def test_a_right_sentence_is_never_taken_for_a_mistake():
    naive = {"Quotes the change in the share of pushes opened as a percent": "Push opens fell 6.2%."}
    assert check("Weekly active users fell 12% as Android push opens fell 6.2 points.", naive).passed


def test_dates_years_periods_and_version_names_are_not_claims():
    text = "On 3 Nov 2025, after 14 days of Android 7.3 and iOS 17, question 4 of week 45 fell 12%."
    assert [c.text for c in claims(text)] == ["12%"]


def test_numbers_are_read_as_people_write_them():
    read = {c.text: (c.kind, c.value * c.scale) for c in claims("Up 3.1 pp, +5%, 4.2k, 1.5 million, 2.5x, a third")}
    assert read == {"3.1 pp": ("pp", 3.1), "+5%": ("pct", 5.0), "4.2k": ("plain", 4200.0),
                    "1.5 million": ("plain", 1_500_000.0), "2.5x": ("times", 2.5), "a third": ("pct", 100 / 3)}


@pytest.mark.parametrize("answer", [42, ["Weekly active users fell 12%."], None])
def test_a_statement_is_text(answer):
    with pytest.raises(AnswerError, match="sentence|None"):
        to_data(SPEC, answer)


def test_an_empty_sentence_is_refused_in_words():
    with pytest.raises(AnswerError, match="The sentence is empty"):
        to_data(SPEC, "   ")


def test_hostile_text_is_judged_quickly_and_safely():
    outcome = check("1" * 100_000 + " fell " + "9," * 50_000)
    assert not outcome.passed


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"facts": ()}, "needs at least one Fact"),
    ({"facts": (Fact("x", 1.0),), "max_words": 0}, "must be >= 1"),
])
def test_a_statement_spec_needs_facts_and_sensible_limits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Statement(**kwargs)


@pytest.mark.parametrize(("args", "message"), [
    (("x", 1.0, "percent"), "unit must be one of"),
    (("x", float("nan")), "finite number"),
    (("x", True), "finite number"),
])
def test_a_fact_is_a_finite_number_in_a_known_unit(args, message):
    with pytest.raises(ValueError, match=message):
        Fact(*args)


def test_the_facts_survive_the_answer_key_round_trip():
    question = Question("memo", SPEC, partial=True)
    assert spec_from_json(spec_to_json(question)) == question
