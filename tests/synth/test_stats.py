"""The realism statistics follow the project's metric definitions, checked on hand-made logs."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import synth
from synth import schema, stats

T = datetime.fromisoformat


def make_db(path: Path, start: str, end: str, users: list[tuple], events: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A dataset with the given users (id, signup, tz) and events (user, name, ts[, watch_ms])."""
    con = duckdb.connect(str(path))
    for t in schema.TABLES:
        con.execute(t.ddl())
    con.executemany(
        "INSERT INTO users VALUES (?, 'u', ?, 'US', ?, 'ios', 'mid', '8.20.0', 'organic', '25-34')",
        [list(u) for u in users],
    )
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, 'ios', '8.20.0', 'US', NULL, ?, NULL)",
        [[i, e[0], e[1], e[2], e[2], e[3] if len(e) > 3 else None] for i, e in enumerate(events)],
    )
    con.executemany("INSERT INTO dataset_info VALUES (?, ?)", [["window_start", start], ["window_end", end]])
    con.close()
    return synth.connect(path)


def test_retention_counts_return_days_on_the_users_local_calendar(tmp_path: Path) -> None:
    # Tokyo (UTC+9): signup 20:00 UTC is already the next local day; the "next UTC day" event is local day 0.
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-21",
                  [(1, T("2025-09-01 20:00"), "Asia/Tokyo"), (2, T("2025-09-03 12:00"), "America/New_York")],
                  [(1, "video_view", T("2025-09-02 10:00")),   # Tokyo local Sep 2 19:00: day 0, not day 1
                   (2, "like", T("2025-09-04 15:00"))])        # New York local Sep 4 11:00: day 1
    assert stats.retention_curve(con, [1]) == {1: 0.5}


def test_retention_ignores_push_received(tmp_path: Path) -> None:
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-21",
                  [(1, T("2025-09-02 12:00"), "UTC"), (2, T("2025-09-02 12:00"), "UTC")],
                  [(1, "push_received", T("2025-09-09 12:00")), (2, "push_open", T("2025-09-09 12:00"))])
    assert stats.retention_curve(con, [7]) == {7: 0.5}


def test_retention_leaves_out_users_whose_day_n_ends_after_the_window(tmp_path: Path) -> None:
    # Los Angeles (UTC-7): local day 7 = Sep 19, which ends at Sep 20 07:00 UTC, after the window's end.
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-20",
                  [(1, T("2025-09-02 12:00"), "UTC"), (2, T("2025-09-12 19:00"), "America/Los_Angeles"),
                   (3, T("2025-08-01 00:00"), "UTC")],  # signed up before the window: not a cohort member
                  [(1, "app_open", T("2025-09-09 08:00")), (2, "app_open", T("2025-09-13 20:00")),
                   (3, "app_open", T("2025-09-03 08:00"))])
    curve = stats.retention_curve(con, [1, 7, 30])
    assert curve[1] == 0.5 and curve[7] == 1.0 and math.isnan(curve[30])


def test_sessions_split_after_more_than_30_idle_minutes(tmp_path: Path) -> None:
    day = T("2025-09-03 10:00")
    at = [day + timedelta(minutes=m) for m in (0, 20, 50, 81)] + [T("2025-09-03 15:00")] * 2
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-08",
                  [(1, T("2025-08-01"), "UTC"), (2, T("2025-08-01"), "UTC")],
                  [(1, "video_view", ts) for ts in at]
                  + [(1, "push_received", T("2025-09-03 13:00")), (2, "push_received", T("2025-09-04 13:00")),
                     (2, "search", T("2025-09-03 08:00")), (2, "like", T("2025-09-03 08:10"))])
    # user 1: 10:00-10:50 (50 min), 11:21 (0), 15:00 twice (0); user 2: 08:00-08:10 (10 min)
    assert stats.sessions_per_dau(con) == 4 / 2
    assert stats.median_session_minutes(con) == 5.0


def test_watch_minutes_are_per_active_user_day(tmp_path: Path) -> None:
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-08",
                  [(1, T("2025-08-01"), "UTC"), (2, T("2025-08-01"), "UTC")],
                  [(1, "video_view", T("2025-09-03 10:00"), 30 * 60_000),
                   (2, "video_view", T("2025-09-03 10:00"), 90 * 60_000), (2, "like", T("2025-09-04 10:00")),
                   (2, "push_received", T("2025-09-05 10:00"))])
    assert stats.watch_minutes_per_dau(con) == pytest.approx(120 / 3)


