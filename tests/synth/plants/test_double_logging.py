"""The double-logging release: one Android build sends each video_view twice, same event_id, ms apart.

A retry (retries plant) repeats an event exactly, event_ts included; the buggy build's second row is a few ms
later. Deduplicating by event_id restores the true view count exactly; counting rows inflates it.
"""

from datetime import date

import pytest
from support.plants import SEEDS, expected

# video_view ids that arrive with more than one device time: the double-logged ones
DOUBLED = """
doubled AS (SELECT event_id FROM events WHERE event_name = 'video_view'
            GROUP BY event_id HAVING count(DISTINCT event_ts) > 1)
"""


def true_views(truth) -> int:
    return truth.execute("SELECT sum(events) FROM clean_event_counts WHERE event_name = 'video_view'").fetchone()[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_doubled_views_come_from_one_android_build_from_its_release_day(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "double_logging")
    builds = dataset.execute(f"""
        WITH {DOUBLED}
        SELECT platform, app_version, count(*) AS n FROM events JOIN doubled USING (event_id)
        WHERE event_name = 'video_view' GROUP BY ALL ORDER BY n DESC""").fetchall()
    (platform, version, n), total = builds[0], sum(b[2] for b in builds)
    assert (platform, version) == (planted["platform"], planted["app_version"])
    # skewed phone clocks (clock_skew) relabel a handful: simulate.py reads the version off the device time
    assert n / total > 0.99
    first = dataset.execute(f"""
        WITH {DOUBLED}
        SELECT min(received_ts)::DATE FROM events JOIN doubled USING (event_id)""").fetchone()[0]
    assert first == date.fromisoformat(planted["release_date"])


@pytest.mark.parametrize("seed", SEEDS)
def test_deduplicating_by_event_id_restores_the_true_view_count_exactly(world, seed):
    dataset, truth = world(seed)
    ids, id_times = dataset.execute("""
        SELECT count(DISTINCT event_id), count(DISTINCT (event_id, event_ts))
        FROM events WHERE event_name = 'video_view'""").fetchone()
    assert ids == true_views(truth)
    assert id_times - ids == expected(truth, "double_logging")["duplicate_rows"] > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_counting_rows_inflates_views_by_the_doubled_rows_plus_retries(world, seed):
    dataset, truth = world(seed)
    planted = expected(truth, "double_logging")
    rows, in_build, in_build_ids = dataset.execute("""
        SELECT count(*), count(*) FILTER (WHERE platform = $p AND app_version = $v),
               count(DISTINCT event_id) FILTER (WHERE platform = $p AND app_version = $v)
        FROM events WHERE event_name = 'video_view'""",
        {"p": planted["platform"], "v": planted["app_version"]}).fetchone()
    retried = expected(truth, "retries")["duplicate_rows"]
    assert planted["duplicate_rows"] <= rows - true_views(truth) <= planted["duplicate_rows"] + retried
    # inside the buggy build the naive count is double
    assert in_build / in_build_ids == pytest.approx(2.0, abs=0.02)


def test_switched_off_no_view_is_logged_twice(clean_world):
    dataset, truth = clean_world
    assert dataset.execute(f"WITH {DOUBLED} SELECT count(*) FROM doubled").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'double_logging'"
                         ).fetchone()[0] == 0
