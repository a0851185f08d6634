"""The capstone's answer corpus: other right routes pass, plausible wrong answers fail and say why, no key leaks.

Each answer is written as a student would write it, on the hidden-scale dataset; see corpus.py for how it is judged.
The broken build and its day are found from the data here too (the build without pushes), never typed in.
"""

from __future__ import annotations

from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support.corpus import Corpus, Workbench

MODULE = "10_capstone"
corpus = Corpus(MODULE)
DAY = pd.Timedelta(days=1)


class Bench(Workbench):
    """The capstone's shared intermediates: active user-days, the broken build, its day, the segment's flags."""

    @cached_property
    def last(self) -> pd.Timestamp:
        return self.window[1] - DAY

    @cached_property
    def user_days(self) -> pd.DataFrame:
        """One row per active (UTC day, user), push_received left out, with the user's platform and version."""
        return self.sql("""SELECT DISTINCT CAST(e.event_ts AS DATE) AS day, e.user_id, u.platform::VARCHAR AS platform,
                                  u.app_version::VARCHAR AS version
                           FROM events e JOIN users u USING (user_id) WHERE e.event_name <> 'push_received'""")

    def wau(self, day: pd.Timestamp, rows: pd.DataFrame | None = None) -> int:
        rows = self.user_days if rows is None else rows
        return rows[(rows["day"] > day - 7 * DAY) & (rows["day"] <= day)]["user_id"].nunique()

    @cached_property
    def builds(self) -> pd.DataFrame:
        """Pushes and active user-days per (platform, event app_version) over the whole window."""
        return self.sql("""
            SELECT platform::VARCHAR AS platform, app_version::VARCHAR AS app_version,
                   count(*) FILTER (WHERE event_name = 'push_received') AS pushes,
                   count(DISTINCT (user_id, event_ts::DATE)) FILTER (WHERE event_name <> 'push_received') AS days
            FROM unique_events GROUP BY ALL HAVING days >= 100""")

    @cached_property
    def broken(self) -> tuple[str, str]:
        silent = self.builds[self.builds["pushes"] < 0.1 * self.builds["days"]]
        row = silent.sort_values("app_version").iloc[0]
        return row["platform"], row["app_version"]

    @cached_property
    def start(self) -> pd.Timestamp:
        released = self.db.execute("SELECT release_ts FROM app_releases WHERE platform = ? AND app_version = ?",
                                   list(self.broken)).fetchall()[0][0]
        return pd.Timestamp(released).normalize()

    @cached_property
    def since(self) -> pd.DataFrame:
        """unique_events from the start on: (platform, app_version, user_id, day, push) per event."""
        return self.db.execute("""SELECT platform::VARCHAR AS platform, app_version::VARCHAR AS app_version, user_id,
                                         event_ts::DATE AS day, event_name = 'push_received' AS push
                                  FROM unique_events WHERE event_ts >= ? AND event_ts < ?""",
                               [self.start.to_pydatetime(), self.window[1].to_pydatetime()]).df()

    def in_segment(self, rows: pd.DataFrame) -> pd.Series:
        platform, version = self.broken
        return (rows["platform"] == platform) & (rows["version"] >= version)

    def effect(self, flag: pd.Series, before: pd.Timestamp | None = None) -> pd.DataFrame:
        """effect_size from a per-row segment flag of user_days."""
        before = self.start - DAY if before is None else before
        groups = {"segment": self.user_days[flag], "rest": self.user_days[~flag], "all": self.user_days}
        table = pd.DataFrame({"group": list(groups),
                              "wau_before": [self.wau(before, g) for g in groups.values()],
                              "wau_end": [self.wau(self.last, g) for g in groups.values()]})
        return table.assign(change=table["wau_end"] / table["wau_before"] - 1)

    @cached_property
    def right_effect(self) -> pd.DataFrame:
        return self.effect(self.in_segment(self.user_days))

    def indexed(self) -> pd.DataFrame:
        """Daily WAU of the segment and the rest, indexed to 100 on the day before the start."""
        days = pd.date_range(self.start - 28 * DAY, self.last, freq="D")
        flag = self.in_segment(self.user_days)
        table = pd.DataFrame({"segment": [self.wau(d, self.user_days[flag]) for d in days],
                              "rest": [self.wau(d, self.user_days[~flag]) for d in days]}, index=days)
        return 100 * table / table.loc[self.start - DAY]


