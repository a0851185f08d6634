"""Sentences in the solutions that state a direction or a size hold on the default dataset students query."""

import json

import duckdb
import nbformat
import pytest
from support.modules import SOLUTIONS, planted, solution_markdown

import synth
from grader.key import load_key
from synth.dataset import truth_path



@pytest.fixture(scope="module")
def keys():
    """The answer keys of modules 01 and 03 on the default dataset."""
    return {m: load_key(m, synth.dataset_path(), solutions=SOLUTIONS, progress=False)
            for m in ("01_active_users", "03_weekend_trends")}


@pytest.fixture(scope="module")
def truth():
    """The planted effects of the default dataset, by effect id."""
    return planted(synth.dataset_path())


def test_module_01_says_the_local_count_is_smaller_and_it_is(keys):
    assert "the **local count is smaller** than the UTC one" in solution_markdown("01_active_users")
    answer = keys["01_active_users"].expected["dau_local_vs_utc"]
    assert answer["dau_local"][0] < answer["dau_utc"][0]
    assert answer["difference"][0] < 0


def test_module_03_says_a_bootstrap_over_user_days_is_far_too_wide_and_it_is(keys):
    assert "On this dataset it is far too wide" in solution_markdown("03_weekend_trends")
    key = keys["03_weekend_trends"]
    low, high = key.expected["weekend_uplift_ci"]
    (user_days,) = [v for name, v in key.mistakes["weekend_uplift_ci"].items() if "resamples user-days" in name]
    assert (user_days[1] - user_days[0]) > 1.4 * (high - low)


def test_module_03_says_the_naive_promotion_lift_is_far_larger_than_the_did_and_it_is(keys):
    assert "the difference-in-differences estimate is the promotion's own effect, and much smaller" in solution_markdown(
        "03_weekend_trends")
    assert "DAU in those countries was far higher on promotion weekends than on weekdays" in solution_markdown(
        "03_weekend_trends")
    answer = keys["03_weekend_trends"].expected["promo_effect"]
    assert answer["naive_lift"][0] > 2 * answer["did_lift"][0] > 0
    assert answer["naive_lift"][0] > 0.15


def test_module_03_did_and_its_interval_recover_the_planted_promotion_on_the_default_dataset(keys, truth):
    answer = keys["03_weekend_trends"].expected["promo_effect"]
    true_lift = truth["promotion"]["true_lift"]
    assert answer["did_lift"][0] == pytest.approx(true_lift, abs=0.03)
    assert answer["did_low"][0] <= true_lift <= answer["did_high"][0]


def test_module_03_says_utc_days_blur_the_weekend_and_the_utc_uplift_is_smaller(keys):
    assert "Across 23 time zones this blurs the weekend" in solution_markdown("03_weekend_trends")
    answer = keys["03_weekend_trends"].expected["utc_vs_local"]
    uplift = dict(zip(answer["bucketing"], answer["uplift"], strict=True))
    assert uplift["utc"] < uplift["local"]


def test_a_made_up_interval_fails_on_the_default_dataset_with_a_named_reason(keys):
    from grader.answers import to_data
    from grader.compare import compare

    key = keys["03_weekend_trends"]
    question = key.questions["weekend_uplift_ci"]
    outcome = compare(question, to_data(question, (0.0, 0.25)), key.expected["weekend_uplift_ci"])
    assert not outcome.passed
    assert "more than 1.2 times as wide" in outcome.summary


def test_the_tour_and_the_readme_count_the_countries_and_time_zones_of_the_default_dataset():
    with synth.connect() as db:
        countries, zones = db.sql("SELECT COUNT(DISTINCT country), COUNT(DISTINCT timezone) FROM users").fetchall()[0]
    claim = f"{countries} countries and {zones} time zones"
    tour = nbformat.read(SOLUTIONS.parent / "notebooks" / "00_start_here.ipynb", as_version=4)
    assert claim in " ".join(" ".join(c.source.split()) for c in tour.cells)
    assert claim in " ".join((SOLUTIONS.parent / "README.md").read_text().split())
    assert f"{zones} time zones" in solution_markdown("01_active_users") and f"{zones} time zones" in solution_markdown(
        "03_weekend_trends")
