"""Module 07's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support.corpus import ROW_COUNT, Corpus, Workbench

MODULE = "07_conflicting_sources"
corpus = Corpus(MODULE)
SERVER_KINDS = "('like', 'comment', 'follow', 'post_publish', 'purchase')"


class Bench(Workbench):
    """Module 07's shared intermediates: client and server likes, the outage's cells, the regular viewers."""

    @cached_property
    def client_likes(self) -> pd.DataFrame:
        """One row per client like (deduplicated): event_id, user_id, event_ts, received_ts."""
        return self.sql("SELECT event_id, user_id, event_ts, received_ts FROM unique_events WHERE event_name = 'like'")

    @cached_property
    def server_likes(self) -> pd.DataFrame:
        """One row per server like with status ok, with the user's device tier."""
        return self.sql("""SELECT s.event_id, s.server_ts, u.device_tier::VARCHAR AS device_tier
                           FROM server_events s JOIN users u USING (user_id)
                           WHERE s.event_name = 'like' AND s.status = 'ok'""")

    @cached_property
    def reconciled(self) -> pd.DataFrame:
        """Client events of the server kinds, each with whether the server has its event_id."""
        return self.sql(f"""SELECT e.event_id, e.country::VARCHAR AS country, e.event_ts, e.received_ts,
                                   e.event_id IN (SELECT event_id FROM server_events) AS on_server
                            FROM unique_events e WHERE e.event_name IN {SERVER_KINDS}""")

    def cells(self, ts: str = "event_ts") -> pd.DataFrame:
        """The outage's (country, hour) cells, hours read from `ts`."""
        r = self.reconciled.assign(hour=self.reconciled[ts].dt.floor("h"))
        share = (~r["on_server"]).groupby([r["country"], r["hour"]]).mean()
        return share[share >= 0.5].reset_index()[["country", "hour"]]

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """Per viewer: the number of gaps under 10 minutes and the share within 2 s of their median."""
        views = self.sql("SELECT user_id, event_ts FROM unique_events WHERE event_name = 'video_view'")
        views = views.sort_values(["user_id", "event_ts"])
        gap = views.groupby("user_id")["event_ts"].diff().dt.total_seconds()
        g = views.assign(gap=gap)[gap < 600]
        steady = (g["gap"] - g.groupby("user_id")["gap"].transform("median")).abs() <= 2
        return g.assign(steady=steady).groupby("user_id").agg(n=("gap", "size"), share=("steady", "mean"))

    @cached_property
    def bots(self) -> set[int]:
        return set(self.gaps.index[(self.gaps["n"] >= 20) & (self.gaps["share"] >= 0.9)])

    @cached_property
    def user_days(self) -> pd.DataFrame:
        """One row per active (UTC day, user) of the window, push_received left out."""
        start, end = self.window
        return self.sql(f"""SELECT DISTINCT CAST(event_ts AS DATE) AS day, user_id FROM events
                            WHERE event_name <> 'push_received'
                              AND event_ts >= TIMESTAMP '{start}' AND event_ts < TIMESTAMP '{end}'""")

    def mean_dau(self, without: set[int] = frozenset()) -> float:
        days = self.user_days[~self.user_days["user_id"].isin(without)]
        return days.groupby("day")["user_id"].nunique().mean()


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- likes_by_source ------------------------------------------------------------------------------------------------

def likes_frame(w: Bench, client_ts: str = "event_ts") -> pd.DataFrame:
    client = w.client_likes.groupby(w.client_likes[client_ts].dt.normalize()).size()
    server = w.server_likes.groupby(w.server_likes["server_ts"].dt.normalize()).size()
    frame = pd.DataFrame({"server_likes": server}).join(client.rename("client_likes")).fillna(0)
    frame["client_likes"] = frame["client_likes"].astype(int)
    return frame.assign(gap=frame["server_likes"] - frame["client_likes"]).rename_axis("day").reset_index()


@corpus.right("likes_by_source")
def pandas_groupby_and_join(w):
    return likes_frame(w)


@corpus.right("likes_by_source")
def sql_count_distinct_event_ids_on_events(w):
    return w.db.sql("""
        SELECT s.day, COALESCE(c.n, 0) AS client_likes, s.n AS server_likes, s.n - COALESCE(c.n, 0) AS gap
        FROM (SELECT server_ts::DATE AS day, count(*) AS n FROM server_events
              WHERE event_name = 'like' AND status = 'ok' GROUP BY 1) s
        LEFT JOIN (SELECT day, count(DISTINCT event_id) AS n FROM
                     (SELECT event_id, min(event_ts)::DATE AS day FROM events WHERE event_name = 'like'
                      GROUP BY event_id) GROUP BY day) c USING (day)""")


