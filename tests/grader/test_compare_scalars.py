"""Scalars within tolerance, sets, multiple choices and intervals, each right, subtly wrong and malformed."""

from __future__ import annotations

import decimal
import re

import numpy as np
import pandas as pd
import pytest
from support.leaks import assert_no_key_leak

from grader.answers import AnswerError, to_data
from grader.compare import compare
from grader.outcome import Outcome
from grader.spec import Choice, Interval, Question, Scalar, Set


def check(kind: object, answer: object, key: object, mistakes: dict | None = None, **extra: object) -> Outcome:
    """to_data both sides, then compare, as check() does."""
    question = Question("q", kind, partial=bool(extra.pop("partial", False)))
    variants = {name: to_data(kind, raw) for name, raw in (mistakes or {}).items()}
    return compare(question, to_data(kind, answer), to_data(kind, key), variants, **extra)


# --- scalars ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [0.25, np.float64(0.25), decimal.Decimal("0.25"), np.array(0.25), pd.DataFrame({"share": [0.25]}), (0.25,),
     {"share": 0.25}, pd.DataFrame({"share": [0.25]}).iloc[0]],
)
def test_a_number_passes_in_any_spelling(answer):
    assert check(Scalar(), answer, 0.25).passed


def test_an_integer_count_equals_a_float_or_numpy_count():
    assert check(Scalar(), np.int64(1250), 1250.0).passed
    assert check(Scalar(), 1250, decimal.Decimal("1250")).passed


def test_float_noise_is_within_tolerance_but_a_real_difference_is_not():
    assert check(Scalar(), 0.1 + 0.2, 0.3).passed
    outcome = check(Scalar(), 0.3001, 0.3)
    assert not outcome.passed
    assert outcome.summary == "Your answer (0.3001) is higher than the key's value."
    assert check(Scalar(rtol=1e-3), 0.3001, 0.3).passed


def test_whole_numbers_must_be_equal_exactly_even_when_large():
    outcome = check(Scalar(), 1_000_001, 1_000_000)
    assert not outcome.passed
    assert outcome.summary == "Your answer (1000001) is higher than the key's value."


def test_integer_division_is_pointed_out():
    outcome = check(Scalar(), 0, 0.375)
    assert outcome.summary == "Your answer (0) is lower than the key's value."
    assert outcome.details == [
        "Your answer is the key's value cut to a whole number: integer division, or a cast to INTEGER?"
    ]


def test_a_percentage_where_a_fraction_is_wanted_is_pointed_out():
    outcome = check(Scalar(), 37.5, 0.375)
    assert outcome.details == ["It is 100 times the key's value: a percentage where a fraction is wanted?"]


def test_a_rounded_number_is_told_it_matches_to_n_significant_figures_without_more_key_digits():
    key = 0.39583333
    outcome = check(Scalar(), 0.396, key)
    assert not outcome.passed
    assert outcome.summary == "Your answer (0.396) matches the key to 3 significant figures; give the unrounded value."
    assert "higher" not in str(outcome) and "0.3958" not in str(outcome)
    assert_no_key_leak(outcome, key, 0.396)


def test_a_rounded_count_is_recognised_too_but_one_significant_figure_is_just_wrong():
    assert "matches the key to 3 significant figures" in check(Scalar(), 1300, 1296).summary  # 1296 -> 1.30e3
    assert check(Scalar(), 0.4, 0.43125).summary == "Your answer (0.4) is lower than the key's value."


def test_a_float_rounded_to_a_trailing_zero_counts_as_that_many_figures():
    # round(0.39583, 2) is 0.4: the 0.40 a student wrote is two figures, though the float shows one
    assert "matches the key to 2 significant figures" in check(Scalar(), round(0.39583333, 2), 0.39583333).summary


@pytest.mark.parametrize("answer", [0.396, 0.3958, 0.39583, 0.39583333])
def test_a_question_may_accept_the_key_rounded_to_n_or_more_significant_figures(answer):
    assert check(Scalar(sig_figs=3), answer, 0.39583333).passed


def test_a_declared_precision_still_rejects_fewer_figures_and_wrong_roundings():
    outcome = check(Scalar(sig_figs=3), 0.40, 0.39583333)
    assert not outcome.passed
    assert check(Scalar(sig_figs=3), 0.395, 0.39583333).summary == "Your answer (0.395) is lower than the key's value."
    assert check(Scalar(sig_figs=4), 0.396, 0.39583333).summary == (
        "Your answer (0.396) matches the key to 3 significant figures; give at least 4 significant figures."
    )


