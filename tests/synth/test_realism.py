"""The default dataset looks like a real consumer short-video app (issue 2, section 3)."""

import duckdb
import pytest

from synth import stats
from synth.config import DEFAULT_SCALE, config_for
from synth.writer import build


@pytest.fixture(scope="module")
def default_world(tmp_path_factory):
    path = tmp_path_factory.mktemp("realism") / "clipstream.duckdb"
    build(config_for(DEFAULT_SCALE, 42), path, workers=1, progress=False)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def measured(default_world):
    return stats.realism(default_world)


@pytest.mark.parametrize("name", sorted(stats.TARGETS))
def test_statistic_lands_in_its_public_benchmark_range(measured, name):
    lo, hi = stats.TARGETS[name]
    assert lo <= measured[name] <= hi, f"{name} = {measured[name]:.3f}, target [{lo}, {hi}]"


def test_default_scale_has_the_documented_size(default_world):
    users, events = default_world.execute("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM events)"
                                          ).fetchone()
    assert 10_000 <= users <= 20_000
    assert 1_000_000 <= events <= 3_000_000


def test_most_daily_actives_signed_up_before_the_window(default_world):
    share = default_world.execute("""
        SELECT avg(established::INT) FROM (
            SELECT DISTINCT e.user_id, e.event_ts::DATE, u.signup_ts < TIMESTAMP '2025-09-01' AS established
            FROM events e JOIN users u USING (user_id) WHERE e.event_name <> 'push_received')
    """).fetchone()[0]
    assert share > 0.5


def test_push_notifications_reach_users_on_days_they_do_not_open_the_app(default_world):
    push_only = default_world.execute("""
        SELECT count(*) FROM (
            SELECT user_id, event_ts::DATE FROM events GROUP BY ALL
            HAVING bool_and(event_name = 'push_received'))
    """).fetchone()[0]
    assert push_only > 1_000


def test_every_viewed_video_is_in_the_catalogue_and_every_post_adds_one(default_world):
    orphans, posts, new_videos = default_world.execute("""
        SELECT (SELECT count(*) FROM events e ANTI JOIN videos v USING (video_id) WHERE e.video_id IS NOT NULL),
               (SELECT count(DISTINCT event_id) FROM events WHERE event_name = 'post_publish'),
               (SELECT count(*) FROM videos WHERE posted_ts >= TIMESTAMP '2025-09-01')
    """).fetchone()
    assert orphans == 0
    assert posts == new_videos > 0


def test_creators_of_videos_are_users(default_world):
    unknown = default_world.execute(
        "SELECT count(*) FROM videos v ANTI JOIN users u ON u.user_id = v.creator_id").fetchone()[0]
    assert unknown == 0
