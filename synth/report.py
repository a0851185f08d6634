"""A dataset's realism report: statistics against their targets, row counts, and a sheet of charts."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from synth import stats  # noqa: E402
from synth.dataset import one  # noqa: E402

SESSION_HIST_CAP_MIN = 60  # longer sessions go in the last bar


def format_stats(values: dict[str, float]) -> str:
    """A text table of statistics with their target ranges and an OK / out-of-range flag."""
    lines = [f"{'statistic':<22}{'value':>10}  {'target':<15}status"]
    for name, value in values.items():
        lo, hi = stats.TARGETS[name]
        flag = "OK" if stats.in_range(name, value) else "out of range"
        lines.append(f"{name:<22}{value:>10.3f}  {f'{lo:g} - {hi:g}':<15}{flag}")
    return "\n".join(lines)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in every table of the dataset, by table name."""
    names = [n for (n,) in con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()]
    return {n: one(con, f'SELECT count(*) FROM "{n}"')[0] for n in names}


def format_counts(counts: dict[str, int]) -> str:
    """A text table of row counts."""
    return "\n".join([f"{'table':<22}{'rows':>14}"] + [f"{n:<22}{c:>14,}" for n, c in counts.items()])


def _session_minutes_histogram(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    rows = con.execute(
        f"""WITH {stats.SESSIONS}
        SELECT least(floor(epoch(end_ts - start_ts) / 60), {SESSION_HIST_CAP_MIN})::INTEGER AS m, count(*)
        FROM sessions GROUP BY m"""
    ).fetchall()
    return dict(rows)


def chart_sheet(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the PNG sheet: DAU over time, retention curve, local-hour activity, session lengths."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    try:
        days, dau = zip(*stats.dau_by_day(con), strict=True)
        ax = axes[0][0]
        ax.plot(days, dau)
        ax.set(title="DAU by UTC day", xlabel="day", ylabel="active users", ylim=(0, None))
        ax.tick_params(axis="x", labelrotation=30)

        curve = stats.retention_curve(con, range(31))
        ax = axes[0][1]
        ax.plot(list(curve), [100 * v if not math.isnan(v) else math.nan for v in curve.values()], marker=".")
        ax.set(title="Classic retention of signup cohorts (local days)", xlabel="day N since signup",
               ylabel="% of cohort active on day N", ylim=(0, 100))

        ax = axes[1][0]
        ax.bar(range(24), stats.activity_by_local_hour(con))
        ax.set(title="Activity by local hour", xlabel="hour of day (user's time zone)", ylabel="events",
               xticks=range(0, 24, 3))

        hist = _session_minutes_histogram(con)
        ax = axes[1][1]
        ax.bar(list(hist), list(hist.values()), width=1.0, align="edge")
        ax.set(title=f"Session length (30-minute gap; last bar {SESSION_HIST_CAP_MIN}+ min)",
               xlabel="minutes", ylabel="sessions", yscale="log")

        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)
    return path


def report(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Path:
    """Print the statistics and row counts, write the chart sheet into `out_dir`; returns the PNG's path."""
    print(format_stats(stats.realism(con)))
    print()
    print(format_counts(row_counts(con)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = chart_sheet(con, out_dir / "clipstream_report.png")
    print(f"\ncharts: {path}")
    return path