@pytest.mark.parametrize("sig_figs", [0, -1, 2.5, True])
def test_sig_figs_must_be_a_positive_whole_number(sig_figs):
    with pytest.raises(ValueError, match="sig_figs"):
        Scalar(sig_figs=sig_figs)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (1500.0, "60 times the key's value: seconds where minutes are wanted"),
        (25 / 60, "1/60 of the key's value: minutes where seconds are wanted"),
        (25_000.0, "1000 times the key's value: milliseconds where seconds are wanted"),
        (0.025, "1/1000 of the key's value: seconds where milliseconds are wanted"),
        (-25.0, "the key's value with the opposite sign"),
    ],
)
def test_unit_slips_and_a_flipped_sign_are_named(answer, says):
    outcome = check(Scalar(), answer, 25.0)
    assert not outcome.passed
    assert any(says in detail for detail in outcome.details), outcome.details


def test_a_bool_is_not_a_number():
    outcome = check(Scalar(), True, 1)
    assert not outcome.passed
    assert outcome.summary == "Your answer is a yes/no value (True); this question wants a number."


def test_text_answers_compare_exactly_after_trimming_spaces():
    assert check(Scalar(), " BR ", "BR").passed
    outcome = check(Scalar(), "br", "BR")
    assert outcome.summary == "Your answer ('br') is not the key's value."


def test_a_number_given_as_text_is_named_as_text():
    outcome = check(Scalar(), "12.5", 12.5)
    assert outcome.summary == "Your answer is text ('12.5'); this question wants a number."


def test_a_date_answer_equals_the_same_day_as_a_midnight_timestamp():
    assert check(Scalar(), pd.Timestamp("2024-03-05"), np.datetime64("2024-03-05")).passed
    assert not check(Scalar(), pd.Timestamp("2024-03-04"), np.datetime64("2024-03-05")).passed


def test_an_off_by_one_day_count_names_the_known_mistake():
    outcome = check(
        Scalar(),
        8,
        7,
        mistakes={"Counting both ends of the window gives one day too many": 8},
    )
    assert outcome.mistake == "Counting both ends of the window gives one day too many"
    assert outcome.summary == "Counting both ends of the window gives one day too many."


# --- sets ------------------------------------------------------------------------------------------------------


def test_a_set_from_any_collection_passes():
    key = {101, 102, 103}
    for answer in ([103, 101, 102, 101], pd.Series([101.0, 102.0, 103.0]), pd.DataFrame({"user_id": [102, 103, 101]})):
        assert check(Set(), answer, key).passed


def test_a_missing_and_an_unexpected_member_are_both_named():
    outcome = check(Set(), {101, 102, 999}, {101, 102, 103})
    assert outcome.summary == "The number of values is right (3), but some differ."
    assert outcome.details == ["1 value of the key is missing from your set.", "Unexpected: 999."]
    assert_no_key_leak(outcome, [101, 102, 103], [101, 102, 999], min_whole=0)


def test_a_set_with_missing_members_counts_them_without_naming_them():
    outcome = check(Set(), {"ios"}, {"ios", "android", "web"})
    assert outcome.summary == "Your set has 1 value, 2 fewer than the key."
    assert outcome.details == ["2 values of the key are missing from your set."]
    assert_no_key_leak(outcome, ["android", "ios", "web"], ["ios"])


def test_a_set_names_only_the_answers_unexpected_members():
    outcome = check(Set(), {"x"}, {"bot_17"})
    assert outcome.details == ["1 value of the key is missing from your set.", "Unexpected: 'x'."]
    many = check(Set(), {0}, set(range(1, 20)))
    assert many.details[0] == "19 values of the key are missing from your set."


def test_set_strings_are_case_sensitive_unless_casefolded():
    assert not check(Set(), ["BR", "us"], ["br", "US"]).passed
    assert check(Set(casefold=True), ["BR", "us"], ["br", "US"]).passed


def test_an_empty_set_is_an_answer_that_misses_everything():
    outcome = check(Set(), set(), {1, 2})
    assert outcome.summary == "Your set has 0 values, 2 fewer than the key."


def test_a_multi_column_frame_is_not_a_set():
    with pytest.raises(AnswerError, match="a set answer is one column"):
        to_data(Set(), pd.DataFrame({"a": [1], "b": [2]}))


# --- choices ---------------------------------------------------------------------------------------------------

DIAGNOSIS = Choice(("Bots inflate DAU", "A tracking outage", "A holiday"))


def test_a_choice_matches_regardless_of_case_and_spacing():
    assert check(DIAGNOSIS, "a  TRACKING outage", "A tracking outage").passed


def test_a_wrong_option_fails_and_a_known_wrong_option_is_explained():
    outcome = check(DIAGNOSIS, "A holiday", "A tracking outage")
    assert outcome.summary == "'A holiday' is not the right option."
    explained = check(
        DIAGNOSIS,
        "A holiday",
        "A tracking outage",
        mistakes={"A holiday lowers DAU on every platform; this drop is Android-only.": "A holiday"},
    )
    assert explained.summary == "A holiday lowers DAU on every platform; this drop is Android-only."


def test_a_non_option_lists_the_options():
    with pytest.raises(AnswerError) as error:
        to_data(DIAGNOSIS, "bots")
    assert str(error.value) == "'bots' is not one of the options: 'Bots inflate DAU', 'A tracking outage', 'A holiday'."


