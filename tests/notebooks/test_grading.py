"""Batch grading as a teacher would run it: perfect, blank and (module 01) typically mistaken submissions."""

import contextlib
import csv
import io
from pathlib import Path

import nbformat
import pytest
from support.curriculum import QUESTION_IDS
from support.modules import MODULES, SOLUTIONS, exercise_of
from support.submissions import copying, grade_class, perfect, replace_once, typical

from grader.cli import main
from grader.grade import HIDDEN_SCALE
from grader.markers import is_instructor

MODULE = "01_active_users"
PUSH_FILTER = "      AND event_name <> 'push_received'"
AVERAGE_OF_RATIOS = 'stickiness = (last_28["dau"] / last_28["mau"]).mean()'
RATIO_OF_AVERAGES = 'stickiness = last_28["dau"].mean() / last_28["mau"].mean()'
QUESTIONS = ("dau_on_date", "dau_by_day", "wau_mau", "stickiness", "dau_local_vs_utc", "dau_chart")


def mistaken() -> nbformat.NotebookNode:
    """The perfect submission with two classic mistakes: push_received as activity, the ratio of averages."""
    notebook = perfect(MODULE)
    replace_once(notebook, PUSH_FILTER + "   -- sent by the system", "   -- sent by the system")
    replace_once(notebook, AVERAGE_OF_RATIOS, RATIO_OF_AVERAGES)
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Module 01's class: a perfect, a blank and a mistaken submission."""
    blank = nbformat.read(exercise_of(MODULE), as_version=4)
    return grade_class(tmp_path_factory.mktemp("class"), MODULE,
                       {"perfect": perfect(MODULE), "blank": blank, "mistaken": mistaken()})


def test_the_perfect_submission_gets_every_point(graded):
    rows, _ = graded
    assert (rows["perfect"]["score"], rows["perfect"]["max_score"], rows["perfect"]["status"]) == ("6", "6", "graded")


def test_the_blank_exercise_gets_zero_and_runs_to_the_end(graded):
    rows, out = graded
    assert (rows["blank"]["score"], rows["blank"]["status"]) == ("0", "graded")
    assert all(rows["blank"][q] == "0" for q in QUESTIONS)
    assert "Not answered yet" in (out / "feedback" / "blank.md").read_text()


def test_typical_mistakes_lose_their_points_and_are_named_in_the_feedback(graded):
    rows, out = graded
    row = rows["mistaken"]
    assert (row["score"], row["status"]) == ("4", "graded")
    assert {q: row[q] for q in QUESTIONS} == {q: "0" if q in ("dau_on_date", "stickiness") else "1" for q in QUESTIONS}
    sections = (out / "feedback" / "mistaken.md").read_text().split("\n## ")
    named = {s.split(":")[0]: s for s in sections[1:]}
    assert "Known mistake: This counts push_received as activity" in named["dau_on_date"]
    assert "Known mistake: This is the ratio of the averages" in named["stickiness"]


@pytest.mark.parametrize("module", [m for m in MODULES if m != MODULE])
def test_every_other_module_grades_perfect_full_marks_blank_zero_and_typical_mistakes_in_between_by_name(
        module, tmp_path):
    blank = nbformat.read(exercise_of(module), as_version=4)
    wrong = set(QUESTION_IDS[module][1::2])   # every other question answered with its registered mistakes
    rows, out = grade_class(tmp_path, module, {"perfect": perfect(module), "blank": blank,
                                               "typical": typical(module, wrong)})
    points = str(len(QUESTION_IDS[module]))   # one point per question
    assert (rows["perfect"]["score"], rows["perfect"]["max_score"], rows["perfect"]["status"]) == (points, points,
                                                                                                 "graded")
    assert (rows["blank"]["score"], rows["blank"]["status"]) == ("0", "graded")
    typical_row = rows["typical"]
    assert typical_row["status"] == "graded"
    assert {q for q in QUESTION_IDS[module] if typical_row[q] == "1"} == set(QUESTION_IDS[module]) - wrong
    sections = (out / "feedback" / "typical.md").read_text().split("\n## ")
    named = {s.split(":")[0]: s for s in sections[1:]}
    for question in wrong:
        assert "Known mistake: " in named[question], question


def test_numbers_copied_from_the_public_dataset_or_a_classmates_hidden_one_fail(tmp_path):
    from grader.key import load_key, read_key

    copied = ("dau_on_date", "stickiness")   # a count and a ratio (checked to 3 significant figures)
    public = load_key(MODULE, progress=False).expected
    rows, out = grade_class(tmp_path, MODULE, {"alice": perfect(MODULE),
                                               "copies_public": copying(MODULE, {q: public[q] for q in copied})}, ())
    hidden = out / ".grader" / "hidden" / f"{HIDDEN_SCALE}-{rows['alice']['seed']}"
    alice = read_key(hidden / "clipstream.key" / MODULE).expected
    rows, _ = grade_class(tmp_path, MODULE, {"copies_alice": copying(MODULE, {q: alice[q] for q in copied})},
                          ("--resume",))
    assert len({rows[s]["seed"] for s in rows}) == 3
    for question in copied:
        assert (rows["alice"][question], rows["alice"]["status"]) == ("1", "graded")
        assert rows["copies_public"][question] == rows["copies_alice"][question] == "0", question
