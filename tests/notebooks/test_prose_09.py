"""Sentences of module 09 that state a direction or a size hold on the default dataset students query."""

from datetime import date, timedelta

import pandas as pd
import pytest
from support.modules import SOLUTIONS, planted, solution_markdown

import synth
from grader.key import load_key

MODULE = "09_communicating"
EPOCH = date(1970, 1, 1)   # matplotlib's date numbers count days from it


@pytest.fixture(scope="module")
def key():
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


def said(sentence: str) -> None:
    assert " ".join(sentence.split()) in solution_markdown(MODULE), sentence


def exec_dau(key) -> pd.Series:
    """The exec chart's DAU line by calendar day."""
    (line,) = key.expected["exec_chart"]["series"]
    return pd.Series(line["y"], index=[EPOCH + timedelta(days=round(x)) for x in line["x"]])


def test_every_number_in_the_kpi_table_fell_this_week(key):
    said("Every number in the table fell this week.")
    assert (key.expected["weekly_kpis"]["change"] < 0).all()


def test_on_one_scale_both_lines_drift_below_their_first_week_likes_further(key):
    said("over the four weeks DAU and likes both drift below their first week's level, likes further than DAU")
    last_week = {s["label"]: sum(s["y"][-7:]) / 7 for s in key.expected["fix_misleading_chart"]["series"]}
    assert last_week["likes"] < last_week["DAU"] < 100


def test_the_outage_day_is_no_lower_than_the_same_weekday_a_week_earlier(key):
    said("on the outage day DAU is no lower than on the same weekday a week earlier")
    dau = exec_dau(key)
    outage = date.fromisoformat(planted(synth.dataset_path())["outage"]["start_ts"][:10])
    assert dau[outage] >= dau[outage - timedelta(days=7)]


def test_in_the_last_two_weeks_dau_slides_below_the_two_weeks_before(key):
    said("In the last two weeks, DAU slides below its level of the two weeks before.")
    dau = exec_dau(key)
    assert dau.iloc[-14:].mean() < dau.iloc[-28:-14].mean()


def test_the_decks_twenty_percent_is_the_naive_lift_several_times_the_promotions_own_effect(key):
    said('her deck says it "lifts DAU 20%". That figure compares promotion weekends with weekdays')
    said("The deck's figure is several times the promotion's own effect")
    (effect,) = (f.value for f in key.questions["recommendation"].kind.facts)
    naive = next(v for n, v in key.mistakes["recommendation"].items() if "naive lift" in n)
    deck = float(naive.split("by ")[1].rstrip("%.")) / 100
    assert round(deck, 1) == 0.2
    assert deck > 2 * effect > 0


def test_weekdays_which_no_promotion_touched_fell_too(key):
    said("on weekdays, which no promotion touched, DAU fell too")
    dau = exec_dau(key).iloc[-14:]
    weekdays = dau[[d.weekday() < 5 for d in dau.index]]
    assert weekdays.iloc[5:].mean() < 0.99 * weekdays.iloc[:5].mean()   # this week's five against last week's
    with synth.connect() as db:
        promoted = {row[0].date() for row in db.sql("""
            SELECT unnest(generate_series(start_ts, end_ts - INTERVAL 1 DAY, INTERVAL 1 DAY)) FROM promotions
        """).fetchall()}
    assert all(d.weekday() >= 5 for d in promoted)


def test_the_outage_was_weeks_before_this_week(key):
    said("the outage removed this week's rows")   # option c, the wrong one
    outage = date.fromisoformat(planted(synth.dataset_path())["outage"]["start_ts"][:10])
    assert outage < exec_dau(key).index[-14]
