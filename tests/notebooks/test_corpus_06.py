"""Module 06's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support.corpus import BOUNDS, ROW_COUNT, Corpus, Workbench

MODULE = "06_data_accuracy"
corpus = Corpus(MODULE)
OFFSET_S = "epoch(timezone(u.timezone, e.received_ts AT TIME ZONE 'UTC')::TIMESTAMP) - epoch(e.received_ts)"
DIFFERS = r"differ|unexpected|missing|wrong row"


class Bench(Workbench):
    """Module 06's shared intermediates: events with their lag and the user's UTC offset, views per build."""

    @cached_property
    def lags(self) -> pd.DataFrame:
        """One row per event (unique_events): user, build, name, lag_s, offset_s, local hour of receipt."""
        return self.sql(f"""
            SELECT e.user_id, e.platform::VARCHAR AS platform, e.app_version, e.event_name::VARCHAR AS event_name,
                   e.event_ts, e.received_ts, epoch(e.received_ts) - epoch(e.event_ts) AS lag_s, {OFFSET_S} AS offset_s,
                   hour(timezone(u.timezone, e.received_ts AT TIME ZONE 'UTC')) AS local_hour
            FROM unique_events e JOIN users u USING (user_id)""")

    @cached_property
    def views(self) -> pd.DataFrame:
        """Every video_view row of events (copies included)."""
        return self.sql("""SELECT event_id, platform::VARCHAR AS platform, app_version, event_ts, received_ts
                           FROM events WHERE event_name = 'video_view'""")

    @cached_property
    def tz_build(self) -> tuple[str, str]:
        """The iOS build whose events carry the local-as-UTC fingerprint most often."""
        ios = self.lags[self.lags["platform"] == "ios"]
        hit = (ios["offset_s"] != 0) & ((ios["lag_s"] + ios["offset_s"]).abs() < 60)
        return hit.groupby([ios["platform"], ios["app_version"]]).mean().idxmax()

    def opens_peak(self, hours: pd.Series) -> int:
        """The most frequent of `hours` among the tz build's app opens (rows of self.lags)."""
        platform, version = self.tz_build
        opens = (self.lags["event_name"] == "app_open") & (self.lags["platform"] == platform) & (
            self.lags["app_version"] == version)
        return int(hours[opens].value_counts().idxmax())


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- 1. duplicate_rows ----------------------------------------------------------------------------------------------

@corpus.right("duplicate_rows")
def pandas_rows_minus_unique_ids(w):
    ids = w.sql("SELECT event_id FROM events")["event_id"]
    return len(ids) - ids.nunique()


@corpus.right("duplicate_rows")
def row_number_beyond_the_first(w):
    return w.db.sql("""SELECT COUNT(*) AS n FROM (SELECT row_number() OVER (PARTITION BY event_id
                       ORDER BY received_ts) AS k FROM events) WHERE k > 1""")


@corpus.right("duplicate_rows")
def rows_minus_unique_events_as_a_row_tuple(w):
    return w.db.sql("SELECT (SELECT COUNT(*) FROM events) - (SELECT COUNT(*) FROM unique_events)").fetchall()[0]


@corpus.wrong("duplicate_rows", reason=r"lower")
def event_ids_that_have_copies(w):
    return w.one("SELECT COUNT(*) FROM (SELECT event_id FROM events GROUP BY event_id HAVING COUNT(*) > 1)")


@corpus.wrong("duplicate_rows", reason=r"higher")
def every_row_of_a_repeated_id(w):
    return w.one("""SELECT COUNT(*) FROM events WHERE event_id IN
                    (SELECT event_id FROM events GROUP BY event_id HAVING COUNT(*) > 1)""")


# --- 2. double_logged_build -----------------------------------------------------------------------------------------

def rows_per_view(w) -> pd.Series:
    grouped = w.views.groupby(["platform", "app_version"])["event_id"]
    return grouped.size() / grouped.nunique()


@corpus.right("double_logged_build")
def sql_order_by_limit_1(w):
    return w.db.sql("""SELECT platform, app_version FROM events WHERE event_name = 'video_view'
                       GROUP BY ALL ORDER BY COUNT(*) / COUNT(DISTINCT event_id) DESC LIMIT 1""")


@corpus.right("double_logged_build")
def pandas_idxmax_as_a_dict(w):
    platform, version = rows_per_view(w).idxmax()
    return {"platform": platform, "app_version": version}


