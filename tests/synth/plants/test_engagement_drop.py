"""Engagement drop (capstone): WAU falls in the window's last weeks; a drill-down by platform x app_version
finds that phones on one Android build (and the builds after it) get no push notifications and lapse, while
the overall view only shows a decline."""

import duckdb
import pytest
from support.plants import SEEDS, expected

from synth.dataset import truth_path

# Trailing 7-day active users on a UTC day, for everyone and for the users whose phone runs the broken build
# (or a later one) at the end of the window; versions compare by their minor number (8.<minor>.0).
WAU = """
WITH segment AS (
    SELECT user_id FROM users
    WHERE platform = $platform
      AND string_split(app_version, '.')[2]::INT >= string_split($version, '.')[2]::INT),
active AS (
    SELECT DISTINCT user_id, event_ts::DATE AS day FROM events
    WHERE event_name <> 'push_received' AND event_ts::DATE BETWEEN $day::DATE - 6 AND $day::DATE)
SELECT count(DISTINCT user_id),
       count(DISTINCT user_id) FILTER (WHERE user_id IN (SELECT user_id FROM segment))
FROM active
"""

# Pushes per active user-day by platform x app_version, from the broken build's release on.
DRILL_DOWN = """
WITH after AS (
    SELECT platform, app_version, user_id, event_ts::DATE AS day, event_name FROM events
    WHERE event_ts >= $start::DATE AND event_ts < TIMESTAMP '2025-12-01')
SELECT platform::VARCHAR, app_version,
       count(*) FILTER (WHERE event_name = 'push_received') / count(DISTINCT (user_id, day)) AS pushes,
       count(*) FILTER (WHERE event_name = 'push_open') AS push_opens,
       count(DISTINCT (user_id, day)) AS user_days
FROM after GROUP BY ALL HAVING count(DISTINCT (user_id, day)) >= 300
"""


def minor(version):
    return int(version.split(".")[1])


def wau_changes(dataset, exp):
    params = {"platform": exp["segment"]["platform"], "version": exp["segment"]["app_version"]}
    before = dataset.execute(WAU, {**params, "day": exp["wau_before_date"]}).fetchone()
    end = dataset.execute(WAU, {**params, "day": exp["wau_end_date"]}).fetchone()
    return {"overall": end[0] / before[0] - 1, "segment": end[1] / before[1] - 1,
            "rest": (end[0] - end[1]) / (before[0] - before[1]) - 1}


@pytest.mark.parametrize("seed", SEEDS)
def test_wau_falls_at_the_end_of_the_window_almost_all_of_it_in_the_segment(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "engagement_drop")
    got = wau_changes(dataset, exp)
    assert got["overall"] == pytest.approx(exp["wau_change_overall"], abs=0.02)
    assert got["segment"] == pytest.approx(exp["wau_change_segment"], abs=0.02)
    assert got["rest"] == pytest.approx(exp["wau_change_rest"], abs=0.02)
    assert got["segment"] < -0.12
    assert got["rest"] > -0.03
    # the naive overall view sees a decline, smaller than the segment's and with no hint of where it is
    assert got["segment"] + 0.04 < got["overall"] < -0.06


@pytest.mark.parametrize("seed", SEEDS)
def test_the_drill_down_by_platform_and_version_finds_the_build_without_pushes(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "engagement_drop")
    rows = dataset.execute(DRILL_DOWN, {"start": exp["start_date"]}).fetchall()
    platform, first = exp["segment"]["platform"], minor(exp["segment"]["app_version"])
    broken = {(p, v): (pushes, opens) for p, v, pushes, opens, _ in rows if p == platform and minor(v) >= first}
    healthy = {(p, v): pushes for p, v, pushes, _, _ in rows if not (p == platform and minor(v) >= first)}
    assert broken and healthy
    for pushes, opens in broken.values():
        assert pushes < 0.02  # a few rows from phones whose clocks are days ahead
        assert opens < 10
    assert min(healthy.values()) > 0.5
    # phones still on the previous build of the same platform keep getting pushes: it is the build, not the
    # platform
    major, previous, patch = exp["segment"]["app_version"].split(".")
    assert (platform, f"{major}.{int(previous) - 1}.{patch}") in healthy


@pytest.mark.parametrize("seed", SEEDS)
def test_the_drop_starts_on_the_broken_builds_release_day(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "engagement_drop")
    params = {"platform": exp["segment"]["platform"], "version": exp["segment"]["app_version"]}
    released = dataset.execute("SELECT release_ts::DATE::VARCHAR FROM app_releases WHERE platform = $platform "
                               "AND app_version = $version", params).fetchone()[0]
    assert released == exp["start_date"]
    # by receipt time: a phone whose clock runs days behind dates a new build's events before its release
    first_seen = dataset.execute("SELECT min(received_ts)::DATE::VARCHAR FROM events WHERE platform = $platform "
                                 "AND app_version = $version", params).fetchone()[0]
    assert first_seen == exp["start_date"]


def test_switched_off_the_build_receives_pushes_and_wau_holds(world, clean_world):
    dataset, truth = clean_world
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'engagement_drop'").fetchone()[0] == 0
    pushes = dataset.execute("""
        SELECT count(*) FROM events
        WHERE platform = 'android' AND app_version = '8.68.0' AND event_name = 'push_received'""").fetchone()[0]
    assert pushes > 1_000
    got = wau_changes(dataset, expected(world(1)[1], "engagement_drop"))
    assert got["segment"] > -0.06


def test_a_window_that_ends_before_the_broken_build_has_no_drop(blocked_dataset):
    truth = duckdb.connect(str(truth_path(blocked_dataset)), read_only=True)
    dataset = duckdb.connect(str(blocked_dataset), read_only=True)
    try:
        assert expected(truth, "engagement_drop")["in_window"] is False
        assert dataset.execute("SELECT count(*) FROM events WHERE event_name = 'push_received' AND platform = 'android'"
                               ).fetchone()[0] > 0
    finally:
        truth.close()
        dataset.close()
