"""Sentences of module 08 that state a direction or a size hold on the default dataset students query."""

import re

import duckdb
import nbformat
import numpy as np
import pytest
from support.modules import SOLUTIONS, solution_markdown

import synth
from grader.key import load_key

MODULE = "08_user_research"


@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


# The solution's view of the invitees with their engagement decile, as question 1 defines it.
INVITEES = next(c.source for c in nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4).cells
                if 'invitee_query = """' in c.source).split('invitee_query = """')[1].split('"""')[0]


def says(text: str) -> None:
    assert text in solution_markdown(MODULE), text


def test_response_rises_steadily_with_engagement_several_times_over(key):
    says("The response rate rises steadily with engagement: the heaviest decile answers several times as often as "
         "the lightest.")
    says("the lightest users barely answered")
    rates = key.expected["response_rate_by_decile"].sort_values("decile")["response_rate"].to_numpy()
    assert np.corrcoef(np.arange(10), rates)[0, 1] > 0.9
    assert rates[-1] > 3 * rates[0] and rates[0] < 0.15


def test_heavy_users_are_the_happiest_and_the_dashboard_number_is_above_four(key):
    says("they are the happiest users")
    says("The survey's dashboard shows a mean CSAT above 4 out of 5")
    says("a satisfaction survey came back with a mean CSAT above 4")
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as db:
        db.execute(INVITEES)
        by_decile = db.execute("SELECT decile, avg(csat) FROM invitees GROUP BY decile ORDER BY decile").fetchall()
        rate = db.execute("SELECT count(csat) / count(*) FROM invitees").fetchone()[0]
    means = [m for _, m in by_decile]
    assert np.corrcoef(np.arange(10), means)[0, 1] > 0.8 and means[-1] > means[0] + 0.5
    assert key.expected["naive_csat"] > 4
    says("most invitees never answered")
    assert rate < 0.5


def test_reweighting_moves_the_estimate_below_the_reach_of_the_respondents_mean(key):
    says("Reweighting moves the estimate down: the respondents' mean is biased up, and the interval around the "
         "reweighted mean does not even reach it.")
    low, high = key.expected["reweighted_csat"]
    assert key.expected["naive_csat"] > high


def test_keywords_agree_with_the_researcher_on_most_comments_but_not_all():
    says("Keywords agree with the researcher on most comments but not all")
    notebook = nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    share = float(re.search(r"Keyword coding agrees with the researcher on ([\d.]+)%", printed).group(1)) / 100
    assert 0.7 <= share < 0.95


def test_low_tier_android_is_the_least_satisfied_big_segment_and_low_tier_iphones_a_handful():
    says("Low-tier Android users are the least satisfied of the segments with many invitees, and one of the biggest; "
         "the only segment as unhappy, low-tier iPhones, is a handful of people.")
    with duckdb.connect(str(synth.dataset_path()), read_only=True) as db:
        rows = db.execute("""
            SELECT u.platform || '/' || u.device_tier, count(*), avg(s.csat)
            FROM surveys s JOIN users u USING (user_id) WHERE s.survey = 'app_csat' GROUP BY ALL""").fetchall()
    invited = {s: n for s, n, _ in rows}
    mean = {s: m for s, _, m in rows}
    total = sum(invited.values())
    big = [s for s in invited if invited[s] >= 0.1 * total]
    assert min(big, key=mean.get) == "android/low"
    assert sorted(invited, key=invited.get)[-2:].count("android/low") == 1
    unhappy = [s for s in mean if s != "android/low" and mean[s] < mean["android/low"] + 0.1]
    assert unhappy == ["ios/low"] and invited["ios/low"] < 0.05 * total
