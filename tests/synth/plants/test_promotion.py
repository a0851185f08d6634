"""The weekend promotion: naive weekend lift is about +20%; difference-in-differences recovers the true +8%."""

import pytest
from conftest import SEEDS, expected

# DAU per (promoted country or not) x (promo weekend / other weekends), on users' local days
LOCAL_DAU = """
WITH local_days AS (
    SELECT DISTINCT e.user_id, u.country,
           ((e.event_ts AT TIME ZONE 'UTC') AT TIME ZONE u.timezone)::DATE AS day
    FROM events e JOIN users u USING (user_id)
    WHERE e.event_name <> 'push_received'),
promo_days AS (
    SELECT DISTINCT unnest(generate_series(start_ts::DATE, end_ts::DATE - 1, INTERVAL 1 DAY))::DATE AS day
    FROM promotions),
promo_countries AS (SELECT DISTINCT unnest(countries) AS country FROM promotions),
daily AS (
    SELECT day, country IN (SELECT country FROM promo_countries) AS promoted_country, count(*) AS dau
    FROM local_days WHERE day BETWEEN DATE '2025-09-02' AND DATE '2025-11-29' GROUP BY ALL)
SELECT promoted_country,
       avg(dau) FILTER (WHERE day IN (SELECT day FROM promo_days)) AS promo_weekend,
       avg(dau) FILTER (WHERE isodow(day) >= 6 AND day NOT IN (SELECT day FROM promo_days)) AS other_weekend,
       avg(dau) FILTER (WHERE isodow(day) < 6) AS weekday
FROM daily GROUP BY ALL
"""


@pytest.mark.parametrize("seed", SEEDS)
def test_difference_in_differences_recovers_the_planted_lift_and_the_naive_lift_overstates_it(world, seed):
    dataset, truth = world(seed)
    rows = {r[0]: r[1:] for r in dataset.execute(LOCAL_DAU).fetchall()}
    promo, other_weekend, weekday = rows[True]
    ctrl_promo, ctrl_other, _ = rows[False]
    naive = promo / weekday - 1
    did = (promo / other_weekend) / (ctrl_promo / ctrl_other) - 1
    truth_lift = expected(truth, "promotion")["true_lift"]
    assert truth_lift == pytest.approx(0.08, abs=0.02)
    assert did == pytest.approx(truth_lift, abs=0.05)
    assert 0.15 <= naive <= 0.35
    assert naive > did + 0.08


def test_switched_off_there_is_no_promotion(clean_world):
    dataset, truth = clean_world
    assert dataset.execute("SELECT count(*) FROM promotions").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'promotion'").fetchone()[0] == 0
