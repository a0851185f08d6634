"""Module 08's answers recover what the data generator planted (response bias by engagement, the true mean
satisfaction of everyone invited, the least satisfied segment), on the default dataset and seeds 1 and 2; each
registered naive answer does not."""

import pandas as pd
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key


MODULE = "08_user_research"


@pytest.fixture(scope="module", params=(42, 1, 2))
def seed_world(request, small_dataset):
    """The module's answer key and the surveys plant's expected values on one small build."""
    path = small_dataset(request.param)
    return shared_key(MODULE, path), planted(path)["surveys"]


def covers(interval, value: float) -> bool:
    low, high = interval
    return low <= value <= high


def test_the_reweighted_interval_covers_the_true_mean_and_the_respondents_mean_lies_above_it(seed_world):
    key, truth = seed_world
    interval = key.expected["reweighted_csat"]
    assert covers(interval, truth["true_mean_csat"])
    assert key.expected["naive_csat"] == pytest.approx(truth["naive_mean_csat"], abs=1e-9)
    assert key.expected["naive_csat"] > max(interval)


def test_every_registered_naive_answer_misses(seed_world):
    key, truth = seed_world
    (respondents_only,) = key.mistakes["reweighted_csat"].values()
    assert not covers(respondents_only, truth["true_mean_csat"])
    for variant in key.mistakes["naive_csat"].values():
        assert abs(variant - truth["naive_mean_csat"]) > 0.1
    rates = key.expected["response_rate_by_decile"]
    for variant in key.mistakes["response_rate_by_decile"].values():
        assert not variant.sort_values("decile").reset_index(drop=True).equals(rates)
        assert (variant.sort_values("decile")["respondents"].to_numpy() != rates["respondents"].to_numpy()).any()
    scores = key.expected["nps"].set_index("platform")["nps"]
    for variant in key.mistakes["nps"].values():
        assert (variant.set_index("platform")["nps"] - scores).abs().min() > 1


def test_response_rates_by_decile_follow_the_planted_response_curve(seed_world):
    key, truth = seed_world
    rates = key.expected["response_rate_by_decile"].sort_values("decile")
    assert rates["invitees"].sum() == truth["invited"] and rates["respondents"].sum() == truth["respondents"]
    planted_rates = pd.Series(truth["response_rate_by_engagement_decile"], index=range(1, 11))
    assert (rates.set_index("decile")["response_rate"] - planted_rates).abs().mean() < 0.04
    assert rates["response_rate"].iloc[-1] > 3 * rates["response_rate"].iloc[0]


def test_nps_counts_every_respondent_once(seed_world):
    key, truth = seed_world
    nps = key.expected["nps"]
    assert nps[["promoters", "passives", "detractors"]].to_numpy().sum() == truth["respondents"]


def test_low_tier_android_is_the_least_satisfied_sizeable_segment_as_option_b_says(seed_world):
    key, truth = seed_world
    assert key.expected["priority_segment"] == "b"
    segments = truth["csat_by_segment"]
    sizeable = {s: v["true_mean_csat"] for s, v in segments.items() if v["invited"] >= 0.15 * truth["invited"]}
    assert min(sizeable, key=sizeable.get) == "android/low"
    assert segments["android/low"]["invited"] >= sorted(v["invited"] for v in segments.values())[-3]
