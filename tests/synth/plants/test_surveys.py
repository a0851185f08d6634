"""Survey response bias: heavier users answer the in-app survey more and are more satisfied, so the
respondents' mean CSAT overstates everyone's; reweighting by engagement decile moves it back to the truth."""

import pytest
from support.plants import SEEDS, expected

from synth.plant.surveys import THEMES

# Every invitee with the engagement an analyst can measure: active UTC days in the 4 weeks before the survey
# started (its first invitation), and the engagement decile among invitees.
INVITEES = """
WITH invited AS (SELECT user_id, csat FROM surveys WHERE survey = $survey),
start AS (SELECT min(sent_ts)::DATE AS day FROM surveys WHERE survey = $survey),
active AS (
    SELECT DISTINCT user_id, event_ts::DATE AS day FROM events
    WHERE event_name <> 'push_received' AND user_id IN (SELECT user_id FROM invited)),
engagement AS (
    SELECT i.user_id, i.csat, count(a.day) AS active_days
    FROM invited i CROSS JOIN start s
    LEFT JOIN active a ON a.user_id = i.user_id AND a.day >= s.day - 28 AND a.day < s.day
    GROUP BY ALL)
SELECT *, ntile(10) OVER (ORDER BY active_days, user_id) AS decile FROM engagement
"""


def by_decile(dataset, survey):
    invitees = dataset.execute(INVITEES, {"survey": survey}).df()
    invitees["responded"] = invitees["csat"].notna()
    return invitees.groupby("decile").agg(invited=("responded", "size"), rate=("responded", "mean"),
                                          csat=("csat", "mean"))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_respondents_only_mean_overstates_everyones_satisfaction(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "surveys")
    naive, rate = dataset.execute("SELECT avg(csat), count(csat) / count(*) FROM surveys WHERE survey = $survey",
                                  {"survey": exp["survey"]}).fetchone()
    assert naive == pytest.approx(exp["naive_mean_csat"], abs=1e-9)
    assert rate == pytest.approx(exp["response_rate"], abs=1e-9)
    assert rate < 0.5  # most never answer
    assert naive > exp["true_mean_csat"] + 0.12


@pytest.mark.parametrize("seed", SEEDS)
def test_heavier_users_respond_more(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "surveys")
    rates = by_decile(dataset, exp["survey"])["rate"].tolist()
    planted = exp["response_rate_by_engagement_decile"]
    # about 135 invitees a decile: a decile's rate has a standard error of about 0.04
    assert sum(abs(r - p) for r, p in zip(rates, planted, strict=True)) / 10 < 0.04
    assert sum(rates[-3:]) > 3 * sum(rates[:3])


@pytest.mark.parametrize("seed", SEEDS)
def test_reweighting_respondents_by_engagement_decile_recovers_the_true_mean(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "surveys")
    deciles = by_decile(dataset, exp["survey"])
    answered = deciles[deciles["csat"].notna()]
    reweighted = (answered["invited"] * answered["csat"]).sum() / answered["invited"].sum()
    true, naive = exp["true_mean_csat"], exp["naive_mean_csat"]
    assert reweighted == pytest.approx(true, abs=0.07)
    assert abs(reweighted - true) < abs(naive - true) / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_low_tier_android_users_are_the_least_satisfied(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "surveys")
    rows = dataset.execute("""
        SELECT u.platform || '/' || u.device_tier AS segment, avg(s.csat), count(s.csat)
        FROM surveys s JOIN users u USING (user_id) WHERE s.survey = $survey GROUP BY ALL""",
                           {"survey": exp["survey"]}).fetchall()
    planted = exp["csat_by_segment"]
    for segment, mean, n in rows:
        if n:
            assert mean == pytest.approx(planted[segment]["respondent_mean_csat"], abs=1e-9)
    sizable = {segment: mean for segment, mean, n in rows if n >= 30}
    assert min(sizable, key=sizable.get) == "android/low"
    true = {s: v["true_mean_csat"] for s, v in planted.items() if v["invited"] >= 100}
    assert min(true, key=true.get) == "android/low"


@pytest.mark.parametrize("seed", SEEDS)
def test_survey_rows_are_plausible(world, seed):
    dataset, truth = world(seed)
    exp = expected(truth, "surveys")
    bad = dataset.execute("""
        SELECT count(*) FILTER (WHERE s.sent_ts < TIMESTAMP '2025-09-29' OR s.sent_ts >= TIMESTAMP '2025-10-27'),
               count(*) FILTER (WHERE s.responded_ts <= s.sent_ts OR s.responded_ts >= TIMESTAMP '2025-12-01'),
               count(*) FILTER (WHERE s.csat NOT BETWEEN 1 AND 5 OR s.nps NOT BETWEEN 0 AND 10),
               count(*) FILTER (WHERE (s.responded_ts IS NULL) <> (s.csat IS NULL)
                                   OR (s.csat IS NULL) <> (s.nps IS NULL)
                                   OR (s.csat IS NULL AND s.theme IS NOT NULL)),
               count(*) FILTER (WHERE u.signup_ts >= TIMESTAMP '2025-09-29'),
               count(*) - count(DISTINCT s.user_id)
        FROM surveys s JOIN users u USING (user_id) WHERE s.survey = $survey""", {"survey": exp["survey"]}
    ).fetchone()
    assert bad == (0, 0, 0, 0, 0, 0)
    themes = {t for (t,) in dataset.execute("SELECT DISTINCT theme FROM surveys WHERE theme IS NOT NULL").fetchall()}
    assert themes <= set(THEMES)
    unique, total = dataset.execute("SELECT count(DISTINCT response_id), count(*) FROM surveys").fetchone()
    assert unique == total
    # NPS and CSAT tell the same story
    assert dataset.execute("SELECT corr(csat, nps) FROM surveys WHERE survey = $survey",
                           {"survey": exp["survey"]}).fetchone()[0] > 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_bots_and_test_accounts_are_never_surveyed(world, seed):
    dataset, truth = world(seed)
    bots = [b for (b,) in truth.execute("SELECT user_id FROM bots").fetchall()]
    assert bots
    assert dataset.execute("SELECT count(*) FROM surveys WHERE list_contains($bots, user_id)",
                           {"bots": bots}).fetchone()[0] == 0


def test_switched_off_there_is_no_general_survey(clean_world):
    dataset, truth = clean_world
    assert dataset.execute("SELECT count(*) FROM surveys WHERE survey = 'app_csat'").fetchone()[0] == 0
    assert truth.execute("SELECT count(*) FROM planted_effects WHERE effect_id = 'surveys'").fetchone()[0] == 0
