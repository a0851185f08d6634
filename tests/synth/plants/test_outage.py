"""The regional outage: reconciling the client log with server_events finds when, where and how much was lost.

Server rows of the outage are gone for good; the client's events of those hours were buffered on the phone
and arrive after the outage ends. A like the app also dropped (client_drops) is lost from both sides, so an
anti-join sees slightly fewer missing rows than were lost; scaling the likes by the measured drop rate corrects it.
"""

from datetime import datetime

import duckdb
import pytest
from support.plants import SEEDS, expected

from synth.config import config_for
from synth.dataset import truth_path
from synth.plant.outage import pick

SERVER_NAMES = "('like', 'comment', 'follow', 'post_publish', 'purchase')"

# client events of the server's kinds (once per event_id) that have no server row
UNMATCHED = f"""
WITH client AS (
    SELECT event_id, any_value(user_id) AS user_id, any_value(event_name) AS event_name,
           any_value(country) AS country, min(event_ts) AS event_ts
    FROM events WHERE event_name IN {SERVER_NAMES} GROUP BY event_id)
SELECT * FROM client ANTI JOIN server_events USING (event_id)
"""


def outage_window(truth) -> tuple[datetime, datetime, set[str]]:
    planted = expected(truth, "outage")
    return (datetime.fromisoformat(planted["start_ts"]), datetime.fromisoformat(planted["end_ts"]),
            set(planted["countries"]))


@pytest.mark.parametrize("seed", SEEDS)
def test_unmatched_client_events_pinpoint_the_outage_hours_and_region(world, seed):
    dataset, truth = world(seed)
    start, end, countries = outage_window(truth)
    hours = dataset.execute(f"""
        SELECT date_trunc('hour', event_ts) AS hour, list(DISTINCT country) AS countries
        FROM ({UNMATCHED}) GROUP BY hour HAVING count(DISTINCT user_id) >= 3 ORDER BY hour""").fetchall()
    # users, not events: one phone with a skewed clock can date a burst of its outage-hour likes hours away
    assert [h for h, _ in hours] == [datetime(start.year, start.month, start.day, h)
                                     for h in range(start.hour, end.hour)]
    assert set().union(*(set(c) for _, c in hours)) == countries


@pytest.mark.parametrize("seed", SEEDS)
def test_anti_join_recovers_the_missing_server_rows(world, seed):
    dataset, truth = world(seed)
    missing = expected(truth, "outage")["missing_server_rows"]
    like_drop = expected(truth, "client_drops")["drop_rate"]
    likes, others = dataset.execute(f"""
        SELECT count(*) FILTER (WHERE event_name = 'like'), count(*) FILTER (WHERE event_name <> 'like')
        FROM ({UNMATCHED})""").fetchone()
    assert missing > 100
    # the anti-join can't see likes the app dropped too: a few percent fewer, never more
    assert missing * 0.92 <= likes + others <= missing
    assert likes / (1 - like_drop) + others == pytest.approx(missing, rel=0.04)


@pytest.mark.parametrize("seed", SEEDS)
def test_buffered_client_events_arrive_after_the_outage_ends(world, seed):
    dataset, truth = world(seed)
    start, end, countries = outage_window(truth)
    delayed, flushed, total = dataset.execute("""
        SELECT count(DISTINCT event_id) FILTER (WHERE received_ts >= $end),
               count(DISTINCT event_id) FILTER (WHERE received_ts >= $end AND received_ts < $end + INTERVAL 1 HOUR),
               count(DISTINCT event_id)
        FROM events WHERE country IN (SELECT unnest($countries)) AND event_ts >= $start AND event_ts < $end""",
        {"start": start, "end": end, "countries": sorted(countries)}).fetchone()
    assert delayed / total > 0.99
    # the flush takes minutes; what arrives days later was a late delivery anyway (retries). Phones whose clocks
    # are off (clock_skew, ~1%) date a few buffered events outside the window; the app drops a few buffered
    # likes (client_drops)
    assert 0.96 <= flushed / expected(truth, "outage")["delayed_client_events"] <= 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_naive_views_of_either_source_show_a_hole_not_a_backlog(world, seed):
    """Counting server rows alone loses the outage's requests; counting client events by arrival time shows
    nothing during the outage and a burst right after."""
    dataset, truth = world(seed)
    start, end, countries = outage_window(truth)
    params = {"start": start, "end": end, "countries": sorted(countries)}
    server_rows = dataset.execute("""
        SELECT count(*) FROM server_events s JOIN users u USING (user_id)
        WHERE u.country IN (SELECT unnest($countries)) AND s.server_ts >= $start AND s.server_ts < $end""",
        params).fetchone()[0]
    assert server_rows == 0
    during, after = dataset.execute("""
        SELECT count(DISTINCT event_id) FILTER (WHERE received_ts >= $start AND received_ts < $end),
               count(DISTINCT event_id) FILTER (WHERE received_ts >= $end AND received_ts < $end + INTERVAL 1 HOUR
                                                 AND event_ts < $end)
        FROM events WHERE country IN (SELECT unnest($countries))""", params).fetchone()
    # only the retries plant's re-sent and days-late uploads, drawn after the outage, land inside it
    assert during <= 0.01 * after
    assert after >= 0.95 * expected(truth, "outage")["delayed_client_events"]


def test_the_seed_picks_the_region_and_the_hours_so_no_document_gives_them_away():
    """Which countries and hours is a question of module 07: the seed draws them from the config's candidates."""
    config = config_for("small", 1)
    picks = {seed: pick(config_for("small", seed)) for seed in range(1, 21)}
    assert len({countries for countries, _, _ in picks.values()}) == len(config.outage.regions)
    assert len({(start, hours) for _, start, hours in picks.values()}) > 3
    for countries, start, hours in picks.values():
        evening = dict(config.outage.regions)[countries]
        assert abs(start - evening) <= config.outage.start_jitter_hours
        assert config.outage.hours[0] <= hours <= config.outage.hours[1]
    # the same seed gives the same outage at every scale: one draw per build, not per block or per scale
    assert pick(config_for("class", 1)) == picks[1]


def test_switched_off_every_client_request_has_its_server_row(clean_world):
    dataset, truth = clean_world
    assert dataset.execute(f"SELECT count(*) FROM ({UNMATCHED})").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'outage'").fetchone()[0] == 0


def test_an_outage_after_the_window_leaves_the_data_alone(blocked_dataset):
    """The tiny scale's 35 days end before the outage day: nothing lost, nothing delayed, no crash."""
    with (duckdb.connect(str(blocked_dataset), read_only=True) as dataset,
          duckdb.connect(str(truth_path(blocked_dataset)), read_only=True) as truth):
        planted = expected(truth, "outage")
        assert (planted["missing_server_rows"], planted["delayed_client_events"]) == (0, 0)
        assert dataset.execute(f"SELECT count(*) FROM ({UNMATCHED})").fetchone()[0] == 0
