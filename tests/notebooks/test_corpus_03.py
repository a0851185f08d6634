"""Module 03's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property
from statistics import NormalDist

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from support.corpus import ROW_COUNT, Corpus, Workbench, local_dates

MODULE = "03_weekend_trends"
corpus = Corpus(MODULE)
NOT_PUSH = "event_name <> 'push_received'"
LOCAL_DAY = "CAST(timezone({zone}.timezone, {events}.event_ts AT TIME ZONE 'UTC') AS DATE)"
ANALYSIS_DAYS = """
    b AS (SELECT CAST(MAX(value) FILTER (WHERE key = 'window_start') AS DATE) + 1 AS first_day,
                 CAST(MAX(value) FILTER (WHERE key = 'window_end') AS DATE) - 2 AS last_day FROM dataset_info),
    spine AS (SELECT CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day FROM b)"""
WEEKS = """
    wk AS (SELECT CAST(date_trunc('week', first_day + 6) AS DATE) AS mon,
                  CAST(date_trunc('week', last_day + 1) AS DATE) - 1 AS sun FROM b),
    pop AS (SELECT user_id, timezone FROM users, wk
            WHERE CAST(timezone(timezone, signup_ts AT TIME ZONE 'UTC') AS DATE) < wk.mon)"""


class Bench(Workbench):
    """Module 03's shared intermediates, built in pandas: local events, the calendar, per-user minutes."""

    @cached_property
    def calendar(self) -> dict:
        """Analysis days (first_day .. last_day) and the complete weeks (first_monday .. last_sunday, n_weeks)."""
        start, end = self.window
        first_day, last_day = start.normalize() + pd.Timedelta(days=1), end.normalize() - pd.Timedelta(days=2)
        first_monday = (first_day + pd.Timedelta(days=6)).to_period("W-SUN").start_time
        last_sunday = (last_day + pd.Timedelta(days=1)).to_period("W-SUN").start_time - pd.Timedelta(days=1)
        return {"first_day": first_day, "last_day": last_day, "first_monday": first_monday,
                "last_sunday": last_sunday, "n_weeks": ((last_sunday - first_monday).days + 1) // 7}

    @cached_property
    def events(self) -> pd.DataFrame:
        """Deduplicated user-initiated events with the user's local day (and its UTC day)."""
        events = self.sql(f"""SELECT e.user_id, e.event_name::VARCHAR AS event_name, e.event_ts, e.watch_ms,
                                     u.timezone, u.country::VARCHAR AS country
                              FROM unique_events e JOIN users u USING (user_id) WHERE e.{NOT_PUSH}""")
        return events.assign(day=local_dates(events, "event_ts"), utc_day=events["event_ts"].dt.normalize())

    @cached_property
    def daily(self) -> pd.DataFrame:
        """day, dau, watch_min for every analysis day (0 where nobody was active)."""
        days = pd.date_range(self.calendar["first_day"], self.calendar["last_day"], freq="D", name="day")
        grouped = self.events.groupby("day")
        return pd.DataFrame({"dau": grouped["user_id"].nunique(), "watch_min": grouped["watch_ms"].sum() / 60000}
                            ).reindex(days, fill_value=0).reset_index()

    @cached_property
    def population(self) -> pd.Index:
        """Users whose local signup day is before the first complete week."""
        users = self.sql("SELECT user_id, signup_ts, timezone FROM users")
        return pd.Index(users.loc[local_dates(users, "signup_ts") < self.calendar["first_monday"], "user_id"])

    def minutes(self, day: str = "day") -> pd.DataFrame:
        """weekend_min and weekday_min per user of the population over the complete weeks, days from `day`."""
        views = self.events[(self.events["event_name"] == "video_view") & self.events["user_id"].isin(self.population)
                            & self.events[day].between(self.calendar["first_monday"], self.calendar["last_sunday"])]
        kind = np.where(views[day].dt.day_of_week >= 5, "weekend_min", "weekday_min")
        table = (views.groupby(["user_id", kind])["watch_ms"].sum() / 60000).unstack(fill_value=0)
        return table.reindex(index=self.population, columns=["weekend_min", "weekday_min"], fill_value=0)

    @cached_property
    def per_user(self) -> pd.DataFrame:
        return self.minutes()

    def uplift(self, per_user: pd.DataFrame) -> float:
        return (per_user["weekend_min"].sum() / 2) / (per_user["weekday_min"].sum() / 5) - 1

    def boot(self, seed: int, n: int = 1000) -> np.ndarray:
        """Uplifts of `n` resamples of the population's users."""
        weekend, weekday = self.per_user["weekend_min"].to_numpy(), self.per_user["weekday_min"].to_numpy()
        picks = np.random.default_rng(seed).integers(0, len(weekend), size=(n, len(weekend)))
        return (weekend[picks].sum(axis=1) / 2) / (weekday[picks].sum(axis=1) / 5) - 1


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- 1. dow_profile -------------------------------------------------------------------------------------------------

def profile(daily: pd.DataFrame, dow: pd.Series) -> pd.DataFrame:
    sums = daily.assign(dow=dow).groupby("dow").agg(avg_dau=("dau", "mean"), dau=("dau", "sum"),
                                                    watch_min=("watch_min", "sum"))
    return sums.assign(watch_min_per_dau=sums["watch_min"] / sums["dau"])[["avg_dau", "watch_min_per_dau"]]


DOW_SQL = f"""
    WITH {ANALYSIS_DAYS},
    act AS (SELECT {LOCAL_DAY.format(zone="users", events="e")} AS day, COUNT(DISTINCT e.user_id) AS dau,
                   SUM(e.watch_ms) / 60000 AS watch_min
            FROM unique_events e JOIN users USING (user_id) WHERE e.{NOT_PUSH} GROUP BY 1)
    SELECT {{dow}} AS dow, AVG(COALESCE(dau, 0)) AS avg_dau, SUM(watch_min) / SUM(dau) AS watch_min_per_dau
    FROM spine LEFT JOIN act USING (day) GROUP BY 1 ORDER BY 1
"""


@corpus.right("dow_profile")
def sql_spine_and_isodow(w):
    return w.sql(DOW_SQL.format(dow="isodow(day)"))


@corpus.right("dow_profile")
def pandas_groupby_on_the_index(w):
    return profile(w.daily, w.daily["day"].dt.isocalendar().day.astype(int))


@corpus.right("dow_profile")
def dayofweek_mapped_to_iso_as_a_relation_reordered(w):
    return w.db.sql(f"""SELECT watch_min_per_dau, avg_dau, dow FROM ({DOW_SQL.format(
        dow="CASE dayofweek(day) WHEN 0 THEN 7 ELSE dayofweek(day) END")})""")


@corpus.wrong("dow_profile", reason=r"'watch_min_per_dau'")
def mean_of_daily_minutes_per_user(w):
    daily = w.daily.assign(per_user=w.daily["watch_min"] / w.daily["dau"], dow=w.daily["day"].dt.day_of_week + 1)
    return daily.groupby("dow", as_index=False).agg(avg_dau=("dau", "mean"), watch_min_per_dau=("per_user", "mean"))


@corpus.wrong("dow_profile", reason=r"second|60 times")
def seconds_per_dau(w):
    table = profile(w.daily, w.daily["day"].dt.day_of_week + 1)
    return table.assign(watch_min_per_dau=table["watch_min_per_dau"] * 60)


@corpus.wrong("dow_profile", reason=r"'avg_dau'")
def first_and_last_dates_kept(w):
    return w.sql(DOW_SQL.format(dow="isodow(day)").replace("+ 1 AS first_day", "AS first_day")
                 .replace("- 2 AS last_day", "- 1 AS last_day"))


# --- 2. weekend_uplift ----------------------------------------------------------------------------------------------

UPLIFT_SQL = f"""
    WITH {ANALYSIS_DAYS}, {WEEKS},
    v AS (SELECT {LOCAL_DAY.format(zone="pop", events="e")} AS day, e.watch_ms
          FROM unique_events e JOIN pop USING (user_id) WHERE e.event_name = 'video_view')
    SELECT (SUM(watch_ms) FILTER (WHERE isodow(day) >= 6) / 2.0) / (SUM(watch_ms) FILTER (WHERE isodow(day) < 6) / 5.0)
           - 1 AS uplift
    FROM v, wk WHERE day BETWEEN wk.mon AND wk.sun
"""


@corpus.right("weekend_uplift")
def sql_filters_per_day_kind(w):
    return w.db.sql(UPLIFT_SQL)


@corpus.right("weekend_uplift")
def pandas_means_over_every_user_day(w):
    n_users, n_weeks = len(w.per_user), w.calendar["n_weeks"]
    weekend = w.per_user["weekend_min"].sum() / (n_users * 2 * n_weeks)
    weekday = w.per_user["weekday_min"].sum() / (n_users * 5 * n_weeks)
    return np.float64(weekend / weekday - 1)


@corpus.right("weekend_uplift")
def one_row_series_from_the_sums(w):
    sums = w.per_user.sum()
    return pd.Series({"uplift": 2.5 * sums["weekend_min"] / sums["weekday_min"] - 1})


@corpus.wrong("weekend_uplift", reason=r"100 times|percent")
def as_a_percentage(w):
    return 100 * w.uplift(w.per_user)


@corpus.wrong("weekend_uplift", reason=r"too (high|low)|higher|lower")
def every_user_including_recent_signups(w):
    return w.one(UPLIFT_SQL.replace("< wk.mon", "< DATE '2100-01-01'"))


@corpus.wrong("weekend_uplift", reason=r"too (high|low)|higher|lower")
def weekend_friday_to_sunday(w):
    views = w.events[(w.events["event_name"] == "video_view") & w.events["user_id"].isin(w.population)
                     & w.events["day"].between(w.calendar["first_monday"], w.calendar["last_sunday"])]
    weekend = views["day"].dt.day_of_week >= 4
    return (views.loc[weekend, "watch_ms"].sum() / 3) / (views.loc[~weekend, "watch_ms"].sum() / 4) - 1


# --- 3. weekend_uplift_ci -------------------------------------------------------------------------------------------

def delta_method(per_user: pd.DataFrame, z: float = 1.959964) -> tuple[float, float]:
    """Normal interval of the ratio of means (weekend per day / weekday per day) by the delta method."""
    x, y = per_user["weekend_min"].to_numpy() / 2, per_user["weekday_min"].to_numpy() / 5
    ratio = x.mean() / y.mean()
    se = np.sqrt(np.var(x - ratio * y, ddof=1) / len(x)) / y.mean()
    return ratio - 1 - z * se, ratio - 1 + z * se


@corpus.right("weekend_uplift_ci")
def percentile_bootstrap_another_seed_2000_resamples(w):
    return tuple(np.percentile(w.boot(seed=7, n=2000), [2.5, 97.5]))


@corpus.right("weekend_uplift_ci")
def delta_method_interval(w):
    return delta_method(w.per_user)


@corpus.right("weekend_uplift_ci")
def bca_bootstrap_as_a_dict(w):
    x, y = w.per_user["weekend_min"].to_numpy(), w.per_user["weekday_min"].to_numpy()
    estimate, boot = w.uplift(w.per_user), w.boot(seed=123, n=2000)
    normal = NormalDist()
    bias = normal.inv_cdf((boot < estimate).mean())
    jack = ((x.sum() - x) / 2) / ((y.sum() - y) / 5) - 1   # leave-one-user-out uplifts
    d = jack.mean() - jack
    accel = (d**3).sum() / (6 * (d**2).sum() ** 1.5)
    ends = [normal.cdf(bias + (bias + z) / (1 - accel * (bias + z))) for z in (normal.inv_cdf(0.025),
                                                                              normal.inv_cdf(0.975))]
    low, high = np.quantile(boot, ends)
    return {"low": low, "high": high}


@corpus.wrong("weekend_uplift_ci", reason=r"narrow")
def a_fifty_percent_interval(w):
    return tuple(np.quantile(w.boot(seed=2025), [0.25, 0.75]))


@corpus.wrong("weekend_uplift_ci", reason=r"contain|wide")
def percentages(w):
    return tuple(100 * np.quantile(w.boot(seed=2025), [0.025, 0.975]))


@corpus.wrong("weekend_uplift_ci", reason=r"wide")
def five_standard_errors_each_side(w):
    low, high = delta_method(w.per_user, z=5.0)
    return low, high


@corpus.wrong("weekend_uplift_ci", reason=r"Known mistake: The bootstrap resamples user-days")
def user_days_resampled_with_every_zero_day_drawn(w):
    # The mistake as a student writes it: every user-day materialised, 0 where nothing was watched, days resampled.
    views = w.events[(w.events["event_name"] == "video_view") & w.events["user_id"].isin(w.population)
                     & w.events["day"].between(w.calendar["first_monday"], w.calendar["last_sunday"])]
    minutes = views.groupby(["user_id", "day"])["watch_ms"].sum() / 60000
    weekend = minutes.index.get_level_values("day").day_of_week >= 5
    n_weeks, rng = w.calendar["n_weeks"], np.random.default_rng(11)

    def every_day(viewed: pd.Series, per_week: int) -> np.ndarray:
        return np.concatenate([viewed.to_numpy(), np.zeros(len(w.population) * per_week * n_weeks - len(viewed))])

    days_we, days_wd = every_day(minutes[weekend], 2), every_day(minutes[~weekend], 5)
    boot = [days_we[rng.integers(0, days_we.size, days_we.size)].mean()
            / days_wd[rng.integers(0, days_wd.size, days_wd.size)].mean() - 1 for _ in range(1_000)]
    return tuple(np.quantile(boot, [0.025, 0.975]))


# --- 4. utc_vs_local ------------------------------------------------------------------------------------------------

@corpus.right("utc_vs_local")
def pandas_minutes_by_both_calendars(w):
    return pd.DataFrame({"bucketing": ["local", "utc"],
                         "uplift": [w.uplift(w.per_user), w.uplift(w.minutes(day="utc_day"))]})


@corpus.right("utc_vs_local")
def sql_union_all_utc_first(w):
    utc = UPLIFT_SQL.replace(LOCAL_DAY.format(zone="pop", events="e"), "CAST(e.event_ts AS DATE)")
    return w.sql(f"SELECT 'utc' AS bucketing, * FROM ({utc}) UNION ALL SELECT 'local', * FROM ({UPLIFT_SQL})")


@corpus.right("utc_vs_local")
def series_indexed_by_bucketing(w):
    return pd.Series({"local": w.uplift(w.per_user), "utc": w.uplift(w.minutes(day="utc_day"))},
                     name="Uplift").rename_axis("Bucketing")


@corpus.wrong("utc_vs_local", reason=r"combined into rows differently|wrong row")
def labels_swapped(w):
    return pd.DataFrame({"bucketing": ["utc", "local"],
                         "uplift": [w.uplift(w.per_user), w.uplift(w.minutes(day="utc_day"))]})


@corpus.wrong("utc_vs_local", reason=ROW_COUNT)
def the_local_row_only(w):
    return pd.DataFrame({"bucketing": ["local"], "uplift": [w.uplift(w.per_user)]})


@corpus.wrong("utc_vs_local", reason=r"100 times|percent")
def percentages_of_uplift(w):
    return pd.DataFrame({"bucketing": ["local", "utc"],
                         "uplift": [100 * w.uplift(w.per_user), 100 * w.uplift(w.minutes(day="utc_day"))]})


# --- 5. promo_effect ------------------------------------------------------------------------------------------------

PROMO_SQL = f"""
    WITH {ANALYSIS_DAYS},
    promo AS (SELECT DISTINCT CAST(unnest(generate_series(CAST(start_ts AS DATE), CAST(end_ts AS DATE) - 1,
                                                          INTERVAL 1 DAY)) AS DATE) AS day FROM promotions),
    kinds AS (SELECT day, day IN (SELECT day FROM promo) AS is_promo,
                     isodow(day) >= 6 AND day NOT IN (SELECT day FROM promo) AS is_other_weekend,
                     isodow(day) < 6 AS is_weekday FROM spine),
    grp AS (SELECT user_id, timezone, country IN (SELECT unnest(countries) FROM promotions) AS promoted FROM users),
    active AS (SELECT DISTINCT g.promoted, e.user_id, {LOCAL_DAY.format(zone="g", events="e")} AS day
               FROM events e JOIN grp g USING (user_id) WHERE e.{NOT_PUSH}),
    daily AS (SELECT k.day, k.is_promo, k.is_other_weekend, k.is_weekday, g.promoted, COUNT(a.user_id) AS dau
              FROM kinds k CROSS JOIN (SELECT DISTINCT promoted FROM grp) g
                   LEFT JOIN active a ON a.day = k.day AND a.promoted = g.promoted
              GROUP BY ALL),
    m AS (SELECT promoted, AVG(dau) FILTER (WHERE is_promo) AS promo, AVG(dau) FILTER (WHERE is_other_weekend) AS other,
                 AVG(dau) FILTER (WHERE is_weekday) AS weekday FROM daily GROUP BY promoted)
    SELECT t.promo / t.weekday - 1 AS naive_lift, {{did}} AS did_lift FROM m t, m c WHERE t.promoted AND NOT c.promoted
"""
DID = "(t.promo / t.other) / (c.promo / c.other) - 1"


def mean_dau(w, promoted: bool) -> dict:
    """Mean local DAU of one group on promotion days, other weekend days and weekdays (pandas)."""
    days = w.daily[["day"]].copy()
    promo_days = w.sql("""SELECT DISTINCT CAST(unnest(generate_series(CAST(start_ts AS DATE), CAST(end_ts AS DATE) - 1,
                                 INTERVAL 1 DAY)) AS DATE) AS day FROM promotions""")["day"]
    days["promo"] = days["day"].isin(pd.to_datetime(promo_days))
    countries = set(w.sql("SELECT DISTINCT unnest(countries)::VARCHAR AS c FROM promotions")["c"])
    group = w.events[w.events["country"].isin(countries) == promoted]
    dau = group.groupby("day")["user_id"].nunique().reindex(days["day"], fill_value=0).to_numpy()
    weekend = days["day"].dt.day_of_week >= 5
    return {"promo": dau[days["promo"]].mean(), "other_weekend": dau[weekend & ~days["promo"]].mean(),
            "weekday": dau[~weekend].mean()}


@corpus.right("promo_effect")
def sql_daily_dau_per_group(w):
    return w.sql(PROMO_SQL.format(did=DID))


@corpus.right("promo_effect")
def pandas_daily_series_reordered_columns(w):
    t, c = mean_dau(w, True), mean_dau(w, False)
    return pd.DataFrame({"did_lift": [(t["promo"] / t["other_weekend"]) / (c["promo"] / c["other_weekend"]) - 1],
                         "naive_lift": [t["promo"] / t["weekday"] - 1]})


@corpus.right("promo_effect")
def one_row_dict_with_unrequested_extras(w):
    row = w.sql(PROMO_SQL.format(did=DID)).iloc[0]
    return {"naive_lift": row["naive_lift"], "did_lift": row["did_lift"], "did_low": -1.0, "did_high": 1.0}


@corpus.wrong("promo_effect", reason=r"'naive_lift'")
def naive_against_other_weekends(w):
    return w.sql(PROMO_SQL.format(did=DID).replace("t.promo / t.weekday - 1", "t.promo / t.other - 1"))


@corpus.wrong("promo_effect", reason=r"'did_lift'")
def did_left_as_a_ratio(w):
    return w.sql(PROMO_SQL.format(did="(t.promo / t.other) / (c.promo / c.other)"))


@corpus.wrong("promo_effect", reason=r"'did_lift'")
def did_against_all_days(w):
    return w.sql(PROMO_SQL.format(did="(t.promo / t.weekday) / (c.promo / c.weekday) - 1")
                 .replace("AVG(dau) FILTER (WHERE is_weekday) AS weekday", "AVG(dau) AS weekday")
                 .replace("t.promo / t.weekday - 1 AS naive_lift", "t.promo / (SELECT AVG(dau) FILTER (WHERE "
                          "is_weekday) FROM daily WHERE promoted) - 1 AS naive_lift"))


# --- 6. stakeholder_chart -------------------------------------------------------------------------------------------

def bar_data(w, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Minutes per user per day (weekdays, weekends) and their 95% bootstrap ends (2 x 2: low row, high row)."""
    per_user, days = w.per_user, np.array([5, 2]) * w.calendar["n_weeks"]
    values = per_user[["weekday_min", "weekend_min"]].to_numpy()
    means = values.sum(axis=0) / (len(values) * days)
    picks = np.random.default_rng(seed).integers(0, len(values), size=(1000, len(values)))
    boot = values[picks].sum(axis=1) / (len(values) * days)
    return means, np.quantile(boot, [0.025, 0.975], axis=0)


def labelled(ax, *, y_from_zero=True):
    ax.set(title="Weekend viewing", xlabel="Day type", ylabel="Minutes per user per day")
    if y_from_zero:
        ax.set_ylim(bottom=0)
    return ax


@corpus.right("stakeholder_chart")
def pandas_bar_with_yerr_and_annotate(w):
    means, (low, high) = bar_data(w)
    series = pd.Series(means, index=["Weekdays", "Weekends"])
    ax = series.plot.bar(yerr=[means - low, high - means], rot=0)
    ax.annotate(f"{means[1] / means[0] - 1:+.0%}", xy=(1, means[1]), xytext=(1, means[1] * 1.1), ha="center")
    return labelled(ax)


@corpus.right("stakeholder_chart")
def matplotlib_bars_with_caps_and_text(w):
    means, (low, high) = bar_data(w, seed=5)
    fig, ax = plt.subplots()
    ax.bar(["Weekdays", "Weekends"], means, yerr=[means - low, high - means], capsize=6)
    ax.text(0.5, means.max(), f"uplift {means[1] / means[0] - 1:.1%}")
    labelled(ax)
    return fig


@corpus.right("stakeholder_chart")
def bars_then_errorbar_without_markers(w):
    means, (low, high) = bar_data(w, seed=99)
    fig, ax = plt.subplots()
    ax.bar([0, 1], means, tick_label=["Weekdays", "Weekends"], color=["grey", "orange"])
    ax.errorbar([0, 1], means, yerr=[means - low, high - means], fmt="none", ecolor="black")
    ax.annotate(f"weekends {means[1] / means[0] - 1:+.0%}", xy=(1, high[1]), xytext=(0.2, high[1] * 1.05),
                arrowprops={"arrowstyle": "->"})
    labelled(ax)
    return fig


@corpus.right("stakeholder_chart")
def horizontal_bars_with_xerr(w):
    means, (low, high) = bar_data(w)
    fig, ax = plt.subplots()
    ax.barh(["Weekdays", "Weekends"], means, xerr=[means - low, high - means], capsize=3)
    ax.set(title="Weekend viewing", xlabel="Minutes per user per day", ylabel="Day type")
    ax.annotate(f"{means[1] / means[0] - 1:+.1%}", xy=(means[1], 1))
    return fig


@corpus.wrong("stakeholder_chart", reason=r"error bar")
def bars_without_error_bars(w):
    means, _ = bar_data(w)
    ax = pd.Series(means, index=["Weekdays", "Weekends"]).plot.bar(rot=0)
    ax.annotate(f"{means[1] / means[0] - 1:+.0%}", xy=(1, means[1]))
    return labelled(ax)


@corpus.wrong("stakeholder_chart", reason=r"annotat|text")
def bars_without_the_uplift_written(w):
    means, (low, high) = bar_data(w)
    return labelled(pd.Series(means, index=["Weekdays", "Weekends"]).plot.bar(yerr=[means - low, high - means]))


@corpus.wrong("stakeholder_chart", reason=r"differ|values")
def total_minutes_per_day_type(w):
    totals = w.per_user[["weekday_min", "weekend_min"]].sum().to_numpy()
    fig, ax = plt.subplots()
    ax.bar(["Weekdays", "Weekends"], totals, yerr=totals * 0.05)
    ax.annotate("more at weekends", xy=(1, totals[1]))
    labelled(ax)
    return fig


@corpus.wrong("stakeholder_chart", reason=r"starts at|from 0|y-axis")
def y_axis_zoomed_on_the_difference(w):
    means, (low, high) = bar_data(w)
    fig, ax = plt.subplots()
    ax.bar(["Weekdays", "Weekends"], means, yerr=[means - low, high - means])
    ax.annotate(f"{means[1] / means[0] - 1:+.0%}", xy=(1, means[1]))
    labelled(ax, y_from_zero=False)
    ax.set_ylim(bottom=means.min() * 0.8)
    return fig


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
