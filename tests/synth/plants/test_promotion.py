"""The weekend promotion: naive weekend lift is about +20%; difference-in-differences recovers the true lift."""

import math

import duckdb
import pytest
from support.plants import SEEDS, expected

from synth.config import DEFAULT_SEED
from synth.dataset import truth_path

# Module 03's estimator (question promo_effect): local-day DAU on the analysis days (the window's dates but its
# first and last), events deduplicated by event_id, users grouped by home country in a promotion or not.
CELLS = """
WITH bounds AS (
    SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS DATE) + 1 AS first_day,
           CAST(MAX(value) FILTER (WHERE key = 'window_end') AS DATE) - 2 AS last_day
    FROM dataset_info),
promo_days AS (
    SELECT DISTINCT CAST(unnest(generate_series(CAST(start_ts AS DATE), CAST(end_ts AS DATE) - 1,
                                                INTERVAL 1 DAY)) AS DATE) AS day
    FROM promotions),
promo_countries AS (SELECT DISTINCT unnest(countries) AS country FROM promotions),
deduplicated AS (SELECT * FROM events QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_ts) = 1),
local_days AS (
    SELECT DISTINCT e.user_id, u.country IN (SELECT country FROM promo_countries) AS promoted,
           CAST((e.event_ts AT TIME ZONE 'UTC') AT TIME ZONE u.timezone AS DATE) AS day
    FROM deduplicated e JOIN users u USING (user_id)
    WHERE e.event_name <> 'push_received'),
daily AS (
    SELECT l.day, l.promoted, count(*) AS dau
    FROM local_days l, bounds WHERE l.day BETWEEN bounds.first_day AND bounds.last_day
    GROUP BY ALL)
SELECT promoted,
       avg(dau) FILTER (WHERE day IN (SELECT day FROM promo_days)) AS promo_weekend,
       avg(dau) FILTER (WHERE isodow(day) >= 6 AND day NOT IN (SELECT day FROM promo_days)) AS other_weekend,
       avg(dau) FILTER (WHERE isodow(day) < 6) AS weekday
FROM daily GROUP BY ALL
"""


def lifts(dataset: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    """(naive lift, difference-in-differences lift) by module 03's definitions."""
    rows = {r[0]: r[1:] for r in dataset.execute(CELLS).fetchall()}
    promo, other_weekend, weekday = rows[True]
    ctrl_promo, ctrl_other, _ = rows[False]
    return promo / weekday - 1, (promo / other_weekend) / (ctrl_promo / ctrl_other) - 1


@pytest.mark.parametrize("seed", (DEFAULT_SEED, *SEEDS))
def test_difference_in_differences_lands_within_three_points_of_the_true_lift(world, seed):
    dataset, truth = world(seed)
    _, did = lifts(dataset)
    assert abs(did - expected(truth, "promotion")["true_lift"]) <= 0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_the_naive_lift_takes_credit_for_the_ordinary_weekend(world, seed):
    dataset, truth = world(seed)
    naive, did = lifts(dataset)
    truth_lift = expected(truth, "promotion")["true_lift"]
    # the realised rise of active user-days, which the promotion's chances aim at the planted lift
    assert truth_lift == pytest.approx(0.08, abs=0.01)
    assert 0.15 <= naive <= 0.35
    assert naive > did + 0.08


def test_the_truth_records_the_user_days_behind_the_lift(world):
    want = expected(world(DEFAULT_SEED)[1], "promotion")
    assert want["true_lift"] == pytest.approx(want["added_active_days"] / want["active_days_without"])
    assert want["active_days_without"] > 5_000
    assert want["countries"] == ["US", "BR", "MX", "ES"]
    assert want["weekends"] == 6


def test_a_tiny_window_holds_promotion_weekends_and_ordinary_weekends_to_compare_with(blocked_dataset):
    with duckdb.connect(str(blocked_dataset), read_only=True) as dataset:
        promo_days, other_weekend_days = dataset.execute("""
            WITH bounds AS (
                SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS DATE) + 1 AS first_day,
                       CAST(MAX(value) FILTER (WHERE key = 'window_end') AS DATE) - 2 AS last_day
                FROM dataset_info),
            days AS (SELECT CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day
                     FROM bounds),
            promo_days AS (
                SELECT DISTINCT CAST(unnest(generate_series(CAST(start_ts AS DATE), CAST(end_ts AS DATE) - 1,
                                                            INTERVAL 1 DAY)) AS DATE) AS day FROM promotions)
            SELECT count(*) FILTER (WHERE day IN (SELECT day FROM promo_days)),
                   count(*) FILTER (WHERE isodow(day) >= 6 AND day NOT IN (SELECT day FROM promo_days))
            FROM days
        """).fetchone()
        naive, did = lifts(dataset)
    assert promo_days == 4  # two promoted weekends in 35 days
    assert other_weekend_days >= 4
    with duckdb.connect(str(truth_path(blocked_dataset)), read_only=True) as truth:
        assert expected(truth, "promotion")["weekends"] == 2
    # every cell of the estimator has days, so it gives a number (a noisy one, on 1,000 users)
    assert math.isfinite(naive) and math.isfinite(did)


def test_switched_off_there_is_no_promotion(clean_world):
    dataset, truth = clean_world
    assert dataset.execute("SELECT count(*) FROM promotions").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'promotion'").fetchone()[0] == 0