@pytest.fixture(scope="module")
def bench(corpus_db) -> Bench:
    return Bench(corpus_db)


# --- wau_change -----------------------------------------------------------------------------------------------------

@corpus.right("wau_change")
def pandas_trailing_windows(w):
    return w.wau(w.last) / w.wau(w.last - 21 * DAY) - 1


@corpus.right("wau_change")
def sql_two_counts_as_a_one_by_one_relation(w):
    return w.db.sql(f"""
        WITH a AS (SELECT DISTINCT event_ts::DATE AS day, user_id FROM events WHERE event_name <> 'push_received')
        SELECT count(DISTINCT user_id) FILTER (WHERE day BETWEEN DATE '{w.last.date()}' - 6 AND DATE '{w.last.date()}')
             / count(DISTINCT user_id) FILTER (WHERE day BETWEEN DATE '{w.last.date()}' - 27
                                                              AND DATE '{w.last.date()}' - 21) - 1 AS change
        FROM a""")


@corpus.right("wau_change")
def sql_window_over_a_daily_spine_then_pandas_rolling_on_sets(w):
    days = w.user_days.groupby("day")["user_id"].apply(set)
    spine = days.reindex(pd.date_range(w.last - 40 * DAY, w.last, freq="D"), fill_value=set())
    weekly = pd.Series([len(set().union(*spine.iloc[max(0, i - 6): i + 1])) for i in range(len(spine))],
                       index=spine.index)
    return float(weekly.iloc[-1] / weekly.iloc[-22] - 1)


@corpus.wrong("wau_change", reason=r"Known mistake: push_received")
def pushes_counted_as_activity(w):
    rows = w.sql("SELECT DISTINCT event_ts::DATE AS day, user_id FROM events")
    return w.wau(w.last, rows) / w.wau(w.last - 21 * DAY, rows) - 1


@corpus.wrong("wau_change", reason=r"x100|percentage")
def a_percentage(w):
    return 100 * (w.wau(w.last) / w.wau(w.last - 21 * DAY) - 1)


@corpus.wrong("wau_change", reason=r"(lower|higher) than the key")
def monthly_actives_instead(w):
    def mau(day):
        rows = w.user_days
        return rows[(rows["day"] > day - 28 * DAY) & (rows["day"] <= day)]["user_id"].nunique()
    return mau(w.last) / mau(w.last - 21 * DAY) - 1


# --- drop_start -----------------------------------------------------------------------------------------------------

@corpus.right("drop_start")
def release_day_as_text(w):
    return str(w.start.date())


@corpus.right("drop_start")
def first_receipt_of_the_build(w):
    return w.db.execute("SELECT min(received_ts)::DATE FROM events WHERE platform = ? AND app_version = ?",
                        list(w.broken)).fetchall()[0][0]


@corpus.right("drop_start")
def a_midnight_timestamp(w):
    return pd.Timestamp(w.start)


@corpus.wrong("drop_start", reason=r"Known mistake: The fall shows in the daily counts from the day after")
def first_full_day_of_the_fall(w):
    return (w.start + DAY).date()


@corpus.wrong("drop_start", reason=r"Known mistake: That is the same version's release on the other platform")
def the_other_platforms_release(w):
    other = "ios" if w.broken[0] == "android" else "android"
    return w.db.execute("SELECT release_ts::DATE FROM app_releases WHERE platform = ? AND app_version = ?",
                        [other, w.broken[1]]).fetchall()[0][0]


@corpus.wrong("drop_start", reason=r"not the key's value")
def the_peak_of_wau_before_the_drop(w):
    days = pd.date_range(w.last - 35 * DAY, w.last, freq="D")
    return max(days, key=w.wau).date().isoformat()


# --- drop_segment ---------------------------------------------------------------------------------------------------

def broken_builds(w: Bench) -> set[str]:
    platform, version = w.broken
    return {f"{platform} {v}" for (v,) in w.db.execute(
        "SELECT app_version::VARCHAR FROM app_releases WHERE platform = ? AND app_version >= ?",
        [platform, version]).fetchall()}


