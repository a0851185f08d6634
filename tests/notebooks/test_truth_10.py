"""The capstone's answers recover what engagement_drop planted — the broken build, the day it shipped, how far WAU
fell in the segment, outside it and overall — on the default dataset and seeds 1 and 2; the naive answers miss.

Tolerances: the plant tallies WAU at its own step of the simulation, before the promotion adds active days and
before corruption (skewed clocks, the local-time build) moves events to other days, so a measured change differs
from the planted one by up to about a point (measured: 0.2 point on seed 42, 1.2 on seed 2); 0.02 is the precision
tests/synth/plants/test_engagement_drop.py states for the same figures. Naive answers are compared with the
measured answer, which they must miss by more than 0.005.
"""

import re
from datetime import date

import duckdb
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key


MODULE = "10_capstone"
CHANGE_TOLERANCE = 0.02  # 2 points of WAU change: the truth record's precision (see above)
MISS = 0.005  # how far a naive change must be from the measured one
ACT_ONE_TOLERANCE = 0.03  # act 1's three-week view starts two days before the build shipped


@pytest.fixture(scope="module", params=(42, 1, 2))
def seed_world(request, small_dataset):
    """The capstone's answer key, engagement_drop's expected values and the dataset, on one small build."""
    path = small_dataset(request.param)
    key = shared_key(MODULE, path)
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


def test_the_segment_is_the_planted_build_and_the_later_ones_and_the_naive_ones_are_not(seed_world):
    key, expected, path = seed_world
    platform, version = expected["segment"]["platform"], expected["segment"]["app_version"]
    with duckdb.connect(str(path), read_only=True) as db:
        later = {f"{platform} {v}" for (v,) in db.execute(
            "SELECT app_version::VARCHAR FROM app_releases WHERE platform = ? AND app_version >= ?",
            [platform, version]).fetchall()}
    assert expected["segment"]["later_versions_too"] is True
    assert segment_name(expected) in later and len(later) >= 2
    assert set(key.expected["drop_segment"]) == later
    assert len(key.mistakes["drop_segment"]) == 3
    assert all(set(answer) != later for answer in key.mistakes["drop_segment"].values())


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


def test_the_naive_effect_sizes_miss(seed_world):
    """The whole platform dilutes the segment's fall with its healthy builds — by little where nearly all of its
    active phones have updated by the end (under a point on seeds 1 and 2), so that mistake is told apart by its
    counts; a segment of the first broken build only moves the later builds' users, who lost their pushes too,
    into the rest."""
    key, _, _ = seed_world
    right = key.expected["effect_size"].set_index("group")
    platform_wide, first_build_only = (a.set_index("group") for a in key.mistakes["effect_size"].values())
    assert platform_wide.loc["segment", "change"] > right.loc["segment", "change"]
    assert platform_wide.loc["segment", "wau_before"] > right.loc["segment", "wau_before"]
    assert first_build_only.loc["rest", "change"] < right.loc["rest", "change"] - MISS


def test_the_naive_memos_state_numbers_the_data_does_not_give(seed_world):
    key, _, _ = seed_world
    facts = [fact.value for fact in key.questions["memo"].kind.facts]
    assert len(key.mistakes["memo"]) == 2
    for sentence in key.mistakes["memo"].values():
        claims = re.sub(r"\d{1,2} [A-Z][a-z]+|\d+\.\d+\.\d+", "", sentence)  # dates and versions are names
        stated = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", claims)]
        assert stated and all(min(abs(n - 100 * abs(f)) for f in facts) > 0.5 for n in stated), sentence
