"""Module 09's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support.corpus import ROW_COUNT, Corpus, Workbench

MODULE = "09_communicating"
corpus = Corpus(MODULE)
SERVER_KINDS = "('like', 'comment', 'follow', 'post_publish', 'purchase')"
CHARTS = {"trend": "line", "comparison": "bar", "composition": "stacked_bar", "distribution": "histogram",
          "relationship": "scatter"}


def way(change: float, up: str = "rose", down: str = "fell") -> str:
    """The direction word a writer picks for a change."""
    return up if change > 0 else down


class Bench(Workbench):
    """Module 09's shared intermediates: the two weeks' rows, the last 28 days, the window's DAU and its events."""

    @cached_property
    def cut(self) -> pd.Timestamp:
        """The start of this week (window_end - 7 days)."""
        return self.window[1] - pd.Timedelta(days=7)

    @cached_property
    def recent(self) -> pd.DataFrame:
        """Active (user, UTC day) pairs of the last 14 days, with their week."""
        start = self.window[1] - pd.Timedelta(days=14)
        pairs = self.sql(f"""SELECT DISTINCT user_id, CAST(event_ts AS DATE) AS day FROM events
                             WHERE event_name <> 'push_received' AND event_ts >= TIMESTAMP '{start}'
                               AND event_ts < TIMESTAMP '{self.window[1]}'""")
        pairs["day"] = pd.to_datetime(pairs["day"])
        return pairs.assign(week=(pairs["day"] >= self.cut).map({True: "this_week", False: "last_week"}))

    @cached_property
    def backend(self) -> pd.DataFrame:
        """Backend rows with status ok of the last 14 days: event_name, server_ts."""
        start = self.window[1] - pd.Timedelta(days=14)
        return self.sql(f"""SELECT event_name::VARCHAR AS event_name, server_ts FROM server_events
                            WHERE status = 'ok' AND server_ts >= TIMESTAMP '{start}'
                              AND server_ts < TIMESTAMP '{self.window[1]}'""")

    def kpis(self, likes_from: pd.DataFrame | None = None) -> pd.DataFrame:
        """The KPI table in pandas; `likes_from` replaces the backend's rows (event_name, server_ts)."""
        rows = self.backend if likes_from is None else likes_from
        week = (rows["server_ts"] >= self.cut).map({True: "this_week", False: "last_week"})
        table = pd.DataFrame({
            "weekly_active_users": self.recent.groupby("week")["user_id"].nunique(),
            "average_dau": self.recent.groupby("week").size() / 7,
            "likes": (rows["event_name"] == "like").groupby(week).sum(),
            "posts": (rows["event_name"] == "post_publish").groupby(week).sum(),
        }).T[["this_week", "last_week"]].astype(float)
        return table.assign(change=table["this_week"] / table["last_week"] - 1).rename_axis("metric").reset_index()

    @cached_property
    def wau(self) -> pd.Series:
        """The weekly_active_users row: this_week, last_week, change."""
        return self.kpis().set_index("metric").loc["weekly_active_users"]

    @cached_property
    def last_28(self) -> pd.DataFrame:
        """DAU and backend likes per day of the window's last 28 days (columns dau, likes; a day index)."""
        start = self.window[1] - pd.Timedelta(days=28)
        frame = self.sql(f"""
            SELECT d.day, (SELECT COUNT(DISTINCT user_id) FROM events e WHERE CAST(e.event_ts AS DATE) = d.day
                             AND e.event_name <> 'push_received') AS dau,
                   (SELECT COUNT(*) FROM server_events s WHERE CAST(s.server_ts AS DATE) = d.day
                             AND s.event_name = 'like' AND s.status = 'ok') AS likes
            FROM (SELECT CAST(generate_series AS DATE) AS day FROM generate_series(TIMESTAMP '{start}',
                  TIMESTAMP '{self.window[1]}' - INTERVAL 1 DAY, INTERVAL 1 DAY)) d ORDER BY d.day""")
        return frame.assign(day=pd.to_datetime(frame["day"])).set_index("day")

    def dau(self, with_push: bool = False) -> pd.Series:
        """DAU per UTC day of the window, every day present."""
        start, end = self.window
        push = "" if with_push else "AND event_name <> 'push_received'"
        daily = self.sql(f"""SELECT CAST(event_ts AS DATE) AS day, COUNT(DISTINCT user_id) AS dau FROM events
                             WHERE event_ts >= TIMESTAMP '{start}' AND event_ts < TIMESTAMP '{end}' {push}
                             GROUP BY day""")
        days = pd.date_range(start, end - pd.Timedelta(days=1))
        return daily.assign(day=pd.to_datetime(daily["day"])).set_index("day")["dau"].reindex(days, fill_value=0)

    @cached_property
    def promotions(self) -> pd.DataFrame:
        return self.sql("SELECT start_ts, end_ts FROM promotions ORDER BY start_ts")

    @cached_property
    def outage_day(self) -> pd.Timestamp:
        """The day whose server-kind client events most often lack a server row (pandas isin on event_id)."""
        client = self.sql(f"SELECT event_id, event_ts FROM unique_events WHERE event_name IN {SERVER_KINDS}")
        on_server = client["event_id"].isin(self.sql("SELECT DISTINCT event_id FROM server_events")["event_id"])
        return (~on_server).groupby(client["event_ts"].dt.normalize()).mean().idxmax()

    @cached_property
    def promotion_effect(self) -> tuple[float, float]:
        """(difference-in-differences, naive) lift of the promotion, per user as module 03 counts it."""
        start, end = self.window
        local = self.sql("""
            SELECT DISTINCT e.user_id, u.country IN (SELECT unnest(countries) FROM promotions) AS promoted,
                   CAST(timezone(u.timezone, e.event_ts AT TIME ZONE 'UTC') AS DATE) AS day
            FROM events e JOIN users u USING (user_id) WHERE e.event_name <> 'push_received'""")
        local["day"] = pd.to_datetime(local["day"])
        days = pd.date_range(start + pd.Timedelta(days=1), end - pd.Timedelta(days=2))
        promo = {d for s, e in self.promotions.itertuples(index=False)
                 for d in pd.date_range(s.normalize(), e.normalize() - pd.Timedelta(days=1))}
        kind = pd.Series(["promo" if d in promo else "weekend" if d.day_of_week >= 5 else "weekday" for d in days],
                         index=days)
        local = local[local["day"].isin(days)]
        totals = local.groupby(["promoted", local["day"].map(kind)]).size().unstack()
        mean = totals / kind.value_counts()
        did = (mean.loc[True, "promo"] / mean.loc[True, "weekend"]) / (mean.loc[False, "promo"]
                                                                        / mean.loc[False, "weekend"]) - 1
        return did, mean.loc[True, "promo"] / mean.loc[True, "weekday"] - 1


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- weekly_kpis ----------------------------------------------------------------------------------------------------

