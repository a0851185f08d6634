"""Module 06's sentences that state a direction or a size hold on the default dataset students query."""

import duckdb
import nbformat
import pytest
from support.modules import SOLUTIONS, solution_markdown

import synth
from grader.key import load_key

MODULE = "06_data_accuracy"



@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


@pytest.fixture(scope="module")
def db():
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as con:
        yield con


def test_a_healthy_build_has_just_over_one_row_per_view_and_the_buggy_one_about_two(db):
    assert "just above 1 (a few retries); a build that logs twice shows about 2" in solution_markdown(MODULE)
    ratios = db.execute("""SELECT COUNT(*) / COUNT(DISTINCT event_id) FROM events WHERE event_name = 'video_view'
                           GROUP BY platform, app_version ORDER BY 1 DESC""").fetchall()
    (top,), rest = ratios[0], [r for (r,) in ratios[1:]]
    assert 1.9 < top < 2.1
    assert all(1.0 <= r < 1.05 for r in rest)


def test_trusting_event_ts_puts_the_tz_builds_peak_in_the_afternoon_and_the_real_one_in_the_evening(key):
    assert "the fake afternoon peak" in " ".join(key.mistakes["tz_bug_build"])
    assert "people open the app in the afternoon instead of the evening" in solution_markdown(MODULE)
    (real,) = key.expected["tz_bug_build"]["peak_hour"]
    naive = next(answer for name, answer in key.mistakes["tz_bug_build"].items() if "trusts event_ts" in name)
    assert 18 <= real <= 23
    assert 12 <= naive["peak_hour"][0] <= 17


def test_retries_are_the_smaller_share_of_the_extra_view_rows(key, db):
    assert "here they are the smaller share" in " ".join(key.mistakes["investigate"])
    resends, second_copies = db.execute("""
        SELECT COUNT(*) - COUNT(DISTINCT (event_id, event_ts)),
               COUNT(DISTINCT (event_id, event_ts)) - COUNT(DISTINCT event_id)
        FROM events WHERE event_name = 'video_view'""").fetchone()
    assert resends < second_copies
