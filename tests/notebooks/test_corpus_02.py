"""Module 02's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import BOUNDS, ROW_COUNT, Corpus, Workbench, local_dates

MODULE = "02_engagement_kpis"
corpus = Corpus(MODULE)
IN_WINDOW = "event_ts >= window_start AND event_ts < window_end"

SESSIONS_SQL = f"""
    WITH {BOUNDS},
    flagged AS (
        SELECT user_id, event_ts,
               CASE WHEN event_ts - LAG(event_ts) OVER w <= INTERVAL {{gap}} MINUTE THEN 0 ELSE 1 END AS is_start
        FROM unique_events, bounds
        WHERE event_name <> 'push_received' AND {IN_WINDOW}
        WINDOW w AS (PARTITION BY user_id ORDER BY event_ts)
    ),
    numbered AS (
        SELECT user_id, event_ts, SUM(is_start) OVER (PARTITION BY user_id ORDER BY event_ts) AS n FROM flagged
    ),
    sessions AS (
        SELECT user_id, n, MIN(event_ts) AS session_start, MAX(event_ts) AS session_end FROM numbered
        GROUP BY user_id, n
    )
"""


class Bench(Workbench):
    """Module 02's shared intermediates: sessions built in pandas, cohorts and local active days."""

    @cached_property
    def sessions(self) -> pd.DataFrame:
        """user_id, session_start, session_end: sessionised in pandas with diff() and cumsum()."""
        events = self.sql(f"""WITH {BOUNDS} SELECT user_id, event_ts FROM unique_events, bounds
                              WHERE event_name <> 'push_received' AND {IN_WINDOW}""")
        events = events.sort_values(["user_id", "event_ts"], kind="stable")
        gap = events.groupby("user_id")["event_ts"].diff()
        events["session"] = (gap.isna() | (gap > pd.Timedelta(minutes=30))).cumsum()
        return events.groupby(["user_id", "session"], as_index=False).agg(
            session_start=("event_ts", "min"), session_end=("event_ts", "max"))

    @cached_property
    def timed(self) -> pd.DataFrame:
        """The sessions with the user's platform and the duration in seconds."""
        platforms = self.sql("SELECT user_id, platform::VARCHAR AS platform FROM users")
        return self.sessions.merge(platforms, on="user_id").assign(
            duration_s=lambda d: (d["session_end"] - d["session_start"]) / np.timedelta64(1, "s"))

    @cached_property
    def bounds(self) -> dict:
        """first_day, last_day and last_full_day of the window, as pandas Timestamps."""
        start, end = self.window
        last_day = end.normalize() - pd.Timedelta(days=1)
        return {"first_day": start.normalize(), "last_day": last_day, "last_full_day": last_day - pd.Timedelta(days=1)}

    @cached_property
    def members(self) -> pd.DataFrame:
        """Users whose local signup day is inside the window: user_id, signup_day, cohort_week (its Monday)."""
        users = self.sql("SELECT user_id, signup_ts, timezone FROM users")
        users["signup_day"] = local_dates(users, "signup_ts")
        users = users[users["signup_day"].between(self.bounds["first_day"], self.bounds["last_day"])]
        return users.assign(cohort_week=users["signup_day"] - pd.to_timedelta(users["signup_day"].dt.day_of_week, "D"))

    @cached_property
    def returns(self) -> pd.DataFrame:
        """Distinct (user_id, day_n) of the cohort members' active local days inside the window."""
        events = self.sql(f"""WITH {BOUNDS} SELECT DISTINCT events.user_id, events.event_ts, users.timezone
                              FROM events JOIN users USING (user_id), bounds
                              WHERE events.event_name <> 'push_received' AND {IN_WINDOW}""")
        events["day"] = local_dates(events, "event_ts")
        active = events[["user_id", "day"]].drop_duplicates().merge(self.members, on="user_id")
        return active.assign(day_n=(active["day"] - active["signup_day"]).dt.days)[["user_id", "day_n"]]

    def retention(self, n: int, *, at_least: bool = False, complete: bool = True) -> pd.Series:
        """Share of each weekly cohort active on local day n (or later), NaN where day n is not complete."""
        hits = self.returns[self.returns["day_n"] >= n if at_least else self.returns["day_n"] == n]
        weeks = self.members.groupby("cohort_week")
        share = hits.merge(self.members, on="user_id").groupby("cohort_week")["user_id"].nunique()
        share = (share.reindex(weeks.size().index, fill_value=0) / weeks.size()).astype(float)
        if complete:
            share[share.index + pd.Timedelta(days=6 + n) > self.bounds["last_full_day"]] = np.nan
        return share

    @cached_property
    def watch(self) -> pd.Series:
        """Each viewer's total watch_ms inside the window (deduplicated events)."""
        return self.sql(f"""WITH {BOUNDS} SELECT user_id, SUM(watch_ms) AS watch_ms FROM unique_events, bounds
                            WHERE event_name = 'video_view' AND {IN_WINDOW} GROUP BY user_id""")["watch_ms"]


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- 1. sessions_per_user_day ---------------------------------------------------------------------------------------