@corpus.right("likes_by_source")
def other_column_order_and_row_order(w):
    return likes_frame(w)[["gap", "server_likes", "client_likes", "day"]].sort_values("gap")


@corpus.wrong("likes_by_source", reason=r"retried upload|unique_events")
def client_rows_not_deduplicated(w):
    events = w.sql("SELECT event_ts FROM events WHERE event_name = 'like'")
    frame = likes_frame(w)
    counts = events.groupby(events["event_ts"].dt.normalize()).size().reindex(frame["day"]).to_numpy()
    return frame.assign(client_likes=counts, gap=frame["server_likes"] - counts)


@corpus.wrong("likes_by_source", reason=r"'gap'")
def gap_with_the_opposite_sign(w):
    frame = likes_frame(w)
    return frame.assign(gap=-frame["gap"])


@corpus.wrong("likes_by_source", reason=ROW_COUNT)
def client_days_as_the_spine(w):
    client = w.client_likes.groupby(w.client_likes["event_ts"].dt.normalize()).size().rename("client_likes")
    server = w.server_likes.groupby(w.server_likes["server_ts"].dt.normalize()).size().rename("server_likes")
    frame = pd.concat([client, server], axis=1).fillna(0).astype(int).rename_axis("day").reset_index()
    return frame.assign(gap=frame["server_likes"] - frame["client_likes"])


# --- client_drop_rate -----------------------------------------------------------------------------------------------

def drop_frame(w: Bench) -> pd.DataFrame:
    dropped = ~w.server_likes["event_id"].isin(w.client_likes["event_id"])
    by_tier = dropped.groupby(w.server_likes["device_tier"]).mean()
    return pd.concat([by_tier, pd.Series({"all": dropped.mean()})]).rename_axis("device_tier").rename(
        "drop_rate").reset_index()


@corpus.right("client_drop_rate")
def pandas_isin(w):
    return drop_frame(w)


@corpus.right("client_drop_rate")
def sql_anti_join_with_grouping_sets(w):
    return w.db.sql("""
        SELECT COALESCE(u.device_tier::VARCHAR, 'all') AS device_tier,
               count(*) FILTER (WHERE c.event_id IS NULL) / count(*) AS drop_rate
        FROM server_events s JOIN users u USING (user_id)
        LEFT JOIN (SELECT DISTINCT event_id FROM events WHERE event_name = 'like') c USING (event_id)
        WHERE s.event_name = 'like' AND s.status = 'ok'
        GROUP BY ROLLUP (u.device_tier)""")


@corpus.right("client_drop_rate")
def percent_column_dropped_and_rows_reordered(w):
    return drop_frame(w).iloc[::-1]


@corpus.wrong("client_drop_rate", reason=r"percentage|x ?100|100 times")
def drop_rate_in_percent(w):
    frame = drop_frame(w)
    return frame.assign(drop_rate=frame["drop_rate"] * 100)


@corpus.wrong("client_drop_rate", reason=r"missing|all")
def no_overall_row(w):
    return drop_frame(w).query("device_tier != 'all'")


@corpus.wrong("client_drop_rate", reason=r"'drop_rate'")
def share_of_client_likes_never_on_the_server(w):
    lost = ~w.client_likes["event_id"].isin(w.server_likes["event_id"])
    tier = w.sql("SELECT user_id, device_tier::VARCHAR AS device_tier FROM users").set_index("user_id")["device_tier"]
    by_tier = lost.groupby(w.client_likes["user_id"].map(tier)).mean()
    return pd.concat([by_tier, pd.Series({"all": lost.mean()})]).rename_axis("device_tier").rename(
        "drop_rate").reset_index()


# --- outage ---------------------------------------------------------------------------------------------------------

@corpus.right("outage")
def pandas_share_of_unmatched(w):
    return w.cells()


@corpus.right("outage")
def sql_with_exists(w):
    return w.db.sql(f"""
        SELECT country, date_trunc('hour', event_ts) AS hour FROM unique_events e
        WHERE event_name IN {SERVER_KINDS}
        GROUP BY ALL
        HAVING avg(CASE WHEN EXISTS (SELECT 1 FROM server_events s WHERE s.event_id = e.event_id)
                        THEN 0 ELSE 1 END) >= 0.5""")


