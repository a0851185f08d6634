"""Module 01's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

import re
from functools import cached_property

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import BOUNDS, LOCAL_TS, ROW_COUNT, Corpus, Workbench, judge

from grader.feedback import render_text

MODULE = "01_active_users"
corpus = Corpus(MODULE)
DAY = "2025-09-24"
ACTIVE = "event_name <> 'push_received'"


class Bench(Workbench):
    """Module 01's shared intermediates: daily series, active user-days inside the window, the trailing table."""

    def __init__(self, db) -> None:
        super().__init__(db)
        self._daily: dict[str, pd.Series] = {}

    @cached_property
    def user_days(self) -> pd.DataFrame:
        """One row per (user_id, day) with an active event inside the window, day as a pandas Timestamp."""
        return self.sql(f"""WITH {BOUNDS}
            SELECT DISTINCT user_id, CAST(CAST(event_ts AS DATE) AS TIMESTAMP) AS day FROM events, bounds
            WHERE {ACTIVE} AND event_ts >= window_start AND event_ts < window_end""")

    @cached_property
    def trailing(self) -> pd.DataFrame:
        """day, dau, wau, mau for the days whose 28-day window lies inside the data window (pandas, by masks)."""
        return trailing_counts(self.user_days, self.window, mau_days=28, wau_days=7)

    def daily(self, market: str | None = None) -> pd.Series:
        """Distinct active users per UTC day of the window (0 on quiet days), of one market or of every one."""
        key = market or "all"
        if key not in self._daily:
            where = f"AND user_id IN (SELECT user_id FROM users WHERE country = '{market}')" if market else ""
            events = self.sql(f"SELECT user_id, event_ts FROM events WHERE {ACTIVE} {where}")
            start, end = self.window
            self._daily[key] = (events.groupby(events["event_ts"].dt.normalize())["user_id"].nunique()
                                .reindex(pd.date_range(start, end, freq="D", inclusive="left"), fill_value=0))
        return self._daily[key]

    @cached_property
    def around_day(self) -> pd.DataFrame:
        """Active events from a day either side of DAY, with each user's time zone."""
        return self.sql(f"""SELECT events.user_id, events.event_ts, users.timezone
            FROM events JOIN users USING (user_id)
            WHERE events.{ACTIVE} AND events.event_ts >= TIMESTAMP '{DAY}' - INTERVAL 1 DAY
              AND events.event_ts < TIMESTAMP '{DAY}' + INTERVAL 2 DAY""")


