"""Module 05's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
The module's setup cell gives students `sessions` and `bots` tables; the bench builds them under names of its own
(the connection is shared with other modules' corpora).
"""

from __future__ import annotations

import math
from functools import cached_property

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import ROW_COUNT, Corpus, Workbench

MODULE = "05_prioritizing_metrics"
corpus = Corpus(MODULE)
STEPS = ["product_view", "add_to_cart", "checkout_start", "purchase"]
SETUP = """
    CREATE OR REPLACE TEMP TABLE m05_sessions AS
    WITH marked AS (
        SELECT user_id, event_name, event_ts,
               COALESCE(event_ts - lag(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts)
                        > INTERVAL 30 MINUTE, true) AS starts
        FROM unique_events WHERE event_name <> 'push_received'),
    numbered AS (SELECT *, SUM(starts::INT) OVER (PARTITION BY user_id ORDER BY event_ts) AS session FROM marked)
    SELECT user_id, session, MIN(event_ts) AS start_ts, COUNT(*) FILTER (WHERE event_name = 'video_view') AS views
    FROM numbered GROUP BY user_id, session;
    CREATE OR REPLACE TEMP TABLE m05_bots AS
    WITH gaps AS (SELECT user_id, epoch(event_ts - lag(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts)) AS gap
                  FROM unique_events WHERE event_name = 'video_view')
    SELECT user_id FROM gaps WHERE gap < 300 GROUP BY user_id HAVING COUNT(*) >= 50 AND stddev_samp(gap) < 3;
"""
TEST_SESSIONS = """
    WITH t AS (SELECT * FROM experiments WHERE name = '{name}'),
    pre AS (SELECT s.user_id, AVG(s.views) AS pre FROM m05_sessions s, t WHERE s.start_ts < t.start_date
            GROUP BY s.user_id)
    SELECT s.user_id, a.variant::VARCHAR AS variant, u.country::VARCHAR AS country, s.views, pre.pre,
           DATE_DIFF('day', x.exposure_ts::DATE, s.start_ts::DATE) AS d
    FROM m05_sessions s JOIN assignments a USING (user_id) JOIN t USING (experiment_id)
    JOIN exposures x USING (experiment_id, user_id) JOIN users u USING (user_id) LEFT JOIN pre USING (user_id)
    WHERE s.start_ts >= a.assigned_ts AND s.start_ts >= t.start_date AND s.start_ts < t.end_date + 1
      AND DATE_DIFF('day', x.exposure_ts::DATE, s.start_ts::DATE) BETWEEN 0 AND t.end_date - t.start_date
      AND s.user_id NOT IN (SELECT user_id FROM m05_bots)
"""


class Bench(Workbench):
    """Module 05's shared intermediates: the tests' sessions, CUPED-adjusted, and the shop events."""

    @cached_property
    def ready(self) -> bool:
        self.db.execute(SETUP)
        return True

    def sessions_of(self, name: str) -> pd.DataFrame:
        assert self.ready
        return self.sql(TEST_SESSIONS.format(name=name))

    @cached_property
    def feed(self) -> pd.DataFrame:
        return self.sessions_of("feed_ranking_v2")

    @cached_property
    def preload(self) -> pd.DataFrame:
        return self.sessions_of("video_preload")

    @cached_property
    def shop(self) -> pd.DataFrame:
        return self.sql("""SELECT user_id, event_name::VARCHAR AS event_name, event_ts, amount_cents
                           FROM unique_events WHERE event_name IN ('product_view', 'add_to_cart', 'checkout_start',
                                                                   'purchase')""")


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


def cuped(frame: pd.DataFrame, theta: float | None = None) -> pd.DataFrame:
    """Sessions with a pre-period, y = views - theta (pre - mean pre); theta = cov / var unless given."""
    f = frame.dropna(subset=["pre"])
    if theta is None:
        theta = ((f["views"] - f["views"].mean()) * (f["pre"] - f["pre"].mean())).mean() / f["pre"].var(ddof=0)
    return f.assign(y=f["views"] - theta * (f["pre"] - f["pre"].mean()))


