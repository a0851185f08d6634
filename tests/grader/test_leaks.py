"""The key-leak detector used on feedback: it must catch a key value the answer lacks, and nothing else."""

import duckdb
import pandas as pd
import pytest
from support.leaks import assert_no_key_leak, key_leaks

from grader.answers import to_data
from grader.outcome import Outcome
from grader.spec import Table

KEY = to_data(Table(), pd.DataFrame({"day": pd.date_range("2025-09-01", periods=3), "dau": [1203, 1296, 1250]}))
ANSWER = to_data(Table(), pd.DataFrame({"day": pd.date_range("2025-09-01", periods=2), "dau": [1203, 1300]}))


def test_a_key_cell_the_answer_lacks_is_a_leak():
    feedback = "Missing row: day=2025-09-03, dau=1250"
    assert key_leaks(feedback, KEY, ANSWER) == ["1250"]
    with pytest.raises(AssertionError, match=r"key value\(s\) \['1250'\]"):
        assert_no_key_leak(feedback, KEY, ANSWER)


def test_identifying_values_the_answers_own_values_and_small_counts_are_not_leaks():
    assert_no_key_leak("day=2025-09-03 is missing. Wrong row day=2025-09-02: dau=1300 (higher than the key's); "
                       "1 more row, first at point 2.", KEY, ANSWER)


def test_a_number_inside_a_longer_number_is_not_that_number():
    assert key_leaks("dau=12500 and dau=1250.5 and x-1250", KEY, ANSWER) == []


def test_interval_bounds_and_scalars_are_checked_as_the_engine_renders_them():
    assert key_leaks("the reference is (0.05, 0.11)", (0.05, 0.11), (0.0, 0.25)) == ["0.05", "0.11"]
    assert key_leaks("Your answer (0.396) is higher than 0.39583333.", 0.39583333, 0.396) == ["0.39583333"]


def test_declared_identifying_columns_replace_the_default():
    assert key_leaks("day=2025-09-03 is missing.", KEY, ANSWER, identifying=("dau",)) == ["2025-09-03"]


def test_an_outcomes_authored_texts_are_not_searched_but_its_details_are():
    outcome = Outcome("q", False, 0.0, 1.0, "Counted 1250 twice.", ["dau=1250 is wrong."], mistake="Counted twice.",
                      hint="Look at 1250.")
    assert key_leaks(outcome, KEY, ANSWER) == ["1250"]
    quiet = Outcome("q", False, 0.0, 1.0, "Counted 1250 twice.", [], mistake="Counted twice.", hint="Look at 1250.")
    assert key_leaks(quiet, KEY, ANSWER) == []


def test_a_raw_answer_is_converted_when_its_kind_is_given():
    relation = duckdb.sql("SELECT DATE '2025-09-03' AS day, 1250 AS dau")
    assert key_leaks("dau=1250", KEY, relation, kind=Table()) == []


def test_counts_the_engine_states_are_not_key_values():
    key = to_data(Table(), pd.DataFrame({"day": pd.date_range("2025-09-01", periods=3), "dau": [35, 15, 30]}))
    feedback = ("Your answer has 30 rows, 15 fewer than the key. The row count is right (35), but some rows differ. "
                "... and 30 more wrong rows. first at point 15")
    assert key_leaks(feedback, key, ANSWER) == []
    assert key_leaks("dau=30", key, ANSWER) == ["30"]
