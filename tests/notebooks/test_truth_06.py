"""Module 06's answers recover what the data generator planted (duplicates, the two buggy builds, skewed clocks,
late events) on the default dataset and on seeds 1 and 2, and its registered naive answers do not."""

import json

import duckdb
import pandas as pd
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key

import synth
from synth.config import config_for
from synth.dataset import truth_path
from synth.writer import build

MODULE = "06_data_accuracy"
SEEDS = (42, 1, 2)  # 42: the default dataset, already built by `make data`


def event_times(path) -> dict[int, int]:
    """Per user, the sum of their event times: a fingerprint that any clock change moves."""
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT user_id, sum(epoch_ms(event_ts)) FROM events GROUP BY 1").fetchall())


@pytest.fixture(scope="module", params=SEEDS)
def seed_build(request, small_dataset):
    """(answer key, planted truth, users whose phone clock is skewed) on a small build of one seed."""
    seed = request.param
    path = small_dataset(seed)
    key = shared_key(MODULE, path)
    effects = planted(path)
    # the skewed phones are the users whose event times change when the plant is switched off
    unskewed = small_dataset(seed, disabled=("clock_skew",))
    times, clean = event_times(path), event_times(unskewed)
    return key, effects, {user for user, t in times.items() if clean[user] != t}


def mistakes(key, question: str) -> list:
    """The registered naive answers of a question."""
    return list(key.mistakes[question].values())


def differs(naive, answer) -> bool:
    """Whether a naive answer differs from the reference one (tables as data frames, other kinds as values)."""
    return not naive.equals(answer) if isinstance(answer, pd.DataFrame) else naive != answer


def test_duplicate_rows_are_exactly_the_retries_and_the_second_copies(seed_build):
    key, truth, _ = seed_build
    planted = truth["retries"]["duplicate_rows"] + truth["double_logging"]["duplicate_rows"]
    assert key.expected["duplicate_rows"] == planted
    assert all(naive != planted for naive in mistakes(key, "duplicate_rows"))


def build_of(answer) -> set[tuple[str, str]]:
    """The (platform, app_version) rows of a build answer (a table as data)."""
    return set(zip(answer["platform"], answer["app_version"], strict=True))


@pytest.mark.parametrize("question, plant", [("double_logged_build", "double_logging"), ("tz_bug_build", "tz_bug")])
def test_the_buggy_builds_are_the_planted_ones(seed_build, question, plant):
    key, truth, _ = seed_build
    planted = {(truth[plant]["platform"], truth[plant]["app_version"])}
    assert build_of(key.expected[question]) == planted
    assert all(differs(naive, key.expected[question]) for naive in mistakes(key, question))


def test_the_double_logged_builds_naive_answers_name_another_build(seed_build):
    key, truth, _ = seed_build
    planted = {(truth["double_logging"]["platform"], truth["double_logging"]["app_version"])}
    assert all(build_of(naive) != planted for naive in mistakes(key, "double_logged_build"))


def test_the_tz_builds_real_peak_is_in_the_evening_and_the_naive_one_is_not(seed_build):
    key, _, _ = seed_build
    (peak,) = key.expected["tz_bug_build"]["peak_hour"]
    assert 18 <= peak <= 23
    assert all(naive["peak_hour"][0] != peak for naive in mistakes(key, "tz_bug_build"))


def precision_recall(found: set, truth: set) -> tuple[float, float]:
    return len(found & truth) / len(found), len(found & truth) / len(truth)


def test_skewed_clock_users_are_found_with_precision_and_recall_of_95_percent(seed_build):
    key, truth, skewed = seed_build
    assert len(skewed) == truth["clock_skew"]["skewed_users"]
    precision, recall = precision_recall(set(key.expected["skewed_clock_users"]), skewed)
    assert precision >= 0.95 and recall >= 0.95
    for naive in mistakes(key, "skewed_clock_users"):
        assert min(precision_recall(set(naive), skewed)) < 0.95


def test_the_morning_report_misses_the_late_events_and_the_arrival_day_count_hides_them(seed_build):
    key, truth, _ = seed_build
    answer = key.expected["late_restatement"]
    restated = sum(answer["final"]) - sum(answer["reported"])
    # late deliveries (retries) plus phones whose clock runs behind; each at least as many as planted late events
    assert restated >= 0.9 * truth["retries"]["late_events"]
    by_arrival, with_copies = mistakes(key, "late_restatement")
    assert sum(by_arrival["final"]) - sum(by_arrival["reported"]) == 0
    assert sum(with_copies["final"]) > sum(answer["final"])


def test_the_audit_counts_the_planted_duplicates_and_the_skews_before_signup(seed_build):
    key, truth, _ = seed_build
    audit = dict(zip(key.expected["audit"]["check"], key.expected["audit"]["failing_rows"], strict=True))
    assert audit["duplicate_event_ids"] == key.expected["duplicate_rows"]
    # before signup: the skewed phones' events and the tz build's
    assert audit["before_signup"] >= truth["clock_skew"]["events_before_signup"]
    assert audit["unknown_user"] == audit["missing_fields"] == 0
    assert all(differs(naive, key.expected["audit"]) for naive in mistakes(key, "audit"))


def test_the_investigation_blames_the_double_logging_build(seed_build):
    key, _, _ = seed_build
    assert key.expected["investigate"] == "b"
