"""Module 09's numbers are the data's: the weekly KPIs match an independent count, the exec chart marks the planted
promotions and outage, and the recommendation's fact is the planted promotion effect — on the default dataset and
seeds 1 and 2."""

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest
from support.modules import SOLUTIONS, planted
from support.shared import shared_key

from synth.config import config_for

MODULE = "09_communicating"
EPOCH = date(1970, 1, 1)   # matplotlib's date numbers count days from it
PROMOTION_TOLERANCE = 0.03   # the difference-in-differences estimate against the planted lift (module 03's bar)


@pytest.fixture(scope="module", params=(42, 1, 2))
def seed_world(request, small_dataset):
    """The module's answer key, the planted effects, the window and a read-only connection for one small build."""
    config = config_for("small", request.param)
    path = small_dataset(request.param)
    key = shared_key(MODULE, path)
    with duckdb.connect(str(path), read_only=True) as db:
        events = db.execute("""SELECT user_id, event_name, event_ts FROM events
                               WHERE event_ts >= ? AND event_ts < ?""",
                            [config.window_end - timedelta(days=14), config.window_end]).df()
        server = db.execute("""SELECT event_name, server_ts FROM server_events
                               WHERE status = 'ok' AND server_ts >= ? AND server_ts < ?""",
                            [config.window_end - timedelta(days=14), config.window_end]).df()
        promotions = [row[0] for row in db.execute("SELECT start_ts FROM promotions").fetchall()]
    return key, planted(path), config, events, server, promotions


def independent_kpis(config, events: pd.DataFrame, server: pd.DataFrame) -> pd.DataFrame:
    """The four KPIs per week, counted in pandas from the raw rows (the key counts them in SQL)."""
    cut = pd.Timestamp(config.window_end - timedelta(days=7))
    active = events[events["event_name"] != "push_received"]
    rows = {}
    for week, part, likes in (("this_week", active[active["event_ts"] >= cut], server[server["server_ts"] >= cut]),
                              ("last_week", active[active["event_ts"] < cut], server[server["server_ts"] < cut])):
        daily = part.groupby(part["event_ts"].dt.normalize())["user_id"].nunique()
        rows[week] = {"weekly_active_users": part["user_id"].nunique(), "average_dau": daily.sum() / 7,
                      "likes": (likes["event_name"] == "like").sum(), "posts": (likes["event_name"] == "post_publish").sum()}
    table = pd.DataFrame(rows)
    return table.assign(change=table["this_week"] / table["last_week"] - 1)


def test_the_weekly_kpis_match_an_independent_count(seed_world):
    key, _, config, events, server, _ = seed_world
    answer = key.expected["weekly_kpis"].set_index("metric")
    expected = independent_kpis(config, events, server)
    assert sorted(answer.index) == sorted(expected.index)
    for column in ("this_week", "last_week", "change"):
        assert answer[column].to_dict() == pytest.approx(expected[column].astype(float).to_dict(), rel=1e-9), column


def test_each_weekly_kpi_mistake_differs_from_the_key(seed_world):
    key, *_ = seed_world
    answer = key.expected["weekly_kpis"].set_index("metric")
    for name, variant in key.mistakes["weekly_kpis"].items():
        assert not variant.set_index("metric").loc[answer.index].equals(answer), name


def marked_days(figure: dict) -> list[date]:
    """The days a chart's annotations point at (matplotlib date numbers are days since 1970-01-01)."""
    return sorted(EPOCH + timedelta(days=round(x)) for x in figure["annotation_x"])


def test_the_exec_chart_marks_each_promotions_saturday_and_the_planted_outage_day(seed_world):
    key, truth, _, _, _, promotions = seed_world
    outage_day = datetime.fromisoformat(truth["outage"]["start_ts"]).date()
    marks = marked_days(key.expected["exec_chart"])
    assert marks == sorted([p.date() for p in promotions] + [outage_day])
    assert all(p.weekday() == 5 for p in promotions)   # promotions start on a Saturday


def test_the_exec_chart_plots_every_day_of_the_window(seed_world):
    key, _, config, *_ = seed_world
    (line,) = key.expected["exec_chart"]["series"]
    assert len(line["y"]) == (config.window_end - config.window_start).days
    assert min(line["y"]) > 0


def test_the_marks_at_end_ts_miss_every_promotion_but_keep_the_outage(seed_world):
    key, truth, *_ = seed_world
    name = next(n for n in key.mistakes["exec_chart"] if "end_ts" in n)
    wrong, right = set(marked_days(key.mistakes["exec_chart"][name])), set(marked_days(key.expected["exec_chart"]))
    assert wrong & right == {datetime.fromisoformat(truth["outage"]["start_ts"]).date()}


def facts(key, question: str) -> dict[str, float]:
    return {f.label: f.value for f in key.questions[question].kind.facts}


def test_the_headline_states_the_weekly_kpis_own_numbers(seed_world):
    key, *_ = seed_world
    answer = key.expected["weekly_kpis"].set_index("metric")
    stated = facts(key, "headline")
    assert stated["the change in weekly active users"] == answer.loc["weekly_active_users", "change"]
    assert stated["weekly active users this week"] == answer.loc["weekly_active_users", "this_week"]
    assert stated["the change in likes"] == answer.loc["likes", "change"]


def test_the_recommendation_quotes_the_planted_promotion_effect_not_the_naive_lift(seed_world):
    key, truth, *_ = seed_world
    (effect,) = facts(key, "recommendation").values()
    assert effect == pytest.approx(truth["promotion"]["true_lift"], abs=PROMOTION_TOLERANCE)
    naive = next(v for n, v in key.mistakes["recommendation"].items() if "naive" in n)
    assert f"{effect:.1%}" not in naive


def test_the_recommendation_is_module_03s_difference_in_differences_lift_on_the_default_dataset():
    import synth

    path = synth.dataset_path()
    key = shared_key(MODULE, path)
    did = shared_key("03_weekend_trends", path).expected["promo_effect"]
    assert list(facts(key, "recommendation").values()) == [pytest.approx(did["did_lift"][0], rel=1e-9)]
