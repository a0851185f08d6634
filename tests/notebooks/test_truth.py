"""Module 03's answers recover what the data generator planted (promotion, weekend uplift), on seeds other than 42."""

import json

import duckdb
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key

from synth.config import config_for
from synth.dataset import truth_path
from synth.writer import build

SEEDS = (1, 2)  # the default dataset is seed 42


@pytest.fixture(scope="module", params=SEEDS)
def answers_and_truth(request, small_dataset):
    """The module's reference answers (its answer key) and the planted promotion on a small build of one seed."""
    path = small_dataset(request.param)
    key = shared_key("03_weekend_trends", path)
    return key.expected, planted(path)


def test_the_difference_in_differences_answer_recovers_the_planted_promotion_lift(answers_and_truth):
    answers, truth = answers_and_truth
    (did_lift,) = answers["promo_effect"]["did_lift"]
    assert did_lift == pytest.approx(truth["promotion"]["true_lift"], abs=0.03)


def test_the_difference_in_differences_interval_covers_the_planted_promotion_lift(answers_and_truth):
    answers, truth = answers_and_truth
    (low,), (high,) = answers["promo_effect"]["did_low"], answers["promo_effect"]["did_high"]
    assert low <= truth["promotion"]["true_lift"] <= high


def test_the_naive_answer_overstates_the_promotion_by_the_weekend_uplift(answers_and_truth):
    answers, truth = answers_and_truth
    (naive_lift,) = answers["promo_effect"]["naive_lift"]
    (did_lift,) = answers["promo_effect"]["did_lift"]
    assert naive_lift > did_lift + 0.08
    true_lift = truth["promotion"]["true_lift"]
    assert abs(naive_lift - true_lift) > abs(did_lift - true_lift)


def test_the_bootstrap_interval_of_the_weekend_uplift_covers_the_true_uplift(answers_and_truth):
    answers, truth = answers_and_truth
    low, high = answers["weekend_uplift_ci"]
    assert low <= truth["weekend"]["true_uplift"] <= high
    assert answers["weekend_uplift"] == pytest.approx(truth["weekend"]["true_uplift"], abs=0.03)