@corpus.right("drop_segment")
def a_set_from_app_releases(w):
    return broken_builds(w)


@corpus.right("drop_segment")
def capitalised_list_from_the_drill_down(w):
    silent = w.builds[w.builds["pushes"] < 0.1 * w.builds["days"]]
    return [f"{p.capitalize()} {v}" for p, v in zip(silent["platform"], silent["app_version"], strict=True)]


@corpus.right("drop_segment")
def a_series_of_the_users_current_builds(w):
    platform, version = w.broken
    return w.db.execute("""SELECT DISTINCT platform::VARCHAR || ' ' || app_version::VARCHAR AS build FROM users
                           WHERE platform = ? AND app_version >= ?""", [platform, version]).df()["build"]


@corpus.wrong("drop_segment", reason=r"Unexpected.*'android'|'ios'|missing")
def the_platform_alone(w):
    return {w.broken[0]}


@corpus.wrong("drop_segment", reason=r"Known mistake: The builds after the first broken one keep the bug")
def the_first_broken_build_only(w):
    return {" ".join(w.broken)}


@corpus.wrong("drop_segment", reason=r"missing|Unexpected")
def every_build_of_the_platform_in_the_last_weeks(w):
    return broken_builds(w) | {f"{w.broken[0]} 8.{int(w.broken[1].split('.')[1]) - 1}.0"}


# --- pushes_by_build ------------------------------------------------------------------------------------------------

def pushes_frame(w: Bench, rows: pd.DataFrame | None = None, per: list[str] | None = None) -> pd.DataFrame:
    rows = w.since if rows is None else rows
    active = rows[~rows["push"]].drop_duplicates(["platform", "app_version"] + (per or ["user_id", "day"]))
    table = pd.DataFrame({
        "active_user_days": active.groupby(["platform", "app_version"]).size(),
        "pushes": rows[rows["push"]].groupby(["platform", "app_version"]).size(),
    }).fillna(0).astype(int)
    table = table[table["active_user_days"] >= 50].reset_index()
    return table.assign(pushes_per_user_day=table["pushes"] / table["active_user_days"])


@corpus.right("pushes_by_build")
def pandas_groupby(w):
    return pushes_frame(w)


@corpus.right("pushes_by_build")
def sql_two_ctes_joined(w):
    return w.db.execute("""
        WITH days AS (SELECT platform, app_version, count(*) AS active_user_days FROM (
                          SELECT DISTINCT platform, app_version, user_id, event_ts::DATE FROM unique_events
                          WHERE event_name <> 'push_received' AND event_ts >= $s AND event_ts < $e) GROUP BY ALL),
             pushes AS (SELECT platform, app_version, count(*) AS pushes FROM unique_events
                        WHERE event_name = 'push_received' AND event_ts >= $s AND event_ts < $e GROUP BY ALL)
        SELECT platform::VARCHAR AS platform, app_version::VARCHAR AS app_version, active_user_days,
               COALESCE(pushes, 0) AS pushes, COALESCE(pushes, 0) / active_user_days AS pushes_per_user_day
        FROM days LEFT JOIN pushes USING (platform, app_version) WHERE active_user_days >= 50""",
                        {"s": w.start.to_pydatetime(), "e": w.window[1].to_pydatetime()}).df()


@corpus.right("pushes_by_build")
def other_column_and_row_order(w):
    table = pushes_frame(w)
    return table[["pushes_per_user_day", "pushes", "active_user_days", "app_version", "platform"]].sort_values(
        "pushes_per_user_day")


@corpus.wrong("pushes_by_build", reason=r"Wrong row|Unexpected row|first column")
def by_the_users_current_version(w):
    current = w.sql("SELECT user_id, platform::VARCHAR AS platform, app_version::VARCHAR AS app_version FROM users")
    rows = w.since.drop(columns=["platform", "app_version"]).merge(current, on="user_id")
    return pushes_frame(w, rows)


@corpus.wrong("pushes_by_build", reason=r"Known mistake: Events are counted by row")
def rows_not_deduplicated(w):
    rows = w.db.execute("""SELECT platform::VARCHAR AS platform, app_version::VARCHAR AS app_version, user_id,
                                  event_ts::DATE AS day, event_name = 'push_received' AS push
                           FROM events WHERE event_ts >= ? AND event_ts < ?""",
                        [w.start.to_pydatetime(), w.window[1].to_pydatetime()]).df()
    return pushes_frame(w, rows)


