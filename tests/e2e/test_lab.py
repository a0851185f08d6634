"""End to end in a real browser: a student runs the tour and module 01 in JupyterLab and sees checked answers.

Headless Debian Chromium driven by Playwright; skipped when either is missing (failed instead under
$SANDBOX_REQUIRE_BROWSER, as CI sets it). Screenshots stay in build/e2e-screenshots/ after the run.
"""

from __future__ import annotations

import importlib.util
import json
import os

import nbformat
import pytest
from support.lab import CHROMIUM, SCREENSHOTS

if not CHROMIUM.is_file():
    missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
elif importlib.util.find_spec("playwright") is None:
    missing = "playwright is not installed (make install)"
else:
    missing = ""
if missing and os.environ.get("SANDBOX_REQUIRE_BROWSER"):  # CI (.ci/run): a skipped browser test is a failure
    pytest.fail(f"browser test cannot run: {missing}", pytrace=False)
if missing:
    pytest.skip(f"browser test skipped: {missing}", allow_module_level=True)

from support.lab import (  # noqa: E402
    Lab,
    border_colour,
    cell_count,
    charts,
    code_cell,
    error_outputs,
    feedback,
    open_notebook,
    replace_source,
    run_all,
    run_cell,
    screenshot,
)

from grader.key import Key  # noqa: E402

MODULE = "01_active_users"
CORRECT, NOT_YET = "✓ Correct", "Not yet"


def cells_in(lab: Lab, notebook: str) -> int:
    """How many cells the notebook file the server was given has."""
    return len(nbformat.read(lab.root / notebook, as_version=4).cells)


def test_the_tour_runs_in_jupyterlab_with_its_chart_and_checked_answers(lab: Lab, key: Key, page) -> None:
    panel = open_notebook(page, lab, "00_start_here.ipynb", "tour")
    run_all(page, panel)
    screenshot(page, "00_start_here")
    screenshot(code_cell(panel, "by_hour"), "00_start_here_chart")

    assert error_outputs(panel) == []
    assert charts(code_cell(panel, "by_hour")) == 1
    # The practice check names the push_received mistake; the left-open `...` is not answered yet.
    assert feedback(panel) == [("dau_on_date", NOT_YET), ("dau_on_date", NOT_YET)]
    practice = " ".join(code_cell(panel, "practice=True").locator(".grader-outcome").inner_text().split())
    assert any(f"Known mistake: {name}" in practice for name in key.mistakes["dau_on_date"])


def test_module_01_gives_feedback_on_a_right_and_a_wrong_answer_typed_into_it(lab: Lab, key: Key, page) -> None:
    notebook = f"{MODULE}.ipynb"
    panel = open_notebook(page, lab, notebook, "module01")
    run_all(page, panel)
    screenshot(page, f"{MODULE}_unanswered")
    assert feedback(panel) == [(question, NOT_YET) for question in key.questions]
    assert error_outputs(panel) == []
    assert charts(panel) == 0

    # A typo first: the traceback shows (so the error check below can see one), and goes with the fix.
    right = code_cell(panel, 'check("dau_on_date"')
    replace_source(right, 'check("dau_on_date", dau_on_dat)')
    run_cell(right, panel)
    assert [error.splitlines()[-1] for error in error_outputs(panel)] == ["NameError: name 'dau_on_dat' is not defined"]
    # Right: the reference solution of dau_on_date, as a student would type it.
    replace_source(right, f'{key.solutions["dau_on_date"]}\ncheck("dau_on_date", dau_on_date)')
    run_cell(right, panel)
    screenshot(right, f"{MODULE}_right")
    # Wrong: the reference chart with a centred mean, one of the mistakes the module registers. Its cell is the
    # last one, where Shift+Enter would have added a cell.
    chart_code = key.solutions["dau_chart"]
    centred = chart_code.replace(".rolling(7).mean()", ".rolling(7, center=True).mean()")
    assert centred != chart_code, "the dau_chart solution changed: update this test's wrong answer"
    wrong = code_cell(panel, 'check("dau_chart"')
    replace_source(wrong, f'{key.solutions["dau_by_day"]}\n{centred}\ncheck("dau_chart", fig)')
    run_cell(wrong, panel)
    screenshot(wrong, f"{MODULE}_wrong")

    assert error_outputs(panel) == []
    assert cell_count(panel) == cells_in(lab, notebook), "a cell was added or lost"
    shown = dict(feedback(panel))
    assert (shown["dau_on_date"], shown["dau_chart"]) == (CORRECT, NOT_YET)
    assert border_colour(right.locator(".grader-outcome")) != border_colour(wrong.locator(".grader-outcome"))
    told = " ".join(wrong.locator(".grader-outcome").inner_text().split())
    centred_mistake = [name for name in key.mistakes["dau_chart"] if "center=True" in name]
    assert len(centred_mistake) == 1 and f"Known mistake: {centred_mistake[0]}" in told
    assert charts(wrong) == 1 and charts(panel) == 1
    # The kernels recorded the attempts in the lab's own progress file, not the checkout's.
    progress = json.loads((lab.home / "progress.json").read_text())["modules"][MODULE]
    assert progress["dau_on_date"]["passed"] and not progress["dau_chart"]["passed"]
    assert (SCREENSHOTS / f"{MODULE}_wrong.png").stat().st_size > 0
