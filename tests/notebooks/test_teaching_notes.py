"""Every module's teaching notes, read without running its solution, agree with its answer key, and are complete."""

import pytest
from support.modules import MODULES, SOLUTIONS

from grader.syllabus import read_module


@pytest.mark.parametrize("module", MODULES)
def test_the_notes_list_the_keys_questions_and_registered_mistakes_in_order(module, module_keys):
    notes = read_module(SOLUTIONS / f"{module}.ipynb")
    key = module_keys[module]
    assert [q.id for q in notes.questions] == list(key.questions)
    for question in notes.questions:
        assert question.mistakes == list(key.mistakes.get(question.id, {})), question.id


@pytest.mark.parametrize("module", MODULES)
def test_a_module_that_declares_minutes_declares_them_for_every_question_and_has_prompts(module):
    notes = read_module(SOLUTIONS / f"{module}.ipynb")
    timed = [q.id for q in notes.questions if q.minutes is not None]
    if not timed:
        pytest.skip(f"{module} declares no minutes yet: it is left out of the workshop agendas")
    assert timed == [q.id for q in notes.questions], "every question needs its '# minutes:'"
    assert notes.discuss and all(q.discuss for q in notes.questions), "a prompt for the module and each question"
    assert 30 <= notes.minutes <= 120, "a module fits one session"
