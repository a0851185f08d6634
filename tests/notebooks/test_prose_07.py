"""Sentences of module 07 that state a direction or a size hold on the default dataset students query."""

import duckdb
import nbformat
import pytest
from support.modules import SOLUTIONS, solution_markdown

import synth
from grader.key import load_key

MODULE = "07_conflicting_sources"



@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


def test_the_server_is_ahead_on_almost_every_day_by_a_few_percent(key):
    assert "The server is ahead of the client on almost every day, by a few percent of the likes" in solution_markdown(MODULE)
    days = key.expected["likes_by_source"]
    assert (days["gap"] > 0).mean() >= 0.9
    assert 0.01 <= days["gap"].sum() / days["server_likes"].sum() <= 0.06


def test_the_outage_day_is_a_normal_weekday_by_event_time_and_a_hole_on_the_server(key):
    assert "the client's likes that day were in line with a normal weekday" in solution_markdown(MODULE)
    assert "shows likes in the outage's countries down sharply that day" in solution_markdown(MODULE)
    outage = key.expected["outage"]
    params = {"region": sorted(set(outage["country"])), "day": outage["hour"].min().normalize().date()}
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as db:
        client_day, client_week_before, server_day = db.execute("""
            WITH client AS (SELECT event_id, min(event_ts) AS ts FROM events e JOIN users u USING (user_id)
                            WHERE e.event_name = 'like' AND u.country IN (SELECT unnest($region)) GROUP BY event_id)
            SELECT count(*) FILTER (WHERE ts::DATE = $day), count(*) FILTER (WHERE ts::DATE = $day - 7),
                   (SELECT count(*) FROM server_events s JOIN users u USING (user_id)
                    WHERE s.event_name = 'like' AND s.status = 'ok' AND u.country IN (SELECT unnest($region))
                      AND s.server_ts::DATE = $day)
            FROM client""", params).fetchone()
    assert 0.8 <= client_day / client_week_before <= 1.25
    assert server_day < 0.85 * client_day
