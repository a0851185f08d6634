"""Table answers are compared by column name, as a bag of rows, numbers within tolerance, NULL equal to NaN."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest
from support.leaks import assert_no_key_leak

from grader.answers import AnswerError, to_data
from grader.compare import compare
from grader.compare.tables import identifying_columns
from grader.outcome import Outcome
from grader.spec import Question, Table

DAYS = pd.date_range("2024-03-01", periods=7)
DAU = [120, 131, 128, 140, 152, 149, 160]
ACTIVE = [30, 40, 32, 35, 38, 41, 50]


def key_frame() -> pd.DataFrame:
    """The key of a daily question: a date, a count and a ratio per day."""
    return pd.DataFrame({"day": DAYS.date, "dau": DAU, "share": np.array(ACTIVE) / np.array(DAU)})


def check(answer: object, key: object = None, mistakes: dict | None = None, **spec: object) -> Outcome:
    """Compare a raw answer with a raw key through to_data, as check() does (`identity` is the spec's `key`)."""
    partial = bool(spec.pop("partial", False))
    if "identity" in spec:
        spec["key"] = spec.pop("identity")
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
    assert outcome.summary == "Your answer has 6 rows, 1 fewer than the key."
    assert outcome.details == ["The first column whose values differ is 'day'.", "day=2024-03-04 is missing."]
    assert_no_key_leak(outcome, key_frame(), key_frame().drop(index=3))


def test_an_off_by_one_window_shows_the_day_that_fell_out_and_the_row_that_came_in():
    answer = key_frame()
    answer["day"] = answer["day"] + dt.timedelta(days=1)
    outcome = check(answer)
    assert outcome.summary == "The row count is right (7), but some rows differ."
    assert outcome.details[0] == "The first column whose values differ is 'day'."
    assert "day=2024-03-01 is missing." in outcome.details
    assert "Unexpected row: day=2024-03-08, dau=160, share=0.3125" in outcome.details
    assert "Wrong row day=2024-03-02: dau=120 (lower than the key's), share=0.25 (lower than the key's)" in (
        outcome.details)
    assert_no_key_leak(outcome, key_frame(), answer)


def test_integer_division_in_a_ratio_column_fails_on_that_column():
    answer = key_frame().assign(share=np.array(ACTIVE) // np.array(DAU))
    outcome = check(answer)
    assert not outcome.passed
    assert outcome.details[0] == "The first column whose values differ is 'share'."
    assert "Wrong row day=2024-03-01: share=0 (lower than the key's)" in outcome.details
    assert outcome.details[-1] == "... and 2 more wrong rows."
    assert_no_key_leak(outcome, key_frame(), answer)


def test_a_duplicate_row_counts_under_bag_semantics():
    outcome = check(pd.concat([key_frame(), key_frame().iloc[[2]]]))
    assert not outcome.passed
    assert outcome.summary == "Your answer has 8 rows, 1 more than the key."
    assert outcome.details[-1] == (
        "Unexpected row: day=2024-03-03, dau=128, share=0.25 (in your answer 2 times, in the key 1)"
    )


def test_a_distinct_question_ignores_duplicate_rows_but_not_missing_ones():
    doubled = pd.concat([key_frame(), key_frame()])
    assert check(doubled, distinct=True).passed
    outcome = check(doubled.iloc[1:7], distinct=True)
    assert outcome.summary == "Your answer has 6 rows (distinct), 1 fewer than the key."


def test_duplicates_in_the_key_must_be_matched_by_count():
    key = pd.DataFrame({"event": ["like", "like", "share"]})
    assert check(pd.DataFrame({"event": ["share", "like", "like"]}), key=key).passed
    outcome = check(pd.DataFrame({"event": ["share", "like", "share"]}), key=key)
    assert outcome.details[1:] == [
        "event='like' is missing.",
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
        "Wrong row country='US': revenue=NULL (the key's is not NULL)",
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
    assert outcome.details[1:] == ["Your row differs from the key's: events=1000001 (higher than the key's)"]


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
    answer = key.assign(user_id=key["user_id"] + 100)
    outcome = check(answer, key=key, identity=("user_id",))
    missing = [d for d in outcome.details if d.endswith("is missing.")]
    unexpected = [d for d in outcome.details if d.startswith("Unexpected row")]
    assert len(missing) == 5 and len(unexpected) == 5
    assert "... and 35 more missing rows." in outcome.details
    assert "... and 35 more unexpected rows." in outcome.details


def test_one_row_beyond_the_limit_is_listed_rather_than_counted():
    key = pd.DataFrame({"day": pd.date_range("2024-03-01", periods=6), "users": [3, 4, 5, 6, 7, 8]})
    outcome = check(key.iloc[:1].assign(day=pd.Timestamp("2023-01-01")), key=key)
    assert [d for d in outcome.details if d.endswith("is missing.")][-1] == "day=2024-03-06 is missing."
    assert not any(d.startswith("...") for d in outcome.details)


def test_missing_rows_are_named_by_their_identifying_columns_only():
    key = pd.DataFrame({"country": ["BR", "US"], "users": [3, 4]})
    answer = pd.DataFrame({"country": ["DE", "FR"], "users": [1, 2]})
    outcome = check(answer, key=key)
    assert "country='BR' is missing." in outcome.details and "country='US' is missing." in outcome.details
    assert_no_key_leak(outcome, key, answer)


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


# --- one-row answers in natural shapes ---------------------------------------------------------------------------

SUMMARY = pd.DataFrame({"dau": [1203], "wau": [4410], "stickiness": [0.2728]})


@pytest.mark.parametrize(
    "answer",
    [
        SUMMARY.iloc[0],
        SUMMARY.mean(),
        {"dau": 1203, "wau": 4410, "stickiness": 0.2728},
        {"dau": [1203], "wau": [4410], "stickiness": [0.2728]},
        (1203, 4410, 0.2728),
        [(1203, 4410, 0.2728)],
    ],
    ids=["iloc-row", "mean-series", "dict-row", "dict-columns", "fetchone", "fetchall"],
)
def test_a_one_row_answer_passes_in_its_natural_shapes(answer):
    outcome = check(answer, key=SUMMARY)
    assert outcome.passed and outcome.summary == "Correct: the row matches."


def test_a_fetchall_list_of_tuples_is_read_in_the_keys_column_order():
    rows = list(key_frame().itertuples(index=False, name=None))
    assert check(rows).passed


def test_a_tuple_of_the_wrong_width_says_how_to_name_the_columns():
    outcome = check((1203, 4410), key=SUMMARY)
    assert outcome.summary == (
        "Your answer is 1 row of 2 unnamed values; this question wants the columns 'dau', 'wau' and 'stickiness': "
        "pass a dict such as {'dau': ...} or db.sql(query).df()."
    )


def test_a_wrong_tuple_says_its_values_were_read_in_the_keys_order():
    outcome = check((4410, 1203, 0.2728), key=SUMMARY)
    assert not outcome.passed
    assert outcome.details[-1].startswith("Your answer has no column names, so its values were read in the key's")
    assert_no_key_leak(outcome, SUMMARY, (4410, 1203, 0.2728))


def test_a_dict_that_is_neither_a_row_nor_columns_says_what_to_pass():
    with pytest.raises(AnswerError, match=r"^A dict answer is one row"):
        to_data(Table(), {"dau": 1203, "days": [1, 2]})


def test_a_wrong_one_row_answer_names_its_own_values_and_the_direction_only():
    answer = {"dau": 1250, "wau": 4410, "stickiness": 0.2728}
    outcome = check(answer, key=SUMMARY)
    assert outcome.details[-1] == "Your row differs from the key's: dau=1250 (higher than the key's)"
    assert_no_key_leak(outcome, SUMMARY, answer)


# --- slips in a column -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "says"),
    [
        (100, "In column 'share' your values are 100 times the key's value: a percentage where a fraction is wanted?"),
        (60, "In column 'share' your values are 60 times the key's value: seconds where minutes are wanted"),
        (1 / 1000, "In column 'share' your values are 1/1000 of the key's value: seconds where milliseconds"),
        (-1, "In column 'share' your values are the key's value with the opposite sign"),
    ],
)
def test_a_slip_applied_to_a_whole_column_is_named(factor, says):
    answer = key_frame().assign(share=key_frame()["share"] * factor)
    outcome = check(answer)
    assert not outcome.passed
    assert any(d.startswith(says) for d in outcome.details), outcome.details
    assert_no_key_leak(outcome, key_frame(), answer)


def test_a_column_of_unrelated_errors_names_no_slip():
    answer = key_frame().assign(dau=np.array(DAU) + 7)
    assert not any(d.startswith("In column") for d in check(answer).details)


# --- identifying columns -----------------------------------------------------------------------------------------


def test_identifying_columns_default_to_dates_text_and_yes_no_and_can_be_declared():
    key = to_data(Table(), key_frame().assign(platform="ios", paid=True))
    assert identifying_columns(Table(), key) == ["day", "platform", "paid"]
    assert identifying_columns(Table(key=("Platform",)), key) == ["platform"]
    with pytest.raises(ValueError, match=r"Table\(key=...\) names \['user'\]"):
        identifying_columns(Table(key=("user",)), key)
    with pytest.raises(ValueError, match=r"key=\('day',\)"):
        Table(key="day")


def test_a_declared_numeric_key_names_missing_rows_by_it():
    key = pd.DataFrame({"user_id": [1, 2, 3], "sessions": [4, 5, 6]})
    answer = pd.DataFrame({"user_id": [1, 2], "sessions": [4, 9]})
    outcome = check(answer, key=key, identity=("user_id",))
    assert "user_id=3 is missing." in outcome.details
    assert "Wrong row user_id=2: sessions=9 (higher than the key's)" in outcome.details
    assert_no_key_leak(outcome, key, answer, identifying=("user_id",))


def test_a_column_rounded_by_the_student_is_named_as_rounded():
    answer = key_frame().assign(share=key_frame()["share"].round(3))
    outcome = check(answer)
    assert ("In column 'share' your values are the key's values rounded to 3 decimal places: give the unrounded "
            "values.") in outcome.details
    assert_no_key_leak(outcome, key_frame(), answer)


def test_a_column_cut_to_whole_numbers_points_at_integer_division():
    outcome = check(key_frame().assign(share=np.array(ACTIVE) // np.array(DAU)))
    assert ("In column 'share' your values are the key's values cut to whole numbers: integer division, or a cast "
            "to INTEGER?") in outcome.details


def test_a_column_rounded_to_significant_figures_is_named_too():
    key = pd.DataFrame({"country": ["BR", "US", "DE"], "revenue": [12345.678, 987.6543, 55.55555]})
    answer = key.assign(revenue=[12300.0, 988.0, 55.6])
    outcome = check(answer, key=key)
    assert any("rounded to 3 significant figures" in d for d in outcome.details), outcome.details


def test_a_named_series_of_labelled_values_is_ambiguous_and_says_how_to_convert_it():
    series = pd.Series({"dau": 1203, "wau": 4410}, name="value")
    with pytest.raises(AnswerError) as error:
        to_data(Table(), series)
    assert str(error.value) == (
        "The answer is a Series named 'value' labelled 'dau', 'wau': for one row with those columns pass dict(s); "
        "for a column of labels and values pass s.rename_axis('label').reset_index()."
    )
    assert check(dict(series), key=SUMMARY.drop(columns="stickiness")).passed


def test_rows_of_a_key_without_identifying_columns_are_counted_never_shown():
    key = pd.DataFrame({"dow": [1, 2, 3], "avg_dau": [120.5, 130.25, 99.75]})
    answer = pd.DataFrame({"dow": [0, 5, 3], "avg_dau": [120.5, 130.25, 99.75]})
    outcome = check(answer, key=key)
    assert "2 rows of the key have no match in your answer." in outcome.details
    assert_no_key_leak(outcome, key, answer)
    named = check(answer, key=key, identity=("dow",))
    assert {"dow=1 is missing.", "dow=2 is missing."} <= set(named.details)