@corpus.right("double_logged_build")
def copies_with_their_own_event_ts_as_a_series(w):
    firsts = w.views.sort_values("received_ts").drop_duplicates("event_id")
    seconds = w.views.merge(firsts[["event_id", "event_ts"]], on="event_id", suffixes=("", "_first"))
    seconds = seconds[seconds["event_ts"] != seconds["event_ts_first"]]
    return seconds.groupby(["app_version", "platform"]).size().sort_values().tail(1).reset_index().iloc[0][
        ["app_version", "platform"]]


@corpus.wrong("double_logged_build", reason=DIFFERS)
def the_same_version_on_the_other_platform(w):
    platform, version = rows_per_view(w).idxmax()
    return {"platform": "ios" if platform == "android" else "android", "app_version": version}


@corpus.wrong("double_logged_build", reason=ROW_COUNT)
def every_build_above_one_row_per_view(w):
    ratio = rows_per_view(w)
    return ratio[ratio > 1].reset_index()[["platform", "app_version"]]


# --- 3. tz_bug_build ------------------------------------------------------------------------------------------------

@corpus.right("tz_bug_build")
def pandas_fingerprint_and_peak(w):
    platform, version = w.tz_build
    return {"platform": platform, "app_version": version, "peak_hour": w.opens_peak(w.lags["local_hour"])}


@corpus.right("tz_bug_build")
def sql_median_shift_equals_the_offset_columns_reordered(w):
    platform, version = w.tz_build   # the same build found by the median shift per build, in SQL
    found = w.db.sql(f"""
        SELECT e.platform, e.app_version FROM unique_events e JOIN users u USING (user_id) WHERE e.platform = 'ios'
        GROUP BY ALL ORDER BY AVG(CASE WHEN abs(epoch(e.event_ts) - epoch(e.received_ts) - ({OFFSET_S})) < 60
                                        AND ({OFFSET_S}) <> 0 THEN 1 ELSE 0 END) DESC LIMIT 1""").fetchall()[0]
    assert found == (platform, version)
    return pd.DataFrame({"peak_hour": [w.opens_peak(w.lags["local_hour"])], "app_version": [version],
                         "platform": [platform]})


@corpus.right("tz_bug_build")
def local_hour_in_pandas_time_zones(w):
    platform, version = w.tz_build
    opens = w.sql(f"""SELECT e.received_ts, u.timezone FROM unique_events e JOIN users u USING (user_id)
                      WHERE e.event_name = 'app_open' AND e.platform = '{platform}' AND e.app_version = '{version}'""")
    hours = pd.concat(g["received_ts"].dt.tz_localize("UTC").dt.tz_convert(zone).dt.hour
                      for zone, g in opens.groupby("timezone"))
    return pd.Series({"platform": platform, "app_version": version, "peak_hour": int(hours.value_counts().idxmax())})


@corpus.wrong("tz_bug_build", reason=DIFFERS)
def the_android_build_of_that_number(w):
    _, version = w.tz_build
    return {"platform": "android", "app_version": version, "peak_hour": w.opens_peak(w.lags["local_hour"])}


@corpus.wrong("tz_bug_build", reason=r"lower|higher")
def peak_on_a_12_hour_clock(w):
    platform, version = w.tz_build
    return {"platform": platform, "app_version": version, "peak_hour": w.opens_peak(w.lags["local_hour"]) % 12}


# --- 4. skewed_clock_users ------------------------------------------------------------------------------------------

def per_user(w, without_tz_build: bool = True) -> pd.DataFrame:
    """Per user: median lag and its interquartile range (by default without question 3's build)."""
    lags = w.lags
    if without_tz_build:
        lags = lags[(lags["platform"] != w.tz_build[0]) | (lags["app_version"] != w.tz_build[1])]
    grouped = lags.groupby("user_id")["lag_s"]
    return pd.DataFrame({"median": grouped.median(), "iqr": grouped.quantile(0.75) - grouped.quantile(0.25)})


@corpus.right("skewed_clock_users")
def pandas_median_and_iqr(w):
    users = per_user(w)
    return set(users.index[(users["median"].abs() > 1800) & (users["iqr"] < 600)])


@corpus.right("skewed_clock_users")
def sql_rule_as_a_series(w):
    platform, version = w.tz_build
    return w.sql(f"""
        SELECT user_id FROM unique_events
        WHERE platform <> '{platform}' OR app_version <> '{version}'
        GROUP BY user_id
        HAVING abs(median(epoch(received_ts) - epoch(event_ts))) > 1800
           AND quantile_cont(epoch(received_ts) - epoch(event_ts), 0.75)
               - quantile_cont(epoch(received_ts) - epoch(event_ts), 0.25) < 600""")["user_id"]