@corpus.right("outage")
def columns_swapped_hour_as_text_free_order(w):
    return w.cells()[["hour", "country"]].sample(frac=1.0, random_state=0)


@corpus.wrong("outage", reason=r"received_ts|missing")
def hours_by_arrival(w):
    return w.cells("received_ts")


@corpus.wrong("outage", reason=r"missing|unexpected")
def days_instead_of_hours(w):
    r = w.reconciled.assign(hour=w.reconciled["event_ts"].dt.floor("D"))
    share = (~r["on_server"]).groupby([r["country"], r["hour"]]).mean()
    return share[share >= 0.01].reset_index()[["country", "hour"]]


@corpus.wrong("outage", reason=r"missing|fewer")
def countries_only_the_largest(w):
    cells = w.cells()
    return cells[cells["country"] == cells["country"].value_counts().index[0]]


# --- bots -----------------------------------------------------------------------------------------------------------

@corpus.right("bots")
def set_of_the_rule(w):
    return w.bots


@corpus.right("bots")
def a_sorted_list(w):
    return sorted(w.bots)


@corpus.right("bots")
def sql_stddev_of_gaps(w):
    # another sound rule: many short gaps whose spread is a couple of seconds
    return set(w.db.sql("""
        WITH g AS (SELECT user_id, epoch(event_ts - lag(event_ts) OVER (PARTITION BY user_id ORDER BY event_ts))
                            AS gap FROM unique_events WHERE event_name = 'video_view')
        SELECT user_id FROM g WHERE gap < 600 GROUP BY user_id
        HAVING count(*) >= 20 AND quantile_cont(gap, 0.9) - quantile_cont(gap, 0.1) <= 4""").df()["user_id"])


@corpus.wrong("bots", reason=r"precision")
def most_views(w):
    return set(w.sql("""SELECT user_id FROM unique_events WHERE event_name = 'video_view'
                        GROUP BY user_id ORDER BY count(*) DESC LIMIT 30""")["user_id"])


