"""Client drops: joining server likes to client likes by event_id recovers the share the app lost.

The server records every like (except the outage's hours, when it records none); the client log lacks a few
percent of them, more on cheap phones. Taking the client log as the truth undercounts likes by that share.
"""

import pytest
from support.plants import SEEDS, expected

# every server like, whether the client log has it, and the phone's tier
RECONCILED = """
WITH client AS (SELECT DISTINCT event_id FROM events WHERE event_name = 'like')
SELECT u.device_tier, c.event_id IS NOT NULL AS in_client
FROM server_events s JOIN users u USING (user_id) LEFT JOIN client c USING (event_id)
WHERE s.event_name = 'like' AND s.status = 'ok'
"""


@pytest.mark.parametrize("seed", SEEDS)
def test_server_to_client_reconciliation_recovers_the_drop_rate_and_count(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "client_drops")
    lost, server = dataset.execute(f"SELECT count(*) FILTER (WHERE NOT in_client), count(*) FROM ({RECONCILED})"
                                   ).fetchone()
    assert 0.02 <= planted["drop_rate"] <= 0.05
    assert lost / server == pytest.approx(planted["drop_rate"], abs=0.002)
    # likes lost during the outage are missing on both sides, so the join can't count them
    assert lost == pytest.approx(planted["dropped_likes"], rel=0.01)


@pytest.mark.parametrize("seed", SEEDS)
def test_cheaper_phones_lose_more_likes(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "client_drops")["drop_rate_by_tier"]
    rates = dict(dataset.execute(f"SELECT device_tier, avg((NOT in_client)::INT) FROM ({RECONCILED}) GROUP BY 1"
                                 ).fetchall())
    assert rates["low"] > rates["mid"] > rates["high"]
    for tier, rate in rates.items():
        assert rate == pytest.approx(planted[tier], abs=0.005)


@pytest.mark.parametrize("seed", SEEDS)
def test_daily_likes_from_the_client_alone_undercount_by_the_drop_rate(world, seed):
    dataset, truth = world(seed)
    gaps = [r[0] for r in dataset.execute("""
        WITH c AS (SELECT event_ts::DATE AS day, count(DISTINCT event_id) AS n FROM events
                   WHERE event_name = 'like' GROUP BY 1),
             s AS (SELECT server_ts::DATE AS day, count(*) AS n FROM server_events
                   WHERE event_name = 'like' AND status = 'ok' GROUP BY 1)
        SELECT 1 - c.n / s.n FROM c JOIN s USING (day)
        WHERE day BETWEEN DATE '2025-09-02' AND DATE '2025-11-29' ORDER BY day""").fetchall()]
    rate = expected(truth, "client_drops")["drop_rate"]
    # a naive daily like count taken from the client is short on (almost) every day, by about the drop rate
    assert sum(g > 0 for g in gaps) >= 0.9 * len(gaps)
    assert sorted(gaps)[len(gaps) // 2] == pytest.approx(rate, abs=0.01)


def test_switched_off_client_and_server_agree_on_likes(clean_world):
    dataset, truth = clean_world
    assert dataset.execute(f"SELECT count(*) FROM ({RECONCILED}) WHERE NOT in_client").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'client_drops'").fetchone()[0] == 0