@corpus.right("skewed_clock_users")
def a_looser_spread_of_15_minutes_as_a_list(w):
    users = per_user(w)
    return list(users.index[(users["median"].abs() > 1800) & (users["iqr"] < 900)])


@corpus.wrong("skewed_clock_users", reason=r"precision")
def a_large_median_alone_on_every_build(w):
    users = per_user(w, without_tz_build=False)
    return set(users.index[users["median"].abs() > 1800])


@corpus.wrong("skewed_clock_users", reason=r"recall")
def only_clocks_off_by_days(w):
    users = per_user(w)
    return set(users.index[(users["median"].abs() > 86400) & (users["iqr"] < 600)])


# --- 5. late_restatement --------------------------------------------------------------------------------------------

RESTATEMENT = f"""
    WITH {BOUNDS}
    SELECT CAST(event_ts AS DATE) AS day,
           COUNT(*) FILTER (WHERE received_ts < CAST(event_ts AS DATE) + INTERVAL 1 DAY + INTERVAL {{cutoff}})
               AS reported,
           COUNT(*) AS final
    FROM unique_events, bounds WHERE event_ts >= window_start AND event_ts < window_end GROUP BY 1 ORDER BY 1"""


@corpus.right("late_restatement")
def sql_with_interval_arithmetic(w):
    return w.sql(RESTATEMENT.format(cutoff="9 HOUR"))


@corpus.right("late_restatement")
def pandas_from_unique_events(w):
    start, end = w.window
    events = w.lags[(w.lags["event_ts"] >= start) & (w.lags["event_ts"] < end)]
    day = events["event_ts"].dt.normalize()
    on_time = events["received_ts"] < day + pd.Timedelta(hours=33)
    return pd.DataFrame({"reported": on_time.groupby(day).sum(), "final": day.groupby(day).size()}
                        ).rename_axis("day").reset_index()


@corpus.right("late_restatement")
def a_relation_with_columns_reordered(w):
    return w.db.sql(f"SELECT final, reported, day FROM ({RESTATEMENT.format(cutoff='9 HOUR')})")


@corpus.wrong("late_restatement", reason=r"'reported'")
def reported_at_midnight(w):
    return w.sql(RESTATEMENT.format(cutoff="0 HOUR"))


@corpus.wrong("late_restatement", reason=ROW_COUNT + "|" + DIFFERS)
def every_day_of_event_ts_including_outside_the_window(w):
    return w.sql(RESTATEMENT.format(cutoff="9 HOUR").replace(
        "WHERE event_ts >= window_start AND event_ts < window_end", ""))


# --- 6. audit -------------------------------------------------------------------------------------------------------

def audit_counts(w, lags: pd.DataFrame | None = None) -> dict[str, int]:
    start, end = w.window
    events = w.lags if lags is None else lags
    signup = events["user_id"].map(w.sql("SELECT user_id, signup_ts FROM users").set_index("user_id")["signup_ts"])
    return {"duplicate_event_ids": w.one("SELECT COUNT(*) - COUNT(DISTINCT event_id) FROM events"),
            "before_signup": int((events["event_ts"] < signup).sum()),
            "outside_window": int(((events["event_ts"] < start) | (events["event_ts"] >= end)).sum()),
            "received_before_sent": int((events["lag_s"] < -300).sum()),
            "unknown_user": int(signup.isna().sum()),
            "missing_fields": int(events[["user_id", "event_name", "event_ts", "received_ts"]].isna().any(axis=1)
                                  .sum())}


@corpus.right("audit")
def pandas_dict_to_frame(w):
    return pd.Series(audit_counts(w), name="failing_rows").rename_axis("check").reset_index()


@corpus.right("audit")
def list_of_dicts(w):
    return [{"check": name, "failing_rows": n} for name, n in audit_counts(w).items()]


@corpus.right("audit")
def sql_union_all(w):
    return w.db.sql(f"""
        WITH {BOUNDS}, e AS (SELECT * FROM unique_events)
        SELECT 'duplicate_event_ids' AS "check",
               (SELECT COUNT(*) - COUNT(DISTINCT event_id) FROM events) AS failing_rows
        UNION ALL SELECT 'before_signup', COUNT(*) FROM e JOIN users USING (user_id) WHERE e.event_ts < users.signup_ts
        UNION ALL SELECT 'outside_window', COUNT(*) FROM e, bounds
                  WHERE e.event_ts < window_start OR e.event_ts >= window_end
        UNION ALL SELECT 'received_before_sent', COUNT(*) FROM e WHERE received_ts < event_ts - INTERVAL 5 MINUTE
        UNION ALL SELECT 'unknown_user', COUNT(*) FROM e WHERE user_id NOT IN (SELECT user_id FROM users)
        UNION ALL SELECT 'missing_fields', COUNT(*) FROM e
                  WHERE event_id IS NULL OR user_id IS NULL OR event_name IS NULL OR event_ts IS NULL
                     OR received_ts IS NULL""")


