"""Module 04's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import BOUNDS, ROW_COUNT, Corpus, Workbench

MODULE = "04_feature_friction"
corpus = Corpus(MODULE)
STEPS = ("camera_open", "record_start", "edit_open", "post_publish")
TIMES = ("camera_ts", "record_ts", "edit_ts", "publish_ts")
# module 02's sessions over the window's deduplicated user-initiated events, keeping the creation-flow steps
CREATION_STEPS = f"""
    CREATE OR REPLACE TEMP VIEW creation_steps AS
    WITH {BOUNDS},
    a AS (SELECT e.user_id, e.event_name, e.event_ts, CAST(e.app_version AS VARCHAR) AS app_version,
                 COALESCE(e.event_ts - LAG(e.event_ts) OVER (PARTITION BY e.user_id ORDER BY e.event_ts)
                          > INTERVAL 30 MINUTE, TRUE)::INT AS new
          FROM unique_events e, bounds
          WHERE e.event_name <> 'push_received' AND e.event_ts >= window_start AND e.event_ts < window_end),
    n AS (SELECT *, SUM(new) OVER (PARTITION BY user_id ORDER BY event_ts ROWS UNBOUNDED PRECEDING) AS session FROM a)
    SELECT user_id, session, event_name, event_ts, app_version FROM n
    WHERE event_name IN ('camera_open', 'record_start', 'edit_open', 'post_publish')
"""
# per session, each step's first time at or after the previous one's (SQL route)
IN_ORDER = """
    WITH c AS (SELECT user_id, session, MIN(event_ts) AS camera_ts FROM creation_steps
               WHERE event_name = 'camera_open' GROUP BY ALL),
    r AS (SELECT c.user_id, c.session, MIN(s.event_ts) AS record_ts, arg_min(s.app_version, s.event_ts) AS app_version
          FROM c JOIN creation_steps s USING (user_id, session)
          WHERE s.event_name = 'record_start' AND s.event_ts >= c.camera_ts GROUP BY ALL),
    ed AS (SELECT r.user_id, r.session, MIN(s.event_ts) AS edit_ts FROM r JOIN creation_steps s USING (user_id, session)
           WHERE s.event_name = 'edit_open' AND s.event_ts >= r.record_ts GROUP BY ALL),
    p AS (SELECT ed.user_id, ed.session, MIN(s.event_ts) AS publish_ts
          FROM ed JOIN creation_steps s USING (user_id, session)
          WHERE s.event_name = 'post_publish' AND s.event_ts >= ed.edit_ts GROUP BY ALL),
    sessions AS (SELECT * FROM c LEFT JOIN r USING (user_id, session) LEFT JOIN ed USING (user_id, session)
                 LEFT JOIN p USING (user_id, session))
