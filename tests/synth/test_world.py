"""The simulation's building blocks behave as their docstrings promise."""

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow.compute as pc
import pytest

from synth import rng as streams
from synth import schema, vec
from synth.config import PLANT_NAMES, config_for
from synth.simulate import simulate_block
from synth.world import geography, population
from synth.world.releases import labels as version_names
from synth.world.sessions import Sessions, space_out


def test_group_helpers_on_ragged_runs():
    counts = np.array([2, 0, 3, 1])
    assert vec.starts(counts).tolist() == [0, 2, 2, 5]
    assert vec.owner(counts).tolist() == [0, 0, 2, 2, 2, 3]
    assert vec.rank(counts).tolist() == [0, 1, 0, 1, 2, 0]
    values = np.array([5, 7, 1, 2, 3, 9])
    assert vec.group_cumsum_exclusive(values, counts).tolist() == [0, 5, 0, 1, 3, 0]


def test_space_out_matches_the_recurrence_it_solves():
    gen = np.random.default_rng(3)
    user = np.sort(gen.integers(0, 30, 400))
    start = np.concatenate([np.sort(gen.integers(0, 10_000, (user == u).sum())) for u in range(30)])
    length = gen.integers(0, 3_000, 400)
    got = space_out(Sessions(user=user, start_local=start, push=np.zeros(400, bool)), length, 1_860)
    want = start.copy()
    for i in range(1, 400):
        if user[i] == user[i - 1]:
            want[i] = max(start[i], want[i - 1] + length[i - 1] + 1_860)
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"])
def test_local_and_utc_conversions_follow_daylight_saving(zone):
    start, days = datetime(2025, 9, 1), 91
    tz = np.full(2_000, geography.TIMEZONES.index(zone), dtype=np.int16)
    utc_s = np.random.default_rng(0).integers(0, days * 86_400, 2_000)
    local = geography.utc_to_local(utc_s, tz, start, days)
    for s, loc in zip(utc_s[:300], local[:300], strict=True):
        moment = start.replace(tzinfo=UTC) + timedelta(seconds=int(s))
        wall = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        assert wall == start + timedelta(seconds=int(loc))
    # away from the ambiguous hour after a clock change, local -> UTC inverts UTC -> local
    back = geography.local_to_utc(local, tz, start, days)
    assert np.mean(back == utc_s) > 0.99


def test_new_york_noon_is_four_hours_behind_utc_in_summer_and_five_in_november():
    start = datetime(2025, 9, 1)
    tz = np.array([geography.TIMEZONES.index("America/New_York")] * 2, dtype=np.int16)
    noon = np.array([0 * 86_400 + 12 * 3600, 70 * 86_400 + 12 * 3600])  # Sep 1 and Nov 10
    assert (geography.local_to_utc(noon, tz, start, 91) - noon).tolist() == [4 * 3600, 5 * 3600]


def test_ids_are_unique_random_looking_and_63_bit():
    ids = streams.mix63(np.arange(1_000_000), salt=12345)
    assert len(np.unique(ids)) == 1_000_000
    assert ids.min() >= 0
    assert not np.all(np.diff(ids) > 0)


def test_signup_times_rise_with_user_id_and_straddle_the_window_start():
    config = config_for("small", 1)
    index = np.arange(config.scale.users)
    signup = population.signup_seconds(index, np.random.default_rng(1).random(len(index)), config)
    assert np.all(np.diff(signup) >= 0)
    established = population.n_established(config)
    assert signup[established - 1] < 0 <= signup[established]
    assert signup[-1] < config.scale.days * 86_400


def test_a_block_is_a_pure_function_of_config_and_block_number():
    config = config_for("tiny", 5)
    first = simulate_block(config, 0)
    again = simulate_block(config, 0)
    for name in first:
        assert first[name].equals(again[name]), name
    other_seed = simulate_block(config.replace(seed=6), 0)
    assert not first["events"].equals(other_seed["events"])


def test_events_of_the_clean_world_stay_inside_the_window_and_after_signup():
    config = config_for("tiny", 2).replace(disabled=frozenset(PLANT_NAMES))  # clock skew breaks both on purpose
    block = simulate_block(config, 0)
    events, users = block["events"].to_pandas(), block["users"].to_pandas()
    assert events["event_ts"].min() >= config.window_start
    assert events["event_ts"].max() < config.window_end
    joined = events.merge(users[["user_id", "signup_ts"]], on="user_id")
    assert (joined["event_ts"] >= joined["signup_ts"]).all()
    assert (events["received_ts"] > events["event_ts"]).all()


def test_only_views_carry_watch_time_and_only_purchases_carry_amounts():
    events = simulate_block(config_for("tiny", 3), 0)["events"]
    name = events["event_name"].cast("string")
    assert pc.all(pc.equal(pc.is_valid(events["watch_ms"]), pc.equal(name, "video_view"))).as_py()
    assert pc.all(pc.equal(pc.is_valid(events["amount_cents"]), pc.equal(name, "purchase"))).as_py()
    assert pc.min(events["watch_ms"]).as_py() > 0


def test_funnels_never_skip_a_step():
    events = simulate_block(config_for("tiny", 4), 0)["events"].to_pandas()
    counts = events["event_name"].astype(str).value_counts()
    for earlier, later in [("camera_open", "record_start"), ("record_start", "edit_open"),
                           ("edit_open", "post_publish"), ("product_view", "add_to_cart"),
                           ("add_to_cart", "checkout_start"), ("checkout_start", "purchase")]:
        assert counts.get(later, 0) <= counts[earlier]


def test_sort_by_pair_is_lexsort_with_ties_kept_in_order():
    draw = np.random.default_rng(4)
    major, minor = draw.integers(0, 50, 5_000), draw.integers(-1_000, 1_000, 5_000)
    assert vec.sort_by_pair(major, minor).tolist() == np.lexsort((minor, major)).tolist()
    assert vec.sort_by_pair(np.zeros(0, int), np.zeros(0, int)).tolist() == []


def test_daily_sampled_utc_offsets_match_every_hour_across_dst_changes():
    start = datetime(2025, 3, 1)
    for wall_clock in (True, False):
        table = geography.utc_offsets(start, 300 * 24, 48, wall_clock)
        for i, name in enumerate(geography.TIMEZONES):
            tz = ZoneInfo(name)
            for h in range(0, table.shape[1], 7):  # every 7th hour visits every hour of the day
                moment = start + timedelta(hours=h - 48)
                aware = moment.replace(tzinfo=tz) if wall_clock else moment.replace(tzinfo=UTC).astimezone(tz)
                assert table[i, h] == aware.utcoffset().total_seconds(), (name, h, wall_clock)


def test_a_window_past_the_schemas_version_labels_is_refused():
    config = config_for("small")
    assert set(version_names(config)) <= set(schema.APP_VERSIONS)
    with pytest.raises(ValueError, match="raise releases.LABELLED"):
        version_names(config.replace(scale=dataclasses.replace(config.scale, days=2_000)))
