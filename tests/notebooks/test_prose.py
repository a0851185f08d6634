"""Sentences in the solutions that state a direction or a size hold on the default dataset students query."""

import json

import duckdb
import nbformat
import pytest
from conftest import SOLUTIONS

import synth
from grader.key import load_key
from synth.dataset import truth_path


def markdown(module: str) -> str:
    """All Markdown of a solution notebook, whitespace folded."""
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    return " ".join(" ".join(c.source for c in notebook.cells if c.cell_type == "markdown").split())


@pytest.fixture(scope="module")
def keys():
    """The answer keys of modules 01 and 03 on the default dataset."""
    return {m: load_key(m, synth.dataset_path(), solutions=SOLUTIONS, progress=False)
            for m in ("01_active_users", "03_weekend_trends")}


@pytest.fixture(scope="module")
def truth():
    """The planted effects of the default dataset, by effect id."""
    with duckdb.connect(str(truth_path(synth.dataset_path())), read_only=True) as con:
        return {k: json.loads(v) for k, v in con.execute("SELECT effect_id, expected FROM planted_effects").fetchall()}


def test_module_01_says_the_local_count_is_smaller_and_it_is(keys):
    assert "the **local count is smaller** than the UTC one" in markdown("01_active_users")
    answer = keys["01_active_users"].expected["dau_local_vs_utc"]
    assert answer["dau_local"][0] < answer["dau_utc"][0]
    assert answer["difference"][0] < 0


def test_module_03_says_a_bootstrap_over_user_days_is_far_too_wide_and_it_is(keys):
    assert "On this dataset it is far too wide" in markdown("03_weekend_trends")
    key = keys["03_weekend_trends"]
    low, high = key.expected["weekend_uplift_ci"]
    (user_days,) = [v for name, v in key.mistakes["weekend_uplift_ci"].items() if "resamples user-days" in name]
    assert (user_days[1] - user_days[0]) > 1.4 * (high - low)


def test_module_03_says_the_naive_promotion_lift_is_far_larger_than_the_did_and_it_is(keys):
    assert "the difference-in-differences estimate is the promotion's own effect, and much smaller" in markdown(
        "03_weekend_trends")
    assert "DAU in those countries was far higher on promotion weekends than on weekdays" in markdown(
        "03_weekend_trends")
    answer = keys["03_weekend_trends"].expected["promo_effect"]
    assert answer["naive_lift"][0] > 2 * answer["did_lift"][0] > 0
    assert answer["naive_lift"][0] > 0.15


def test_module_03_did_and_its_interval_recover_the_planted_promotion_on_the_default_dataset(keys, truth):
    answer = keys["03_weekend_trends"].expected["promo_effect"]
    true_lift = truth["promotion"]["true_lift"]
    assert answer["did_lift"][0] == pytest.approx(true_lift, abs=0.03)
    assert answer["did_low"][0] <= true_lift <= answer["did_high"][0]
