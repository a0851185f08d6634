"""The fixture modules end to end: solutions pass their own checks, mistakes are named, exercises run unanswered."""

import nbformat
import pytest
from support.fixture_modules import EXERCISES, FIXTURE_MODULES, SOLUTIONS, kernel_env
from support.notebooks import assert_solved, assert_unanswered, check_cells, instructor_feedback, shown

from grader.key import execute
from grader.spec import Choice, Figure, Interval, Scalar, Set, Table


def run(path, tmp_path, dataset):
    """Execute a notebook as a student's kernel would, with its own progress file; returns notebook and home."""
    home = tmp_path / "home"
    env = kernel_env(SANDBOX_DB=dataset, SANDBOX_HOME=home, SANDBOX_SOLUTIONS=SOLUTIONS)
    return execute(nbformat.read(path, as_version=4), path.parent, env, desc=path.stem), home


@pytest.fixture(scope="module")
def solved(tiny_dataset, fixture_keys, tmp_path_factory):
    """Each fixture solution executed normally (not recording) on the tiny dataset, with its key in place."""
    return {m: run(SOLUTIONS / f"{m}.ipynb", tmp_path_factory.mktemp(m), tiny_dataset) for m in FIXTURE_MODULES}


def test_the_fixture_modules_together_use_every_answer_kind(fixture_keys):
    kinds = {type(q.kind) for key in fixture_keys.values() for q in key.questions.values()}
    assert kinds == {Table, Scalar, Set, Choice, Interval, Figure}


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_every_fixture_solution_passes_all_its_own_checks(module, solved, fixture_keys):
    notebook, home = solved[module]
    assert_solved(notebook, home, module, list(fixture_keys[module].questions))


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_each_registered_mistake_when_submitted_is_recognised_and_named(module, solved, fixture_keys):
    notebook, _ = solved[module]
    feedback = instructor_feedback(notebook)
    for question_id, mistakes in fixture_keys[module].mistakes.items():
        for name in mistakes:
            assert f"{question_id}: not yet" in feedback
            assert f"Known mistake: {name}" in feedback, f"{question_id}: {name!r} was not recognised"


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_every_unanswered_exercise_runs_and_reports_not_answered_yet_for_each_question(
        module, fixture_keys, fresh_dataset, tmp_path):
    notebook, home = run(EXERCISES / f"{module}.ipynb", tmp_path, fresh_dataset)
    assert_unanswered(notebook, home, list(fixture_keys[module].questions))
    first_check = check_cells(notebook)[0]
    assert "Building the answer key of" in shown(first_check)  # the key was built inside the student's kernel
