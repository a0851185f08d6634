"""The soft-launch market: a daily DAU series of one country has empty days, so only a date spine gets it right."""

import duckdb
import pytest
from support.plants import SEEDS, expected

from synth.config import DEFAULT_SEED, config_for
from synth.dataset import truth_path
from synth.writer import build

# Daily DAU (UTC days, module 01's definition) of one segment over the whole window, with and without a spine.
WITH_SPINE = """
WITH bounds AS (
    SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS DATE) AS first_day,
           CAST(MAX(value) FILTER (WHERE key = 'window_end') AS DATE) - 1 AS last_day
    FROM dataset_info),
spine AS (SELECT CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day FROM bounds),
dau AS (
    SELECT CAST(event_ts AS DATE) AS day, count(DISTINCT user_id) AS dau
    FROM events WHERE event_name <> 'push_received' AND {segment} GROUP BY ALL)
SELECT spine.day, coalesce(dau.dau, 0) AS dau FROM spine LEFT JOIN dau USING (day) ORDER BY spine.day
"""
WITHOUT_SPINE = """
SELECT CAST(event_ts AS DATE) AS day, count(DISTINCT user_id) AS dau
FROM events, (SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS TIMESTAMP) AS s,
                     CAST(MAX(value) FILTER (WHERE key = 'window_end') AS TIMESTAMP) AS e FROM dataset_info)
WHERE event_name <> 'push_received' AND {segment} AND event_ts >= s AND event_ts < e
GROUP BY ALL
"""
TINY_SEEDS = (1, 2, 3, 4, 5, 6)


def check_segment(dataset: duckdb.DuckDBPyConnection, truth: duckdb.DuckDBPyConnection, most: float) -> None:
    """The recorded segment's daily series: zero days as the truth says, some but at most `most` of the days."""
    want = expected(truth, "soft_launch")
    series = dataset.execute(WITH_SPINE.format(segment=want["filter"])).fetchall()
    zero_days = sum(dau == 0 for _, dau in series)
    assert len(series) == want["days"]
    assert zero_days == want["zero_days"]
    assert [dau for _, dau in series] == want["daily_dau"]
    assert 0.1 * want["days"] <= zero_days <= most * want["days"]
    # without the spine the empty days are simply missing rows
    assert len(dataset.execute(WITHOUT_SPINE.format(segment=want["filter"])).fetchall()) == want["days"] - zero_days


@pytest.mark.parametrize("seed", (DEFAULT_SEED, *SEEDS))
def test_the_soft_launch_market_has_empty_days_in_the_small_datasets(world, seed):
    check_segment(*world(seed), most=0.5)


@pytest.fixture(scope="module")
def tiny_worlds(tmp_path_factory):
    """The hidden grading datasets' scale (1,000 users, 35 days), several seeds."""
    built = {}
    for seed in TINY_SEEDS:
        path = tmp_path_factory.mktemp(f"tiny-{seed}") / "clipstream.duckdb"
        build(config_for("tiny", seed), path, progress=False)
        built[seed] = (duckdb.connect(str(path), read_only=True), duckdb.connect(str(truth_path(path)), read_only=True))
    yield built
    for connections in built.values():
        for con in connections:
            con.close()


@pytest.mark.parametrize("seed", TINY_SEEDS)
def test_the_soft_launch_market_has_empty_days_in_tiny_datasets_too(tiny_worlds, seed):
    # fewer users and a shorter window: the market is sparser, but never empty and never always active
    check_segment(*tiny_worlds[seed], most=0.6)


def test_the_market_opens_on_its_launch_date_and_its_users_signed_up_after_it(world):
    dataset, truth = world(DEFAULT_SEED)
    want = expected(truth, "soft_launch")
    first_signup, users = dataset.execute(
        f"SELECT CAST(min(signup_ts) AS DATE), count(*) FROM users WHERE {want['filter']}").fetchone()
    assert first_signup.isoformat() >= want["launch_date"]
    assert users >= 10


def test_switched_off_the_market_remains_but_the_truth_has_no_record(clean_world):
    dataset, truth = clean_world
    assert dataset.execute("SELECT count(*) FROM users WHERE country = 'IE'").fetchone()[0] > 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'soft_launch'").fetchone()[0] == 0
