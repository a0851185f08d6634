"""The weekend uplift's truth is module 03's estimand on the world's own record, before any corruption of it.

Built without the corruption layer, the events table is that record (no duplicates, true clocks and zones), so
module 03's estimator computed on it must give the truth exactly; bots' views and the engagement drop are in both.
"""

import pytest
from support.plants import expected

CORRUPTION = ("retries", "double_logging", "tz_bug", "clock_skew", "client_drops", "outage")

# module 03's weekend_uplift: population, complete weeks and local days as in solutions/03_weekend_trends.ipynb
UPLIFT = """
WITH bounds AS (
    SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS DATE) + 1 AS first_day,
           CAST(MAX(value) FILTER (WHERE key = 'window_end') AS DATE) - 2 AS last_day
    FROM dataset_info
),
weeks AS (
    SELECT CAST(date_trunc('week', first_day + 6) AS DATE) AS first_monday,
           CAST(date_trunc('week', last_day + 1) AS DATE) - 1 AS last_sunday
    FROM bounds
),
population AS (
    SELECT users.user_id, users.timezone FROM users, weeks
    WHERE CAST((users.signup_ts AT TIME ZONE 'UTC') AT TIME ZONE users.timezone AS DATE) < weeks.first_monday
),
views AS (
    SELECT CAST((events.event_ts AT TIME ZONE 'UTC') AT TIME ZONE population.timezone AS DATE) AS day,
           events.watch_ms
    FROM events JOIN population USING (user_id)
    WHERE events.event_name = 'video_view'
)
SELECT (SUM(watch_ms) FILTER (WHERE isodow(day) >= 6) / 2) / (SUM(watch_ms) FILTER (WHERE isodow(day) < 6) / 5) - 1
FROM views, weeks
WHERE day BETWEEN first_monday AND last_sunday
"""


def uplift(dataset) -> float:
    """Module 03's weekend uplift estimate on a dataset's events (the users x weeks factors cancel)."""
    return dataset.execute(UPLIFT).fetchone()[0]


def test_the_truth_is_module_03s_estimator_on_the_uncorrupted_record(world):
    dataset, truth = world(1, disabled=CORRUPTION)
    assert dataset.execute("SELECT count(*) - count(DISTINCT event_id) FROM events").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM bots").fetchone()[0] > 0  # their views are in the record and the truth
    assert uplift(dataset) == pytest.approx(expected(truth, "weekend")["true_uplift"], rel=1e-9)


def test_the_truth_does_not_depend_on_the_corruption_of_the_record(world):
    """The corruption layer changes the estimate, never the truth it is checked against."""
    planted, clean = world(1), world(1, disabled=CORRUPTION)
    truth = expected(planted[1], "weekend")["true_uplift"]
    assert truth == expected(clean[1], "weekend")["true_uplift"]
    assert uplift(planted[0]) != pytest.approx(truth, rel=1e-6)  # duplicates and mis-zoned clocks move the estimate