# --- intervals -------------------------------------------------------------------------------------------------


def test_an_interval_covering_the_key_and_narrow_enough_passes():
    outcome = check(Interval(max_width=0.1), (0.02, 0.08), (0.03, 0.07))
    assert outcome.passed
    assert outcome.summary == "Correct: (0.02, 0.08) contains the key's value and is narrow enough."


def test_an_interval_that_misses_the_value_says_on_which_side():
    outcome = check(Interval(max_width=0.1), (0.06, 0.09), (0.03, 0.07))
    assert outcome.summary == "Your interval (0.06, 0.09) does not contain the key's value: the value lies below it."


def test_a_too_wide_interval_fails_with_its_width_and_gets_half_credit():
    outcome = check(Interval(max_width=0.1), (-0.5, 0.5), (0.03, 0.07), partial=True)
    assert outcome.summary == "Your interval is 1 wide; it must be at most 0.1 wide."
    assert outcome.score == 0.5


def test_an_interval_can_be_required_to_cover_the_planted_truth():
    kind = Interval(max_width=0.1, must_cover="truth")
    assert check(kind, (0.04, 0.06), (0.0, 0.02), truth=0.05).passed
    outcome = check(kind, (0.0, 0.02), (0.0, 0.02), truth=0.05)
    assert outcome.summary == (
        "Your interval (0, 0.02) does not contain the true (planted) value: the value lies above it."
    )


def test_a_truth_interval_names_the_known_mistake_it_repeats():
    question = Question("csat", Interval(width_ratio=(0.5, 2.0), center_tolerance=0.5, must_cover="truth"))
    naive = (4.15, 4.27)
    outcome = compare(question, (4.16, 4.26), (3.9, 4.05), {"Respondents only.": naive}, truth=3.97)
    assert not outcome.passed and outcome.mistake == "Respondents only."
    elsewhere = compare(question, (3.3, 3.45), (3.9, 4.05), {"Respondents only.": naive}, truth=3.97)
    assert not elsewhere.passed and elsewhere.mistake is None


def test_a_truth_interval_without_the_truth_is_an_authoring_error():
    with pytest.raises(ValueError, match="truth=None"):
        check(Interval(max_width=0.1, must_cover="truth"), (0.0, 0.02), (0.0, 0.02))


def test_a_single_number_key_is_the_value_to_cover():
    question = Question("lift", Interval(max_width=1.0))
    assert compare(question, (0.1, 0.3), 0.2).passed
    assert not compare(question, (0.1, 0.3), 0.35).passed


def test_an_interval_far_wider_than_the_reference_fails_without_giving_the_reference_width():
    kind = Interval(width_ratio=(0.5, 2.0))
    outcome = check(kind, (0.0, 0.25), (0.05, 0.11), partial=True)
    assert not outcome.passed and outcome.score == 0.5
    assert outcome.summary.startswith("Your interval is more than twice as wide as the reference interval")
    assert "0.06" not in str(outcome) and "0.12" not in str(outcome)
    assert_no_key_leak(outcome, (0.05, 0.11), (0.0, 0.25))


def test_an_interval_far_narrower_than_the_reference_names_the_usual_cause():
    outcome = check(Interval(width_ratio=(0.5, 2.0)), (0.07, 0.09), (0.05, 0.11))
    assert not outcome.passed
    assert outcome.summary.startswith("Your interval is far narrower than the reference (less than half its width)")
    assert "each resample draws the question's units (e.g. users)" in outcome.summary
    assert_no_key_leak(outcome, (0.05, 0.11), (0.07, 0.09))


@pytest.mark.parametrize("answer", [(0.05, 0.11), (0.06, 0.09), (0.02, 0.13)])
def test_an_interval_within_the_width_ratio_that_covers_the_key_passes(answer):
    assert check(Interval(width_ratio=(0.5, 2.0)), answer, (0.05, 0.11)).passed


def test_width_ratio_and_max_width_apply_together():
    kind = Interval(max_width=0.05, width_ratio=(0.5, 2.0))
    outcome = check(kind, (0.05, 0.11), (0.05, 0.11))
    assert outcome.summary == "Your interval is 0.06 wide; it must be at most 0.05 wide."


@pytest.mark.parametrize(
    ("spec", "says"),
    [({}, "needs max_width"), ({"width_ratio": (2.0, 3.0)}, "0 < low <= 1 <= high"),
     ({"width_ratio": (0.5,)}, "0 < low <= 1 <= high")],
)
def test_an_interval_spec_must_say_how_to_judge_the_width(spec, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        Interval(**spec)


def test_a_width_ratio_needs_a_reference_interval_in_the_key():
    with pytest.raises(ValueError, match="needs the key to be an interval"):
        compare(Question("lift", Interval(width_ratio=(0.5, 2.0))), (0.1, 0.3), 0.2)