def lift(frame: pd.DataFrame, column: str = "views") -> float:
    t = frame.loc[frame["variant"] == "treatment", column].mean()
    c = frame.loc[frame["variant"] == "control", column].mean()
    return t / c - 1


# --- 1. metric_for_feature ------------------------------------------------------------------------------------------

RIGHT_METRICS = [("daily_rewards", "active_days_per_user", "push_opt_out_rate"),
                 ("feed_ranking_v2", "videos_per_session", "watch_minutes_per_user"),
                 ("one_tap_checkout", "purchase_conversion", "refund_rate"),
                 ("video_preload", "videos_per_session", "crash_rate")]


@corpus.right("metric_for_feature")
def list_of_dicts(w):
    return [{"feature": f, "primary_metric": p, "guardrail": g} for f, p, g in RIGHT_METRICS]


@corpus.right("metric_for_feature")
def reversed_rows_other_column_order(w):
    return pd.DataFrame(RIGHT_METRICS[::-1], columns=["feature", "primary_metric", "guardrail"])[
        ["guardrail", "feature", "primary_metric"]]


@corpus.right("metric_for_feature")
def upper_case_names(w):
    return pd.DataFrame([[v.upper() for v in row] for row in RIGHT_METRICS],
                        columns=["feature", "primary_metric", "guardrail"])


@corpus.wrong("metric_for_feature", reason=r"retention feature")
def revenue_for_the_rewards(w):
    rows = [("daily_rewards", "revenue_per_user", "push_opt_out_rate")] + RIGHT_METRICS[1:]
    return pd.DataFrame(rows, columns=["feature", "primary_metric", "guardrail"])


@corpus.wrong("metric_for_feature", reason=r"missing.*guardrail|guardrail.*missing")
def no_guardrails(w):
    return pd.DataFrame([row[:2] for row in RIGHT_METRICS], columns=["feature", "primary_metric"])


@corpus.wrong("metric_for_feature", reason=r"refund_rate|guardrail")
def crash_rate_guards_the_checkout(w):
    rows = RIGHT_METRICS[:2] + [("one_tap_checkout", "purchase_conversion", "crash_rate"),
                                ("video_preload", "videos_per_session", "refund_rate")]
    return pd.DataFrame(rows, columns=["feature", "primary_metric", "guardrail"])


# --- 2. shop_funnel -------------------------------------------------------------------------------------------------

def pandas_funnel(w, *, users_as_events: bool = False) -> pd.DataFrame:
    """The shop funnel in pandas: each step's first time at or after the previous one, within 24 h of the first view."""
    shop = w.shop
    end = w.window[1]
    first = shop[shop["event_name"] == "product_view"].groupby("user_id")["event_ts"].min().rename("t0")
    first = first[first + pd.Timedelta(hours=24) <= end]
    counts = [len(first)]
    joined = shop.merge(first.reset_index(), on="user_id")
    inside = joined[(joined["event_ts"] >= joined["t0"]) & (joined["event_ts"] < joined["t0"] + pd.Timedelta(hours=24))]
    previous = first
    for step in STEPS[1:]:
        rows = inside[inside["event_name"] == step].merge(previous.rename("prev").reset_index(), on="user_id")
        rows = rows[rows["event_ts"] >= rows["prev"]]
        counts.append(len(rows) if users_as_events else rows["user_id"].nunique())
        previous = rows.groupby("user_id")["event_ts"].min()
        if step == "checkout_start":
            checkout = previous
    buys = inside[inside["event_name"] == "purchase"].merge(checkout.rename("t2").reset_index(), on="user_id")
    revenue = buys.loc[buys["event_ts"] >= buys["t2"], "amount_cents"].sum() / 100
    n = np.array(counts)
    return pd.DataFrame({"step": STEPS, "users": n, "step_conversion": n / np.concatenate([[n[0]], n[:-1]]),
                         "overall_conversion": n / n[0], "revenue_per_user": revenue / n})


@corpus.right("shop_funnel")
def pandas_merges(w):
    return pandas_funnel(w)


@corpus.right("shop_funnel")
def pandas_reordered_columns_and_rows(w):
    return pandas_funnel(w).iloc[::-1][["revenue_per_user", "overall_conversion", "step_conversion", "users", "step"]]


