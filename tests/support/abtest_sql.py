"""SQL the A/B-test plant tests share: what a module 05 reference solution does before it computes a lift.

Events are counted once per event_id (retried uploads and a double-logging build repeat ids), sessions start
after 30 idle minutes, and accounts that watch at a machine's pace are left out (module 07 finds them).
CUPED adjusts each session's videos by the user's videos per session before the test (theta = cov / var);
users without a pre-period are left unadjusted.
"""

# CTEs, to follow a WITH: clean, marked, numbered, sessions, view_gaps, bots
SESSIONS = """
clean AS MATERIALIZED (
    SELECT event_id, any_value(user_id) AS user_id, any_value(event_name) AS event_name, min(event_ts) AS event_ts
    FROM events WHERE event_name <> 'push_received' GROUP BY event_id),
marked AS (
    SELECT user_id, event_name, event_ts,
           coalesce(event_ts - lag(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts) > INTERVAL 30 MINUTE,
                    true) AS starts
    FROM clean),
numbered AS (
    -- the default RANGE frame: events sharing a timestamp land in one session whatever order they come in
    SELECT *, sum(starts::INT) OVER (PARTITION BY user_id ORDER BY event_ts) AS session
    FROM marked),
sessions AS MATERIALIZED (
    SELECT user_id, min(event_ts) AS start_ts, count(*) FILTER (WHERE event_name = 'video_view') AS views
    FROM numbered GROUP BY user_id, session),
view_gaps AS (
    SELECT user_id, epoch(event_ts - lag(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts)) AS gap
    FROM clean WHERE event_name = 'video_view'),
bots AS MATERIALIZED (
    SELECT user_id FROM view_gaps WHERE gap < 300 GROUP BY user_id
    HAVING count(*) >= 50 AND stddev_samp(gap) < 3)
"""


def experiment_sessions(experiment: str) -> str:
    """CTEs after SESSIONS: `test` (the calendar row), `during` (the test's sessions of assigned humans from
    their assignment on: variant, country, views, pre, day since exposure `d`, `first_week`)."""
    return f""",
test AS (SELECT * FROM experiments WHERE name = '{experiment}'),
units AS (
    SELECT a.user_id, a.variant, a.assigned_ts, x.exposure_ts, u.country
    FROM assignments a JOIN test USING (experiment_id) JOIN exposures x USING (experiment_id, user_id)
    JOIN users u USING (user_id)),
pre AS (SELECT user_id, avg(views) AS pre FROM sessions, test WHERE start_ts < start_date GROUP BY user_id),
during AS (
    SELECT s.user_id, u.variant, u.country, s.views, p.pre, s.start_ts::DATE - u.exposure_ts::DATE AS d,
           s.start_ts < test.start_date + 7 AS first_week
    FROM sessions s JOIN units u USING (user_id) LEFT JOIN pre p USING (user_id), test
    WHERE s.start_ts >= u.assigned_ts AND s.start_ts < test.end_date + 1
      AND s.user_id NOT IN (SELECT user_id FROM bots))"""


def cuped(by: str = "") -> str:
    """CTEs `fit` and `adjusted` (column y: CUPED-adjusted views), theta fitted within each `by` group."""
    group = f"GROUP BY {by}" if by else ""
    join = f"during JOIN fit USING ({by})" if by else "during, fit"
    keys = f"{by}, " if by else ""
    return f""",
fit AS (
    SELECT {keys}covar_pop(views, pre) / var_pop(pre) AS theta, avg(pre) AS mu
    FROM during WHERE pre IS NOT NULL {group}),
adjusted AS (SELECT during.*, views - theta * (coalesce(pre, mu) - mu) AS y FROM {join})"""


def lift(column: str) -> str:
    """SQL aggregate: mean of `column` in treatment over control, minus one."""
    return (f"avg({column}) FILTER (WHERE variant = 'treatment') / "
            f"avg({column}) FILTER (WHERE variant = 'control') - 1")