"""
REDESIGN = "(SELECT release_ts FROM app_releases WHERE platform = 'android' AND app_version = '8.66.0')"


class Bench(Workbench):
    """Module 04's shared intermediates, built in pandas: in-order creation sessions, users, survey answers."""

    @cached_property
    def steps(self) -> pd.DataFrame:
        self.db.execute(CREATION_STEPS)
        return self.sql("SELECT * FROM creation_steps")

    @cached_property
    def redesign_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.one(REDESIGN))

    @cached_property
    def releases(self) -> pd.DataFrame:
        return self.sql("SELECT platform::VARCHAR AS platform, app_version::VARCHAR AS app_version, "
                        "release_ts AS version_ts FROM app_releases")

    @cached_property
    def users(self) -> pd.DataFrame:
        return self.sql("SELECT user_id, platform::VARCHAR AS platform, device_tier::VARCHAR AS device_tier, "
                        "signup_ts FROM users")

    @cached_property
    def sessions(self) -> pd.DataFrame:
        """One row per session with a camera_open: each step's first time at or after the previous step's."""
        keys = ["user_id", "session"]
        table = (self.steps[self.steps["event_name"] == "camera_open"].groupby(keys)["event_ts"].min()
                 .rename("camera_ts").reset_index())
        previous = "camera_ts"
        for step, column in zip(STEPS[1:], TIMES[1:], strict=True):
            later = table.dropna(subset=[previous])[[*keys, previous]].merge(
                self.steps[self.steps["event_name"] == step], on=keys)
            later = later[later["event_ts"] >= later[previous]].sort_values("event_ts").groupby(keys).first()
            picked = later[["event_ts", "app_version"]] if step == "record_start" else later[["event_ts"]]
            table = table.merge(picked.rename(columns={"event_ts": column}).reset_index(), on=keys, how="left")
            previous = column
        return table

    @cached_property
    def recorded(self) -> pd.DataFrame:
        """Sessions with an in-order recording, with the user's segment, whether they edited, the version's release."""
        rec = self.sessions.dropna(subset=["record_ts"]).merge(self.users, on="user_id")
        rec = rec.merge(self.releases, on=["platform", "app_version"], how="left")
        return rec.assign(edited=rec["edit_ts"].notna(), segment=rec["platform"] + "/" + rec["device_tier"])

    @cached_property
    def segment(self) -> str:
        before = self.recorded[self.recorded["record_ts"] < self.redesign_ts]
        rates = before.groupby("segment")["edited"].agg(["size", "mean"])
        return rates.loc[rates["size"] >= 15, "mean"].idxmin()

    @cached_property
    def android(self) -> pd.DataFrame:
        rec = self.recorded[self.recorded["platform"] == "android"]
        return rec.assign(group=np.where(rec["segment"] == self.segment, "segment", "rest"),
                          period=np.where(rec["version_ts"] >= self.redesign_ts, "after", "before"))

    @cached_property
    def answers(self) -> pd.DataFrame:
        """Answered creation surveys with the version the phone ran then, tenure and both period splits."""
        answers = self.sql("""
            SELECT s.user_id, s.sent_ts, s.csat, v.app_version::VARCHAR AS app_version
            FROM (SELECT * FROM surveys WHERE survey = 'creation_csat' AND csat IS NOT NULL) s
            ASOF LEFT JOIN (SELECT DISTINCT user_id, event_ts, app_version FROM events) v
                ON s.user_id = v.user_id AND s.sent_ts >= v.event_ts""")
        answers = answers.merge(self.users, on="user_id").merge(self.releases, on=["platform", "app_version"],
                                                                 how="left")
        return answers.assign(newcomer=answers["sent_ts"] - answers["signup_ts"] < pd.Timedelta(days=30),
                              after=answers["version_ts"] >= self.redesign_ts,
                              after_date=answers["sent_ts"] >= self.redesign_ts,
                              segment=answers["platform"] + "/" + answers["device_tier"])


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- 1. creation_funnel ---------------------------------------------------------------------------------------------

def funnel(users: list[int]) -> pd.DataFrame:
    users = pd.Series(users, dtype="int64")
    return pd.DataFrame({"step": STEPS, "users": users, "step_conversion": users / users.shift(fill_value=users[0]),
                         "overall_conversion": users / users[0]})


@corpus.right("creation_funnel")
def pandas_sessions_then_nunique(w):
    return funnel([w.sessions.loc[w.sessions[c].notna(), "user_id"].nunique() for c in TIMES])


@corpus.right("creation_funnel")
def sql_counts_and_window_ratios_as_a_relation(w):
    return w.db.sql(IN_ORDER + """,
        counts AS (SELECT * FROM (VALUES (1, 'camera_open'), (2, 'record_start'), (3, 'edit_open'), (4, 'post_publish'))
                   AS t(k, step),
                   LATERAL (SELECT COUNT(DISTINCT user_id) FILTER (WHERE CASE k WHEN 1 THEN camera_ts
                            WHEN 2 THEN record_ts WHEN 3 THEN edit_ts ELSE publish_ts END IS NOT NULL) AS users
                            FROM sessions))
        SELECT step, users, users / COALESCE(LAG(users) OVER (ORDER BY k), users) AS step_conversion,
               users / FIRST_VALUE(users) OVER (ORDER BY k) AS overall_conversion
        FROM counts ORDER BY k""")


