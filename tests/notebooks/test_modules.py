"""Every module on a dataset other than the default: the curriculum's questions, mistakes named, blanks run."""

import re

import nbformat
import pytest
from support.curriculum import QUESTION_IDS
from support.modules import MODULES, SOLUTIONS, exercise_of, run_notebook
from support.notebooks import assert_unanswered, check_cells, shown

from grader.build import build
from grader.compare import compare
from grader.feedback import render_text
from grader.markers import is_instructor
from grader.spec import Figure


def test_every_module_asks_exactly_the_curriculums_questions(module_keys):
    assert "01_active_users" in MODULES
    for module in MODULES:
        assert tuple(module_keys[module].questions) == QUESTION_IDS[module], module


@pytest.mark.parametrize("module", MODULES)
def test_every_question_has_a_known_mistake_and_each_when_submitted_is_recognised_and_named(module, module_keys):
    # The key recorded each mistake as its solution computed it on this dataset; handed in, check() must name it.
    # (That each solution passes its own checks here is test_grading's: a perfect submission gets full marks.)
    key = module_keys[module]
    assert set(key.mistakes) == set(key.questions), "every question registers at least one known mistake"
    for question_id, mistakes in key.mistakes.items():
        assert mistakes, question_id
        for name, answer in mistakes.items():
            outcome = compare(key.questions[question_id], answer, key.expected[question_id], mistakes,
                              truth=key.truth[question_id])
            assert not outcome.passed and f"Known mistake: {name}" in render_text(outcome), (question_id, name)


@pytest.mark.parametrize("module", MODULES)
def test_every_blank_exercise_runs_top_to_bottom_and_reports_not_answered_yet_everywhere(
        module, hidden_dataset, module_keys, tmp_path):
    notebook = run_notebook(exercise_of(module), hidden_dataset, tmp_path / "home")
    assert_unanswered(notebook, tmp_path / "home", list(module_keys[module].questions))


def test_every_exercise_equals_a_fresh_build_of_its_solution():
    status = build(list(MODULES), solutions=SOLUTIONS, check=True)
    assert sorted(status) == sorted(exercise_of(m) for m in MODULES)
    assert set(status.values()) == {"unchanged"}, status


@pytest.mark.parametrize("module", MODULES)
def test_every_solution_is_committed_with_the_outputs_of_each_check(module):
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    for cell in check_cells(notebook):
        assert re.search(r": correct \(", shown(cell)), f"{module}: re-execute it (make solutions)"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_uses_sql_and_pandas_and_asks_for_a_figure(module, module_keys):
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code" and not is_instructor(c.source))
    assert "db.sql(" in code
    assert re.search(r"range\(|generate_series\(| OVER ", code), "a naturally-SQL question: date spine or window"
    assert re.search(r"\.(groupby|resample|rolling)\(", code), "a naturally-pandas question"
    assert any(isinstance(q.kind, Figure) for q in module_keys[module].questions.values())
