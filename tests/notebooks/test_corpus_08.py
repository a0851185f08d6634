"""Module 08's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import Corpus, Workbench

MODULE = "08_user_research"
corpus = Corpus(MODULE)
Z95 = 1.959964


class Bench(Workbench):
    """Module 08's shared intermediates: the invitees with engagement and decile, computed in pandas."""

    @cached_property
    def invitees(self) -> pd.DataFrame:
        """One row per invitee of app_csat: user_id, csat, nps, theme, platform, device_tier, active_days, decile."""
        invited = self.sql("""SELECT s.user_id, s.csat, s.nps, s.theme, s.sent_ts, u.platform::VARCHAR AS platform,
                                     u.device_tier::VARCHAR AS device_tier
                              FROM surveys s JOIN users u USING (user_id) WHERE s.survey = 'app_csat'""")
        start = invited["sent_ts"].min().normalize()
        days = self.sql("""SELECT DISTINCT user_id, CAST(event_ts AS DATE) AS day FROM events
                           WHERE event_name <> 'push_received'""")
        days["day"] = pd.to_datetime(days["day"])
        before = days[(days["day"] >= start - pd.Timedelta(days=28)) & (days["day"] < start)]
        active = before.groupby("user_id").size()
        invited["active_days"] = invited["user_id"].map(active).fillna(0).astype(int)
        return invited.assign(decile=ntile(invited, ["active_days", "user_id"]))

    def deciles(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """invitees, respondents, response_rate and mean_csat per decile."""
        f = self.invitees if frame is None else frame
        out = f.groupby("decile").agg(invitees=("csat", "size"), respondents=("csat", "count"),
                                      mean_csat=("csat", "mean"))
        return out.assign(response_rate=out["respondents"] / out["invitees"])

    def reweighted(self, z: float = Z95, weights: str = "invitees") -> tuple[float, float, float]:
        """(estimate, low, high): the post-stratified mean with the pooled-spread standard error."""
        d = self.deciles()
        d = d[d["respondents"] > 0]
        w = d[weights] / d[weights].sum()
        estimate = (w * d["mean_csat"]).sum()
        se = self.invitees["csat"].std() * np.sqrt((w**2 / d["respondents"]).sum())
        return estimate, estimate - z * se, estimate + z * se

    @cached_property
    def comments(self) -> pd.DataFrame:
        return self.invitees[self.invitees["theme"].notna()]


def ntile(frame: pd.DataFrame, order: list[str], groups: int = 10) -> pd.Series:
    """NTILE(groups) OVER (ORDER BY order): the first len % groups groups hold one row more."""
    n = len(frame)
    sizes = [n // groups + (1 if k < n % groups else 0) for k in range(groups)]
    ranked = frame.sort_values(order).index
    return pd.Series(np.repeat(np.arange(1, groups + 1), sizes), index=ranked).reindex(frame.index)


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- response_rate_by_decile ----------------------------------------------------------------------------------------

@corpus.right("response_rate_by_decile")
def pandas_ntile_by_hand(w):
    return w.deciles()[["invitees", "respondents", "response_rate"]].reset_index()


@corpus.right("response_rate_by_decile")
def sql_correlated_count_other_column_order(w):
    return w.db.sql("""
        WITH start AS (SELECT CAST(MIN(sent_ts) AS DATE) AS d FROM surveys WHERE survey = 'app_csat'),
        eng AS (
            SELECT s.user_id, s.csat,
                   (SELECT COUNT(DISTINCT CAST(e.event_ts AS DATE)) FROM events e, start
                    WHERE e.user_id = s.user_id AND e.event_name <> 'push_received'
                      AND CAST(e.event_ts AS DATE) BETWEEN start.d - 28 AND start.d - 1) AS days
            FROM surveys s WHERE s.survey = 'app_csat')
        SELECT AVG(CASE WHEN csat IS NULL THEN 0 ELSE 1 END) AS response_rate,
               SUM(CASE WHEN csat IS NULL THEN 0 ELSE 1 END) AS respondents, COUNT(*) AS invitees, decile
        FROM (SELECT *, NTILE(10) OVER (ORDER BY days, user_id) AS decile FROM eng) GROUP BY decile""")


@corpus.right("response_rate_by_decile")
def pandas_rows_in_reverse(w):
    return w.deciles()[["response_rate", "invitees", "respondents"]].reset_index().iloc[::-1]


@corpus.wrong("response_rate_by_decile", reason=r"percentage|x ?100|100 times")
def rate_in_percent(w):
    d = w.deciles().reset_index()
    return d.assign(response_rate=100 * d["response_rate"])[["decile", "invitees", "respondents", "response_rate"]]


@corpus.wrong("response_rate_by_decile", reason=r"combined into rows differently|higher than the key")
def decile_one_is_the_heaviest(w):
    frame = w.invitees.assign(decile=11 - w.invitees["decile"])
    return w.deciles(frame)[["invitees", "respondents", "response_rate"]].reset_index()


@corpus.wrong("response_rate_by_decile", reason=r"'invitees'|'respondents'|row")
def deciles_of_equal_width_in_active_days(w):
    frame = w.invitees.assign(decile=np.minimum(w.invitees["active_days"] * 10 // 28 + 1, 10))
    return w.deciles(frame)[["invitees", "respondents", "response_rate"]].reset_index()


# --- naive_csat -----------------------------------------------------------------------------------------------------

@corpus.right("naive_csat")
def sql_sum_over_count(w):
    return w.db.sql("SELECT SUM(csat) / COUNT(csat) FROM surveys WHERE survey = 'app_csat'").fetchall()[0]


@corpus.right("naive_csat")
def pandas_mean_skips_nan(w):
    return w.invitees["csat"].mean()


@corpus.right("naive_csat")
def one_cell_table(w):
    return w.db.sql("SELECT AVG(csat) AS csat FROM surveys WHERE survey = 'app_csat' AND responded_ts IS NOT NULL")


@corpus.wrong("naive_csat", reason=r"Known mistake: This averages both surveys")
def every_survey(w):
    return w.one("SELECT AVG(csat) FROM surveys")


@corpus.wrong("naive_csat", reason=r"higher|lower")
def median_answer(w):
    return float(w.invitees["csat"].median())


@corpus.wrong("naive_csat", reason=r"significant figures")
def rounded_for_the_slide(w):
    return round(float(w.invitees["csat"].mean()), 1)


# --- reweighted_csat ------------------------------------------------------------------------------------------------

@corpus.right("reweighted_csat")
def post_stratified_normal_interval(w):
    _, low, high = w.reweighted()
    return low, high


@corpus.right("reweighted_csat")
def stratified_bootstrap_as_a_dict(w):
    rng = np.random.default_rng(8)
    answered = w.invitees.dropna(subset=["csat"])
    d = w.deciles()
    d = d[d["respondents"] > 0]
    weight = d["invitees"] / d["invitees"].sum()
    groups = {k: g["csat"].to_numpy() for k, g in answered.groupby("decile")}
    boots = sum(weight[k] * rng.choice(groups[k], size=(2000, len(groups[k]))).mean(axis=1) for k in d.index)
    low, high = np.percentile(boots, [2.5, 97.5])
    return {"low": low, "high": high}


@corpus.right("reweighted_csat")
def sql_post_stratification(w):
    w.db.register("invitees_08", w.invitees[["decile", "csat"]])
    return w.db.sql("""
        WITH per AS (SELECT decile, COUNT(*) AS n, COUNT(csat) AS r, AVG(csat) AS m FROM invitees_08 GROUP BY decile
                     HAVING COUNT(csat) > 0),
        tot AS (SELECT SUM(n) AS n FROM per),
        est AS (SELECT SUM(per.n * m) / tot.n AS e,
                       (SELECT STDDEV_SAMP(csat) FROM invitees_08) * SQRT(SUM((per.n / tot.n) ^ 2 / r)) AS se
                FROM per, tot GROUP BY tot.n)
        SELECT e - 1.96 * se AS low, e + 1.96 * se AS high FROM est""").fetchall()[0]


@corpus.wrong("reweighted_csat", reason=r"Known mistake: This interval is around the respondents' mean")
def respondents_mean_interval(w):
    csat = w.invitees["csat"].dropna()
    se = csat.std() / np.sqrt(len(csat))
    return csat.mean() - Z95 * se, csat.mean() + Z95 * se


@corpus.wrong("reweighted_csat", reason=r"narrow")
def one_standard_error_each_side_halved(w):
    _, low, high = w.reweighted(z=0.5)
    return low, high


@corpus.wrong("reweighted_csat", reason=r"wide")
def five_standard_errors_each_side(w):
    _, low, high = w.reweighted(z=5.0)
    return low, high


# --- nps ------------------------------------------------------------------------------------------------------------

def nps_frame(w: Bench, promoter: int = 9, scale: float = 100.0) -> pd.DataFrame:
    answered = w.invitees.dropna(subset=["nps"])
    kind = np.select([answered["nps"] >= promoter, answered["nps"] >= 7], ["promoters", "passives"], "detractors")
    counts = pd.crosstab(answered["platform"], kind).reindex(columns=["detractors", "passives", "promoters"],
                                                             fill_value=0)
    score = scale * (counts["promoters"] - counts["detractors"]) / counts.sum(axis=1)
    return counts.assign(nps=score).reset_index()


@corpus.right("nps")
def pandas_cut_and_crosstab(w):
    return nps_frame(w)


@corpus.right("nps")
def sql_avg_of_plus_minus_one(w):
    return w.db.sql("""
        SELECT u.platform::VARCHAR AS platform, 100 * AVG(CASE WHEN nps >= 9 THEN 1 WHEN nps <= 6 THEN -1 ELSE 0 END)
                   AS nps,
               SUM((nps <= 6)::INT) AS detractors, SUM((nps >= 9)::INT) AS promoters,
               SUM((nps IN (7, 8))::INT) AS passives
        FROM surveys s JOIN users u USING (user_id) WHERE s.survey = 'app_csat' AND nps IS NOT NULL GROUP BY 1""")


@corpus.right("nps")
def list_of_dicts(w):
    return nps_frame(w).to_dict("records")


@corpus.wrong("nps", reason=r"percentage|x ?100|100 times")
def score_as_a_fraction(w):
    return nps_frame(w, scale=1.0)


@corpus.wrong("nps", reason=r"'promoters'")
def sevens_and_eights_as_promoters(w):
    return nps_frame(w, promoter=7)


@corpus.wrong("nps", reason=r"Known mistake: This is the mean 0-10 answer")
def mean_answer(w):
    return nps_frame(w).assign(nps=w.invitees.groupby("platform")["nps"].mean().to_numpy())


# --- themes_by_segment ----------------------------------------------------------------------------------------------

def theme_shares(w: Bench, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    f = w.comments if frame is None else frame
    counts = f.groupby(["platform", "device_tier", "theme"]).size().rename("comments").reset_index()
    segment = counts.groupby(["platform", "device_tier"])["comments"].transform("sum")
    return counts.assign(share=counts["comments"] / segment)


@corpus.right("themes_by_segment")
def pandas_groupby_transform(w):
    return theme_shares(w)


@corpus.right("themes_by_segment")
def sql_window_in_one_select(w):
    return w.db.sql("""
        SELECT platform, device_tier, theme, comments,
               comments / SUM(comments) OVER (PARTITION BY platform, device_tier) AS share
        FROM (SELECT u.platform::VARCHAR AS platform, u.device_tier::VARCHAR AS device_tier, s.theme,
                     COUNT(s.comment) AS comments
              FROM surveys s JOIN users u USING (user_id)
              WHERE s.survey = 'app_csat' AND s.comment IS NOT NULL GROUP BY 1, 2, 3)""")


@corpus.right("themes_by_segment")
def value_counts_normalised_per_segment(w):
    parts = []
    for (platform, tier), g in w.comments.groupby(["platform", "device_tier"]):
        shares = g["theme"].value_counts(normalize=True).rename("share")
        counts = g["theme"].value_counts().rename("comments")
        parts.append(pd.concat([counts, shares], axis=1).rename_axis("theme").reset_index()
                     .assign(platform=platform, device_tier=tier))
    return pd.concat(parts)[["share", "comments", "theme", "device_tier", "platform"]]


@corpus.wrong("themes_by_segment", reason=r"percentage|x ?100|100 times")
def share_in_percent(w):
    frame = theme_shares(w)
    return frame.assign(share=100 * frame["share"])


@corpus.wrong("themes_by_segment", reason=r"Known mistake: The shares are of all the survey's comments")
def share_of_all_comments(w):
    frame = theme_shares(w)
    return frame.assign(share=frame["comments"] / frame["comments"].sum())


@corpus.wrong("themes_by_segment", reason=r"'comments'|row")
def both_surveys(w):
    both = w.sql("""SELECT u.platform::VARCHAR AS platform, u.device_tier::VARCHAR AS device_tier, s.theme
                    FROM surveys s JOIN users u USING (user_id) WHERE s.theme IS NOT NULL""")
    return theme_shares(w, both)


# --- priority_segment -----------------------------------------------------------------------------------------------

@corpus.right("priority_segment")
def the_letter(w):
    return "b"


@corpus.right("priority_segment")
def upper_case(w):
    return "B"


@corpus.right("priority_segment")
def with_spaces(w):
    return " b "


@corpus.wrong("priority_segment", reason=r"Known mistake: The heaviest users")
def heaviest_users(w):
    return "a"


@corpus.wrong("priority_segment", reason=r"not the right option")
def high_tier_iphones(w):
    return "C"


# --- decile_chart ---------------------------------------------------------------------------------------------------

def decile_lines(w: Bench, rate_scale: float = 1.0, title: str = "Response and satisfaction by decile") -> plt.Figure:
    d = w.deciles().reset_index()
    fig, ax = plt.subplots()
    ax.plot(d["decile"], rate_scale * d["response_rate"], label="response rate")
    ax.set_ylim(bottom=0)
    right = ax.twinx()
    right.plot(d["decile"], d["mean_csat"], "r--", label="mean CSAT")
    right.set_ylim(bottom=0)
    ax.set(title=title, xlabel="decile", ylabel="response rate")
    right.set_ylabel("CSAT")
    return fig


@corpus.right("decile_chart")
def two_axes_by_hand(w):
    return decile_lines(w)


@corpus.right("decile_chart")
def pandas_plot_on_two_axes_as_axes(w):
    d = w.deciles().reset_index().rename(columns={"response_rate": "response rate", "mean_csat": "mean CSAT"})
    ax = d.plot(x="decile", y="response rate", title="Who answers, and how happy", ylim=(0, 1))
    other = ax.twinx()
    d.plot(x="decile", y="mean CSAT", ax=other, color="orange", ylim=(0, 5))
    ax.set_ylabel("rate")
    return ax


@corpus.right("decile_chart")
def both_lines_on_one_axis_from_zero(w):
    d = w.deciles().reset_index()
    fig, ax = plt.subplots()
    ax.plot(d["decile"], d["response_rate"], marker="o", label="response rate")
    ax.plot(d["decile"], d["mean_csat"], marker="s", label="mean CSAT")
    ax.set(title="Deciles", xlabel="Engagement decile", ylabel="rate / CSAT", ylim=(0, 5))
    return fig, ax


@corpus.wrong("decile_chart", reason=r"title")
def no_title(w):
    return decile_lines(w, title="")


@corpus.wrong("decile_chart", reason=r"differ")
def rate_in_percent_on_the_chart(w):
    return decile_lines(w, rate_scale=100.0)


@corpus.wrong("decile_chart", reason=r"series")
def only_the_response_rate(w):
    d = w.deciles().reset_index()
    fig, ax = plt.subplots()
    ax.plot(d["decile"], d["response_rate"], label="response rate")
    ax.set(title="Response", xlabel="decile", ylabel="rate", ylim=(0, 1))
    return fig


# --- investigate ----------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def the_option(w):
    return "b"


@corpus.right("investigate")
def option_upper_case(w):
    return "B"


@corpus.right("investigate")
def option_with_spaces(w):
    return "  b"


@corpus.wrong("investigate", reason=r"Known mistake: The respondents are mostly heavy users")
def take_the_dashboard_at_its_word(w):
    return "a"


@corpus.wrong("investigate", reason=r"Known mistake: A low response rate")
def give_up(w):
    return "c"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
