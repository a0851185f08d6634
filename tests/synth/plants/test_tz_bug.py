"""The time-zone bug: one iOS build stamps events with local time labelled as UTC.

Its events sit exactly one UTC offset away from their receipt time (received_ts stays true), so comparing the
two per build finds the build, the events and the shift. Read naively, its users seem to be most active in the
afternoon instead of the evening.
"""

import duckdb
import pytest
from support.plants import SEEDS, expected
from support.quality_sql import LAGS, LOCAL_AS_UTC

from synth.dataset import truth_path


def fingerprint_by_build(dataset) -> dict[str, tuple[int, int]]:
    """iOS build -> (events with the bug's fingerprint, events of users not on UTC+0)."""
    rows = dataset.execute(f"""
        WITH {LAGS}
        SELECT app_version, count(*) FILTER (WHERE {LOCAL_AS_UTC}), count(*) FILTER (WHERE offset_s <> 0)
        FROM lags WHERE platform = 'ios' GROUP BY 1""").fetchall()
    return {version: (hit, n) for version, hit, n in rows}


@pytest.mark.parametrize("seed", SEEDS)
def test_comparing_event_and_receipt_times_finds_the_build_and_its_events(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "tz_bug")
    builds = fingerprint_by_build(dataset)
    buggy = [v for v, (hit, n) in builds.items() if hit > 0.5 * n]
    assert buggy == [planted["app_version"]]
    hit, n = builds[planted["app_version"]]
    # simulate.py reads the version off the (shifted) device time, so ~1-2% of the build's events show a
    # neighbouring version; retried late uploads and skewed clocks blur a few more
    assert hit / n > 0.95
    found = sum(h for h, _ in builds.values())
    # the rest hide behind a skewed clock (clock_skew, ~1% of phones) or arrived days late (retries)
    assert 0.96 <= found / planted["shifted_events"] <= 1.005


@pytest.mark.parametrize("seed", SEEDS)
def test_the_shift_is_the_users_utc_offset_distributed_as_planted(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "tz_bug")
    shares = dict(dataset.execute(f"""
        WITH {LAGS}
        SELECT offset_s / 3600, count(*) / sum(count(*)) OVER () FROM lags
        WHERE platform = 'ios' AND app_version = $v AND {LOCAL_AS_UTC} GROUP BY 1""",
        {"v": planted["app_version"]}).fetchall())
    assert max(shares, key=shares.get) == planted["typical_shift_hours"]
    # the planted shares also count the unmoved events of users on UTC+0
    moved = {float(h): share for h, share in planted["shift_hours_share"].items() if float(h) != 0}
    for hours, share in moved.items():
        assert shares.get(hours, 0.0) == pytest.approx(share / sum(moved.values()), abs=0.01), hours


@pytest.mark.parametrize("seed", SEEDS)
def test_naive_local_hours_of_the_buggy_build_miss_the_evening_peak(world, seed):
    dataset, truth = world(seed)
    version = expected(truth, "tz_bug")["app_version"]
    peaks = dataset.execute("""
        WITH local AS (
            SELECT hour(timezone(u.timezone, e.event_ts AT TIME ZONE 'UTC')) AS naive,
                   hour(timezone(u.timezone, e.received_ts AT TIME ZONE 'UTC')) AS true_hour
            FROM events e JOIN users u USING (user_id)
            WHERE e.platform = 'ios' AND e.app_version = $v AND e.event_name = 'app_open')
        SELECT (SELECT naive FROM local GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),
               (SELECT true_hour FROM local GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)""",
        {"v": version}).fetchone()
    naive_peak, true_peak = peaks
    assert 19 <= true_peak <= 23
    assert not 19 <= naive_peak <= 23


def test_switched_off_no_event_carries_the_fingerprint(clean_world):
    dataset, truth = clean_world
    assert sum(hit for hit, _ in fingerprint_by_build(dataset).values()) == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'tz_bug'").fetchone()[0] == 0


def test_a_build_released_after_the_window_changes_nothing(blocked_dataset):
    """The tiny scale's 35 days end before the buggy build ships: no event is moved, no crash."""
    with (duckdb.connect(str(blocked_dataset), read_only=True) as dataset,
          duckdb.connect(str(truth_path(blocked_dataset)), read_only=True) as truth):
        planted = expected(truth, "tz_bug")
        assert planted["release_date"] is None
        assert planted["affected_events"] == 0
        assert sum(hit for hit, _ in fingerprint_by_build(dataset).values()) == 0