@corpus.wrong("bots", reason=r"recall|misses")
def half_of_the_bots(w):
    return sorted(w.bots)[: len(w.bots) // 2]


# --- dau_reconciled -------------------------------------------------------------------------------------------------

def dau_frame(naive: float, dau: float, inflation: float | None = None) -> pd.DataFrame:
    return pd.DataFrame({"naive_dau": [naive], "dau": [dau],
                         "inflation": [naive / dau - 1 if inflation is None else inflation]})


@corpus.right("dau_reconciled")
def pandas_means(w):
    return dau_frame(w.mean_dau(), w.mean_dau(w.bots))


@corpus.right("dau_reconciled")
def a_dict_of_values_from_sql(w):
    ids = ", ".join(str(b) for b in sorted(w.bots))
    naive, dau = w.db.sql(f"""
        WITH d AS (SELECT CAST(event_ts AS DATE) AS day, count(DISTINCT user_id) AS all_users,
                          count(DISTINCT user_id) FILTER (WHERE user_id NOT IN ({ids})) AS humans
                   FROM events, (SELECT CAST(value AS TIMESTAMP) AS v FROM dataset_info WHERE key = 'window_start') s,
                        (SELECT CAST(value AS TIMESTAMP) AS v FROM dataset_info WHERE key = 'window_end') e
                   WHERE event_name <> 'push_received' AND event_ts >= s.v AND event_ts < e.v GROUP BY day)
        SELECT avg(all_users), avg(humans) FROM d""").fetchall()[0]
    return {"inflation": naive / dau - 1, "dau": dau, "naive_dau": naive}


@corpus.right("dau_reconciled")
def a_series(w):
    naive, dau = w.mean_dau(), w.mean_dau(w.bots)
    return pd.Series({"naive_dau": naive, "dau": dau, "inflation": (naive - dau) / dau})


@corpus.wrong("dau_reconciled", reason=r"'dau'|lower|higher")
def no_bots_removed(w):
    naive = w.mean_dau()
    return dau_frame(naive, naive)


@corpus.wrong("dau_reconciled", reason=r"percentage|x ?100|100 times")
def inflation_in_percent(w):
    naive, dau = w.mean_dau(), w.mean_dau(w.bots)
    return dau_frame(naive, dau, 100 * (naive / dau - 1))


# --- source_of_truth ------------------------------------------------------------------------------------------------

SOURCES = {"likes": "server_events", "views": "events", "watch_time": "events", "purchases": "server_events",
           "app_opens": "events"}


@corpus.right("source_of_truth")
def from_a_dict(w):
    return pd.DataFrame({"metric": list(SOURCES), "source": list(SOURCES.values())})


@corpus.right("source_of_truth")
def upper_case_and_reordered(w):
    return pd.DataFrame({"source": [s.upper() for s in SOURCES.values()], "metric": list(SOURCES)}).iloc[::-1]


@corpus.right("source_of_truth")
def list_of_dicts(w):
    return [{"metric": m, "source": s} for m, s in sorted(SOURCES.items())]


@corpus.wrong("source_of_truth", reason=r"'likes'|source")
def likes_from_the_client(w):
    return pd.DataFrame({"metric": list(SOURCES), "source": list({**SOURCES, "likes": "events"}.values())})


@corpus.wrong("source_of_truth", reason=r"'views'|source")
def everything_from_the_backend(w):
    return pd.DataFrame({"metric": list(SOURCES), "source": ["server_events"] * len(SOURCES)})


# --- reconciliation_chart -------------------------------------------------------------------------------------------

def hourly_lines(w: Bench, client_ts: str = "event_ts") -> tuple[pd.DatetimeIndex, pd.Series, pd.Series]:
    cells = w.cells()
    hours = pd.date_range(cells["hour"].min() - pd.Timedelta(hours=12), cells["hour"].max() + pd.Timedelta(hours=12),
                          freq="h")
    region = sorted(cells["country"].unique())
    users = w.sql("SELECT user_id, country::VARCHAR AS country FROM users")
    mine = set(users.loc[users["country"].isin(region), "user_id"])
    client = w.client_likes[w.client_likes["user_id"].isin(mine)]
    server = w.sql("SELECT user_id, server_ts FROM server_events WHERE event_name = 'like' AND status = 'ok'")
    server = server[server["user_id"].isin(mine)]
    count = lambda ts: ts.dt.floor("h").value_counts().reindex(hours, fill_value=0)  # noqa: E731
    return hours, count(client[client_ts]), count(server["server_ts"])


def chart(hours, client, server, annotate: bool = True, y_from_zero: bool = True):
    fig, ax = plt.subplots()
    ax.plot(hours, client, label="client")
    ax.plot(hours, server, label="server")
    ax.set(title="Likes per hour around the outage", xlabel="hour (UTC)", ylabel="likes")
    if y_from_zero:
        ax.set_ylim(bottom=0)
    if annotate:
        ax.annotate("outage", xy=(hours[12], 0))
    return fig


@corpus.right("reconciliation_chart")
def matplotlib_two_lines(w):
    return chart(*hourly_lines(w))


@corpus.right("reconciliation_chart")
def pandas_plot_of_a_frame(w):
    hours, client, server = hourly_lines(w)
    ax = pd.DataFrame({"client": client, "server": server}, index=hours).plot(
        title="Client vs server likes", xlabel="UTC hour", ylabel="likes per hour", ylim=(0, None), x_compat=True)
    ax.text(hours[12], 1, "backend down")
    return ax


@corpus.right("reconciliation_chart")
def axes_and_figure_tuple_with_a_shaded_window(w):
    hours, client, server = hourly_lines(w)
    fig = chart(hours, client, server)
    ax = fig.axes[0]
    ax.axvspan(hours[12], hours[-12], alpha=0.3)
    return fig, ax


@corpus.wrong("reconciliation_chart", reason=r"annotation")
def no_annotation(w):
    return chart(*hourly_lines(w), annotate=False)


@corpus.wrong("reconciliation_chart", reason=r"differ|values")
def client_by_arrival(w):
    return chart(*hourly_lines(w, "received_ts"))


# --- investigate ----------------------------------------------------------------------------------------------------

@corpus.right("investigate")
def the_letter(w):
    return "c"


@corpus.right("investigate")
def upper_case(w):
    return "C"


@corpus.right("investigate")
def with_spaces(w):
    return " c "


@corpus.wrong("investigate", reason=r"not the right option")
def a_drop(w):
    return "a"


@corpus.wrong("investigate", reason=r"not the right option")
def a_spike_in_capitals(w):
    return "  B"


# --- the corpus as a specification ----------------------------------------------------------------------------------

(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
