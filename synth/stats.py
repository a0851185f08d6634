"""Realism statistics of a dataset, by the metric definitions the modules teach (docs/model.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import duckdb

from synth.dataset import info, one

# An active user did anything but receive a push: push_received is sent by the system.
ACTIVE = "event_name <> 'push_received'"
SESSION_GAP = "INTERVAL 30 MINUTE"

# One row per session (user_id, start_ts, end_ts): a new session starts after more than 30 idle minutes.
# Sessions are paired from their first and last events, which avoids numbering every event; at equal
# timestamps a start sorts before an end, so each start's next boundary is its own end.
SESSIONS = f"""
    marks AS (
        SELECT user_id, event_ts,
               coalesce(event_ts - lag(event_ts) OVER w > {SESSION_GAP}, true) AS is_start,
               coalesce(lead(event_ts) OVER w - event_ts > {SESSION_GAP}, true) AS is_end
        FROM events WHERE {ACTIVE}
        WINDOW w AS (PARTITION BY user_id ORDER BY event_ts)),
    bounds AS (
        SELECT user_id, event_ts, is_start, is_end,
               lead(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts, is_end) AS next_ts
        FROM marks WHERE is_start OR is_end),
    sessions AS (
        SELECT user_id, event_ts AS start_ts, CASE WHEN is_end THEN event_ts ELSE next_ts END AS end_ts
        FROM bounds WHERE is_start)
"""

# Inclusive ranges the default dataset must land in (issue 2, section 3).
TARGETS: dict[str, tuple[float, float]] = {
    "retention_d1": (0.30, 0.50),
    "retention_d7": (0.15, 0.30),
    "retention_d30": (0.08, 0.20),
    "dau_mau": (0.35, 0.65),
    "sessions_per_dau": (3.0, 10.0),
    "median_session_min": (3.0, 15.0),
    "watch_min_per_dau": (30.0, 100.0),
    "peak_hour_local": (19.0, 23.0),
    "trough_hour_local": (2.0, 6.0),
    "weekend_uplift": (0.05, 0.25),
    "top10_watch_share": (0.40, 1.0),
    "post_share": (0.03, 0.20),
    "purchase_share": (0.01, 0.10),
}


def local_ts(ts: str, tz: str) -> str:
    """SQL for the local wall-clock time of UTC timestamp `ts` in IANA zone `tz`."""
    return f"(({ts}) AT TIME ZONE 'UTC') AT TIME ZONE {tz}"


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def window(con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """The dataset's window [start, end) in UTC, from dataset_info."""
    meta = info(con)
    return datetime.fromisoformat(meta["window_start"]), datetime.fromisoformat(meta["window_end"])


def retention_curve(con: duckdb.DuckDBPyConnection, days: Iterable[int]) -> dict[int, float]:
    """Classic retention by day N of signup cohorts inside the window, on users' local calendar days.

    Day 0 is the local signup day; a user counts for day N only if that local day ends inside the window.
    """
    ns = sorted(set(days))
    start, end = window(con)
    rows = con.execute(
        f"""
        WITH cohort AS (
            SELECT user_id, timezone, ({local_ts('signup_ts', 'timezone')})::DATE AS day0
            FROM users WHERE signup_ts >= $start AND signup_ts < $end),
        eligible AS (
            SELECT c.user_id, c.day0, c.timezone, n.n
            FROM cohort c CROSS JOIN (SELECT unnest($ns::INTEGER[]) AS n) n
            WHERE ((c.day0 + n.n + 1)::TIMESTAMP AT TIME ZONE c.timezone) AT TIME ZONE 'UTC' <= $end),
        returned AS (
            SELECT DISTINCT e.user_id, ({local_ts('e.event_ts', 'c.timezone')})::DATE - c.day0 AS n
            FROM events e JOIN cohort c USING (user_id)
            WHERE e.{ACTIVE})
        SELECT el.n, count(r.user_id) / count(*) AS rate
        FROM eligible el LEFT JOIN returned r ON r.user_id = el.user_id AND r.n = el.n
        GROUP BY el.n
        """,
        {"start": start, "end": end, "ns": ns},
    ).fetchall()
    found = {int(n): float(rate) for n, rate in rows}
    return {n: found.get(n, math.nan) for n in ns}


def dau_by_day(con: duckdb.DuckDBPyConnection) -> list[tuple[date, int]]:
    """DAU per UTC calendar day of the window, days without activity included as 0."""
    start, end = window(con)
    return con.execute(
        f"""
        WITH spine AS (
            SELECT unnest(generate_series($start::DATE, $end::DATE - 1, INTERVAL 1 DAY))::DATE AS day),
        dau AS (
            SELECT event_ts::DATE AS day, count(DISTINCT user_id) AS n FROM events WHERE {ACTIVE} GROUP BY 1)
        SELECT s.day, coalesce(d.n, 0) FROM spine s LEFT JOIN dau d USING (day) ORDER BY s.day
        """,
        {"start": start, "end": end},
    ).fetchall()


