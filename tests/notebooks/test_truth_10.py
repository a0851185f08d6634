"""The capstone's answers recover what engagement_drop planted — the broken build, the day it shipped, how far WAU
fell in the segment, outside it and overall — on the default dataset and seeds 1 and 2; the naive answers miss.

Tolerances: the plant counts WAU on the world before corruption (skewed clocks and the local-time build move a
few events to other days), so a measured change may differ from the planted one by a few users in 1,000; 0.005 is
well above that (measured: under 0.002 on seed 42) and well below what each naive answer misses by.
"""

from datetime import date

import duckdb
import pytest
from support.modules import SOLUTIONS, planted

from grader.key import load_key

MODULE = "10_capstone"
CHANGE_TOLERANCE = 0.005  # 0.5 point of WAU change
ACT_ONE_TOLERANCE = 0.03  # act 1's three-week view starts two days before the build shipped


@pytest.fixture(scope="module", params=(42, 1, 2))
def seed_world(request, seeded_dataset):
    """The capstone's answer key, engagement_drop's expected values and the dataset, on one small build."""
    path = seeded_dataset(request.param)
    key = load_key(MODULE, path, solutions=SOLUTIONS, progress=False)
    return key, planted(path)["engagement_drop"], path


def segment_name(expected: dict) -> str:
    return f"{expected['segment']['platform']} {expected['segment']['app_version']}"


def changes(answer) -> dict[str, float]:
    """The `change` of each group of an effect_size answer."""
    return answer.set_index("group")["change"].to_dict()


def test_the_drop_is_planted_inside_the_window(seed_world):
    _, expected, _ = seed_world
    assert expected["in_window"] is True


def test_the_start_is_the_day_the_broken_build_reached_the_store(seed_world):
    key, expected, _ = seed_world
    assert date.fromisoformat(str(key.expected["drop_start"])) == date.fromisoformat(expected["start_date"])


def test_the_naive_start_dates_miss(seed_world):
    key, expected, _ = seed_world
    assert len(key.mistakes["drop_start"]) == 2
    for answer in key.mistakes["drop_start"].values():
        assert date.fromisoformat(str(answer)) != date.fromisoformat(expected["start_date"])


def test_the_segment_is_the_planted_platform_and_build_and_the_naive_ones_are_not(seed_world):
    key, expected, _ = seed_world
    assert key.expected["drop_segment"] == segment_name(expected)
    assert len(key.mistakes["drop_segment"]) == 2
    assert segment_name(expected) not in key.mistakes["drop_segment"].values()


def test_the_broken_builds_get_no_pushes_and_every_other_build_gets_them(seed_world):
    key, expected, _ = seed_world
    table = key.expected["pushes_by_build"]
    platform, first = expected["segment"]["platform"], int(expected["segment"]["app_version"].split(".")[1])
    broken = (table["platform"] == platform) & (table["app_version"].str.split(".").str[1].astype(int) >= first)
    assert broken.any() and (~broken).any()
    assert (table.loc[broken, "pushes_per_user_day"] < 0.02).all()
    assert (table.loc[~broken, "pushes_per_user_day"] > 1.0).all()
    # the previous build of the same platform is in the table, and healthy: it is the build, not the platform
    previous = f"8.{first - 1}.0"
    assert ((table["platform"] == platform) & (table["app_version"] == previous) & ~broken).any()


def test_the_effect_sizes_recover_the_planted_changes(seed_world):
    key, expected, _ = seed_world
    got = changes(key.expected["effect_size"])
    assert got["segment"] == pytest.approx(expected["wau_change_segment"], abs=CHANGE_TOLERANCE)
    assert got["rest"] == pytest.approx(expected["wau_change_rest"], abs=CHANGE_TOLERANCE)
    assert got["all"] == pytest.approx(expected["wau_change_overall"], abs=CHANGE_TOLERANCE)
    row = key.expected["effect_size"].set_index("group").loc["all"]
    assert row["wau_before"] == pytest.approx(expected["wau_before"], rel=0.01)
    assert row["wau_end"] == pytest.approx(expected["wau_end"], rel=0.01)


def test_the_naive_effect_sizes_miss_by_more_than_the_tolerance(seed_world):
    key, expected, _ = seed_world
    platform_wide, three_weeks = (changes(a) for a in key.mistakes["effect_size"].values())
    # the whole platform dilutes the segment's fall with its healthy builds
    assert platform_wide["segment"] > expected["wau_change_segment"] + CHANGE_TOLERANCE
    # a baseline three weeks back is not the day before the build
    assert abs(three_weeks["all"] - expected["wau_change_overall"]) > CHANGE_TOLERANCE


def test_act_one_sees_the_drop_the_plant_made(seed_world):
    key, expected, _ = seed_world
    assert key.expected["wau_change"] < -0.05
    assert key.expected["wau_change"] == pytest.approx(expected["wau_change_overall"], abs=ACT_ONE_TOLERANCE)


def test_act_one_matches_an_independent_count_of_trailing_wau(seed_world):
    key, _, path = seed_world
    with duckdb.connect(str(path), read_only=True) as db:
        last = db.execute("SELECT CAST(value AS DATE) - 1 FROM dataset_info WHERE key = 'window_end'").fetchone()[0]
        wau = {}
        for day in (last, last.fromordinal(last.toordinal() - 21)):
            wau[day] = db.execute("""SELECT count(DISTINCT user_id) FROM events WHERE event_name <> 'push_received'
                                     AND event_ts >= $day::DATE - 6 AND event_ts < $day::DATE + 1""",
                                  {"day": day}).fetchone()[0]
    now, then = wau.values()
    assert key.expected["wau_change"] == pytest.approx(now / then - 1, rel=1e-9)


def test_the_memo_is_judged_against_the_planted_changes(seed_world):
    key, expected, _ = seed_world
    facts = {fact.label: fact.value for fact in key.questions["memo"].kind.facts}
    assert facts["the change in weekly active users overall"] == pytest.approx(expected["wau_change_overall"],
                                                                               abs=CHANGE_TOLERANCE)
    assert facts["the change among users of the broken build"] == pytest.approx(expected["wau_change_segment"],
                                                                                abs=CHANGE_TOLERANCE)
    assert facts["the change among everyone else"] == pytest.approx(expected["wau_change_rest"], abs=CHANGE_TOLERANCE)
