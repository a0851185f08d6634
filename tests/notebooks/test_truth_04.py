"""Module 04's answers recover the planted feature friction (segment, edit rates, CSAT lift) on the default dataset
and on seeds 1 and 2, and its registered naive answers do not."""

import json

import duckdb
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key

import synth
from synth.config import config_for
from synth.dataset import truth_path
from synth.writer import build

MODULE = "04_feature_friction"


@pytest.fixture(scope="module", params=(42, 1, 2))
def key_and_truth(request, small_dataset):
    """The module's answer key and the planted friction's expected values: the default dataset, or a small build."""
    path = small_dataset(request.param)
    key = shared_key(MODULE, path)
    return key, planted(path)["feature_friction"]


def mistake(key, question: str, words: str):
    """The value of the one registered mistake of `question` whose sentence contains `words`."""
    (value,) = [v for name, v in key.mistakes[question].items() if words in name]
    return value


def test_the_struggling_segment_is_the_planted_one(key_and_truth):
    key, truth = key_and_truth
    assert key.expected["struggling_segment"] == truth["segment"]
    assert mistake(key, "struggling_segment", "A whole platform") != truth["segment"]


def test_the_segment_edit_rates_by_version_match_the_planted_ones_and_a_date_split_understates_the_fix(key_and_truth):
    key, truth = key_and_truth
    rates = dict(zip(zip(key.expected["redesign_by_version"]["group"], key.expected["redesign_by_version"]["period"],
                         strict=True), key.expected["redesign_by_version"]["edit_rate"], strict=True))
    planted = truth["step_conversion"][truth["segment"]]
    for period in ("before", "after"):
        assert rates[("segment", period)] == pytest.approx(planted[period]["edit_open|record_start"], abs=0.03)
        assert rates[("rest", period)] == pytest.approx(truth["edit_rate_planted"]["after"], abs=0.04)
    by_date = mistake(key, "redesign_by_version", "calendar date")
    dated = dict(zip(zip(by_date["group"], by_date["period"], strict=True), by_date["edit_rate"], strict=True))
    assert dated[("segment", "after")] < rates[("segment", "after")]


def test_before_the_redesign_the_segment_converts_far_below_every_other_segment(key_and_truth):
    key, truth = key_and_truth
    table = key.expected["edit_rate_by_segment"]
    rates = {f"{p}/{t}": (n, r) for p, t, n, r in zip(table["platform"], table["device_tier"], table["sessions"],
                                                      table["edit_rate"], strict=True)}
    segment_rate = rates[truth["segment"]][1]
    assert segment_rate == pytest.approx(truth["step_conversion"][truth["segment"]]["before"]["edit_open|record_start"],
                                         abs=0.03)
    assert all(rate > segment_rate + 0.3 for s, (n, rate) in rates.items() if s != truth["segment"] and n >= 15)
    # over the whole window the segment's rate is pulled up by the sessions after the fix
    whole = mistake(key, "edit_rate_by_segment", "whole window")
    (whole_rate,) = [r for p, t, r in zip(whole["platform"], whole["device_tier"], whole["edit_rate"], strict=True)
                     if f"{p}/{t}" == truth["segment"]]
    assert whole_rate > segment_rate + 0.1


def test_the_standardised_csat_lift_recovers_the_true_lift_and_the_naive_one_is_negative(key_and_truth):
    key, truth = key_and_truth
    answer = {column: values[0] for column, values in key.expected["csat_lift"].items()}
    assert answer["standardised_lift"] == pytest.approx(truth["true_csat_lift"], abs=0.08)
    assert answer["naive_lift"] == pytest.approx(truth["naive_csat_lift"], abs=1e-9)
    assert answer["naive_lift"] < 0
    assert answer["segment_lift"] == pytest.approx(truth["naive_segment_csat_lift"], abs=0.02)
    for words in ("unadjusted segment lift", "difference of mean scores"):
        (wrong,) = mistake(key, "csat_lift", words)["standardised_lift"]
        assert abs(wrong - truth["true_csat_lift"]) > 0.08, words


def test_the_investigation_blames_the_newcomer_mix_not_the_redesign(key_and_truth):
    key, truth = key_and_truth
    assert key.expected["investigate"] == "newcomers"
    shares = truth["segment_newcomer_share"]
    assert shares["after"] > shares["before"] + 0.15
