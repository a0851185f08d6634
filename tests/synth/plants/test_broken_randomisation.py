"""Broken randomisation: accounts created after the daily_rewards test started were all put in control. A
sample-ratio-mismatch test flags it; the naive lift in active days (about +110%) is mostly new vs old users;
among accounts that existed at the start the split is fair and CUPED recovers the true effect (about +14%)."""

import math
from functools import cache

import duckdb
import pytest
from support.abtest_sql import SESSIONS, lift
from support.plants import SEEDS, expected

from synth.dataset import truth_path

EXPERIMENT = "daily_rewards"

# Per assigned human: variant, whether the account existed at the start, active local days in the test and
# in the 28 days before it
PER_USER = f"""
WITH {SESSIONS},
test AS (SELECT * FROM experiments WHERE name = '{EXPERIMENT}'),
units AS (
    SELECT a.user_id, a.variant, u.signup_ts < test.start_date AS existing
    FROM assignments a JOIN test USING (experiment_id) JOIN users u USING (user_id)
    WHERE a.user_id NOT IN (SELECT user_id FROM bots)),
local_days AS (
    SELECT DISTINCT c.user_id, ((c.event_ts AT TIME ZONE 'UTC') AT TIME ZONE u.timezone)::DATE AS day
    FROM clean c JOIN users u USING (user_id)),
activity AS (
    SELECT user_id, count(*) FILTER (WHERE day BETWEEN start_date AND end_date) AS active,
           count(*) FILTER (WHERE day >= start_date - 28 AND day < start_date) AS pre
    FROM local_days, test GROUP BY user_id),
per_user AS (SELECT * FROM units JOIN activity USING (user_id)),
fit AS (SELECT covar_pop(active, pre) / var_pop(pre) AS theta, avg(pre) AS mu FROM per_user WHERE existing)
"""
# naive: every assigned user; correct: accounts that existed at the start, plain and with CUPED
LIFTS = PER_USER + f"""
SELECT (SELECT {lift('active')} FROM per_user),
       (SELECT {lift('active')} FROM per_user WHERE existing),
       (SELECT {lift('active - theta * (pre - mu)')} FROM per_user, fit WHERE existing)
"""


@pytest.fixture(scope="module")
def lifts(world):
    """seed -> (naive lift, lift among existing accounts, the same with CUPED), computed once per dataset."""
    return cache(lambda seed: world(seed)[0].execute(LIFTS).fetchone())


def srm_p(treatment: int, control: int) -> float:
    """Chi-square test (1 degree of freedom) of a split against 50/50."""
    n = treatment + control
    chi2 = (treatment - n / 2) ** 2 / (n / 4)
    return math.erfc(math.sqrt(chi2 / 2))


def split(dataset, where: str = "true") -> tuple[int, int]:
    return dataset.execute(f"""
        SELECT count(*) FILTER (WHERE variant = 'treatment'), count(*) FILTER (WHERE variant = 'control')
        FROM assignments a JOIN experiments USING (experiment_id) JOIN users u USING (user_id)
        WHERE name = '{EXPERIMENT}' AND {where}
    """).fetchone()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_sample_ratio_mismatch_test_flags_the_split(world, seed):
    dataset, truth = world(seed)
    want = expected(truth, "broken_randomisation")
    treatment, control = split(dataset)
    assert treatment / (treatment + control) == pytest.approx(want["observed_treatment_share"], abs=1e-9)
    assert want["planted_treatment_share"] == 0.5
    assert treatment / (treatment + control) < 0.35
    assert srm_p(treatment, control) < 0.001
    assert srm_p(treatment, control) == pytest.approx(want["srm_p_value"], rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_accounts_created_after_the_start_are_all_in_control_and_the_others_split_fairly(world, seed):
    dataset, truth = world(seed)
    want = expected(truth, "broken_randomisation")
    after = "u.signup_ts >= experiments.start_date"
    new_treatment, new_control = split(dataset, after)
    assert new_treatment == 0
    assert new_control == want["new_accounts"] > 500
    treatment, control = split(dataset, f"NOT ({after})")
    assert srm_p(treatment, control) > 0.001
    assert treatment / (treatment + control) == pytest.approx(0.5, abs=0.04)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_naive_lift_in_active_days_credits_the_treatment_with_old_users_habits(world, lifts, seed):
    want = expected(world(seed)[1], "broken_randomisation")
    naive = lifts(seed)[0]
    assert naive == pytest.approx(want["naive_lift"], abs=0.05)
    assert naive > want["true_lift"] + 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_among_accounts_that_existed_at_the_start_cuped_recovers_the_true_effect(world, lifts, seed):
    want = expected(world(seed)[1], "broken_randomisation")
    _, plain, adjusted = lifts(seed)
    assert plain == pytest.approx(want["existing_accounts_lift"], abs=0.02)  # same data, less bots and noise
    # about 3 standard errors: whether a user stops using the app during the test is noise no covariate predicts
    assert adjusted == pytest.approx(want["true_lift"], abs=0.075)
    # the planted rise in the chance of an active day, less the days that were certain anyway
    assert 0.6 * want["planted_day_lift"] < want["true_lift"] < want["planted_day_lift"]


def test_switched_off_there_is_no_daily_rewards_test(clean_world):
    dataset, truth = clean_world
    assert dataset.execute(f"SELECT count(*) FROM experiments WHERE name = '{EXPERIMENT}'").fetchone()[0] == 0
    assert truth.execute(
        "SELECT count(*) FROM planted_effects WHERE effect_id = 'broken_randomisation'").fetchone()[0] == 0


def test_a_window_too_short_for_the_test_leaves_it_out(blocked_dataset):
    with duckdb.connect(str(blocked_dataset), read_only=True) as dataset:
        assert dataset.execute(f"SELECT count(*) FROM experiments WHERE name = '{EXPERIMENT}'").fetchone()[0] == 0
    with duckdb.connect(str(truth_path(blocked_dataset)), read_only=True) as truth:
        assert expected(truth, "broken_randomisation")["in_window"] is False
