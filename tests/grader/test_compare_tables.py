"""Table answers are compared by column name, as a bag of rows, numbers within tolerance, NULL equal to NaN."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from grader.answers import to_data
from grader.compare import compare
from grader.outcome import Outcome
from grader.spec import Question, Table

DAYS = pd.date_range("2024-03-01", periods=7)
DAU = [120, 131, 128, 140, 152, 149, 160]
ACTIVE = [30, 40, 32, 35, 38, 41, 50]


def key_frame() -> pd.DataFrame:
    """The key of a daily question: a date, a count and a ratio per day."""
    return pd.DataFrame({"day": DAYS.date, "dau": DAU, "share": np.array(ACTIVE) / np.array(DAU)})


def check(answer: object, key: object = None, mistakes: dict | None = None, **spec: object) -> Outcome:
    """Compare a raw answer with a raw key through to_data, as check() does."""
    partial = bool(spec.pop("partial", False))
    question = Question("daily_active", Table(**spec), hint="Group by day.", partial=partial)
    expected = to_data(question, key_frame() if key is None else key)
    variants = {name: to_data(question, raw) for name, raw in (mistakes or {}).items()}
    return compare(question, to_data(question, answer), expected, variants)


def test_a_shuffled_answer_with_differently_cased_columns_passes():
    answer = key_frame().rename(columns={"day": " Day ", "dau": "DAU", "share": "Share"}).sample(frac=1, random_state=3)
    outcome = check(answer)
    assert outcome.passed and outcome.score == 1.0
    assert outcome.summary == "Correct: all 7 rows match."


def test_an_ordered_question_rejects_shuffled_rows_and_names_the_first_row_out_of_place():
    outcome = check(key_frame().iloc[[1, 0, 2, 3, 4, 5, 6]], ordered=True)
    assert not outcome.passed
    assert outcome.summary == "The rows are right, but not in the required order."
    assert outcome.details == ["The first row out of place is row 1."]


def test_an_ordered_question_accepts_rows_in_the_key_order():
    assert check(key_frame(), ordered=True).passed


def test_a_missing_day_reports_row_counts_the_column_and_the_missing_row():
    outcome = check(key_frame().drop(index=3))
    assert not outcome.passed
    assert outcome.summary == "Your answer has 6 rows; the key has 7."
    assert outcome.details == [
        "The first column whose values differ is 'day'.",
        "Missing row: day=2024-03-04, dau=140, share=0.25",
    ]


def test_an_off_by_one_window_shows_the_row_that_fell_out_and_the_row_that_came_in():
    answer = key_frame()
    answer["day"] = answer["day"] + dt.timedelta(days=1)
    outcome = check(answer)
    assert outcome.summary == "The row count is right (7), but some rows differ."
    assert outcome.details[0] == "The first column whose values differ is 'day'."
    assert "Missing row: day=2024-03-01, dau=120, share=0.25" in outcome.details
    assert "Unexpected row: day=2024-03-02, dau=120, share=0.25" in outcome.details


def test_integer_division_in_a_ratio_column_fails_on_that_column():
    answer = key_frame().assign(share=np.array(ACTIVE) // np.array(DAU))
    outcome = check(answer)
    assert not outcome.passed
    assert outcome.details[0] == "The first column whose values differ is 'share'."
    assert "Unexpected row: day=2024-03-01, dau=120, share=0" in outcome.details


def test_a_duplicate_row_counts_under_bag_semantics():
    outcome = check(pd.concat([key_frame(), key_frame().iloc[[2]]]))
    assert not outcome.passed
    assert outcome.summary == "Your answer has 8 rows; the key has 7."
    assert outcome.details[-1] == (
        "Unexpected row: day=2024-03-03, dau=128, share=0.25 (in your answer 2 times, in the key 1)"
    )


def test_a_distinct_question_ignores_duplicate_rows_but_not_missing_ones():
    doubled = pd.concat([key_frame(), key_frame()])
    assert check(doubled, distinct=True).passed
    outcome = check(doubled.iloc[1:7], distinct=True)
    assert outcome.summary == "Your answer has 6 rows (distinct); the key has 7."


def test_duplicates_in_the_key_must_be_matched_by_count():
    key = pd.DataFrame({"event": ["like", "like", "share"]})
    assert check(pd.DataFrame({"event": ["share", "like", "like"]}), key=key).passed
    outcome = check(pd.DataFrame({"event": ["share", "like", "share"]}), key=key)
    assert outcome.details[1:] == [
        "Missing row: event='like'",
        "Unexpected row: event='share' (in your answer 2 times, in the key 1)",
    ]


def test_a_wrong_column_name_is_named_and_a_rename_suggested():
    outcome = check(key_frame().rename(columns={"dau": "users"}), partial=True)
    assert not outcome.passed
    assert outcome.summary == "The columns differ from the key: 'dau' is missing."
    assert outcome.details == [
        "Missing column(s): 'dau'.",
        "Extra column(s): 'users'.",
        "Your column 'users' holds the values of the key's 'dau': rename it.",
    ]
    assert outcome.score == pytest.approx(1 / 3)  # only the row count is right


def test_an_extra_column_fails_unless_the_question_names_its_columns():
    answer = key_frame().assign(weekday=DAYS.day_name())
    outcome = check(answer)
    assert not outcome.passed
    assert outcome.summary == "The values are right, but the answer has extra column(s): 'weekday'."
    assert check(answer, columns=("day", "DAU")).passed


def test_naming_a_column_the_key_lacks_is_an_authoring_error():
    with pytest.raises(ValueError, match="which the key does not have"):
        check(key_frame(), columns=("day", "wau"))


def test_null_equals_null_and_nan_across_dtypes():
    key = pd.DataFrame({"country": ["BR", None, "US"], "revenue": pd.array([10, None, 30], dtype="Int64")})
    answer = pd.DataFrame({"country": [np.nan, "US", "BR"], "revenue": [np.nan, 30.0, 10.0]})
    assert check(answer, key=key).passed


def test_nan_where_the_key_has_a_number_is_a_difference():
    key = pd.DataFrame({"country": ["BR", "US"], "revenue": [10.5, 30.25]})
    outcome = check(pd.DataFrame({"country": ["BR", "US"], "revenue": [10.5, np.nan]}), key=key)
    assert outcome.details == [
        "The first column whose values differ is 'revenue'.",
        "Missing row: country='US', revenue=30.25",
        "Unexpected row: country='US', revenue=NULL",
    ]


def test_numbers_compare_across_int_float_and_decimal():
    key = pd.DataFrame({"user_id": [1, 2, 3], "spend": [decimal.Decimal("1.10"), decimal.Decimal("2.50"), None]})
    answer = pd.DataFrame({"user_id": [3.0, 2.0, 1.0], "spend": [np.nan, 2.5, 1.1]})
    assert check(answer, key=key).passed


def test_floats_within_tolerance_pass_and_beyond_it_fail():
    noisy = key_frame().assign(share=key_frame()["share"] * (1 + 1e-9))
    assert check(noisy).passed
    off = key_frame().assign(share=key_frame()["share"] * (1 + 1e-4))
    assert not check(off).passed
    assert check(off, rtol=1e-3).passed


def test_rounded_answers_pass_a_generous_tolerance_even_when_many_rows_are_rounded():
    rng = np.random.default_rng(7)
    key = pd.DataFrame({"user_id": np.arange(300), "rate": rng.random(300) + 0.5})
    answer = key.assign(rate=key["rate"].round(3)).sample(frac=1, random_state=1)
    assert check(answer, key=key, rtol=1e-3).passed
    assert not check(answer, key=key).passed


def test_rows_equal_within_tolerance_pair_up_even_when_sorting_splits_them():
    key = pd.DataFrame({"a": [1.0, 1.0 + 1e-12], "b": [5.5, 3.5]})
    answer = pd.DataFrame({"a": [1.0 + 2e-12, 1.0], "b": [5.5, 3.5]})
    assert check(answer, key=key).passed


def test_whole_number_columns_compare_exactly_despite_the_relative_tolerance():
    key = pd.DataFrame({"events": [1_000_000.0, 2_000_000.0]})  # a DuckDB SUM arrives as float
    assert check(pd.DataFrame({"events": [1_000_000, 2_000_000]}), key=key).passed
    outcome = check(pd.DataFrame({"events": [1_000_001, 2_000_000]}), key=key)
    assert not outcome.passed
    assert outcome.details[1:] == ["Missing row: events=1000000", "Unexpected row: events=1000001"]


def test_dates_equal_midnight_timestamps_unless_the_question_says_otherwise():
    answer = key_frame().assign(day=pd.to_datetime(DAYS))
    assert check(answer).passed
    outcome = check(answer, dates_as_timestamps=False)
    assert outcome.details[0] == "Column 'day' holds timestamps; the key's holds dates."


def test_timestamps_with_a_time_of_day_do_not_equal_dates():
    answer = key_frame().assign(day=pd.to_datetime(DAYS) + pd.Timedelta(hours=7))
    outcome = check(answer)
    assert outcome.details[0] == "The first column whose values differ is 'day'."
    assert "Unexpected row: day=2024-03-01 07:00:00, dau=120, share=0.25" in outcome.details


def test_timezone_aware_timestamps_compare_in_utc():
    key = pd.DataFrame({"ts": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 23:30"]).tz_localize("UTC")})
    answer = pd.DataFrame({"ts": key["ts"].dt.tz_convert("America/Sao_Paulo")})
    naive = pd.DataFrame({"ts": key["ts"].dt.tz_localize(None)})
    assert check(answer, key=key).passed
    assert check(naive, key=key).passed


def test_categoricals_and_arrow_strings_compare_as_their_values():
    key = pd.DataFrame({"platform": ["ios", "android"], "users": [5, 7]})
    categorical = pd.DataFrame({"platform": pd.Categorical(["android", "ios"]), "users": [7, 5]})
    arrow = pd.DataFrame({"platform": pd.array(["ios", "android"], dtype="string[pyarrow]"), "users": [5, 7]})
    assert check(categorical, key=key).passed
    assert check(arrow, key=key).passed


def test_strings_compare_exactly_unless_the_question_casefolds_them():
    key = pd.DataFrame({"platform": ["ios", "android"]})
    shouted = pd.DataFrame({"platform": ["IOS", "Android"]})
    outcome = check(shouted, key=key)
    assert outcome.details[0] == "The first column whose values differ is 'platform'."
    assert check(shouted, key=key, casefold_strings=True).passed


def test_a_column_of_the_wrong_kind_is_named():
    answer = key_frame().assign(dau=[str(v) for v in DAU])
    outcome = check(answer)
    assert outcome.details[0] == "Column 'dau' holds text; the key's holds numbers."


def test_feedback_lists_at_most_five_rows_each_way():
    key = pd.DataFrame({"user_id": np.arange(40), "sessions": np.arange(40) % 7})
    answer = key.assign(sessions=key["sessions"] + 1)
    outcome = check(answer, key=key)
    missing = [d for d in outcome.details if d.startswith("Missing row")]
    unexpected = [d for d in outcome.details if d.startswith("Unexpected row")]
    assert len(missing) == 5 and len(unexpected) == 5
    assert "... and 35 more missing row(s)." in outcome.details
    assert "... and 35 more unexpected row(s)." in outcome.details


def test_feedback_never_shows_every_row_of_the_key():
    key = pd.DataFrame({"country": ["BR", "US"], "users": [3, 4]})
    outcome = check(pd.DataFrame({"country": ["DE", "FR"], "users": [1, 2]}), key=key)
    missing = [d for d in outcome.details if d.startswith("Missing row")]
    assert missing == ["Missing row: country='BR', users=3"]
    assert "... and 1 more missing row(s)." in outcome.details


def test_values_paired_into_the_wrong_rows_are_described_as_such():
    answer = key_frame().assign(dau=DAU[::-1], share=key_frame()["share"])
    key = key_frame().drop(columns="share")
    outcome = check(answer.drop(columns="share"), key=key)
    assert outcome.details[0] == "Each column holds the right values, but they are combined into rows differently."


def test_partial_credit_gives_a_third_per_component():
    wrong_values = key_frame().assign(dau=np.array(DAU) + 1)
    assert check(wrong_values, partial=True).score == pytest.approx(2 / 3)
    assert check(key_frame().iloc[:5].assign(dau=0), partial=True).score == pytest.approx(1 / 3)
    assert check(wrong_values).score == 0.0
    assert check(key_frame(), partial=True).score == 1.0


def test_an_answer_matching_a_known_mistake_names_it():
    with_push = key_frame().assign(dau=np.array(DAU) + 9)
    outcome = check(
        with_push.sample(frac=1, random_state=0),
        mistakes={
            "This is what you get when bots are counted.": key_frame().assign(dau=np.array(DAU) + 2),
            "This is what you get when push_received counts as activity.": with_push,
        },
    )
    assert not outcome.passed
    assert outcome.mistake == "This is what you get when push_received counts as activity."
    assert outcome.summary == "This is what you get when push_received counts as activity."
    assert outcome.details[:2] == [
        "The row count is right (7), but some rows differ.",
        "The first column whose values differ is 'dau'.",
    ]


def test_a_correct_answer_is_never_reported_as_a_mistake():
    outcome = check(key_frame(), mistakes={"Bots counted.": key_frame().assign(dau=1)})
    assert outcome.passed and outcome.mistake is None