@corpus.right("creation_funnel")
def columns_in_another_order_steps_reversed(w):
    table = funnel([w.sessions.loc[w.sessions[c].notna(), "user_id"].nunique() for c in TIMES])
    return table[["overall_conversion", "step", "step_conversion", "users"]].iloc[::-1]


@corpus.wrong("creation_funnel", reason=ROW_COUNT)
def funnel_without_the_camera_step(w):
    return funnel([w.sessions.loc[w.sessions[c].notna(), "user_id"].nunique() for c in TIMES]).iloc[1:]


@corpus.wrong("creation_funnel", reason=r"100|percent")
def conversions_in_percent(w):
    table = funnel([w.sessions.loc[w.sessions[c].notna(), "user_id"].nunique() for c in TIMES])
    return table.assign(step_conversion=table["step_conversion"] * 100, overall_conversion=table["overall_conversion"]
                        * 100)


# --- 2. edit_rate_by_segment ----------------------------------------------------------------------------------------

def before_release(w) -> pd.DataFrame:
    return w.recorded[w.recorded["record_ts"] < w.redesign_ts]


@corpus.right("edit_rate_by_segment")
def pandas_groupby_with_a_named_index(w):
    return before_release(w).groupby(["platform", "device_tier"]).agg(sessions=("edited", "size"),
                                                                      edit_rate=("edited", "mean"))


@corpus.right("edit_rate_by_segment")
def sql_in_order_sessions_joined_to_users(w):
    return w.db.sql(IN_ORDER + f"""
        SELECT u.platform::VARCHAR AS platform, u.device_tier::VARCHAR AS device_tier, COUNT(*) AS sessions,
               AVG(CASE WHEN edit_ts IS NULL THEN 0 ELSE 1 END) AS edit_rate
        FROM sessions JOIN users u USING (user_id)
        WHERE record_ts IS NOT NULL AND record_ts < {REDESIGN}
        GROUP BY ALL""")


@corpus.right("edit_rate_by_segment")
def pivot_melted_back_with_columns_reordered(w):
    table = before_release(w).pivot_table(index="platform", columns="device_tier", values="edited",
                                          aggfunc=["size", "mean"])
    long = table.stack(future_stack=True).reset_index().dropna()
    long.columns = ["platform", "device_tier", "sessions", "edit_rate"]
    return long.astype({"sessions": "int64"})[["edit_rate", "device_tier", "sessions", "platform"]]


@corpus.wrong("edit_rate_by_segment", reason=r"'edit_rate'")
def drop_out_rate_instead(w):
    table = before_release(w).groupby(["platform", "device_tier"], as_index=False).agg(
        sessions=("edited", "size"), edit_rate=("edited", "mean"))
    return table.assign(edit_rate=1 - table["edit_rate"])


@corpus.wrong("edit_rate_by_segment", reason=r"'sessions'")
def before_by_version_instead_of_release_date(w):
    old = w.recorded[w.recorded["version_ts"] < w.redesign_ts]
    return old.groupby(["platform", "device_tier"], as_index=False).agg(sessions=("edited", "size"),
                                                                        edit_rate=("edited", "mean"))


# --- 3. struggling_segment ------------------------------------------------------------------------------------------

@corpus.right("struggling_segment")
def bench_segment(w):
    return w.segment


@corpus.right("struggling_segment")
def sql_order_by_rate_limit_1_upper_case(w):
    return w.one(IN_ORDER + f"""
        SELECT upper(u.platform::VARCHAR || '/' || u.device_tier::VARCHAR)
        FROM sessions JOIN users u USING (user_id)
        WHERE record_ts IS NOT NULL AND record_ts < {REDESIGN}
        GROUP BY ALL HAVING COUNT(*) >= 15 ORDER BY AVG((edit_ts IS NOT NULL)::INT) LIMIT 1""")


@corpus.right("struggling_segment")
def lowest_rate_with_padding(w):
    rates = before_release(w).groupby("segment")["edited"].agg(["size", "mean"])
    return f"  {rates[rates['size'] >= 15]['mean'].idxmin()} "