def sql_joins(w) -> pd.Series:
    """The funnel's step counts and revenue, by joins instead of the solution's subqueries."""
    return w.sql("""
        WITH s AS (SELECT user_id, event_name::VARCHAR AS e, event_ts AS ts, amount_cents FROM unique_events),
        f AS (SELECT user_id, MIN(ts) AS t0 FROM s WHERE e = 'product_view' GROUP BY user_id
              HAVING MIN(ts) + INTERVAL 1 DAY <= (SELECT MAX(value)::TIMESTAMP FROM dataset_info
                                                   WHERE key = 'window_end')),
        c AS (SELECT f.user_id, f.t0, MIN(s.ts) AS t1 FROM f JOIN s ON s.user_id = f.user_id AND s.e = 'add_to_cart'
              AND s.ts >= f.t0 AND s.ts < f.t0 + INTERVAL 1 DAY GROUP BY ALL),
        k AS (SELECT c.user_id, c.t0, MIN(s.ts) AS t2 FROM c JOIN s ON s.user_id = c.user_id
              AND s.e = 'checkout_start' AND s.ts >= c.t1 AND s.ts < c.t0 + INTERVAL 1 DAY GROUP BY ALL),
        b AS (SELECT k.user_id, SUM(s.amount_cents) AS cents FROM k JOIN s ON s.user_id = k.user_id
              AND s.e = 'purchase' AND s.ts >= k.t2 AND s.ts < k.t0 + INTERVAL 1 DAY GROUP BY ALL),
        n AS (SELECT (SELECT COUNT(*) FROM f) AS product_view, (SELECT COUNT(*) FROM c) AS add_to_cart,
                     (SELECT COUNT(*) FROM k) AS checkout_start, (SELECT COUNT(*) FROM b) AS purchase,
                     (SELECT SUM(cents) / 100 FROM b) AS revenue)
        SELECT * FROM n
    """).iloc[0]


@corpus.right("shop_funnel")
def sql_joins_then_a_series_per_step(w):
    row = sql_joins(w)
    users = row[STEPS].astype(int)
    return pd.DataFrame({"users": users, "step_conversion": users / users.shift(fill_value=users.iloc[0]),
                         "overall_conversion": users / users.iloc[0],
                         "revenue_per_user": row["revenue"] / users}).rename_axis("step").reset_index()


@corpus.wrong("shop_funnel", reason=r"users")
def events_counted_not_users(w):
    return pandas_funnel(w, users_as_events=True)


@corpus.wrong("shop_funnel", reason=r"100|percent")
def conversions_in_percent(w):
    f = pandas_funnel(w)
    return f.assign(step_conversion=f["step_conversion"] * 100, overall_conversion=f["overall_conversion"] * 100)


# --- 3. srm ---------------------------------------------------------------------------------------------------------

def splits(w) -> pd.DataFrame:
    """Users per arm and the designed treatment share of each test, in pandas."""
    a = w.sql("SELECT a.experiment_id, a.variant::VARCHAR AS variant, u.country::VARCHAR AS country "
              "FROM assignments a JOIN users u USING (user_id)")
    a["share"] = np.where(a["experiment_id"] != "exp_003", 0.5, np.where(a["country"] == "IN", 0.8, 0.2))
    out = a.groupby("experiment_id").agg(control=("variant", lambda v: (v == "control").sum()),
                                         treatment=("variant", lambda v: (v == "treatment").sum()),
                                         expected_share=("share", "mean"))
    return out.reset_index()


def with_p(frame: pd.DataFrame, threshold: float = 0.001) -> pd.DataFrame:
    n = frame["control"] + frame["treatment"]
    e_t = n * frame["expected_share"]
    chi2 = (frame["treatment"] - e_t) ** 2 / e_t + (frame["control"] - (n - e_t)) ** 2 / (n - e_t)
    p = [math.erfc(math.sqrt(x / 2)) for x in chi2]
    return frame.assign(p_value=p, srm=[v < threshold for v in p])


@corpus.right("srm")
def pandas_groupby(w):
    return with_p(splits(w))