def per_user_day(sessions: pd.DataFrame) -> pd.Series:
    return sessions.groupby(["user_id", sessions["session_start"].dt.date]).size()


@corpus.right("sessions_per_user_day")
def sql_mean_and_median_with_a_named_window(w):
    return w.sql(SESSIONS_SQL.format(gap=30) + """
        SELECT AVG(n_sessions) AS mean_sessions, MEDIAN(n_sessions) AS median_sessions
        FROM (SELECT user_id, CAST(session_start AS DATE), COUNT(*) AS n_sessions FROM sessions GROUP BY ALL)""")


@corpus.right("sessions_per_user_day")
def pandas_diff_cumsum_columns_reversed(w):
    counts = per_user_day(w.sessions)
    return pd.DataFrame({"median_sessions": [counts.median()], "mean_sessions": [counts.mean()]})


@corpus.right("sessions_per_user_day")
def describe_picked_into_upper_case_columns(w):
    stats = per_user_day(w.sessions).describe()
    return pd.DataFrame({"MEAN_SESSIONS": [stats["mean"]], "Median_Sessions": [stats["50%"]]})


@corpus.right("sessions_per_user_day")
def a_dict_of_the_two_numbers(w):
    counts = per_user_day(w.sessions)
    return {"mean_sessions": counts.mean(), "median_sessions": counts.median()}


@corpus.wrong("sessions_per_user_day", reason=r"'mean_sessions'")
def sessions_per_user_over_the_whole_window(w):
    counts = w.sessions.groupby("user_id").size()
    return pd.DataFrame({"mean_sessions": [counts.mean()], "median_sessions": [counts.median()]})


@corpus.wrong("sessions_per_user_day", reason=r"'mean_sessions'")
def every_user_day_of_the_window_counted_with_zeros(w):
    counts = per_user_day(w.sessions)
    days = (w.bounds["last_day"] - w.bounds["first_day"]).days + 1
    n_users = w.one("SELECT COUNT(*) FROM users")
    everyone = np.concatenate([counts.to_numpy(), np.zeros(n_users * days - len(counts))])
    return pd.DataFrame({"mean_sessions": [everyone.mean()], "median_sessions": [np.median(everyone)]})


@corpus.wrong("sessions_per_user_day", reason=r"'mean_sessions'")
def a_one_hour_gap(w):
    return w.sql(SESSIONS_SQL.format(gap=60) + """
        SELECT AVG(n) AS mean_sessions, MEDIAN(n) AS median_sessions
        FROM (SELECT COUNT(*) AS n FROM sessions GROUP BY user_id, CAST(session_start AS DATE))""")


# --- 2. session_duration --------------------------------------------------------------------------------------------

def medians(timed: pd.DataFrame, unit: float = 1.0) -> pd.DataFrame:
    per_platform = timed.groupby("platform")["duration_s"].median()
    return pd.DataFrame({"platform": ["all", *per_platform.index],
                         "median_duration_s": [timed["duration_s"].median(), *per_platform] }).assign(
        median_duration_s=lambda d: d["median_duration_s"] / unit)


DURATION_SQL = """
    SELECT COALESCE(users.platform::VARCHAR, 'all') AS platform,
           MEDIAN(epoch(session_end) - epoch(session_start)) AS median_duration_s
    FROM sessions JOIN users USING (user_id)
    GROUP BY GROUPING SETS ((users.platform), ())"""