@corpus.right("weekly_kpis")
def pandas_from_the_raw_rows(w):
    return w.kpis()


@corpus.right("weekly_kpis")
def sql_long_form_with_union_all(w):
    end = w.window[1]
    return w.db.sql(f"""
        WITH rows AS (
            SELECT 'weekly_active_users' AS metric, COUNT(DISTINCT user_id) FILTER (WHERE event_ts >= this_start)
                       AS this_week, COUNT(DISTINCT user_id) FILTER (WHERE event_ts < this_start) AS last_week
            FROM events, (SELECT TIMESTAMP '{end}' - INTERVAL 7 DAY AS this_start)
            WHERE event_name <> 'push_received' AND event_ts >= TIMESTAMP '{end}' - INTERVAL 14 DAY
              AND event_ts < TIMESTAMP '{end}'
            UNION ALL
            SELECT 'average_dau', COUNT(DISTINCT (user_id, event_ts::DATE)) FILTER (WHERE event_ts >= this_start) / 7,
                   COUNT(DISTINCT (user_id, event_ts::DATE)) FILTER (WHERE event_ts < this_start) / 7
            FROM events, (SELECT TIMESTAMP '{end}' - INTERVAL 7 DAY AS this_start)
            WHERE event_name <> 'push_received' AND event_ts >= TIMESTAMP '{end}' - INTERVAL 14 DAY
              AND event_ts < TIMESTAMP '{end}'
            UNION ALL
            SELECT CASE event_name WHEN 'like' THEN 'likes' ELSE 'posts' END,
                   COUNT(*) FILTER (WHERE server_ts >= this_start), COUNT(*) FILTER (WHERE server_ts < this_start)
            FROM server_events, (SELECT TIMESTAMP '{end}' - INTERVAL 7 DAY AS this_start)
            WHERE status = 'ok' AND event_name IN ('like', 'post_publish')
              AND server_ts >= TIMESTAMP '{end}' - INTERVAL 14 DAY AND server_ts < TIMESTAMP '{end}'
            GROUP BY ALL
        )
        SELECT metric, this_week::DOUBLE AS this_week, last_week::DOUBLE AS last_week,
               this_week / last_week - 1 AS change FROM rows""")