@corpus.right("srm")
def sql_counts_sorted_descending(w):
    counts = w.sql("""
        SELECT experiment_id, SUM((variant = 'treatment')::INT) AS treatment,
               SUM((variant = 'control')::INT) AS control,
               AVG(CASE WHEN experiment_id = 'exp_003' AND country = 'IN' THEN 0.8
                        WHEN experiment_id = 'exp_003' THEN 0.2 ELSE 0.5 END) AS expected_share
        FROM assignments JOIN users USING (user_id) GROUP BY experiment_id ORDER BY experiment_id DESC""")
    return with_p(counts)


@corpus.right("srm")
def relation_with_p_in_sql(w):
    chi = with_p(splits(w))
    w.db.register("m05_srm", chi)
    return w.db.sql("SELECT experiment_id, control, treatment, expected_share, p_value, p_value < 0.001 AS srm "
                    "FROM m05_srm")


@corpus.wrong("srm", reason=r"srm")
def flag_reversed(w):
    f = with_p(splits(w))
    return f.assign(srm=~f["srm"])


@corpus.wrong("srm", reason=r"expected_share")
def share_in_percent(w):
    f = with_p(splits(w))
    return f.assign(expected_share=f["expected_share"] * 100)


# --- 4. novelty and long_run_lift -----------------------------------------------------------------------------------

def novelty_table(frame: pd.DataFrame, theta: float | None = None) -> pd.DataFrame:
    adjusted = cuped(frame, theta)
    week, adjusted_week = frame["d"] // 7, adjusted["d"] // 7
    return pd.DataFrame({"week": sorted(week.unique()),
                         "lift": [lift(frame[week == k]) for k in sorted(week.unique())],
                         "cuped_lift": [lift(adjusted[adjusted_week == k], "y") for k in sorted(week.unique())]})


@corpus.right("novelty")
def pandas_loops(w):
    return novelty_table(w.feed)


@corpus.right("novelty")
def sql_covar_pop(w):
    assert w.ready
    return w.sql("WITH during AS (" + TEST_SESSIONS.format(name="feed_ranking_v2") + """),
        fit AS (SELECT covar_pop(views, pre) / var_pop(pre) AS theta, AVG(pre) AS mu FROM during
                WHERE pre IS NOT NULL)
        SELECT d // 7 AS week,
               AVG(views) FILTER (WHERE variant = 'treatment') / AVG(views) FILTER (WHERE variant = 'control') - 1
                   AS lift,
               AVG(views - theta * (pre - mu)) FILTER (WHERE variant = 'treatment' AND pre IS NOT NULL)
               / AVG(views - theta * (pre - mu)) FILTER (WHERE variant = 'control' AND pre IS NOT NULL) - 1
                   AS cuped_lift
        FROM during, fit GROUP BY week ORDER BY week""")


@corpus.right("novelty")
def columns_reordered_week_as_index(w):
    return novelty_table(w.feed).set_index("week")[["cuped_lift", "lift"]]


@corpus.wrong("novelty", reason=r"100|percent")
def lifts_in_percent(w):
    t = novelty_table(w.feed)
    return t.assign(lift=t["lift"] * 100, cuped_lift=t["cuped_lift"] * 100)


@corpus.wrong("novelty", reason=r"cuped_lift")
def theta_of_one(w):
    return novelty_table(w.feed, theta=1.0)


def per_user_interval(frame: pd.DataFrame, column: str) -> tuple[float, float]:
    """Delta-method 95% interval of the lift of mean `column` per session, users as the unit."""
    g = frame.groupby(["variant", "user_id"])[column].agg(["sum", "size"])
    stats = {}
    for v, u in g.groupby(level=0):
        r = u["sum"].sum() / u["size"].sum()
        stats[v] = (r, ((u["sum"] - r * u["size"]).var() / (len(u) * u["size"].mean() ** 2)) / r ** 2)
    centre = math.log(stats["treatment"][0] / stats["control"][0])
    half = 1.96 * math.sqrt(stats["treatment"][1] + stats["control"][1])
    return math.exp(centre - half) - 1, math.exp(centre + half) - 1


def late(w) -> pd.DataFrame:
    adjusted = cuped(w.feed)
    return adjusted[adjusted["d"] >= 21]


