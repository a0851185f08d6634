"""Chart answers: data extracted from matplotlib (Agg), then title, labels, y from 0, series count and data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from grader.answers import AnswerError, dump, load, to_data  # noqa: E402
from grader.compare import compare  # noqa: E402
from grader.outcome import Outcome  # noqa: E402
from grader.spec import Figure, Question  # noqa: E402

DAILY = pd.DataFrame(
    {"day": pd.date_range("2024-03-01", periods=5), "ios": [30, 32, 31, 35, 36], "android": [50, 49, 53, 55, 54]}
)


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    plt.close("all")


def key_chart() -> MplFigure:
    """The reference chart: one line per platform, titled and labelled, y from 0."""
    figure = MplFigure()
    ax = figure.subplots()
    for platform in ("ios", "android"):
        ax.plot(DAILY["day"], DAILY[platform], label=platform)
    ax.set_title("Daily active users by platform")
    ax.set_xlabel("day")
    ax.set_ylabel("users")
    ax.set_ylim(bottom=0)
    return figure


def check(answer: object, key: object = None, **spec: object) -> Outcome:
    """to_data both charts and compare them."""
    question = Question("dau_chart", Figure(**spec))
    return compare(question, to_data(question, answer), to_data(question, key_chart() if key is None else key))


def pandas_chart(frame: pd.DataFrame = DAILY) -> object:
    """The same chart drawn the pandas way, returning the Axes."""
    ax = frame.plot(x="day", y=["android", "ios"], title="DAU per platform")
    ax.set_ylabel("users")
    ax.set_ylim(bottom=0)
    return ax


def test_extraction_records_title_labels_limits_and_each_series():
    data = to_data(Figure(), key_chart())
    assert data["title"] == "Daily active users by platform"
    assert (data["xlabel"], data["ylabel"]) == ("day", "users")
    assert data["ylim"][0] == 0.0
    first_day = (pd.Timestamp("2024-03-01") - pd.Timestamp("1970-01-01")).days
    assert data["series"][0] == {
        "label": "ios",
        "kind": "line",
        "x": [float(first_day + i) for i in range(5)],
        "y": [30.0, 32.0, 31.0, 35.0, 36.0],
    }
    assert [s["label"] for s in data["series"]] == ["ios", "android"]


def test_a_pandas_chart_with_series_in_another_order_matches_the_key_by_label():
    outcome = check(pandas_chart(), y_from_zero=True)
    assert outcome.passed
    assert outcome.summary == "Correct: the chart shows what the question asks for."


def test_figure_axes_and_a_fig_ax_tuple_are_all_accepted():
    figure = key_chart()
    for answer in (figure, figure.axes[0], (figure, figure.axes[0])):
        assert check(answer).passed


def test_a_missing_title_and_labels_are_each_reported():
    ax = DAILY.plot(x="day", y=["ios", "android"], xlabel="")
    outcome = check(ax)
    assert outcome.summary == "The chart has no title: add one with ax.set_title(...)."
    assert outcome.details == [
        "The x-axis has no label: add one with ax.set_xlabel(...).",
        "The y-axis has no label: add one with ax.set_ylabel(...).",
    ]


def test_the_y_axis_must_start_at_zero_only_when_declared():
    ax = pandas_chart()
    ax.set_ylim(25, 60)
    assert check(ax).passed
    outcome = check(ax, y_from_zero=True)
    assert outcome.summary == "The y-axis starts at 25, not 0: use ax.set_ylim(bottom=0)."


def test_bar_charts_start_at_zero_and_record_category_names():
    figure = MplFigure()
    ax = figure.subplots()
    ax.bar(["BR", "US", "IN"], [5, 7, 3])
    data = to_data(Figure(), figure)
    assert data["series"] == [{"label": "", "kind": "bar", "x": ["BR", "US", "IN"], "y": [5.0, 7.0, 3.0]}]
    assert data["ylim"][0] == 0.0


def test_the_number_of_series_counts_lines_and_bar_groups_but_not_reference_lines():
    figure = MplFigure()
    ax = figure.subplots()
    ax.plot([0, 1], [1, 2])
    ax.bar([0, 1], [3, 4])
    ax.axhline(1.5)
    data = to_data(Figure(), figure)
    assert [s["kind"] for s in data["series"]] == ["line", "bar"]
    outcome = compare(
        Question("mix", Figure(title=False, xlabel=False, ylabel=False, n_series=3, check_data=False)), data, data
    )
    assert outcome.summary == "The chart shows 2 series (lines or bar groups); the key shows 3."


def test_a_missing_series_is_named():
    ax = DAILY.plot(x="day", y=["ios"], title="DAU", ylabel="users")
    outcome = check(ax)
    assert outcome.summary == "The chart shows 1 series (lines or bar groups); the key shows 2."
    assert outcome.details == ["No series is labelled 'android'."]


def test_a_missing_day_in_a_series_is_reported_as_a_point_count():
    ax = pandas_chart(DAILY.drop(index=2))
    outcome = check(ax)
    assert outcome.summary == "Series 'ios' has 4 points; the key's has 5."
    assert outcome.details == ["Series 'android' has 4 points; the key's has 5."]


def test_a_wrong_value_names_the_series_and_the_first_differing_point():
    ax = pandas_chart(DAILY.assign(ios=DAILY["ios"] // 2))
    outcome = check(ax)
    assert outcome.summary == "Series 'ios': the plotted values differ, first at point 1 (yours: 15, the key's: 30)."


def test_a_series_shifted_by_a_day_is_an_x_difference():
    ax = pandas_chart(DAILY.assign(day=DAILY["day"] + pd.Timedelta(days=1)))
    outcome = check(ax)
    assert outcome.summary == "Series 'ios': the x-values (positions along the x-axis) differ, first at point 1."


def test_unlabelled_series_are_matched_by_order():
    def bars(values: list[int]) -> MplFigure:
        figure = MplFigure()
        ax = figure.subplots()
        ax.bar(["a", "b"], values)
        ax.set(title="t", xlabel="x", ylabel="y")
        return figure

    assert check(bars([1, 2]), key=bars([1, 2])).passed
    assert check(bars([2, 1]), key=bars([1, 2])).summary.startswith("A series: the plotted values differ")


def test_values_within_the_figure_tolerance_pass():
    ax = pandas_chart(DAILY.assign(ios=DAILY["ios"] * (1 + 1e-9)))
    assert check(ax).passed
    ax = pandas_chart(DAILY.assign(ios=DAILY["ios"] * 1.01))
    assert not check(ax).passed
    assert check(ax, rtol=0.02).passed


def test_partial_credit_is_the_share_of_declared_checks_passed():
    ax = DAILY.plot(x="day", y=["ios", "android"], title="DAU")  # no y label, data right
    outcome = compare(
        Question("dau_chart", Figure(), partial=True), to_data(Figure(), ax), to_data(Figure(), key_chart())
    )
    assert outcome.score == pytest.approx(4 / 5)


def test_figure_data_round_trips_through_json():
    data = to_data(Figure(), pandas_chart())
    assert load(dump(data)) == data


def test_malformed_chart_answers_say_what_to_pass():
    with pytest.raises(AnswerError, match=r"^This question wants a matplotlib chart .* got a DataFrame\.$"):
        to_data(Figure(), DAILY)
    with pytest.raises(AnswerError, match="The figure has no axes"):
        to_data(Figure(), MplFigure())


def test_a_pandas_bar_chart_equals_a_matplotlib_bar_chart_of_the_same_categories():
    by_country = pd.DataFrame({"country": ["BR", "US", "IN"], "dau": [5, 7, 3]})
    ax = by_country.plot.bar(x="country", y="dau", title="DAU by country", ylabel="users", legend=False)
    figure = MplFigure()
    key_ax = figure.subplots()
    key_ax.bar(by_country["country"], by_country["dau"], label="dau")
    key_ax.set(title="DAU", xlabel="country", ylabel="users")
    assert to_data(Figure(), ax)["series"][0]["x"] == ["BR", "US", "IN"]
    assert check(ax, key=figure).passed