@corpus.wrong("pushes_by_build", reason=r"'active_user_days'|Wrong row|row count|more than the key|fewer than the key")
def pushes_per_user_not_per_user_day(w):
    return pushes_frame(w, per=["user_id"])   # distinct users per build, not user-days


# --- ruled_out ------------------------------------------------------------------------------------------------------

@corpus.right("ruled_out")
def lower_case(w):
    return "d"


@corpus.right("ruled_out")
def upper_case(w):
    return "D"


@corpus.right("ruled_out")
def with_spaces(w):
    return "  d "


@corpus.wrong("ruled_out", reason=r"Known mistake: The backend records")
def a_logging_bug(w):
    return "a"


@corpus.wrong("ruled_out", reason=r"Known mistake: Scripted accounts keep running")
def the_bots(w):
    return "c"


@corpus.wrong("ruled_out", reason=r"Known mistake: The outage was weeks before the drop")
def the_outage(w):
    return "B"


# --- effect_size ----------------------------------------------------------------------------------------------------

@corpus.right("effect_size")
def pandas_flags(w):
    return w.right_effect


@corpus.right("effect_size")
def sql_with_filters(w):
    platform, version = w.broken
    before, end = (w.start - DAY).date(), w.last.date()
    return w.db.execute(f"""
        WITH a AS (SELECT DISTINCT e.event_ts::DATE AS day, e.user_id,
                          u.platform::VARCHAR = $p AND u.app_version::VARCHAR >= $v AS seg
                   FROM events e JOIN users u USING (user_id) WHERE e.event_name <> 'push_received'),
        g AS (SELECT 'segment' AS "group", * FROM a WHERE seg
              UNION ALL SELECT 'rest', * FROM a WHERE NOT seg
              UNION ALL SELECT 'all', * FROM a)
        SELECT "group",
               count(DISTINCT user_id) FILTER (WHERE day BETWEEN DATE '{before}' - 6 AND DATE '{before}') AS wau_before,
               count(DISTINCT user_id) FILTER (WHERE day BETWEEN DATE '{end}' - 6 AND DATE '{end}') AS wau_end,
               wau_end / wau_before - 1 AS change
        FROM g GROUP BY "group" ORDER BY wau_before""", {"p": platform, "v": version}).df()


@corpus.right("effect_size")
def list_of_dicts_in_another_order(w):
    return [{"change": r.change, "wau_end": r.wau_end, "wau_before": r.wau_before, "group": r.group}
            for r in w.right_effect.itertuples()][::-1]


@corpus.wrong("effect_size", reason=r"Known mistake: The segment is the whole platform")
def the_whole_platform(w):
    return w.effect(w.user_days["platform"] == w.broken[0])


@corpus.wrong("effect_size", reason=r"x100|percentage")
def change_in_percent(w):
    return w.right_effect.assign(change=100 * w.right_effect["change"])


@corpus.wrong("effect_size", reason=r"Wrong row group='segment'|first column")
def segment_of_users_who_ever_ran_the_build(w):
    ran = w.db.execute("SELECT DISTINCT user_id FROM events WHERE platform = ? AND app_version >= ?",
                       list(w.broken)).df()["user_id"]
    return w.effect(w.user_days["user_id"].isin(ran))


# --- memo -----------------------------------------------------------------------------------------------------------

def moved(change: float, places: int = 1, up: str = "rose", down: str = "fell") -> str:
    return f"{up if change > 0 else down} {abs(change) * 100:.{places}f}%"


def build(w: Bench) -> str:
    return f"{w.broken[0].replace('android', 'Android').replace('ios', 'iOS')} {w.broken[1]}"


def change(w: Bench, group: str) -> float:
    return float(w.right_effect.set_index("group").loc[group, "change"])


@corpus.right("memo")
def the_reference_shape(w):
    return (f"Weekly active users {moved(change(w, 'all'))} since {w.start:%d %B} because {build(w)} stopped "
            f"delivering notifications: its users' weekly actives {moved(change(w, 'segment'))}, everyone else's "
            f"{moved(change(w, 'rest'))}.")