@corpus.right("long_run_lift")
def delta_method_tuple(w):
    return per_user_interval(late(w), "y")


@corpus.right("long_run_lift")
def bootstrap_users(w):
    f = late(w)
    rng = np.random.default_rng(5)
    per = f.groupby(["variant", "user_id"])["y"].agg(["sum", "size"])
    t, c = per.loc["treatment"].to_numpy(), per.loc["control"].to_numpy()
    it, ic = rng.integers(0, len(t), (1000, len(t))), rng.integers(0, len(c), (1000, len(c)))
    boot = (t[it, 0].sum(1) / t[it, 1].sum(1)) / (c[ic, 0].sum(1) / c[ic, 1].sum(1)) - 1
    return tuple(np.quantile(boot, [0.025, 0.975]))


@corpus.right("long_run_lift")
def mapping_with_theta_fitted_on_the_late_sessions(w):
    f = w.feed[w.feed["d"] >= 21]
    low, high = per_user_interval(cuped(f), "y")
    return {"low": low, "high": high}


@corpus.wrong("long_run_lift", reason=r"narrower")
def sessions_as_the_unit(w):
    f = late(w)
    t, c = f.loc[f["variant"] == "treatment", "y"], f.loc[f["variant"] == "control", "y"]
    centre = math.log(t.mean() / c.mean())
    half = 1.96 * math.sqrt(t.var() / len(t) / t.mean() ** 2 + c.var() / len(c) / c.mean() ** 2) / 4
    return math.exp(centre - half) - 1, math.exp(centre + half) - 1


@corpus.wrong("long_run_lift", reason=r"does not contain|centred|wide")
def the_whole_test(w):
    return per_user_interval(cuped(w.feed), "y")


# --- 5. simpson and ship_decision -----------------------------------------------------------------------------------

def country_rows(frame: pd.DataFrame, pooled_theta: bool = False) -> pd.DataFrame:
    theta = None
    if pooled_theta:
        f = frame.dropna(subset=["pre"])
        theta = np.cov(f["views"], f["pre"], bias=True)[0, 1] / f["pre"].var(ddof=0)
    rows = [(c, frame[frame["country"] == c]) for c in ("IN", "BR", "ID", "MX")]
    out = [(c, lift(f), lift(cuped(f, theta), "y")) for c, f in rows]
    return pd.DataFrame(out + [("all", lift(frame), lift(cuped(frame), "y"))],
                        columns=["country", "naive_lift", "cuped_lift"])


@corpus.right("simpson")
def pandas_per_country(w):
    return country_rows(w.preload)


@corpus.right("simpson")
def rows_reversed_columns_swapped(w):
    return country_rows(w.preload).iloc[::-1][["cuped_lift", "country", "naive_lift"]]


@corpus.right("simpson")
def list_of_dicts_per_country(w):
    return country_rows(w.preload).to_dict("records")


@corpus.wrong("simpson", reason=r"cuped_lift")
def one_theta_for_all_countries(w):
    return country_rows(w.preload, pooled_theta=True)


@corpus.wrong("simpson", reason=ROW_COUNT + r"|missing")
def no_pooled_row(w):
    return country_rows(w.preload).iloc[:4]


@corpus.right("ship_decision")
def ship(w):
    return "ship"


@corpus.right("ship_decision")
def ship_capitalised(w):
    return "Ship"


@corpus.right("ship_decision")
def ship_spaced(w):
    return "  ship "


@corpus.wrong("ship_decision", reason=r"not the right option")
def rerun(w):
    return "rerun_the_test"


@corpus.wrong("ship_decision", reason=r"pooled")
def do_not_ship(w):
    return "Do_Not_Ship"


# --- 6. randomisation_fix -------------------------------------------------------------------------------------------

REWARDS = """
    WITH t AS (SELECT * FROM experiments WHERE name = 'daily_rewards'),
    days AS (SELECT DISTINCT e.user_id, CAST(timezone(u.timezone, e.event_ts AT TIME ZONE 'UTC') AS DATE) AS day
             FROM events e JOIN users u USING (user_id) WHERE e.event_name <> 'push_received'),
    per_user AS (
        SELECT a.user_id, a.variant, COUNT(days.day) FILTER (WHERE days.day BETWEEN t.start_date AND t.end_date) AS n
        FROM assignments a JOIN t USING (experiment_id) JOIN users u USING (user_id) LEFT JOIN days USING (user_id)
        WHERE u.signup_ts < t.start_date GROUP BY ALL)
"""


