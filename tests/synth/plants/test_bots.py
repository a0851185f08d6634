"""Bots and internal test accounts: scripts that watch a video every minute or so, at any hour of the day.

Their gaps between views are nearly constant (a person's follow what they watch) and their activity is flat
over the 24 hours; they never react. Counting them inflates views and DAU by the amount the truth records.
"""

import pytest
from support.plants import SEEDS, expected

# per account: views (once per event_id), gaps under 10 minutes, and the share of those within 2 s of the median
REGULARITY = """
WITH views AS (
    SELECT user_id, min(event_ts) AS ts FROM events WHERE event_name = 'video_view' GROUP BY event_id, user_id),
gaps AS (SELECT user_id, epoch(ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts)) AS gap_s FROM views),
short AS (SELECT * FROM gaps WHERE gap_s < 600),
typical AS (SELECT user_id, median(gap_s) AS gap_s FROM short GROUP BY 1)
SELECT user_id, count(*) AS gaps, avg((abs(s.gap_s - t.gap_s) <= 2)::INT) AS regular
FROM short s JOIN typical t USING (user_id) GROUP BY 1
"""
FLAGGED = f"SELECT user_id FROM ({REGULARITY}) WHERE gaps >= 20 AND regular >= 0.9"
DAU = """
SELECT count(*) FILTER (WHERE user_id IN (SELECT user_id FROM ({flagged}))) AS bot_days, count(*) AS all_days
FROM (SELECT DISTINCT user_id, event_ts::DATE FROM events
      WHERE event_name <> 'push_received' AND event_ts >= TIMESTAMP '2025-09-01' AND event_ts < TIMESTAMP '2025-12-01')
"""


def user_ids(con, sql: str) -> set[int]:
    return {r[0] for r in con.execute(sql).fetchall()}


@pytest.mark.parametrize("seed", SEEDS)
def test_near_constant_gaps_between_views_find_the_bots(world, seed):
    dataset, truth = world(seed)
    bots = user_ids(truth, "SELECT user_id FROM bots") & user_ids(dataset, "SELECT DISTINCT user_id FROM events")
    flagged = user_ids(dataset, FLAGGED)
    assert len(bots) == expected(truth, "bots")["active_bots"] >= 30
    assert len(flagged & bots) / len(flagged) >= 0.95
    assert len(flagged & bots) / len(bots) >= 0.95
    assert dataset.execute(f"SELECT count(*) FROM events WHERE event_name IN ('like', 'comment', 'share', 'follow') "
                           f"AND user_id IN ({FLAGGED})").fetchone()[0] == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_bots_are_active_around_the_clock_and_people_are_not(world, seed):
    """Views per local hour of the day: flat for the scripts, a night trough and an evening peak for people.

    Flatness is the coefficient of variation of the 24 hourly counts; a bot's views come in runs of an hour or
    two, so its hourly counts are noisier than a smooth curve, but nowhere near a person's day-night swing.
    """
    dataset, _ = world(seed)
    variation = dict(dataset.execute(f"""
        WITH hourly AS (
            SELECT user_id IN ({FLAGGED}) AS bot, hour(timezone(u.timezone, e.event_ts AT TIME ZONE 'UTC')) AS h,
                   count(*) AS n
            FROM events e JOIN users u USING (user_id) WHERE e.event_name = 'video_view' GROUP BY ALL)
        SELECT bot, stddev_pop(n) / avg(n) FROM hourly GROUP BY bot""").fetchall())
    assert variation[True] < 0.25
    assert variation[False] > 0.4


@pytest.mark.parametrize("seed", SEEDS)
def test_bots_inflate_dau_and_views_by_the_recorded_amount(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "bots")
    bot_days, all_days = dataset.execute(DAU.format(flagged=FLAGGED)).fetchone()
    bot_views, all_views = dataset.execute(f"""
        SELECT count(DISTINCT event_id) FILTER (WHERE user_id IN ({FLAGGED})), count(DISTINCT event_id)
        FROM events WHERE event_name = 'video_view'""").fetchone()
    # naive DAU and views count the bots; the correct ones leave them out
    assert bot_days / (all_days - bot_days) == pytest.approx(planted["dau_inflation"], abs=0.001)
    assert bot_views / (all_views - bot_views) == pytest.approx(planted["view_inflation"], abs=0.001)
    assert planted["dau_inflation"] > 0.005
    assert planted["view_inflation"] > 0.02


def test_switched_off_there_are_no_bots(clean_world):
    dataset, truth = clean_world
    assert user_ids(dataset, FLAGGED) == set()
    assert truth.execute("SELECT count(*) FROM bots").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'bots'").fetchone()[0] == 0