@corpus.right("weekly_kpis")
def list_of_dicts_in_another_order(w):
    return w.kpis()[["change", "last_week", "this_week", "metric"]].iloc[::-1].to_dict("records")


@corpus.wrong("weekly_kpis", reason=r"percentage|x ?100|100 times")
def change_in_percent(w):
    table = w.kpis()
    return table.assign(change=100 * table["change"])


@corpus.wrong("weekly_kpis", reason=ROW_COUNT + r"|missing")
def posts_left_out(w):
    return w.kpis().query("metric != 'posts'")


@corpus.wrong("weekly_kpis", reason=r"Known mistake: Likes and posts are counted from the app's log")
def likes_from_the_client_log(w):
    start = w.window[1] - pd.Timedelta(days=14)
    client = w.sql(f"""SELECT event_name::VARCHAR AS event_name, event_ts AS server_ts FROM unique_events
                       WHERE event_name IN ('like', 'post_publish') AND event_ts >= TIMESTAMP '{start}'
                         AND event_ts < TIMESTAMP '{w.window[1]}'""")
    return w.kpis(likes_from=client)


@corpus.wrong("weekly_kpis", reason=r"'change'|lower than the key|higher than the key")
def change_as_a_difference_of_counts(w):
    table = w.kpis()
    return table.assign(change=table["this_week"] - table["last_week"])


# --- chart_for_message ----------------------------------------------------------------------------------------------

@corpus.right("chart_for_message")
def frame_from_a_dict(w):
    return pd.DataFrame({"message": list(CHARTS), "chart": list(CHARTS.values())})


@corpus.right("chart_for_message")
def capitalised_records_in_another_order(w):
    return [{"chart": chart.title(), "message": message} for message, chart in reversed(CHARTS.items())]


@corpus.right("chart_for_message")
def series_renamed_into_a_frame(w):
    return pd.Series(CHARTS, name="chart").rename_axis("message").reset_index()


@corpus.wrong("chart_for_message", reason=r"Known mistake: A pie shows one whole")
def pie_for_composition(w):
    return pd.DataFrame({"message": list(CHARTS), "chart": [*list(CHARTS.values())[:2], "pie",
                                                            *list(CHARTS.values())[3:]]})


@corpus.wrong("chart_for_message", reason=r"message='relationship'")
def line_for_relationship(w):
    return pd.DataFrame({"message": list(CHARTS), "chart": [*list(CHARTS.values())[:4], "line"]})


@corpus.wrong("chart_for_message", reason=r"missing|unexpected")
def messages_misnamed(w):
    return pd.DataFrame({"message": [m + "s" for m in CHARTS], "chart": list(CHARTS.values())})


# --- fix_misleading_chart -------------------------------------------------------------------------------------------

def index_of(frame: pd.DataFrame) -> pd.DataFrame:
    return 100 * frame / frame.iloc[:7].mean()


def honest(ax, *, legend: bool = True, from_zero: bool = True):
    ax.set(title="DAU and likes, first week = 100", xlabel="Day", ylabel="Index")
    if from_zero:
        ax.set_ylim(bottom=0)
    if legend:
        ax.legend()
    return ax


@corpus.right("fix_misleading_chart")
def pandas_frame_plot_of_the_index(w):
    return honest(index_of(w.last_28).rename(columns={"dau": "DAU"}).plot(figsize=(9, 3.5)))


@corpus.right("fix_misleading_chart")
def matplotlib_lines_with_a_figure_legend(w):
    index = index_of(w.last_28)
    fig, ax = plt.subplots()
    ax.plot(index.index, index["likes"].to_numpy(), label="Likes")
    ax.plot(index.index, index["dau"].to_numpy(), label="DAU")
    honest(ax, legend=False)
    fig.legend()
    return fig


