"""Sentences of module 04's solution that state a direction or a size hold on the default dataset students query."""

import json

import duckdb
import pytest
from support.modules import SOLUTIONS, planted, solution_markdown

import synth
from grader.key import load_key
from synth.dataset import truth_path

MODULE = "04_feature_friction"


@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


@pytest.fixture(scope="module")
def friction():
    return planted(synth.dataset_path())["feature_friction"]


def test_it_says_the_biggest_drop_is_between_recording_and_editing_and_it_is(key):
    text = solution_markdown(MODULE)
    assert "The funnel's biggest drop is between recording and editing" in text
    assert "the biggest drop was at the edit step" in text
    funnel = key.expected["creation_funnel"].set_index("step")["step_conversion"]
    assert funnel.drop("camera_open").idxmin() == "edit_open"


def test_it_says_satisfaction_rose_about_30_percent_and_like_with_like_it_did(key, friction):
    assert "satisfaction with creating rose about 30%" in solution_markdown(MODULE)
    assert friction["true_csat_lift"] == pytest.approx(0.30, abs=0.05)
    assert key.expected["csat_lift"]["standardised_lift"][0] == pytest.approx(0.30, abs=0.08)


def test_it_says_the_fixed_segment_is_a_minority_of_answers_with_more_newcomers_after_who_rate_lower(friction):
    text = solution_markdown(MODULE)
    assert "the segment that was fixed is a minority of the answers" in text
    assert "after it many more of the answers come from newcomers — who rate the creation tools lower" in text
    assert "who rate creation lower in both periods" in text
    shares = friction["segment_newcomer_share"]
    assert shares["after"] > shares["before"] + 0.2
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as db:
        segment_share, newcomer_gaps = db.execute("""
            WITH a AS (SELECT s.csat, s.sent_ts >= r.release_ts AS after, s.sent_ts - u.signup_ts < INTERVAL 30 DAY
                              AS newcomer, u.platform || '/' || u.device_tier = $segment AS mine
                       FROM surveys s JOIN users u USING (user_id),
                            (SELECT release_ts FROM app_releases
                             WHERE platform = 'android' AND app_version = '8.66.0') r
                       WHERE s.survey = 'creation_csat' AND s.csat IS NOT NULL),
            g AS (SELECT after, AVG(csat) FILTER (WHERE NOT newcomer) - AVG(csat) FILTER (WHERE newcomer) AS gap
                  FROM a GROUP BY after)
            SELECT (SELECT AVG(mine::INT) FROM a), (SELECT list(gap) FROM g)""",
                                                  {"segment": friction["segment"]}).fetchone()
    assert segment_share < 0.5
    assert len(newcomer_gaps) == 2 and min(newcomer_gaps) > 0.5


def test_it_says_a_date_split_understates_the_fix_and_the_rest_of_android_did_not_move(key):
    text = solution_markdown(MODULE)
    assert "sessions after the date still run the old editor" in text
    assert "the rest of Android is the control, and it did not move" in text
    rates = key.expected["redesign_by_version"].set_index(["group", "period"])["edit_rate"]
    assert rates[("rest", "after")] == pytest.approx(rates[("rest", "before")], abs=0.03)
    assert rates[("segment", "after")] > rates[("segment", "before")] + 0.3
    (by_date,) = [v for name, v in key.mistakes["redesign_by_version"].items() if "calendar date" in name]
    dated = by_date.set_index(["group", "period"])["edit_rate"]
    assert dated[("segment", "after")] < rates[("segment", "after")]