@corpus.wrong("audit", reason=ROW_COUNT + "|missing")
def without_the_duplicate_check(w):
    counts = audit_counts(w)
    counts.pop("duplicate_event_ids")
    return [{"check": name, "failing_rows": n} for name, n in counts.items()]


@corpus.wrong("audit", reason=r"'failing_rows'|higher")
def received_before_sent_with_a_tolerance_of_zero_seconds_on_skewed_minutes(w):
    counts = audit_counts(w)
    counts["received_before_sent"] = int((w.lags["lag_s"] < 0).sum())
    counts["before_signup"] += counts["outside_window"]   # and one check double counted into another
    return [{"check": name, "failing_rows": n} for name, n in counts.items()]


# --- 7. accuracy_chart ----------------------------------------------------------------------------------------------

def daily_views(w) -> pd.DataFrame:
    start, end = w.window
    views = w.views[(w.views["event_ts"] >= start) & (w.views["event_ts"] < end)]
    day = views["event_ts"].dt.normalize()
    return pd.DataFrame({"raw": day.groupby(day).size(), "cleaned": views["event_id"].groupby(day).nunique()})


def release(w) -> pd.Timestamp:
    platform, version = rows_per_view(w).idxmax()
    return pd.Timestamp(w.one(f"""SELECT release_ts FROM app_releases
                                  WHERE platform = '{platform}' AND app_version = '{version}'"""))


def labelled(ax, released: pd.Timestamp | None, y_from_zero: bool = True):
    """Title, labels, y from 0 and the release annotated (unless `released` is None)."""
    ax.set(title="Views: raw and deduplicated", xlabel="Day", ylabel="Views per day")
    if y_from_zero:
        ax.set_ylim(bottom=0)
    if released is not None:
        ax.annotate("buggy build", xy=(released, 0))
    return ax


@corpus.right("accuracy_chart")
def pandas_plot_of_both_columns(w):
    return labelled(daily_views(w).plot(), release(w))


@corpus.right("accuracy_chart")
def two_plot_calls_with_text(w):
    daily = daily_views(w)
    fig, ax = plt.subplots()
    ax.plot(daily.index, daily["raw"], label="raw")
    ax.plot(daily.index, daily["cleaned"], label="cleaned")
    ax.text(release(w), daily["raw"].max(), "release")
    ax.set(title="Daily views", xlabel="Day", ylabel="Views")
    ax.set_ylim(0, None)
    return fig


@corpus.right("accuracy_chart")
def from_sql_with_a_legend_and_a_fig_ax_pair(w):
    daily = w.sql(f"""WITH {BOUNDS} SELECT CAST(event_ts AS DATE) AS day, COUNT(*) AS raw,
                      COUNT(DISTINCT event_id) AS cleaned FROM events, bounds
                      WHERE event_name = 'video_view' AND event_ts >= window_start AND event_ts < window_end
                      GROUP BY 1 ORDER BY 1""")
    fig, ax = plt.subplots()
    for column in ("raw", "cleaned"):
        ax.plot(daily["day"], daily[column], label=column)
    ax.legend()
    ax.annotate("double logging", xy=(release(w), daily["cleaned"].min()))
    ax.set(title="Views", xlabel="Date", ylabel="Views")
    ax.set_ylim(bottom=0)
    return fig, ax


@corpus.wrong("accuracy_chart", reason=r"annotat|text")
def no_annotation(w):
    return labelled(daily_views(w).plot(), None)


@corpus.wrong("accuracy_chart", reason=r"starts at|from 0|y-axis")
def zoomed_y_axis(w):
    ax = labelled(daily_views(w).plot(), release(w), y_from_zero=False)
    ax.set_ylim(bottom=daily_views(w)["cleaned"].min() * 0.9)
    return ax


# --- 8. investigate -------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def lower_case(w):
    return "b"


@corpus.right("investigate")
def upper_case(w):
    return "B"


@corpus.right("investigate")
def padded(w):
    return " b "


@corpus.wrong("investigate", reason=r"not the right option")
def bots(w):
    return "c"


@corpus.wrong("investigate", reason=r"not the right option")
def the_time_zone_build(w):
    return "d"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