@corpus.right("session_duration")
def sql_grouping_sets(w):
    return w.sql(SESSIONS_SQL.format(gap=30) + DURATION_SQL)


@corpus.right("session_duration")
def pandas_rows_in_another_order(w):
    return medians(w.timed).iloc[::-1]


@corpus.right("session_duration")
def a_series_indexed_by_platform(w):
    durations = w.timed.groupby("platform")["duration_s"].median()
    durations.loc["all"] = w.timed["duration_s"].median()
    return durations.rename("median_duration_s").rename_axis("platform")


@corpus.wrong("session_duration", reason=r"minute|60 times")
def minutes_instead_of_seconds(w):
    return medians(w.timed, unit=60)


@corpus.wrong("session_duration", reason=ROW_COUNT)
def without_the_all_row(w):
    return medians(w.timed).iloc[1:]


@corpus.wrong("session_duration", reason=r"'median_duration_s'")
def sessions_of_any_gap_under_an_hour(w):
    return w.sql(SESSIONS_SQL.format(gap=60) + DURATION_SQL)


# --- 3. retention_classic -------------------------------------------------------------------------------------------

def classic(w, **options) -> pd.DataFrame:
    sizes = w.members.groupby("cohort_week").size()
    return pd.DataFrame({"cohort_week": sizes.index, "cohort_size": sizes.to_numpy(),
                         **{f"d{n}": w.retention(n, **options).to_numpy() for n in (1, 7, 30)}})


COHORT_SQL = f"""
    WITH {BOUNDS},
    members AS (
        SELECT user_id, timezone,
               CAST(timezone(timezone, signup_ts AT TIME ZONE 'UTC') AS DATE) AS signup_day,
               CAST(date_trunc('week', signup_day) AS DATE) AS cohort_week
        FROM users, bounds
        WHERE signup_day >= CAST(window_start AS DATE) AND signup_day < CAST(window_end AS DATE)
    ),
    returns AS (
        SELECT DISTINCT members.user_id, members.cohort_week,
               datediff('day', members.signup_day,
                        CAST(timezone(members.timezone, events.event_ts AT TIME ZONE 'UTC') AS DATE)) AS day_n
        FROM members JOIN events USING (user_id), bounds
        WHERE events.event_name <> 'push_received' AND {IN_WINDOW}
    ),
    last_full AS (SELECT CAST(window_end AS DATE) - 2 AS last_full_day FROM bounds)
"""


def share_sql(n: int) -> str:
    """Classic day-n retention of a cohort, NULL unless its day n is complete."""
    return f"""CASE WHEN m.cohort_week + {6 + n} <= (SELECT last_full_day FROM last_full)
                    THEN (SELECT COUNT(*) FROM returns r WHERE r.cohort_week = m.cohort_week AND r.day_n = {n})
                         / COUNT(*) END"""


@corpus.right("retention_classic")
def pandas_cohorts_from_tz_convert(w):
    return classic(w)


@corpus.right("retention_classic")
def sql_correlated_counts_with_datediff(w):
    return w.sql(COHORT_SQL + f"""
        SELECT m.cohort_week, COUNT(*) AS cohort_size, {share_sql(1)} AS d1, {share_sql(7)} AS d7,
               {share_sql(30)} AS d30
        FROM members m GROUP BY m.cohort_week ORDER BY m.cohort_week""")


@corpus.right("retention_classic")
def upper_case_columns_as_a_relation(w):
    return w.db.sql(COHORT_SQL + f"""
        SELECT {share_sql(30)} AS D30, {share_sql(7)} AS D7, {share_sql(1)} AS D1, COUNT(*) AS Cohort_Size,
               m.cohort_week AS Cohort_Week
        FROM members m GROUP BY m.cohort_week""")


@corpus.wrong("retention_classic", reason=r"100 times|percent")
def percentages(w):
    table = classic(w)
    return table.assign(**{c: table[c] * 100 for c in ("d1", "d7", "d30")})


@corpus.wrong("retention_classic", reason=r"the key's is NULL")
def day_n_not_over_yet_shown_as_zero(w):
    return classic(w).fillna(0.0)


