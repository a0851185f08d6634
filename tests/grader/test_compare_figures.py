"""Chart answers: data extracted from matplotlib (Agg), then title, labels, y from 0, series count and data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from support.leaks import assert_no_key_leak  # noqa: E402

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
        "reference": False,
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
    assert outcome.summary == "The chart shows 2 series (lines, bar groups or scatters); the question wants 3."


def test_a_missing_series_is_counted_without_naming_the_keys_labels():
    ax = DAILY.plot(x="day", y=["ios"], title="DAU", ylabel="users")
    outcome = check(ax)
    assert outcome.summary == "The chart shows 1 series (lines, bar groups or scatters); the key has more."
    assert outcome.details == [
        "1 of the key's series is not in your chart (series are matched by their legend labels)."
    ]


def test_a_mislabelled_series_names_only_the_answers_labels_and_is_not_called_empty():
    ax = DAILY.rename(columns={"android": "droid"}).plot(x="day", y=["ios", "droid"], title="DAU", ylabel="users")
    outcome = check(ax)
    assert outcome.summary == (
        "1 of the key's series is not in your chart (series are matched by their legend labels; yours that match "
        "none: 'droid')."
    )
    assert "Nothing is plotted" not in str(outcome) and "android" not in str(outcome)


def test_a_missing_day_in_a_series_is_reported_as_a_point_count():
    ax = pandas_chart(DAILY.drop(index=2))
    outcome = check(ax)
    assert outcome.summary == "Series 'ios' has 4 points, fewer than the key's."
    assert outcome.details == ["Series 'android' has 4 points, fewer than the key's."]


def test_a_wrong_value_names_the_series_and_the_first_differing_point():
    ax = pandas_chart(DAILY.assign(ios=DAILY["ios"] // 2))
    outcome = check(ax)
    assert outcome.summary == (
        "Series 'ios': the plotted values differ, first at point 1 (yours: 15, lower than the key's)."
    )


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


# --- error bars, annotations, reference lines ----------------------------------------------------------------

SEGMENTS = pd.DataFrame({"segment": ["new", "returning"], "lift": [0.05, 0.08], "err": [0.01, 0.02]})


def lift_bars(**bar: object) -> MplFigure:
    """The reference stakeholder chart: one bar per segment, titled and labelled."""
    figure = MplFigure()
    ax = figure.subplots()
    ax.bar(SEGMENTS["segment"], SEGMENTS["lift"], **bar)
    ax.set(title="Lift by segment", xlabel="segment", ylabel="lift")
    return figure


def annotated(figure: MplFigure) -> MplFigure:
    figure.axes[0].annotate("largest", (1, 0.08))
    return figure


@pytest.mark.parametrize(
    "draw",
    [
        lambda ax: ax.bar(SEGMENTS["segment"], SEGMENTS["lift"], yerr=SEGMENTS["err"], capsize=4),
        lambda ax: (ax.bar(SEGMENTS["segment"], SEGMENTS["lift"]),
                    ax.errorbar(SEGMENTS["segment"], SEGMENTS["lift"], yerr=SEGMENTS["err"], fmt="none", capsize=3)),
        lambda ax: (ax.bar(SEGMENTS["segment"], SEGMENTS["lift"]), ax.axhline(0.06, linestyle="--"),
                    ax.text(0, 0.07, "note"), ax.fill_between([0, 1], [0.04, 0.06], [0.06, 0.1], alpha=0.2)),
    ],
    ids=["bar-yerr-capsize", "errorbar-over-bars", "reference-line-text-band"],
)
def test_error_bars_caps_reference_lines_and_annotations_are_not_series(draw):
    figure = MplFigure()
    ax = figure.subplots()
    draw(ax)
    ax.set(title="Lift", xlabel="segment", ylabel="lift")
    data = to_data(Figure(), figure)
    assert [s["kind"] for s in data["series"]] == ["bar"]
    assert check(figure, key=lift_bars()).passed


def test_an_errorbar_line_with_caps_is_one_series_labelled_by_the_errorbar():
    figure = MplFigure()
    ax = figure.subplots()
    ax.errorbar(DAILY["day"], DAILY["ios"], yerr=2, capsize=3, label="ios")
    assert [(s["kind"], s["label"]) for s in to_data(Figure(), figure)["series"]] == [("line", "ios")]


def test_pandas_bars_with_yerr_and_capsize_keep_their_data_check():
    err = DAILY[["ios", "android"]] * 0 + 2
    ax = DAILY.plot.bar(x="day", y=["ios", "android"], yerr=err, capsize=3, title="DAU", ylabel="users")
    plain = DAILY.plot.bar(x="day", y=["ios", "android"], title="DAU", ylabel="users")
    assert check(ax, key=plain.get_figure()).passed
    assert to_data(Figure(), ax)["error_bars"] and not to_data(Figure(), plain)["error_bars"]


def test_horizontal_pandas_bars_with_xerr_compare_with_matplotlib_barh():
    ax = SEGMENTS.plot.barh(x="segment", y="lift", xerr="err", capsize=3, legend=False, title="Lift", xlabel="lift")
    figure = MplFigure()
    key_ax = figure.subplots()
    key_ax.barh(SEGMENTS["segment"], SEGMENTS["lift"])
    key_ax.set(title="Lift", xlabel="lift", ylabel="segment")
    assert check(ax, key=figure, ylabel=False).passed


def test_a_constant_reference_line_drawn_with_plot_is_set_aside():
    ax = pandas_chart()
    ax.plot(DAILY["day"], [40] * len(DAILY), linestyle=":", label="target")
    assert check(ax).passed


def test_a_question_can_require_error_bars():
    outcome = check(lift_bars(), key=lift_bars(yerr=SEGMENTS["err"]), error_bars=True)
    assert not outcome.passed
    assert outcome.summary.startswith("The chart has no error bars: draw them with ax.errorbar(")
    assert check(lift_bars(yerr=SEGMENTS["err"]), key=lift_bars(yerr=SEGMENTS["err"]), error_bars=True).passed


def test_a_fill_between_band_counts_as_error_bars():
    figure = lift_bars()
    figure.axes[0].fill_between([0, 1], [0.04, 0.06], [0.06, 0.1], alpha=0.2)
    assert check(figure, key=lift_bars(), error_bars=True).passed


def test_a_question_can_require_an_annotation():
    outcome = check(lift_bars(), key=annotated(lift_bars()), annotations=True)
    assert outcome.summary.startswith("The chart has no annotation: point out what matters with ax.annotate(")
    assert check(annotated(lift_bars()), key=annotated(lift_bars()), annotations=True).passed
    text = lift_bars()
    text.axes[0].text(1, 0.08, "largest lift")
    assert check(text, key=annotated(lift_bars()), annotations=True).passed


def test_figure_feedback_prints_no_value_of_the_key():
    wrong = pandas_chart(DAILY.assign(ios=DAILY["ios"] + 100))
    outcome = check(wrong)
    assert not outcome.passed
    assert_no_key_leak(outcome, to_data(Figure(), key_chart()), to_data(Figure(), wrong))


def test_a_pandas_secondary_y_series_is_part_of_the_chart():
    ax = DAILY.plot(x="day", y=["ios", "android"], secondary_y=["android"], title="DAU", ylabel="users")
    assert check(ax).passed


def test_series_of_other_subplots_are_not_part_of_the_chart():
    figure = MplFigure()
    top, bottom = figure.subplots(2, sharex=True)
    DAILY.plot(x="day", y="ios", ax=top)
    DAILY.plot(x="day", y="android", ax=bottom)
    assert [s["label"] for s in to_data(Figure(), top)["series"]] == ["ios"]


def test_a_chart_of_only_bands_and_reference_lines_is_not_called_empty():
    figure = MplFigure()
    ax = figure.subplots()
    ax.fill_between([0, 1, 2], [1, 2, 3], [2, 3, 4])
    ax.axhline(2)
    ax.set(title="t", xlabel="x", ylabel="y")
    outcome = check(figure)
    assert outcome.details[-1].startswith("Nothing the grader can read as data is plotted (only bands, segments")
    empty = MplFigure()
    empty.subplots().set(title="t", xlabel="x", ylabel="y")
    assert check(empty).details[-1].startswith("Nothing is plotted: draw the data with ax.plot(")


def test_a_horizontal_bar_chart_starts_its_value_axis_at_zero_on_x():
    fig, ax = plt.subplots()
    ax.barh(["Weekdays", "Weekends"], [5.0, 6.0])
    ax.set(title="t", xlabel="minutes", ylabel="day type")
    data = to_data(Figure(y_from_zero=True), fig)
    assert data["value_axis"] == "x" and data["ylim"][0] == 0.0
    ax.set_xlim(left=2)
    outcome = compare(Question("q", Figure(y_from_zero=True)), to_data(Figure(y_from_zero=True), fig), data)
    assert outcome.summary == "The x-axis (the bars' values) starts at 2, not 0: use ax.set_xlim(left=0)."
    plt.close(fig)


# --- the fixes a misleading chart needs: one y-scale, a legend; and marks placed where the key's are ---------------

def twin_axis_chart() -> MplFigure:
    """The key chart with android moved to a second y-axis (twinx), as a misleading slide draws it."""
    figure = MplFigure()
    ax = figure.subplots()
    ax.plot(DAILY["day"], DAILY["ios"], label="ios")
    ax.twinx().plot(DAILY["day"], DAILY["android"], label="android")
    ax.set(title="Daily active users by platform", xlabel="day", ylabel="users")
    ax.set_ylim(bottom=0)
    return figure


def test_a_second_y_axis_fails_only_when_one_axis_is_asked_for():
    assert check(twin_axis_chart()).passed
    outcome = check(twin_axis_chart(), one_axis=True)
    assert not outcome.passed and outcome.summary.startswith("The chart has two y-axes (twinx or secondary_y)")
    secondary = DAILY.plot(x="day", y="ios", title="t", ylabel="users")
    DAILY.plot(x="day", y="android", secondary_y=True, ax=secondary)
    assert to_data(Figure(), secondary)["y_axes"] == 2
    assert check(key_chart(), one_axis=True).passed


def test_a_legend_is_required_when_asked_for_on_the_axes_or_the_figure():
    assert not check(key_chart(), legend=True).passed
    assert check(key_chart(), legend=True).summary.startswith("The chart has no legend")
    with_axes_legend = key_chart()
    with_axes_legend.axes[0].legend()
    assert check(with_axes_legend, legend=True).passed
    with_figure_legend = key_chart()
    with_figure_legend.legend()
    assert check(with_figure_legend, legend=True).passed


def marked(days: list[str], how: str = "annotate") -> MplFigure:
    """The key chart with a mark at each day: ax.annotate, ax.text on the x-axis transform, or in axes fraction."""
    figure = key_chart()
    ax = figure.axes[0]
    for day in days:
        if how == "annotate":
            ax.annotate("event", xy=(pd.Timestamp(day), 10), xytext=(pd.Timestamp(day), 40),
                        arrowprops={"arrowstyle": "->"})
        elif how == "text":
            ax.text(pd.Timestamp(day), 0.95, "event", transform=ax.get_xaxis_transform())
        else:
            ax.annotate("event", xy=(0.5, 0.5), xycoords="axes fraction")
    return figure


def test_annotations_are_recorded_by_their_x_in_data_units_whatever_the_route():
    by_annotate = to_data(Figure(), marked(["2024-03-02", "2024-03-04"]))["annotation_x"]
    by_text = to_data(Figure(), marked(["2024-03-02", "2024-03-04"], "text"))["annotation_x"]
    assert by_annotate == by_text and by_annotate[1] - by_annotate[0] == 2.0
    assert to_data(Figure(), marked(["2024-03-02"], "fraction"))["annotation_x"] == []
    assert load(dump(to_data(Figure(), marked(["2024-03-02"]))))["annotation_x"] == by_annotate[:1]


@pytest.mark.parametrize(("days", "how", "unmarked"), [
    (["2024-03-02", "2024-03-04"], "annotate", 0),
    (["2024-03-04", "2024-03-02", "2024-03-05"], "text", 0),   # order and extra marks do not matter
    (["2024-03-03", "2024-03-05"], "annotate", 0),             # within a day of each
    (["2024-03-02"], "annotate", 1),
    (["2024-03-02", "2024-03-04"], "fraction", 2),             # placed on the axes, not at a date
    ([], "annotate", 2),
])
def test_each_of_the_keys_annotations_needs_one_of_the_answers_near_it(days, how, unmarked):
    key = marked(["2024-03-02", "2024-03-04"])
    outcome = check(marked(days, how), key, annotation_tolerance=1.0)
    assert outcome.passed == (unmarked == 0), outcome.summary
    if unmarked:
        assert outcome.summary.startswith(f"{unmarked} of the 2 moments the chart must mark have no annotation")
        expected = to_data(Figure(), key)
        assert_no_key_leak(outcome, expected["annotation_x"], to_data(Figure(), marked(days, how))["annotation_x"])


def test_the_new_figure_options_are_validated_and_survive_the_key_round_trip():
    from grader.spec import spec_from_json, spec_to_json

    question = Question("fix", Figure(one_axis=True, legend=True, annotation_tolerance=1.5))
    assert spec_from_json(spec_to_json(question)) == question
    with pytest.raises(ValueError, match="annotation_tolerance"):
        Figure(annotation_tolerance=-1)