@corpus.right("randomisation_fix")
def sql_one_value(w):
    return w.one(REWARDS + "SELECT AVG(n) FILTER (WHERE variant = 'treatment') / "
                 "AVG(n) FILTER (WHERE variant = 'control') - 1 FROM per_user")


@corpus.right("randomisation_fix")
def pandas_means(w):
    m = w.sql(REWARDS + "SELECT variant::VARCHAR AS variant, n FROM per_user").groupby("variant")["n"].mean()
    return np.float64(m["treatment"] / m["control"] - 1)


@corpus.right("randomisation_fix")
def one_by_one_table(w):
    return w.sql(REWARDS + "SELECT SUM(n) FILTER (WHERE variant = 'treatment') / COUNT(*) FILTER "
                 "(WHERE variant = 'treatment') / (SUM(n) FILTER (WHERE variant = 'control') / COUNT(*) FILTER "
                 "(WHERE variant = 'control')) - 1 AS lift FROM per_user")


@corpus.wrong("randomisation_fix", reason=r"100|percent")
def in_percent(w):
    return 100 * sql_one_value(w)


@corpus.wrong("randomisation_fix", reason=r"higher|lower")
def difference_of_means(w):
    return w.one(REWARDS + "SELECT AVG(n) FILTER (WHERE variant = 'treatment') - "
                 "AVG(n) FILTER (WHERE variant = 'control') FROM per_user")


# --- 7. readout_chart -----------------------------------------------------------------------------------------------

def readout(w) -> pd.DataFrame:
    adjusted = cuped(w.feed)
    rows = []
    for d, g in adjusted.groupby("d"):
        low, high = per_user_interval(g, "y")
        rows.append((d, lift(g, "y"), low, high))
    return pd.DataFrame(rows, columns=["d", "lift", "low", "high"])


def labelled(ax) -> None:
    ax.set(title="Lift by day since exposure", xlabel="days since exposure", ylabel="lift")


@corpus.right("readout_chart")
def line_and_band(w):
    r = readout(w)
    fig, ax = plt.subplots()
    ax.plot(r["d"], r["lift"])
    ax.fill_between(r["d"], r["low"], r["high"], alpha=0.3)
    ax.axhline(0)
    labelled(ax)
    return fig


@corpus.right("readout_chart")
def errorbar_axes(w):
    r = readout(w)
    fig, ax = plt.subplots()
    ax.errorbar(r["d"], r["lift"], yerr=[r["lift"] - r["low"], r["high"] - r["lift"]], label="CUPED lift")
    labelled(ax)
    ax.legend()
    return ax


@corpus.right("readout_chart")
def pandas_plot_tuple(w):
    r = readout(w).set_index("d")
    fig, ax = plt.subplots()
    r["lift"].plot(ax=ax)
    ax.fill_between(r.index, r["low"], r["high"], alpha=0.2)
    labelled(ax)
    return fig, ax


@corpus.wrong("readout_chart", reason=r"error bar|band")
def no_band(w):
    r = readout(w)
    fig, ax = plt.subplots()
    ax.plot(r["d"], r["lift"])
    labelled(ax)
    return fig


@corpus.wrong("readout_chart", reason=r"title")
def untitled(w):
    fig = line_and_band(w)
    fig.axes[0].set_title("")
    return fig


# --- 8. investigate -------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def preload(w):
    return "video_preload"


@corpus.right("investigate")
def preload_upper(w):
    return "VIDEO_PRELOAD"


@corpus.right("investigate")
def preload_spaced(w):
    return " video_preload"


@corpus.wrong("investigate", reason=r"not the right option")
def neither(w):
    return "neither"


@corpus.wrong("investigate", reason=r"dashboards' pick")
def the_feed_capitalised(w):
    return "Feed_Ranking_V2"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
