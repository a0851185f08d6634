"""Print how long table comparisons take for 10k- and 100k-row answers (right, shuffled, and subtly wrong)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from grader.answers import to_data
from grader.compare import compare
from grader.spec import Question, Table


def _frames(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A key table of n rows (a date, a country, a count, a ratio) and a shuffled, float-noisy copy."""
    rng = np.random.default_rng(seed)
    key = pd.DataFrame(
        {
            "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) // 50, unit="D"),
            "country": np.array(["BR", "US", "IN", "DE", "JP"] * 10)[np.arange(n) % 50],
            "users": rng.integers(0, 10_000, n),
            "ratio": rng.random(n),
        }
    )
    key["country"] = key["country"] + (np.arange(n) % 50 // 5).astype(str)
    answer = key.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    answer["ratio"] = answer["ratio"] * (1 + 1e-9)
    return key, answer


def _time(question: Question, got: pd.DataFrame, expected: pd.DataFrame) -> tuple[float, bool]:
    """Seconds for to_data + compare (best of 3) and whether it passed."""
    best = float("inf")
    passed = False
    for _ in range(3):
        start = time.perf_counter()
        outcome = compare(question, to_data(question, got), expected)
        best = min(best, time.perf_counter() - start)
        passed = outcome.passed
    return best, passed


def main() -> None:
    """Run each scenario at 10k and 100k rows and print a small table."""
    question = Question("bench", Table())
    print(f"{'rows':>7}  {'scenario':<22} {'seconds':>8}  passed")
    for n in (10_000, 100_000):
        key, answer = _frames(n)
        expected = to_data(question, key)
        wrong = answer.copy()
        wrong.loc[: n // 10, "ratio"] = wrong.loc[: n // 10, "ratio"] // 1  # integer division in 10% of rows
        scenarios = {
            "shuffled, float noise": answer,
            "a missing row": answer.iloc[1:],
            "10% values wrong": wrong,
        }
        for name, got in scenarios.items():
            seconds, passed = _time(question, got, expected)
            print(f"{n:>7}  {name:<22} {seconds:>8.3f}  {passed}")


if __name__ == "__main__":
    main()
