"""to_data turns raw answers into data once, explains unusable answers in a sentence, and dump/load round-trip it."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import pickle

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from grader.answers import AnswerError, NotAnswered, dump, load, to_data
from grader.spec import Choice, Figure, Interval, Question, Scalar, Set, Table, spec_from_json, spec_to_json

TABLE = Table()


@pytest.fixture
def db() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a tiny events table."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events AS SELECT * FROM (VALUES (1, 'like', DATE '2024-03-01'), (2, 'share', DATE '2024-03-01'),"
        " (1, 'like', DATE '2024-03-02')) t(user_id, event_name, day)"
    )
    return con


def test_a_dataframe_keeps_its_columns_and_loses_an_unnamed_index():
    frame = pd.DataFrame({"a": [1, 2, 3]}, index=[7, 3, 5])
    data = to_data(TABLE, frame)
    assert list(data.columns) == ["a"]
    assert data.index.tolist() == [0, 1, 2]
    assert data["a"].tolist() == [1, 2, 3]


def test_a_groupby_result_turns_its_named_index_into_columns():
    frame = pd.DataFrame({"day": ["d1", "d1", "d2"], "user_id": [1, 2, 1]})
    data = to_data(TABLE, frame.groupby("day")["user_id"].nunique())
    assert list(data.columns) == ["day", "user_id"]
    assert data.values.tolist() == [["d1", 2], ["d2", 1]]


def test_an_unnamed_series_becomes_a_column_called_value():
    assert list(to_data(TABLE, pd.Series([1, 2])).columns) == ["value"]


def test_multiindex_columns_from_agg_are_joined_with_underscores():
    frame = pd.DataFrame({"day": ["d1", "d2"], "watch": [3, 4]}).groupby("day").agg({"watch": ["sum", "max"]})
    assert list(to_data(TABLE, frame).columns) == ["day", "watch_sum", "watch_max"]


def test_a_duckdb_relation_an_arrow_table_and_a_list_of_dicts_give_the_same_rows(db):
    relation = db.sql("SELECT event_name, count(*) AS n FROM events GROUP BY ALL ORDER BY event_name")
    from_relation = to_data(TABLE, relation)
    from_arrow = to_data(TABLE, pa.table({"event_name": ["like", "share"], "n": [2, 1]}))
    from_records = to_data(TABLE, [{"event_name": "like", "n": 2}, {"event_name": "share", "n": 1}])
    for data in (from_relation, from_arrow, from_records):
        assert list(data.columns) == ["event_name", "n"]
        assert data.values.tolist() == [["like", 2], ["share", 1]]


def test_duckdb_dates_and_decimals_survive_as_values(db):
    data = to_data(TABLE, db.sql("SELECT DATE '2024-03-01' AS day, 2.50::DECIMAL(6,2) AS price"))
    assert data["day"].tolist() == [dt.date(2024, 3, 1)]
    assert data["price"].tolist() == [decimal.Decimal("2.50")]


@pytest.mark.parametrize(
    "raw", [42, np.int64(42), 42.0, decimal.Decimal("42"), np.array(42), pd.DataFrame({"n": [42]})]
)
def test_every_spelling_of_a_number_is_one_scalar(raw):
    assert to_data(Scalar(), raw) == 42


def test_a_fetchone_tuple_and_a_one_row_relation_are_scalars(db):
    assert to_data(Scalar(), db.sql("SELECT avg(user_id) FROM events")) == pytest.approx(4 / 3)
    assert to_data(Scalar(), db.execute("SELECT count(*) FROM events").fetchone()) == 3


def test_a_relation_whose_query_fails_reports_the_database_error(db):
    relation = db.sql("SELECT CAST(event_name AS INTEGER) AS n FROM events")
    with pytest.raises(
        AnswerError, match=r"^Running the answer's query failed \(Conversion Error: .*\): fix the query\.$"
    ):
        to_data(TABLE, relation)


def test_scalar_dates_become_iso_text_and_bools_stay_bools():
    assert to_data(Scalar(), pd.Timestamp("2024-03-01")) == "2024-03-01"
    assert to_data(Scalar(), dt.datetime(2024, 3, 1, 7, 30)) == "2024-03-01 07:30:00"
    assert to_data(Scalar(), np.bool_(True)) is True


def test_sets_come_from_sets_lists_series_and_one_column_frames():
    expected = [1, 2, 3]
    for raw in ({3, 1, 2}, [1, 2, 2, 3], pd.Series([3.0, 2.0, 1.0]), pd.DataFrame({"user_id": [2, 3, 1]})):
        assert to_data(Set(), raw) == expected


def test_a_set_keeps_true_apart_from_one_and_sorts_null_first():
    assert to_data(Set(), [True, 1, None, "a", np.nan]) == [None, True, 1, "a"]


def test_a_choice_is_matched_to_its_option_regardless_of_case_and_spacing():
    kind = Choice(("Bots inflate DAU", "A tracking bug"))
    assert to_data(kind, "  bots   INFLATE dau ") == "Bots inflate DAU"


def test_intervals_come_from_pairs_arrays_mappings_and_low_high_objects():
    class Ci:
        low, high = 0.1, 0.3

    kind = Interval(max_width=1)
    for raw in ((0.1, 0.3), [0.1, 0.3], np.array([0.1, 0.3]), {"low": 0.1, "high": 0.3}, Ci()):
        assert to_data(kind, raw) == (0.1, 0.3)


def test_a_question_can_be_passed_instead_of_its_kind():
    assert to_data(Question("n_users", Scalar()), 5) == 5


@pytest.mark.parametrize("kind", [TABLE, Scalar(), Set(), Choice(("a", "b")), Interval(1.0), Figure()])
def test_the_unanswered_scaffold_says_so(kind):
    for raw in (..., NotImplemented):
        with pytest.raises(NotAnswered, match=r"^Not answered yet: replace the `\.\.\.` with your answer\.$"):
            to_data(kind, raw)


def test_none_explains_the_usual_causes_and_what_to_pass():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, None)
    assert str(error.value) == (
        "The answer is None - nothing was handed in (a function without `return`, a `print(...)`, or an "
        "`inplace=True` method gives None); pass the result itself, e.g. db.sql(query).df()."
    )
    with pytest.raises(AnswerError, match=r"plt\.show\(\) returns None"):
        to_data(Figure(), None)


def test_an_exception_object_is_reported_with_its_message():
    with pytest.raises(AnswerError) as error:
        to_data(Scalar(), ZeroDivisionError("division by zero"))
    assert str(error.value) == (
        "The answer is an error, not a result (ZeroDivisionError: division by zero): fix the code that raised it."
    )


def test_sql_text_instead_of_its_result_says_to_run_the_query():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, "SELECT day, count(DISTINCT user_id) FROM events GROUP BY day")
    assert str(error.value) == (
        "The answer is text ('SELECT day, count(DISTINCT user_id) F...'); this question wants a table (a DataFrame, "
        "a DuckDB relation or a list of dicts): run the query and pass its result, e.g. db.sql(query).df()."
    )


def test_wrong_types_name_what_was_handed_in(db):
    cases = [
        (TABLE, 42, "This question wants a table (a DataFrame, a DuckDB relation or a list of dicts); got an int."),
        (TABLE, db, "The answer is the database connection, not a result: pass db.sql(query).df()."),
        (Scalar(), [1, 2], "The answer is a list of 2 items; this question wants one value."),
        (Scalar(), {"n": 1, "m": 2}, "This question wants one value (a number, text or yes/no); got a dict."),
        (Set(), "BR", "This question wants a set of values, e.g. {'a', 'b'} or df['col']; got text ('BR')."),
        (Choice(("a", "b")), 1, "Answer with one of the options as text ('a', 'b'); got an int."),
        (Choice(("a", "b")), "c", "'c' is not one of the options: 'a', 'b'."),
        (Interval(1.0), (1, 2, 3), "An interval is two numbers (low, high); got 3 values."),
        (Interval(1.0), (True, 2), "The interval's low end must be a number; got a bool."),
        (Interval(1.0), (3, 2), "The interval's low end (3) is above its high end (2): write (low, high)."),
    ]
    for kind, raw, message in cases:
        with pytest.raises(AnswerError) as error:
            to_data(kind, raw)
        assert str(error.value) == message


def test_an_empty_table_is_not_an_answer():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, pd.DataFrame({"day": [], "dau": []}))
    assert str(error.value) == "The table has no rows (columns: day, dau): check the filters and joins."
    with pytest.raises(AnswerError, match="no columns"):
        to_data(TABLE, pd.DataFrame(index=[0, 1]))


def test_columns_whose_names_differ_only_in_case_are_rejected():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, pd.DataFrame({"DAU": [1], "dau ": [2]}))
    assert str(error.value) == (
        "Columns 'DAU' and 'dau ' have the same name (names ignore case and spacing): rename one."
    )


def test_a_column_mixing_numbers_and_text_is_rejected():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, pd.DataFrame({"n": [1, "two"]}))
    assert str(error.value) == "Column 'n' mixes kinds of values (int, str): make each column hold one kind."


def test_a_column_of_values_arrow_cannot_hold_is_rejected():
    with pytest.raises(AnswerError) as error:
        to_data(TABLE, pd.DataFrame({"z": [1 + 2j, 3j]}))
    assert (
        str(error.value)
        == "Column 'z' holds complex values, which cannot be compared: convert them to numbers or text."
    )


def test_nan_null_and_one_by_many_tables_are_not_scalars():
    cases = [
        (float("nan"), "The answer is NaN (not a number): often a division by zero or an average of no rows."),
        (
            pd.DataFrame({"n": [None]}, dtype=object),
            "The answer is NULL (missing): check that your query returns a value.",
        ),
        (
            pd.DataFrame({"a": [1, 2], "b": [3, 4]}),
            "The answer is a table of 2 row(s) and 2 column(s); this question wants one value: pick it, e.g. "
            "df.iloc[0, 0].",
        ),
    ]
    for raw, message in cases:
        with pytest.raises(AnswerError) as error:
            to_data(Scalar(), raw)
        assert str(error.value) == message


def _no_pickle(*args: object, **kwargs: object) -> None:
    raise AssertionError("pickle must not be used")


def test_tables_round_trip_through_arrow_ipc_without_pickle(monkeypatch):
    frame = to_data(
        TABLE,
        pd.DataFrame(
            {
                "day": [dt.date(2024, 3, 1), None],
                "ts": pd.to_datetime(["2024-03-01 10:00", None]).tz_localize("UTC"),
                "price": [decimal.Decimal("1.25"), None],
                "n": pd.array([1, None], dtype="Int64"),
                "platform": pd.Categorical(["ios", None]),
                "name": ["a", None],
                "ok": [True, False],
            }
        ),
    )
    monkeypatch.setattr(pickle, "dumps", _no_pickle)
    monkeypatch.setattr(pickle, "loads", _no_pickle)
    blob = dump(frame)
    assert blob.startswith(b"ARROW1")
    pd.testing.assert_frame_equal(load(blob), frame)


@pytest.mark.parametrize(
    "data",
    [42, 0.25, "2024-03-01", True, [None, 1, "a"], (0.1, 0.3), {"title": "DAU", "series": [{"y": [1.0, None]}]}],
)
def test_other_data_round_trips_through_json_without_pickle(monkeypatch, data):
    monkeypatch.setattr(pickle, "dumps", _no_pickle)
    monkeypatch.setattr(pickle, "loads", _no_pickle)
    blob = dump(data)
    json.loads(blob)  # plain JSON, readable by anything
    loaded = load(blob)
    assert loaded == data and type(loaded) is type(data)


def test_a_pickle_is_never_unpickled():
    with pytest.raises(ValueError, match="reads only what dump"):
        load(pickle.dumps({"x": 1}))


# --- question specs travel as JSON too -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        Table(ordered=True, rtol=1e-3, columns=("day", "dau")),
        Scalar(atol=0.5),
        Set(casefold=True),
        Choice(("Bots", "Outage")),
        Interval(max_width=0.05, must_cover="truth"),
        Figure(y_from_zero=True, n_series=2),
        Table(key=("day", "platform")),
        Scalar(sig_figs=3),
        Interval(width_ratio=(0.5, 2.0)),
        Figure(error_bars=True, annotations=True),
    ],
)
def test_a_question_spec_round_trips_through_json(kind):
    question = Question("q_1", kind, points=2, hint="h", partial=True)
    text = json.dumps(spec_to_json(question))
    assert spec_from_json(json.loads(text)) == question


def test_hints_are_one_text_or_successive_texts_and_travel_as_a_list():
    steps = Question("q", Scalar(), hint=["Which events count?", "  ", "Leave out push_received."])
    assert steps.hint == ("Which events count?", "Leave out push_received.") and steps.first_hint == steps.hint[0]
    assert Question("q", Scalar(), hint="One hint.").hint == ("One hint.",)
    assert Question("q", Scalar()).hint == () and Question("q", Scalar()).first_hint == ""
    assert spec_from_json(json.loads(json.dumps(spec_to_json(steps)))) == steps
    assert spec_from_json({"id": "q", "kind": {"type": "scalar"}, "hint": "old key"}).hint == ("old key",)
    with pytest.raises(ValueError, match="A hint is text or a list of texts"):
        Question("q", Scalar(), hint=["ok", 3])


def test_a_spec_with_an_unknown_kind_or_field_is_rejected():
    with pytest.raises(ValueError, match="Unknown answer kind 'graph'"):
        spec_from_json({"id": "q", "kind": {"type": "graph"}})
    with pytest.raises(ValueError, match=r"Unknown field\(s\) for scalar: \['tolerance'\]"):
        spec_from_json({"id": "q", "kind": {"type": "scalar", "tolerance": 1}})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Question("Daily Users", Scalar()), "must be snake_case"),
        (lambda: Question("q", Scalar(), points=0), "points must be > 0"),
        (lambda: Question("q", "table"), "kind must be one of"),
        (lambda: Choice(("only",)), "at least two options"),
        (lambda: Choice(("Yes", " yes")), "must differ beyond case and spacing"),
        (lambda: Interval(max_width=0), "must be > 0"),
        (lambda: Interval(max_width=1, must_cover="estimate"), "must be 'key' or 'truth'"),
        (lambda: Table(rtol=-1), "must be >= 0"),
        (lambda: Figure(n_series=0), "must be >= 1"),
    ],
)
def test_malformed_specs_fail_when_the_author_declares_them(make, message):
    with pytest.raises(ValueError, match=message):
        make()