@corpus.right("memo")
def whole_percents_and_other_verbs(w):
    return (f"Since {build(w)} shipped, weekly actives are {moved(change(w, 'all'), 0, 'up', 'down')} overall and "
            f"{moved(change(w, 'segment'), 0, 'up', 'down')} among people on that build, who no longer get push "
            "notifications.")


@corpus.right("memo")
def the_two_required_figures_only(w):
    return (f"Among users of {build(w)}, which stopped receiving push notifications, weekly actives dropped "
            f"{abs(change(w, 'segment')) * 100:.1f}%, pulling the whole app's down {abs(change(w, 'all')) * 100:.1f}%.")


@corpus.wrong("memo", reason=r"direction|rose|fell|up|down")
def the_wrong_direction(w):
    return (f"Weekly active users rose {abs(change(w, 'all')) * 100:.1f}% overall and rose "
            f"{abs(change(w, 'segment')) * 100:.1f}% among users of {build(w)}.")


@corpus.wrong("memo", reason=r"jargon|statistically significant|plain")
def jargon_for_the_vp(w):
    return (f"Weekly active users {moved(change(w, 'all'))}, a statistically significant decline, and "
            f"{moved(change(w, 'segment'))} among users of {build(w)}.")


@corpus.wrong("memo", reason=r"does not state the change among users of the broken build")
def the_segment_left_out(w):
    return f"Weekly active users {moved(change(w, 'all'))} in the last weeks."


# --- exec_chart -----------------------------------------------------------------------------------------------------

def chart(w: Bench, frame: pd.DataFrame, annotate: bool = True, from_zero: bool = True):
    fig, ax = plt.subplots()
    for label in ("segment", "rest"):
        ax.plot(frame.index, frame[label], label=label)
    if annotate:
        ax.annotate("release", xy=(w.start, 100))
    ax.set(title="WAU indexed", xlabel="day", ylabel="index")
    if from_zero:
        ax.set_ylim(bottom=0)
    return fig


@corpus.right("exec_chart")
def pandas_plot_then_text(w):
    ax = w.indexed().plot(title="Weekly actives, indexed to the day before the release", style=["-", "--"])
    ax.set_xlabel("UTC day")
    ax.set_ylabel("WAU (100 = day before)")
    ax.set_ylim(0, 130)
    ax.text(w.start, 50, "the build ships")
    return ax


@corpus.right("exec_chart")
def matplotlib_figure(w):
    return chart(w, w.indexed())


@corpus.right("exec_chart")
def rest_drawn_first_and_a_vertical_line(w):
    frame = w.indexed()
    fig, ax = plt.subplots()
    ax.plot(frame.index, frame["rest"], color="grey", label="rest")
    ax.plot(frame.index, frame["segment"], color="red", label="segment")
    ax.axvline(w.start, linestyle=":")
    ax.annotate("no notifications from here", xy=(w.start, 20), xytext=(w.start - 20 * DAY, 40),
                arrowprops={"arrowstyle": "->"})
    ax.set(title="Who stopped coming back", xlabel="day", ylabel="WAU index")
    ax.set_ylim(bottom=0)
    return fig, ax


@corpus.wrong("exec_chart", reason=r"Known mistake: The lines are raw WAU")
def raw_wau(w):
    days = w.indexed().index
    flag = w.in_segment(w.user_days)
    raw = pd.DataFrame({"segment": [w.wau(d, w.user_days[flag]) for d in days],
                        "rest": [w.wau(d, w.user_days[~flag]) for d in days]}, index=days)
    return chart(w, raw)


@corpus.wrong("exec_chart", reason=r"annotat")
def no_annotation(w):
    return chart(w, w.indexed(), annotate=False)


@corpus.wrong("exec_chart", reason=r"from 0|y-axis|zero")
def y_axis_not_from_zero(w):
    return chart(w, w.indexed(), from_zero=False)


(test_every_question_has_three_right_and_two_wrong_answers,
 test_a_right_answer_passes_without_giving_the_key_away,
 test_a_wrong_answer_fails_saying_why_without_giving_the_key_away) = corpus.specification()
