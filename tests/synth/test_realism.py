"""Small datasets look like a real consumer short-video app (issue 2, section 3), on every seed (issue 10)."""

import pytest

from synth import stats
from synth.config import DEFAULT_SEED

# The default dataset and ten others: a calibration that holds only on the seed students see is luck.
SEEDS = (DEFAULT_SEED, *range(1, 11))


@pytest.fixture(scope="module")
def default_world(world):
    return world(DEFAULT_SEED)[0]


@pytest.fixture(scope="module")
def measured(world):
    """measured(seed) -> every realism statistic of that seed's small dataset, computed once."""
    found: dict[int, dict[str, float]] = {}

    def get(seed: int) -> dict[str, float]:
        if seed not in found:
            found[seed] = stats.realism(world(seed)[0])
        return found[seed]

    return get


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(stats.TARGETS))
def test_statistic_lands_in_its_public_benchmark_range(measured, name, seed):
    lo, hi = stats.TARGETS[name]
    value = measured(seed)[name]
    assert lo <= value <= hi, f"seed {seed}: {name} = {value:.3f}, target [{lo}, {hi}]"


@pytest.mark.parametrize("seed", SEEDS)
def test_stickiness_sits_well_inside_its_range_near_what_short_video_apps_report(measured, seed):
    # short-video apps report DAU/MAU around 0.5; the calibration keeps clear of the range's edge at 0.35
    assert 0.40 <= measured(seed)["dau_mau"] <= 0.55


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