def dau_mau(con: duckdb.DuckDBPyConnection) -> float:
    """Average of daily DAU/MAU over the window's last 28 UTC days, MAU over the trailing 28 days."""
    start, end = window(con)
    return _number(one(con,
        f"""
        WITH user_days AS (SELECT DISTINCT user_id, event_ts::DATE AS day FROM events WHERE {ACTIVE}),
        spine AS (
            SELECT unnest(generate_series(greatest($end::DATE - 28, $start::DATE), $end::DATE - 1,
                                          INTERVAL 1 DAY))::DATE AS day),
        daily AS (
            SELECT s.day,
                   count(DISTINCT u.user_id) FILTER (WHERE u.day = s.day) AS dau,
                   count(DISTINCT u.user_id) AS mau
            FROM spine s LEFT JOIN user_days u ON u.day BETWEEN s.day - 27 AND s.day
            GROUP BY s.day)
        SELECT avg(dau / mau) FROM daily WHERE mau > 0
        """,
        {"start": start, "end": end},
    )[0])


def _active_user_days(con: duckdb.DuckDBPyConnection) -> int:
    return one(con,
        f"SELECT count(*) FROM (SELECT DISTINCT user_id, event_ts::DATE FROM events WHERE {ACTIVE})"
    )[0]


def sessions_per_dau(con: duckdb.DuckDBPyConnection) -> float:
    """Sessions (30-minute gap) per active user-day: all sessions / all UTC active user-days."""
    sessions = one(con, f"WITH {SESSIONS} SELECT count(*) FROM sessions")[0]
    days = _active_user_days(con)
    return sessions / days if days else math.nan


def median_session_minutes(con: duckdb.DuckDBPyConnection) -> float:
    """Median session duration in minutes (last event - first event; a single-event session is 0)."""
    return _number(one(con,
        f"WITH {SESSIONS} SELECT median(epoch(end_ts - start_ts)) / 60 FROM sessions"
    )[0])


def watch_minutes_per_dau(con: duckdb.DuckDBPyConnection) -> float:
    """Minutes of video watched per active user-day (UTC days)."""
    watch_ms = one(con, "SELECT coalesce(sum(watch_ms), 0) FROM events")[0]
    days = _active_user_days(con)
    return watch_ms / 60_000 / days if days else math.nan


def activity_by_local_hour(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Active events per hour of the day (0..23) in each user's local time."""
    rows = con.execute(
        f"""
        SELECT hour({local_ts('e.event_ts', 'u.timezone')}) AS h, count(*)
        FROM events e JOIN users u USING (user_id) WHERE e.{ACTIVE} GROUP BY h
        """
    ).fetchall()
    counts = [0] * 24
    for h, n in rows:
        counts[h] = n
    return counts


def peak_and_trough_hour(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Local hours with the most and the fewest active events."""
    counts = activity_by_local_hour(con)
    return counts.index(max(counts)), counts.index(min(counts))


def weekend_uplift(con: duckdb.DuckDBPyConnection) -> float:
    """Mean weekend-day DAU / mean weekday-day DAU - 1, on users' local days.

    The window's first and last dates are left out: in some zones they are only partly inside it.
    """
    start, end = window(con)
    return _number(one(con,
        f"""
        WITH spine AS (
            SELECT unnest(generate_series($start::DATE + 1, $end::DATE - 2, INTERVAL 1 DAY))::DATE AS day),
        local_days AS (
            SELECT DISTINCT e.user_id, ({local_ts('e.event_ts', 'u.timezone')})::DATE AS day
            FROM events e JOIN users u USING (user_id) WHERE e.{ACTIVE}),
        dau AS (
            SELECT s.day, count(l.user_id) AS n FROM spine s LEFT JOIN local_days l USING (day)
            GROUP BY s.day)
        SELECT avg(n) FILTER (WHERE isodow(day) >= 6) / avg(n) FILTER (WHERE isodow(day) < 6) - 1 FROM dau
        """,
        {"start": start, "end": end},
    )[0])


def top_decile_watch_share(con: duckdb.DuckDBPyConnection) -> float:
    """Share of all watch time from the top 10% of users (among users with any watch time)."""
    return _number(one(con,
        """
        WITH per_user AS (
            SELECT user_id, sum(watch_ms) AS w FROM events WHERE watch_ms > 0 GROUP BY user_id),
        ranked AS (
            SELECT w, row_number() OVER (ORDER BY w DESC) AS rk, count(*) OVER () AS n FROM per_user)
        SELECT (sum(w) FILTER (WHERE rk <= ceil(n * 0.1)))::DOUBLE / sum(w) FROM ranked
        """
    )[0])


def ever_share(con: duckdb.DuckDBPyConnection, event_name: str) -> float:
    """Share of users active in the window who ever sent `event_name`."""
    return _number(one(con,
        f"""
        SELECT count(DISTINCT user_id) FILTER (WHERE event_name = $name) / count(DISTINCT user_id)
        FROM events WHERE {ACTIVE}
        """,
        {"name": event_name},
    )[0])


def realism(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Every statistic of TARGETS, by name."""
    retention = retention_curve(con, (1, 7, 30))
    peak, trough = peak_and_trough_hour(con)
    return {
        "retention_d1": retention[1],
        "retention_d7": retention[7],
        "retention_d30": retention[30],
        "dau_mau": dau_mau(con),
        "sessions_per_dau": sessions_per_dau(con),
        "median_session_min": median_session_minutes(con),
        "watch_min_per_dau": watch_minutes_per_dau(con),
        "peak_hour_local": float(peak),
        "trough_hour_local": float(trough),
        "weekend_uplift": weekend_uplift(con),
        "top10_watch_share": top_decile_watch_share(con),
        "post_share": ever_share(con, "post_publish"),
        "purchase_share": ever_share(con, "purchase"),
    }


def in_range(name: str, value: float) -> bool:
    """Whether `value` lies inside the target range of statistic `name`."""
    lo, hi = TARGETS[name]
    return lo <= value <= hi