@corpus.right("fix_misleading_chart")
def index_from_numpy_with_a_reference_line_at_100(w):
    values = w.last_28.to_numpy(dtype=float)
    index = 100 * values / values[:7].mean(axis=0)
    fig, ax = plt.subplots()
    ax.plot(w.last_28.index, index[:, 0], label="DAU")
    ax.plot(w.last_28.index, index[:, 1], label="likes")
    ax.axhline(100, color="grey", linestyle=":")
    return fig, honest(ax)


@corpus.wrong("fix_misleading_chart", reason=r"two y-axes")
def raw_counts_on_two_axes_from_zero(w):
    fig, ax = plt.subplots()
    ax.plot(w.last_28.index, w.last_28["dau"], label="DAU")
    twin = ax.twinx()
    twin.plot(w.last_28.index, w.last_28["likes"], color="navy", label="likes")
    twin.set_ylim(bottom=0)
    honest(ax)
    return fig


@corpus.wrong("fix_misleading_chart", reason=r"starts at \d")
def index_on_a_truncated_axis(w):
    index = index_of(w.last_28).rename(columns={"dau": "DAU"})
    return honest(index.plot(), from_zero=False)


@corpus.wrong("fix_misleading_chart", reason=r"4 series")
def smoothed_copies_kept(w):
    index = index_of(w.last_28).rename(columns={"dau": "DAU"})
    frame = index.join(index.rolling(3, min_periods=1).mean().add_suffix(" (3d)"))
    return honest(frame.plot())


@corpus.wrong("fix_misleading_chart", reason=r"no legend")
def no_legend(w):
    return honest(index_of(w.last_28).rename(columns={"dau": "DAU"}).plot(legend=False), legend=False)


@corpus.wrong("fix_misleading_chart", reason=r"Known mistake: Each line is indexed to its first day alone")
def indexed_to_the_first_day(w):
    index = 100 * w.last_28 / w.last_28.iloc[0]
    return honest(index.rename(columns={"dau": "DAU"}).plot())


# --- headline -------------------------------------------------------------------------------------------------------

@corpus.right("headline")
def change_to_one_decimal_with_the_level(w):
    change = w.wau["change"]
    return f"Weekly active users {way(change)} {abs(change):.1%} this week, to {w.wau['this_week']:,.0f}."


@corpus.right("headline")
def levels_first_then_the_rounded_change(w):
    change = w.wau["change"]
    return (f"We had {w.wau['this_week']:,.0f} weekly active users this week against {w.wau['last_week']:,.0f} "
            f"last week, {way(change, 'up', 'down')} {abs(change):.0%}.")


@corpus.right("headline")
def signed_change_with_the_likes(w):
    likes = w.kpis().set_index("metric").loc["likes", "change"]
    return (f"Weekly active users: {w.wau['change']:+.1%} on last week; likes {way(likes, 'grew', 'dropped')} "
            f"{abs(likes):.0%}.")


@corpus.wrong("headline", reason=r"Known mistake: The weekly figure adds up 7 daily counts")
def user_days_for_users(w):
    days = w.recent.groupby("week").size()
    change = days["this_week"] / days["last_week"] - 1
    return f"Weekly active users {way(change)} {abs(change):.1%} to {days['this_week']:,}."


@corpus.wrong("headline", reason=r"the direction is wrong")
def the_wrong_direction(w):
    change = w.wau["change"]
    return f"Weekly active users {way(-change)} {abs(change):.1%} this week."


@corpus.wrong("headline", reason=r"'statistically significant' is jargon")
def jargon(w):
    change = w.wau["change"]
    return f"Weekly active users {way(change)} {abs(change):.1%}, a statistically significant change."


@corpus.wrong("headline", reason=r"does not state the change in weekly active users")
def the_level_without_the_change(w):
    return f"This week {w.wau['this_week']:,.0f} people used Clipstream."


# --- exec_chart -----------------------------------------------------------------------------------------------------

def marks(w, *, at: str = "start_ts", outage: bool = True) -> list[pd.Timestamp]:
    days = list(w.promotions[at].dt.normalize())
    return days + [w.outage_day] if outage else days