@corpus.wrong("retention_classic", reason=r"cohort_week")
def weeks_starting_on_sunday(w):
    members = w.members.assign(cohort_week=w.members["signup_day"]
                               - pd.to_timedelta((w.members["signup_day"].dt.day_of_week + 1) % 7, "D"))
    sizes = members.groupby("cohort_week").size()
    return pd.DataFrame({"cohort_week": sizes.index, "cohort_size": sizes.to_numpy(),
                         "d1": np.nan, "d7": np.nan, "d30": np.nan})


@corpus.wrong("retention_classic", reason=r"'cohort_size'")
def cohorts_joined_to_their_returns_drop_who_never_came_back(w):
    return w.sql(COHORT_SQL + f"""
        SELECT m.cohort_week, COUNT(*) AS cohort_size, {share_sql(1)} AS d1, {share_sql(7)} AS d7,
               {share_sql(30)} AS d30
        FROM members m JOIN (SELECT DISTINCT user_id FROM returns WHERE day_n >= 1) AS back USING (user_id)
        GROUP BY m.cohort_week""")


# --- 4. retention_unbounded -----------------------------------------------------------------------------------------

def unbounded(w) -> pd.DataFrame:
    table = pd.DataFrame({"d7_classic": w.retention(7), "d7_unbounded": w.retention(7, at_least=True)})
    return table.dropna().rename_axis("cohort_week")


@corpus.right("retention_unbounded")
def pandas_index_named_cohort_week(w):
    return unbounded(w)


@corpus.right("retention_unbounded")
def sql_with_exists(w):
    return w.sql(COHORT_SQL + """
        SELECT m.cohort_week,
               AVG(CASE WHEN EXISTS (SELECT 1 FROM returns r WHERE r.user_id = m.user_id AND r.day_n = 7)
                        THEN 1 ELSE 0 END) AS d7_classic,
               AVG(CASE WHEN EXISTS (SELECT 1 FROM returns r WHERE r.user_id = m.user_id AND r.day_n >= 7)
                        THEN 1 ELSE 0 END) AS d7_unbounded
        FROM members m, last_full
        WHERE m.cohort_week + 13 <= last_full.last_full_day
        GROUP BY m.cohort_week""")


@corpus.right("retention_unbounded")
def columns_reordered_with_string_weeks(w):
    table = unbounded(w).reset_index()
    return table.assign(cohort_week=table["cohort_week"].dt.date)[["d7_unbounded", "cohort_week", "d7_classic"]]


@corpus.wrong("retention_unbounded", reason=ROW_COUNT)
def every_cohort_even_unfinished(w):
    return pd.DataFrame({"d7_classic": w.retention(7, complete=False),
                         "d7_unbounded": w.retention(7, at_least=True, complete=False)}).rename_axis("cohort_week")


@corpus.wrong("retention_unbounded", reason=r"'d7_unbounded'")
def unbounded_counting_from_day_six(w):
    return unbounded(w).assign(d7_unbounded=w.retention(6, at_least=True))


@corpus.wrong("retention_unbounded", reason=r"100 times|percent")
def unbounded_as_percentages(w):
    return unbounded(w) * 100


# --- 5. retention_curves --------------------------------------------------------------------------------------------

def curves(w) -> pd.DataFrame:
    """Classic retention per monthly cohort (rows) and day N 1..28 (columns), NaN where day N is not complete."""
    members = w.members.assign(month=w.members["signup_day"].dt.strftime("%Y-%m"))
    sizes = members.groupby("month").size()
    hits = w.returns[w.returns["day_n"].between(1, 28)].merge(members, on="user_id")
    table = (hits.groupby(["month", "day_n"])["user_id"].nunique().unstack("day_n")
             .reindex(index=sizes.index, columns=range(1, 29)).fillna(0).div(sizes, axis=0))
    month_end = pd.to_datetime(table.index) + pd.offsets.MonthEnd(0)
    for n in table.columns:
        table.loc[month_end + pd.Timedelta(days=n) > w.bounds["last_full_day"], n] = np.nan
    return table.dropna(how="all")


def titled(ax, *, title="Classic retention by signup month", y_from_zero=True):
    ax.set(title=title, xlabel="Day N (local)", ylabel="Share of cohort active")
    if y_from_zero:
        ax.set_ylim(bottom=0)
    return ax