@corpus.wrong("struggling_segment", reason=r"not the right option")
def highest_rate_instead(w):
    rates = before_release(w).groupby("segment")["edited"].agg(["size", "mean"])
    return rates[rates["size"] >= 15]["mean"].idxmax()


@corpus.wrong("struggling_segment", reason=r"not the right option")
def the_other_platform(w):
    return "ios" if w.segment.startswith("android") else "android"


# --- 4. redesign_by_version -----------------------------------------------------------------------------------------

def by_version(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby(["group", "period"], as_index=False).agg(sessions=("edited", "size"),
                                                                 edit_rate=("edited", "mean"))


@corpus.right("redesign_by_version")
def pandas_from_the_bench(w):
    return by_version(w.android)


@corpus.right("redesign_by_version")
def sql_with_a_release_join(w):
    return w.db.sql(IN_ORDER + f"""
        SELECT CASE WHEN u.platform::VARCHAR || '/' || u.device_tier::VARCHAR = '{w.segment}' THEN 'segment'
                    ELSE 'rest' END AS "group",
               CASE WHEN r.release_ts >= {REDESIGN} THEN 'after' ELSE 'before' END AS period,
               COUNT(*) AS sessions, AVG((edit_ts IS NOT NULL)::DOUBLE) AS edit_rate
        FROM sessions JOIN users u USING (user_id)
             JOIN app_releases r ON r.platform = u.platform AND r.app_version::VARCHAR = sessions.app_version
        WHERE record_ts IS NOT NULL AND u.platform = 'android'
        GROUP BY ALL""")


@corpus.right("redesign_by_version")
def named_index_and_columns_swapped(w):
    return w.android.groupby(["period", "group"]).agg(edit_rate=("edited", "mean"), sessions=("edited", "size"))


@corpus.wrong("redesign_by_version", reason=r"'edit_rate'|'sessions'")
def segment_as_the_whole_tier_on_both_platforms(w):
    tier = w.segment.split("/")[1]
    rec = w.recorded.assign(group=np.where(w.recorded["device_tier"] == tier, "segment", "rest"),
                            period=np.where(w.recorded["version_ts"] >= w.redesign_ts, "after", "before"))
    return by_version(rec[(rec["group"] == "segment") | (rec["platform"] == "android")])


@corpus.wrong("redesign_by_version", reason=r"'edit_rate'")
def publish_rate_instead_of_edit_rate(w):
    return w.android.assign(edited=w.android["publish_ts"].notna()).pipe(by_version)


# --- 5. csat_lift ---------------------------------------------------------------------------------------------------

def lift(csat: pd.Series, after: pd.Series) -> float:
    return csat[after].mean() / csat[~after].mean() - 1


def standardised(rows: pd.DataFrame, weights: pd.Series) -> float:
    means = rows.pivot_table(index="newcomer", columns="after", values="csat", aggfunc="mean").dropna()
    weights = weights.reindex(means.index)
    return np.average(means[True], weights=weights) / np.average(means[False], weights=weights) - 1


def mine(w) -> pd.DataFrame:
    return w.answers[w.answers["segment"] == w.segment]


@corpus.right("csat_lift")
def pandas_with_np_average(w):
    rows = mine(w)
    return pd.DataFrame({"naive_lift": [lift(w.answers["csat"], w.answers["after_date"])],
                         "segment_lift": [lift(rows["csat"], rows["after"])],
                         "standardised_lift": [standardised(rows, rows["newcomer"].value_counts())]})


@corpus.right("csat_lift")
def a_dict_of_three_numbers(w):
    rows = mine(w)
    return {"standardised_lift": standardised(rows, rows["newcomer"].value_counts(normalize=True)),
            "naive_lift": lift(w.answers["csat"], w.answers["after_date"]),
            "segment_lift": lift(rows["csat"], rows["after"])}


@corpus.right("csat_lift")
def a_series_with_the_standardised_means_from_groupby_apply(w):
    rows = mine(w)
    cells = rows.groupby(["newcomer", "after"])["csat"].agg(["mean", "size"]).reset_index()
    both = cells.groupby("newcomer").filter(lambda g: len(g) == 2)
    share = rows["newcomer"].value_counts(normalize=True)
    weighted = both.assign(w=both["newcomer"].map(share)).groupby("after").apply(
        lambda g: (g["w"] * g["mean"]).sum() / g["w"].sum(), include_groups=False)
    return pd.Series({"naive_lift": lift(w.answers["csat"], w.answers["after_date"]),
                      "segment_lift": lift(rows["csat"], rows["after"]),
                      "standardised_lift": weighted[True] / weighted[False] - 1})


@corpus.wrong("csat_lift", reason=r"'segment_lift'")
def segment_change_in_points(w):
    rows = mine(w)
    return {"naive_lift": lift(w.answers["csat"], w.answers["after_date"]),
            "segment_lift": rows.loc[rows["after"], "csat"].mean() - rows.loc[~rows["after"], "csat"].mean(),
            "standardised_lift": standardised(rows, rows["newcomer"].value_counts())}


@corpus.wrong("csat_lift", reason=r"'naive_lift'")
def naive_over_the_segment_only(w):
    rows = mine(w)
    return {"naive_lift": lift(rows["csat"], rows["after_date"]), "segment_lift": lift(rows["csat"], rows["after"]),
            "standardised_lift": standardised(rows, rows["newcomer"].value_counts())}


# --- 6. decision_chart ----------------------------------------------------------------------------------------------

def rates(w, period_column: str = "period") -> pd.DataFrame:
    """Edit rate per period (columns before, after) and group (rows: the segment, then the rest of Android)."""
    table = w.android.pivot_table(index="group", columns=period_column, values="edited", aggfunc="mean")
    return table.loc[["segment", "rest"], ["before", "after"]].set_axis([w.segment, "rest of Android"])


def labelled(ax):
    ax.set(title="Edit rate before and after the redesign", xlabel="Segment", ylabel="Edit rate")
    ax.set_ylim(bottom=0)
    return ax


@corpus.right("decision_chart")
def pandas_grouped_bars_with_text(w):
    ax = rates(w).plot.bar(rot=0)
    ax.text(0, 0.9, "8.66.0 redesign")
    return labelled(ax)


@corpus.right("decision_chart")
def matplotlib_after_bars_drawn_first(w):
    table = rates(w)
    fig, ax = plt.subplots()
    x = np.arange(2)
    ax.bar(x + 0.2, table["after"], 0.4, label="after")
    ax.bar(x - 0.2, table["before"], 0.4, label="before")
    ax.set_xticks(x, table.index)
    ax.annotate("redesign", xy=(0.2, table["after"].iloc[0]), xytext=(0.6, 0.95), arrowprops={"arrowstyle": "->"})
    labelled(ax)
    return fig


@corpus.right("decision_chart")
def horizontal_grouped_bars(w):
    ax = rates(w).plot.barh()
    ax.set(title="Edit rate by app version", xlabel="Edit rate", ylabel="Segment")
    ax.annotate("redesign shipped in 8.66.0", xy=(0.5, 0))
    return ax


@corpus.wrong("decision_chart", reason=r"annotat|text")
def no_note_about_the_redesign(w):
    return labelled(rates(w).plot.bar(rot=0))


@corpus.wrong("decision_chart", reason=r"series")
def only_the_after_bars(w):
    ax = rates(w)[["after"]].plot.bar(rot=0)
    ax.text(0, 0.9, "redesign")
    return labelled(ax)


# --- 7. investigate -------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def from_the_newcomer_share_and_the_means_within_tenure(w):
    share = w.answers.groupby("after_date")["newcomer"].mean()
    return "newcomers" if share[True] > share[False] else "redesign"


@corpus.right("investigate")
def capitalised(w):
    return "Newcomers"


@corpus.right("investigate")
def with_spaces(w):
    return " newcomers "


@corpus.wrong("investigate", reason=r"not the right option")
def blames_ios(w):
    return "ios"


@corpus.wrong("investigate", reason=r"not the right option")
def blames_the_sample_size(w):
    return "fewer_answers"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