def exec_chart(w, dau: pd.Series, days: list[pd.Timestamp], *, coords: str = "data", from_zero: bool = True):
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(dau.index, dau.to_numpy(), label="DAU")
    for day in days:
        if coords == "data":
            ax.annotate("event", xy=(day, dau[day]), xytext=(day, dau.max()), arrowprops={"arrowstyle": "-"})
        else:
            ax.text(0.02, 0.9, "promotions and an outage happened", transform=ax.transAxes)
    ax.set(title="DAU this quarter", xlabel="Day", ylabel="Daily active users")
    if from_zero:
        ax.set_ylim(bottom=0)
    return fig


@corpus.right("exec_chart")
def matplotlib_annotations_at_each_date(w):
    return exec_chart(w, w.dau(), marks(w))


@corpus.right("exec_chart")
def pandas_line_with_spans_and_labels_on_the_axis_transform(w):
    dau = w.dau().rename("DAU")
    ax = dau.plot(figsize=(10, 4), legend=True, title="Daily active users", xlabel="Day (UTC)", ylabel="Users")
    for start, end in w.promotions.itertuples(index=False):
        ax.axvspan(start, end, color="orange", alpha=0.3)
        ax.text(start, 0.95, "promo", transform=ax.get_xaxis_transform())
    ax.text(w.outage_day, 0.1, "outage", transform=ax.get_xaxis_transform())
    ax.set_ylim(bottom=0)
    return ax


@corpus.right("exec_chart")
def promotions_marked_on_their_sundays(w):
    sundays = [d + pd.Timedelta(days=1) for d in marks(w, outage=False)]
    return exec_chart(w, w.dau(), [*sundays, w.outage_day])


@corpus.wrong("exec_chart", reason=r"1 of the \d moments")
def the_outage_left_out(w):
    return exec_chart(w, w.dau(), marks(w, outage=False))


@corpus.wrong("exec_chart", reason=r"\d of the \d moments")
def a_caption_in_the_corner_instead_of_marks(w):
    return exec_chart(w, w.dau(), marks(w), coords="axes")


@corpus.wrong("exec_chart", reason=r"Known mistake: push_received is sent by the system")
def dau_with_push_received(w):
    return exec_chart(w, w.dau(with_push=True), marks(w))


@corpus.wrong("exec_chart", reason=r"Known mistake: The promotions are marked at the date of end_ts")
def promotions_marked_at_end_ts(w):
    return exec_chart(w, w.dau(), marks(w, at="end_ts"))


@corpus.wrong("exec_chart", reason=r"starts at \d")
def y_axis_from_the_data(w):
    return exec_chart(w, w.dau(), marks(w), from_zero=False)


# --- recommendation -------------------------------------------------------------------------------------------------

@corpus.right("recommendation")
def extend_with_the_rounded_effect(w):
    did, _ = w.promotion_effect
    return f"Extend the Weekend Watch Party: it {way(did, 'raises', 'lowers')} weekend DAU by about {abs(did):.0%}."


@corpus.right("recommendation")
def keep_with_one_decimal(w):
    did, _ = w.promotion_effect
    return f"Keep running the promotion, which adds {did:.1%} to daily active users on its weekends where it runs."


@corpus.right("recommendation")
def signed_effect(w):
    did, _ = w.promotion_effect
    return f"Roll the promotion out to more countries: on its weekends DAU is {did:+.0%} against ordinary weekends."


@corpus.wrong("recommendation", reason=r"Known mistake: That is the naive lift")
def the_decks_weekday_comparison(w):
    _, naive = w.promotion_effect
    return f"Extend the promotion: it lifts DAU by {naive:.0%}."


@corpus.wrong("recommendation", reason=r"the direction is wrong")
def the_wrong_direction(w):
    did, _ = w.promotion_effect
    return f"Stop the promotion: it reduces weekend DAU by {abs(did):.0%}."


@corpus.wrong("recommendation", reason=r"'difference-in-differences' is jargon")
def jargon(w):
    did, _ = w.promotion_effect
    return f"Extend the promotion: the difference-in-differences estimate is {did:+.1%}."


# --- investigate ----------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def option_b(w):
    return "b"


@corpus.right("investigate")
def upper_case(w):
    return "B"


@corpus.right("investigate")
def with_spaces(w):
    return "  b "


@corpus.wrong("investigate", reason=r"Known mistake: Weekdays carry no promotion")
def just_the_promotion(w):
    return "a"


@corpus.wrong("investigate", reason=r"Known mistake: The outage was a single night")
def the_outage(w):
    return "c"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