def trailing_counts(user_days: pd.DataFrame, window: tuple, *, mau_days: int, wau_days: int,
                    first: int = 27) -> pd.DataFrame:
    """Distinct users per trailing window, one row per day from window_start + `first` days (a pandas loop)."""
    start, end = window
    rows = []
    for day in pd.date_range(start + pd.Timedelta(days=first), end - pd.Timedelta(days=1), freq="D"):
        def distinct(n: int, day: pd.Timestamp = day) -> int:
            return user_days.loc[user_days["day"].between(day - pd.Timedelta(days=n - 1), day), "user_id"].nunique()
        rows.append({"day": day, "dau": distinct(1), "wau": distinct(wau_days), "mau": distinct(mau_days)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- 1. dau_on_date -------------------------------------------------------------------------------------------------

def dau_sql(where: str) -> str:
    return f"SELECT COUNT(DISTINCT user_id) AS dau FROM events WHERE {where}"


@corpus.right("dau_on_date")
def cast_to_date_first_row_tuple(w):
    return w.db.sql(dau_sql(f"CAST(event_ts AS DATE) = DATE '{DAY}' AND {ACTIVE}")).fetchall()[0]


@corpus.right("dau_on_date")
def pandas_nunique_numpy_integer(w):
    events = w.sql(f"SELECT user_id, event_name, event_ts FROM events WHERE event_ts::DATE = '{DAY}'")
    return events.loc[events["event_name"].astype(str) != "push_received", "user_id"].nunique()


@corpus.right("dau_on_date")
def relation_of_one_cell_with_date_trunc(w):
    return w.db.sql(dau_sql(f"date_trunc('day', event_ts) = TIMESTAMP '{DAY}' AND event_name != 'push_received'"))


@corpus.right("dau_on_date")
def one_row_dict_from_a_group_by(w):
    frame = w.sql(f"""SELECT CAST(event_ts AS DATE) AS day, COUNT(DISTINCT user_id) AS dau FROM events
                      WHERE {ACTIVE} GROUP BY day HAVING day = DATE '{DAY}'""")
    return {"dau": int(frame["dau"].iloc[0])}


@corpus.wrong("dau_on_date", reason=r"too (high|low)|higher|lower")
def the_day_before(w):
    return w.one(dau_sql(f"CAST(event_ts AS DATE) = DATE '{DAY}' - 1 AND {ACTIVE}"))


@corpus.wrong("dau_on_date", reason=r"too (high|low)|higher|lower")
def the_day_the_server_received_the_events(w):
    return w.one(dau_sql(f"CAST(received_ts AS DATE) = DATE '{DAY}' AND {ACTIVE}"))


@corpus.wrong("dau_on_date", reason=r"too high|higher")
def the_trailing_week_ending_that_day(w):
    return w.one(dau_sql(f"CAST(event_ts AS DATE) BETWEEN DATE '{DAY}' - 6 AND DATE '{DAY}' AND {ACTIVE}"))


@corpus.wrong("dau_on_date", reason=r"too (high|low)|higher|lower")
def the_users_local_day(w):
    days = w.around_day.assign(local=[ts.tz_localize("UTC").tz_convert(tz).date().isoformat()
                                      for ts, tz in zip(w.around_day["event_ts"], w.around_day["timezone"],
                                                        strict=True)])
    return days.loc[days["local"] == DAY, "user_id"].nunique()


# --- 2. dau_by_day: the soft-launch market's daily series -----------------------------------------------------------

MARKET = "IE"


def daily_sql(market_join: str, *, end: str = "window_end") -> str:
    """Distinct active users per UTC day over a calendar of the window, `market_join` restricting the users."""
    return f"""WITH {BOUNDS},
        days AS (SELECT CAST(unnest(generate_series(window_start, {end} - INTERVAL 1 DAY, INTERVAL 1 DAY)) AS DATE)
                     AS day FROM bounds)
        SELECT days.day, COUNT(DISTINCT events.user_id) AS dau
        FROM days LEFT JOIN events ON CAST(events.event_ts AS DATE) = days.day AND events.{ACTIVE}
             {market_join}
        GROUP BY days.day ORDER BY days.day"""


IN_MARKET = f"""AND events.user_id IN (SELECT user_id FROM users WHERE country = '{MARKET}')"""


@corpus.right("dau_by_day")
def pandas_reindexed_over_the_window(w):
    return w.daily(MARKET).rename_axis("day").rename("dau")


@corpus.right("dau_by_day")
def market_filter_inside_the_left_join(w):
    return w.sql(daily_sql(IN_MARKET))


@corpus.right("dau_by_day")
def relation_with_timestamps_and_upper_case_names(w):
    return w.db.sql(f"""SELECT CAST(day AS TIMESTAMP) AS "DAY", dau AS "DAU" FROM ({daily_sql(IN_MARKET)})
                        ORDER BY "DAU" DESC""")


@corpus.wrong("dau_by_day", reason=r"'dau'")
def count_star_after_the_left_join(w):
    return w.sql(daily_sql(IN_MARKET).replace("COUNT(DISTINCT events.user_id)", "COUNT(*)"))


@corpus.wrong("dau_by_day", reason=ROW_COUNT + r"|is missing")
def calendar_from_the_markets_first_active_day(w):
    daily = w.daily(MARKET)
    return daily[daily.index >= daily[daily > 0].index.min()].rename_axis("day").rename("dau")


@corpus.wrong("dau_by_day", reason=r"'dau'")
def every_market(w):
    return w.sql(daily_sql(""))


@corpus.wrong("dau_by_day", reason=ROW_COUNT + r"|unexpected row")
def window_end_included(w):
    return w.sql(daily_sql(IN_MARKET, end="window_end + INTERVAL 1 DAY"))


@corpus.wrong("dau_by_day", reason=r"'dau'|NULL")
def quiet_days_left_null(w):
    frame = w.daily(MARKET)
    return frame.where(frame > 0).rename_axis("day").rename("dau")


# --- 3. wau_mau -----------------------------------------------------------------------------------------------------

TRAILING_SQL = f"""
    WITH {BOUNDS},
    user_days AS (
        SELECT DISTINCT user_id, CAST(event_ts AS DATE) AS user_day FROM events, bounds
        WHERE {ACTIVE} AND event_ts >= window_start AND event_ts < window_end
    ),
    days AS (
        SELECT CAST(range AS DATE) AS day FROM bounds, range(window_start + INTERVAL {{first}} DAY, window_end,
                                                             INTERVAL 1 DAY)
    )
    SELECT days.day,
           COUNT(DISTINCT user_id) FILTER (WHERE user_day = days.day) AS dau,
           COUNT(DISTINCT user_id) FILTER (WHERE user_day >= days.day - {{wau}}) AS wau,
           COUNT(DISTINCT user_id) AS mau
    FROM days JOIN user_days ON user_day BETWEEN days.day - 27 AND days.day
    GROUP BY days.day ORDER BY days.day
"""


@corpus.right("wau_mau")
def pandas_masks_per_day(w):
    return w.trailing


@corpus.right("wau_mau")
def upper_case_columns_in_another_order_as_a_relation(w):
    return w.db.sql(f"""SELECT "MAU", "WAU", "DAU", "Day" FROM (
        SELECT day AS "Day", dau AS "DAU", wau AS "WAU", mau AS "MAU" FROM ({TRAILING_SQL.format(first=27, wau=6)}))""")


@corpus.right("wau_mau")
def list_of_windows_with_exists_subqueries(w):
    return w.sql(f"""WITH {BOUNDS},
        active AS (SELECT DISTINCT user_id, CAST(event_ts AS DATE) AS d FROM events, bounds
                   WHERE {ACTIVE} AND event_ts >= window_start AND event_ts < window_end),
        days AS (SELECT CAST(unnest(generate_series(window_start + INTERVAL 27 DAY, window_end - INTERVAL 1 DAY,
                                                    INTERVAL 1 DAY)) AS DATE) AS day FROM bounds)
        SELECT day,
               (SELECT COUNT(DISTINCT user_id) FROM active WHERE d = day) AS dau,
               (SELECT COUNT(DISTINCT user_id) FROM active WHERE d BETWEEN day - 6 AND day) AS wau,
               (SELECT COUNT(DISTINCT user_id) FROM active WHERE d BETWEEN day - 27 AND day) AS mau
        FROM days ORDER BY day""")


@corpus.right("wau_mau")
def shuffled_rows_with_a_date_index(w):
    frame = w.trailing.sample(frac=1, random_state=3).set_index("day")
    frame.index = frame.index.date
    return frame.rename_axis("day")


@corpus.wrong("wau_mau", reason=r"'wau'")
def wau_over_eight_days(w):
    return w.sql(TRAILING_SQL.format(first=27, wau=7))


@corpus.wrong("wau_mau", reason=ROW_COUNT)
def every_day_of_the_window(w):
    return w.sql(TRAILING_SQL.format(first=0, wau=6).replace("JOIN user_days", "LEFT JOIN user_days"))


@corpus.wrong("wau_mau", reason=r"'dau'")
def push_received_counted(w):
    return w.sql(TRAILING_SQL.format(first=27, wau=6).replace(f"{ACTIVE} AND", ""))


@corpus.wrong("wau_mau", reason=r"missing.*'wau'|'wau'.*missing")
def wau_left_out(w):
    return w.trailing.drop(columns="wau")


# --- 4. stickiness --------------------------------------------------------------------------------------------------

def last_28(trailing: pd.DataFrame) -> pd.DataFrame:
    return trailing[trailing["day"] > trailing["day"].max() - pd.Timedelta(days=28)]


@corpus.right("stickiness")
def sql_average_of_daily_ratios(w):
    return w.db.sql(f"""WITH t AS ({TRAILING_SQL.format(first=27, wau=6)})
        SELECT AVG(dau / mau) FROM t WHERE day > (SELECT MAX(day) FROM t) - 28""").fetchall()[0]


@corpus.right("stickiness")
def numpy_mean_of_sorted_tail(w):
    rows = w.trailing.sort_values("day").tail(28)
    return np.mean(rows["dau"].to_numpy() / rows["mau"].to_numpy())


@corpus.right("stickiness")
def series_of_one_mean(w):
    rows = last_28(w.trailing)
    return (rows["dau"] / rows["mau"]).to_frame("ratio").mean()


@corpus.wrong("stickiness", reason=r"100 times|percent")
def a_percentage(w):
    rows = last_28(w.trailing)
    return 100 * (rows["dau"] / rows["mau"]).mean()


@corpus.wrong("stickiness", reason=r"too high|higher")
def wau_over_mau(w):
    rows = last_28(w.trailing)
    return (rows["wau"] / rows["mau"]).mean()


@corpus.wrong("stickiness", reason=r"too (high|low)|higher|lower")
def the_last_week_only(w):
    rows = w.trailing[w.trailing["day"] > w.trailing["day"].max() - pd.Timedelta(days=7)]
    return (rows["dau"] / rows["mau"]).mean()


# --- 5. dau_local_vs_utc --------------------------------------------------------------------------------------------

def local_counts(around: pd.DataFrame) -> dict:
    """dau_utc and dau_local of DAY from events around it, converted in pandas one time zone at a time."""
    local = pd.concat([g["event_ts"].dt.tz_localize("UTC").dt.tz_convert(tz).dt.strftime("%Y-%m-%d")
                       for tz, g in around.groupby("timezone")])
    utc = around["event_ts"].dt.strftime("%Y-%m-%d")
    return {"dau_utc": around.loc[utc == DAY, "user_id"].nunique(),
            "dau_local": around.loc[local.reindex(around.index) == DAY, "user_id"].nunique()}


LOCAL_SQL = f"""
    SELECT COUNT(DISTINCT user_id) FILTER (WHERE event_ts::DATE = DATE '{DAY}') AS dau_utc,
           COUNT(DISTINCT user_id) FILTER (WHERE CAST(timezone(users.timezone, event_ts AT TIME ZONE 'UTC') AS DATE)
                                           = DATE '{DAY}') AS dau_local
    FROM events JOIN users USING (user_id)
    WHERE events.{ACTIVE} AND event_ts BETWEEN TIMESTAMP '{DAY}' - INTERVAL 1 DAY AND TIMESTAMP '{DAY}' + INTERVAL 2 DAY
"""


@corpus.right("dau_local_vs_utc")
def pandas_tz_convert_per_zone(w):
    counts = local_counts(w.around_day)
    return pd.DataFrame([{**counts, "difference": counts["dau_local"] - counts["dau_utc"]}])


@corpus.right("dau_local_vs_utc")
def timezone_function_columns_in_another_order(w):
    return w.sql(f"SELECT dau_local - dau_utc AS Difference, dau_local, dau_utc FROM ({LOCAL_SQL})")


@corpus.right("dau_local_vs_utc")
def two_counts_cross_joined_as_a_relation(w):
    return w.db.sql(f"""
        SELECT u.n AS dau_utc, l.n AS dau_local, l.n - u.n AS difference
        FROM (SELECT COUNT(DISTINCT user_id) AS n FROM events
              WHERE {ACTIVE} AND event_ts >= '{DAY}' AND event_ts < TIMESTAMP '{DAY}' + INTERVAL 1 DAY) AS u,
             (SELECT COUNT(DISTINCT user_id) AS n FROM events JOIN users USING (user_id)
              WHERE events.{ACTIVE} AND event_ts > TIMESTAMP '{DAY}' - INTERVAL 20 HOUR
                AND event_ts < TIMESTAMP '{DAY}' + INTERVAL 40 HOUR
                AND date_trunc('day', (event_ts AT TIME ZONE 'UTC') AT TIME ZONE users.timezone)
                    = DATE '{DAY}') AS l""")


@corpus.right("dau_local_vs_utc")
def one_row_dict(w):
    counts = local_counts(w.around_day)
    return {**counts, "difference": counts["dau_local"] - counts["dau_utc"]}


@corpus.right("dau_local_vs_utc")
def one_row_series(w):
    return w.sql(f"SELECT *, dau_local - dau_utc AS difference FROM ({LOCAL_SQL})").iloc[0]


@corpus.wrong("dau_local_vs_utc", reason=r"'difference'")
def difference_the_other_way(w):
    return w.sql(f"SELECT dau_utc, dau_local, dau_utc - dau_local AS difference FROM ({LOCAL_SQL})")


@corpus.wrong("dau_local_vs_utc", reason=r"missing.*'difference'|'difference'.*missing")
def without_the_difference(w):
    return w.sql(LOCAL_SQL)


@corpus.wrong("dau_local_vs_utc", reason=r"'dau_local'")
def local_count_forgets_push_received(w):
    return w.sql(f"""
        WITH utc AS (SELECT COUNT(DISTINCT user_id) AS dau_utc FROM events
                     WHERE {ACTIVE} AND CAST(event_ts AS DATE) = DATE '{DAY}'),
        local AS (SELECT COUNT(DISTINCT user_id) AS dau_local FROM events JOIN users USING (user_id)
                  WHERE event_ts BETWEEN TIMESTAMP '{DAY}' - INTERVAL 1 DAY AND TIMESTAMP '{DAY}' + INTERVAL 2 DAY
                    AND CAST({LOCAL_TS} AS DATE) = DATE '{DAY}')
        SELECT dau_utc, dau_local, dau_local - dau_utc AS difference FROM utc, local""")


# --- 6. dau_chart: every market's DAU and its trailing 7-day mean -----------------------------------------------------

def chart_labels(ax, *, y_from_zero: bool = True):
    ax.set(title="Daily active users", xlabel="Day (UTC)", ylabel="Users")
    if y_from_zero:
        ax.set_ylim(bottom=0)
    ax.legend()
    return ax


@corpus.right("dau_chart")
def pandas_frame_plot_of_two_columns(w):
    daily = w.daily()
    frame = pd.DataFrame({"DAU": daily, "7-day mean": daily.rolling(7).mean()})
    return chart_labels(frame.plot(figsize=(9, 3.5)))


@corpus.right("dau_chart")
def time_based_window_with_min_periods(w):
    daily = w.daily()
    fig, ax = plt.subplots()
    ax.plot(daily.index, daily.to_numpy(), label="DAU")
    ax.plot(daily.index, daily.rolling("7D", min_periods=7).mean().to_numpy(), label="7-day mean")
    chart_labels(ax)
    return fig


@corpus.right("dau_chart")
def numpy_convolution_with_a_launch_marker(w):
    daily = w.daily()
    mean = np.concatenate([np.full(6, np.nan), np.convolve(daily.to_numpy(), np.ones(7) / 7, mode="valid")])
    fig, ax = plt.subplots()
    ax.plot(daily.index, mean, "--", label="7-day mean")
    ax.plot(daily.index, daily.to_numpy(), marker=".", label="DAU")
    ax.axvline(daily.index[len(daily) // 2], color="grey", linestyle=":")
    chart_labels(ax)
    return fig, ax


@corpus.wrong("dau_chart", reason=r"7-day mean")
def time_based_window_without_min_periods(w):
    daily = w.daily()
    fig, ax = plt.subplots()
    ax.plot(daily.index, daily.to_numpy(), label="DAU")
    ax.plot(daily.index, daily.rolling("7D").mean().to_numpy(), label="7-day mean")
    chart_labels(ax)
    return fig


@corpus.wrong("dau_chart", reason=r"'DAU'|differ")
def the_market_series_instead_of_the_app(w):
    daily = w.daily(MARKET)
    frame = pd.DataFrame({"DAU": daily, "7-day mean": daily.rolling(7).mean()})
    return chart_labels(frame.plot())


@corpus.wrong("dau_chart", reason=r"starts at|y-axis")
def y_axis_from_the_data(w):
    daily = w.daily()
    frame = pd.DataFrame({"DAU": daily, "7-day mean": daily.rolling(7).mean()})
    return chart_labels(frame.plot(), y_from_zero=False)


@corpus.wrong("dau_chart", reason=r"7-day mean")
def mean_of_the_seven_days_before(w):
    daily = w.daily()
    frame = pd.DataFrame({"DAU": daily, "7-day mean": daily.rolling(7).mean().shift(1)})
    return chart_labels(frame.plot())


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()


def test_a_stickiness_rounded_to_two_decimals_is_never_called_higher_or_lower(bench, module_keys):
    """round(x, 2) is a rounding, whatever the data: it passes as one (sig_figs) or is told it is one."""
    rows = last_28(bench.trailing)
    outcome, _ = judge(module_keys[MODULE], "stickiness", round((rows["dau"] / rows["mau"]).mean(), 2))
    text = render_text(outcome)
    assert outcome.passed or re.search(r"significant (figures|digits)", text), text
    assert not re.search(r"higher|lower", text), text
