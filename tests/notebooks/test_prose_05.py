"""Sentences of module 05's solution that state a direction or a size hold on the default dataset students query."""

import nbformat
import pytest
from support.modules import SOLUTIONS

import synth
from grader.key import load_key

MODULE = "05_prioritizing_metrics"


@pytest.fixture(scope="module")
def notebook_text() -> str:
    """All Markdown and instructor code of the solution, whitespace folded (mistake names are prose too)."""
    notebook = nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4)
    return " ".join(" ".join(c.source for c in notebook.cells).split())


@pytest.fixture(scope="module")
def key():
    """Module 05's answer key on the default dataset."""
    return load_key(MODULE, synth.dataset_path(), solutions=SOLUTIONS, progress=False)


def by_first_column(table, column: str) -> dict:
    """A recorded table's column by its first column's values."""
    return dict(zip(table.iloc[:, 0], table[column], strict=True))


def test_the_week0_lift_is_several_times_the_long_run_one(notebook_text, key):
    assert "the week-0 lift is several times the long-run one" in notebook_text
    week0 = by_first_column(key.expected["novelty"], "cuped_lift")[0]
    assert week0 > 3 * sum(key.expected["long_run_lift"]) / 2


def test_the_preload_loses_pooled_and_wins_in_every_country(notebook_text, key):
    assert "the pooled lift is negative while every country's CUPED lift is positive" in notebook_text
    assert "The dashboard shows treatment watching fewer videos per session than control" in notebook_text
    cuped = by_first_column(key.expected["simpson"], "cuped_lift")
    assert by_first_column(key.expected["simpson"], "naive_lift")["all"] < 0
    assert all(v > 0 for c, v in cuped.items() if c != "all")


def test_the_broken_test_has_far_fewer_treatment_users_and_a_naive_lift_several_times_the_fixed_one(
        notebook_text, key):
    assert "far fewer treatment users than the 50/50 design" in notebook_text
    assert "the naive lift on this dataset is several times the lift among accounts" in notebook_text
    split = key.expected["srm"].set_index("experiment_id").loc["exp_002"]
    assert split["treatment"] < 0.6 * split["control"]
    naive = next(iter(key.mistakes["randomisation_fix"].values()))
    assert naive > 3 * key.expected["randomisation_fix"]


def test_the_preload_keeps_more_than_the_feed_in_every_country(notebook_text, key):
    assert "the feed keeps a few percent, while the preload lifts" in notebook_text
    cuped = by_first_column(key.expected["simpson"], "cuped_lift")
    assert min(v for c, v in cuped.items() if c != "all") > 2 * max(key.expected["long_run_lift"])
