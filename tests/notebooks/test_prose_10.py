"""Sentences of the capstone that state a direction or a size hold on the default dataset students query."""

from datetime import datetime, timedelta

import duckdb
import nbformat
import pytest
from support.modules import SOLUTIONS, planted, solution_markdown

import synth
from grader.key import load_key
from synth.dataset import truth_path

MODULE = "10_capstone"


@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


@pytest.fixture(scope="module")
def db():
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as connection:
        yield connection


def solution_code() -> str:
    notebook = nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def last_day(db) -> datetime:
    return db.execute("SELECT CAST(value AS TIMESTAMP) - INTERVAL 1 DAY FROM dataset_info "
                      "WHERE key = 'window_end'").fetchone()[0]


def test_wau_on_the_last_day_is_the_lowest_of_the_two_months_and_well_below_three_weeks_earlier(key, db):
    assert "WAU on the last day is the lowest of the two months shown, well below three weeks earlier" in \
        solution_markdown(MODULE)
    wau = db.execute("""
        WITH active AS (SELECT DISTINCT CAST(event_ts AS DATE) AS day, user_id FROM events
                        WHERE event_name <> 'push_received')
        SELECT d.day, count(DISTINCT a.user_id) AS wau
        FROM (SELECT CAST(x AS DATE) AS day FROM generate_series($last::DATE - 62, $last::DATE, INTERVAL 1 DAY) t(x)) d
        JOIN active a ON a.day BETWEEN d.day - 6 AND d.day GROUP BY d.day ORDER BY d.day""",
                     {"last": last_day(db)}).df()["wau"]
    assert wau.iloc[-1] == wau.min() and (wau.iloc[:-1] > wau.iloc[-1]).all()
    assert key.expected["wau_change"] < -0.05


def test_one_platforms_pushes_vanish_in_the_last_weeks_and_the_others_do_not(key, db):
    assert "one platform's pushes vanish in the last weeks" in solution_code()
    (broken,) = {build.split()[0] for build in key.expected["drop_segment"]}
    rows = dict(db.execute("""
        SELECT platform::VARCHAR, count(*) FILTER (WHERE event_name = 'push_received')
                                  / count(DISTINCT user_id) FILTER (WHERE event_name <> 'push_received')
        FROM events WHERE CAST(event_ts AS DATE) = $last::DATE GROUP BY ALL""", {"last": last_day(db)}).fetchall())
    assert rows[broken] < 0.3
    assert all(rate > 1.5 for platform, rate in rows.items() if platform != broken)


def test_the_segments_wau_fell_far_more_than_overall_while_everyone_else_held_level(key):
    assert "WAU of the segment fell by far more than overall, while everyone else held level" in \
        solution_markdown(MODULE)
    change = key.expected["effect_size"].set_index("group")["change"]
    assert change["segment"] < 1.5 * change["all"] < 0
    assert abs(change["rest"]) < 0.03


def test_the_backend_sees_the_same_users_go_missing(key, db):
    assert "the backend sees the same users go missing" in solution_code()
    platform, version = min(build.split() for build in key.expected["drop_segment"])
    start = datetime.fromisoformat(str(key.expected["drop_start"]))
    weeks = db.execute("""
        SELECT count(DISTINCT user_id) FILTER (WHERE server_ts >= $start - INTERVAL 7 DAY AND server_ts < $start),
               count(DISTINCT user_id) FILTER (WHERE server_ts >= $last - INTERVAL 6 DAY)
        FROM server_events
        WHERE status = 'ok' AND user_id IN (SELECT user_id FROM users WHERE platform::VARCHAR = $platform
                                            AND app_version::VARCHAR >= $version)""",
                       {"start": start, "last": last_day(db), "platform": platform, "version": version}).fetchone()
    assert weeks[1] < 0.9 * weeks[0]


def test_the_outage_is_weeks_before_the_start_and_the_scripts_keep_running(key, db):
    assert "The outage is weeks before the start" in solution_code()
    assert "the scripted accounts' views per day are no lower in the last weeks" in solution_code()
    start = datetime.fromisoformat(str(key.expected["drop_start"]))
    assert datetime.fromisoformat(planted(synth.dataset_path())["outage"]["end_ts"]) < start - timedelta(days=14)
    with duckdb.connect(str(truth_path(synth.dataset_path())), read_only=True) as truth:
        bots = [row[0] for row in truth.execute("SELECT user_id FROM bots").fetchall()]
    before, after = db.execute("""
        SELECT count(*) FILTER (WHERE event_ts >= $start - INTERVAL 28 DAY AND event_ts < $start) / 28,
               count(*) FILTER (WHERE event_ts >= $start AND event_ts < $last + INTERVAL 1 DAY)
                   / (date_diff('day', $start, $last) + 1)
        FROM events WHERE event_name = 'video_view' AND user_id IN (SELECT unnest($bots))""",
                               {"start": start, "last": last_day(db), "bots": bots}).fetchone()
    assert after >= before