def test_dau_mau_averages_daily_ratios_over_the_last_28_days_with_trailing_mau(tmp_path: Path) -> None:
    start = T("2025-09-01")
    every_day = [(1, "app_open", start + timedelta(days=d, hours=12)) for d in range(30)]
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-10-01",
                  [(1, T("2025-08-01"), "UTC"), (2, T("2025-08-01"), "UTC"), (3, T("2025-08-01"), "UTC")],
                  every_day + [(2, "app_open", start + timedelta(hours=12))]
                  + [(3, "push_received", start + timedelta(days=d)) for d in range(30)])
    # last 28 days = days 2..29; user 2 (active on day 0 only) is in MAU up to day 27, DAU/MAU = 1/2 there
    assert stats.dau_mau(con) == pytest.approx((26 * 0.5 + 2 * 1.0) / 28)


def test_dau_by_day_includes_days_without_activity(tmp_path: Path) -> None:
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-04", [(1, T("2025-08-01"), "UTC")],
                  [(1, "like", T("2025-09-01 23:59")), (1, "push_received", T("2025-09-02 10:00")),
                   (1, "like", T("2025-09-03 00:00"))])
    assert [n for _, n in stats.dau_by_day(con)] == [1, 0, 1]


def test_activity_hours_are_local(tmp_path: Path) -> None:
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-20",
                  [(1, T("2025-08-01"), "Asia/Kolkata"), (2, T("2025-08-01"), "America/New_York")],
                  [(1, "like", T("2025-09-10 14:45")),            # Kolkata 20:15
                   (2, "like", T("2025-09-10 01:30")),            # New York 21:30 the day before
                   (2, "push_received", T("2025-09-10 05:30"))])  # not activity
    counts = stats.activity_by_local_hour(con)
    assert counts[20] == 1 and counts[21] == 1 and sum(counts) == 2


def test_peak_and_trough_hours(tmp_path: Path) -> None:
    day = T("2025-09-10")
    hours = [h for h in range(24) if h != 4] + [21, 21]
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-20", [(1, T("2025-08-01"), "UTC")],
                  [(1, "like", day + timedelta(hours=h)) for h in hours])
    assert stats.peak_and_trough_hour(con) == (21, 4)


def test_weekend_uplift_uses_local_days_and_skips_the_window_edges(tmp_path: Path) -> None:
    start = T("2025-09-01")  # a Monday; window Sep 1..14, compared dates Sep 2..13
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-15",
                  [(1, T("2025-08-01"), "UTC"), (2, T("2025-08-01"), "UTC"), (3, T("2025-08-01"), "Asia/Tokyo")],
                  [(1, "like", start + timedelta(days=d, hours=12)) for d in range(14)]
                  + [(2, "like", T(f"2025-09-{d:02d} 12:00")) for d in (6, 7, 13, 14)]
                  # Friday 20:00 UTC is Saturday 05:00 in Tokyo
                  + [(3, "like", T(f"2025-09-{d:02d} 20:00")) for d in (5, 12)])
    weekend = (3 + 2 + 3) / 3  # Sep 6, 7, 13
    assert stats.weekend_uplift(con) == pytest.approx(weekend / 1 - 1)


def test_top_decile_share_counts_only_users_who_watched(tmp_path: Path) -> None:
    users = [(i, T("2025-08-01"), "UTC") for i in range(1, 22)]
    ev = [(i, "video_view", T("2025-09-03 10:00"), i * 1000) for i in range(1, 21)] + [(21, "like", T("2025-09-03"))]
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-08", users, ev)
    assert stats.top_decile_watch_share(con) == pytest.approx((20 + 19) / sum(range(1, 21)))


def test_ever_share_is_among_users_active_in_the_window(tmp_path: Path) -> None:
    users = [(i, T("2025-08-01"), "UTC") for i in range(1, 6)]
    ev = [(i, "video_view", T("2025-09-03 10:00")) for i in range(1, 5)] + [
        (1, "post_publish", T("2025-09-03 11:00")), (5, "push_received", T("2025-09-03 11:00"))]
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-08", users, ev)
    assert stats.ever_share(con, "post_publish") == 0.25
    assert stats.ever_share(con, "purchase") == 0.0


def test_realism_reports_every_target_and_in_range_checks_bounds(tmp_path: Path) -> None:
    con = make_db(tmp_path / "d.duckdb", "2025-09-01", "2025-09-08", [(1, T("2025-08-01"), "UTC")],
                  [(1, "video_view", T("2025-09-03 10:00"), 60_000)])
    assert set(stats.realism(con)) == set(stats.TARGETS)
    lo, hi = stats.TARGETS["dau_mau"]
    assert stats.in_range("dau_mau", lo) and stats.in_range("dau_mau", hi)
    assert not stats.in_range("dau_mau", hi + 0.01) and not stats.in_range("dau_mau", math.nan)
