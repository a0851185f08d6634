"""Module 05's answers recover what the data generator planted in its three A/B tests, and its naive answers do not.

On the default dataset (seed 42) and small builds of seeds 1 and 2; tolerances are the plant tests' own
(tests/synth/plants/test_broken_randomisation.py).
"""

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key

import synth
from synth.config import config_for
from synth.dataset import truth_path
from synth.writer import build

MODULE = "05_prioritizing_metrics"
DATASETS = (42, 1, 2)  # 42: the default dataset students query


@pytest.fixture(scope="session", params=DATASETS)
def answers_05(request, small_dataset) -> tuple[dict, dict, dict]:
    """Module 05's reference answers, its registered mistakes and the planted effects, on one dataset."""
    path = small_dataset(request.param)
    key = shared_key(MODULE, path)
    return key.expected, key.mistakes, planted(path)


def rows(table: pd.DataFrame, column: str) -> dict:
    """A recorded table's column by its first column's values."""
    return dict(zip(table.iloc[:, 0], table[column], strict=True))


def first_mistake(mistakes: dict, question: str):
    """The answer of the first mistake registered for a question."""
    return next(iter(mistakes[question].values()))


def test_the_srm_flag_fires_for_the_broken_test_only(answers_05):
    answers, _, truth = answers_05
    flags = rows(answers["srm"], "srm")
    assert flags == {"exp_001": False, "exp_002": True, "exp_003": False}
    p_values = rows(answers["srm"], "p_value")
    assert p_values["exp_002"] == pytest.approx(truth["broken_randomisation"]["srm_p_value"], rel=1e-6)


def test_testing_the_ramped_test_against_fifty_fifty_would_flag_it(answers_05):
    _, mistakes, _ = answers_05
    assert rows(first_mistake(mistakes, "srm"), "srm")["exp_003"]


def test_the_cuped_interval_covers_the_true_long_run_lift_and_the_first_week_one_does_not(answers_05):
    answers, mistakes, truth = answers_05
    low, high = answers["long_run_lift"]
    assert low <= truth["novelty_test"]["steady_state_lift"] <= high
    first_week = first_mistake(mistakes, "long_run_lift")
    assert first_week[0] > truth["novelty_test"]["steady_state_lift"]


def test_the_first_week_lift_is_several_times_the_long_run_one(answers_05):
    answers, _, truth = answers_05
    week0 = rows(answers["novelty"], "cuped_lift")[0]
    assert week0 == pytest.approx(truth["novelty_test"]["lift_by_week"][0], abs=0.04)
    assert week0 > 3 * max(answers["long_run_lift"])


def test_every_country_lift_is_positive_and_the_pooled_one_negative(answers_05):
    answers, _, truth = answers_05
    cuped = rows(answers["simpson"], "cuped_lift")
    assert all(cuped[c] > 0 for c in truth["simpson"]["per_country"])
    assert rows(answers["simpson"], "naive_lift")["all"] < 0
    assert answers["ship_decision"] == "ship"


def test_the_lift_among_existing_accounts_recovers_the_true_effect_and_the_naive_one_does_not(answers_05):
    answers, mistakes, truth = answers_05
    want = truth["broken_randomisation"]
    assert answers["randomisation_fix"] == pytest.approx(want["existing_accounts_lift"], abs=0.02)
    assert answers["randomisation_fix"] == pytest.approx(want["true_lift"], abs=0.075)
    naive = first_mistake(mistakes, "randomisation_fix")
    assert naive > want["true_lift"] + 0.5


def test_the_lasting_winner_is_the_preload(answers_05):
    answers, _, truth = answers_05
    stratified, long_run = truth["simpson"]["stratified_lift"], truth["novelty_test"]["steady_state_lift"]
    assert (answers["investigate"] == "video_preload") == (stratified > long_run)