@corpus.right("retention_curves")
def pandas_plot_of_the_transposed_table(w):
    return titled(curves(w).T.plot(figsize=(8, 4)))


@corpus.right("retention_curves")
def matplotlib_steps_with_a_reference_line(w):
    fig, ax = plt.subplots()
    for month, row in curves(w).iterrows():
        ax.plot(row.index, row.to_numpy(), drawstyle="steps-mid", label=month)
    ax.axhline(0.25, color="grey", linestyle=":")
    ax.legend()
    titled(ax)
    return fig


@corpus.right("retention_curves")
def markers_and_a_figure_title(w):
    fig, ax = plt.subplots()
    for month, row in curves(w).iterrows():
        ax.plot(list(row.index), list(row), "o-", label=str(month))
    titled(ax, title="")
    fig.suptitle("Do new users come back?")
    return fig, ax


@corpus.wrong("retention_curves", reason=r"title")
def without_a_title(w):
    return titled(curves(w).T.plot(), title="")


@corpus.wrong("retention_curves", reason=r"points|x-values|differ")
def day_zero_included(w):
    table = curves(w)
    table.insert(0, 0, 1.0)
    return titled(table.T.plot())


@corpus.wrong("retention_curves", reason=r"starts at|from 0|ylim|y-axis")
def y_axis_from_the_data(w):
    return titled(curves(w).T.plot(), y_from_zero=False)


# --- 6. watch_time_top_decile ---------------------------------------------------------------------------------------

TOP_SQL = f"""
    WITH {BOUNDS},
    viewers AS (SELECT user_id, SUM(watch_ms) AS watch_ms FROM unique_events, bounds
                WHERE event_name = 'video_view' AND {IN_WINDOW} GROUP BY user_id),
    ranked AS (SELECT watch_ms, ROW_NUMBER() OVER (ORDER BY watch_ms DESC) AS position,
                      COUNT(*) OVER () AS viewers FROM viewers)
"""


@corpus.right("watch_time_top_decile")
def sql_row_number_relation(w):
    return w.db.sql(TOP_SQL + """SELECT SUM(watch_ms) FILTER (WHERE position <= CEIL(0.1 * viewers)) / SUM(watch_ms)
                                 FROM ranked""")


@corpus.right("watch_time_top_decile")
def pandas_sort_and_cumsum(w):
    totals = w.watch.sort_values(ascending=False).reset_index(drop=True)
    return totals.cumsum().iloc[int(np.ceil(len(totals) / 10)) - 1] / totals.sum()


@corpus.right("watch_time_top_decile")
def numpy_sorted_tail_first_row_tuple(w):
    totals = np.sort(w.watch.to_numpy())
    share = totals[-int(np.ceil(0.1 * totals.size)):].sum() / totals.sum()
    return (np.float64(share),)


@corpus.right("watch_time_top_decile")
def qualify_on_a_running_count(w):
    return w.sql(TOP_SQL + """
        SELECT SUM(watch_ms) / (SELECT SUM(watch_ms) FROM viewers) AS share
        FROM (SELECT watch_ms FROM viewers QUALIFY ROW_NUMBER() OVER (ORDER BY watch_ms DESC)
                                                   <= CEIL(COUNT(*) OVER () / 10))""")


@corpus.wrong("watch_time_top_decile", reason=r"100 times|percent")
def a_percentage_of_watch_time(w):
    totals = w.watch
    return 100 * totals.nlargest(int(np.ceil(0.1 * len(totals)))).sum() / totals.sum()


@corpus.wrong("watch_time_top_decile", reason=r"too (high|low)|higher|lower")
def top_quarter_instead_of_top_tenth(w):
    totals = w.watch
    return totals.nlargest(int(np.ceil(0.25 * len(totals)))).sum() / totals.sum()


@corpus.wrong("watch_time_top_decile", reason=r"too (high|low)|higher|lower")
def every_user_with_zero_for_non_viewers_over_the_whole_log(w):
    totals = w.sql("""SELECT users.user_id, COALESCE(SUM(watch_ms), 0) AS watch_ms
                      FROM users LEFT JOIN unique_events USING (user_id) GROUP BY users.user_id""")["watch_ms"]
    return totals.nlargest(int(np.ceil(0.1 * len(totals)))).sum() / totals.sum()


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
