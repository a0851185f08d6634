"""End to end in a real browser: a student runs the tour and module 01 in JupyterLab and sees checked answers.

Headless Debian Chromium driven by Playwright; skipped when either is missing. Screenshots stay in
build/e2e-screenshots/ after the run.
"""

from __future__ import annotations

import json
import re

import pytest
from support.lab import CHROMIUM, SCREENSHOTS

if not CHROMIUM.is_file():
    pytest.skip(f"browser test skipped: no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright", reason="browser test skipped: playwright is not installed (make install)")

from support.lab import (  # noqa: E402
    Lab,
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


def test_the_tour_runs_in_jupyterlab_with_its_chart_and_checked_answers(lab: Lab, key: Key, page) -> None:
    panel = open_notebook(page, lab, "00_start_here.ipynb", "tour")
    run_all(page, panel)
    screenshot(page, "00_start_here")

    assert error_outputs(panel) == []
    assert charts(code_cell(panel, "by_hour")) == 1
    # The practice check names the push_received mistake; the left-open `...` is not answered yet.
    assert feedback(panel) == [("dau_on_date", NOT_YET), ("dau_on_date", NOT_YET)]
    practice = code_cell(panel, "practice=True").locator(".grader-outcome").inner_text()
    assert any(f"Known mistake: {name}" in " ".join(practice.split()) for name in key.mistakes["dau_on_date"])


def test_module_01_gives_feedback_on_a_right_and_a_wrong_answer_typed_into_it(lab: Lab, key: Key, page) -> None:
    panel = open_notebook(page, lab, f"{MODULE}.ipynb", "module01")
    run_all(page, panel)
    screenshot(page, f"{MODULE}_unanswered")
    assert feedback(panel) == [(question, NOT_YET) for question in key.questions]
    assert error_outputs(panel) == []

    # Right: the reference solution of dau_on_date, as a student would type it.
    right = code_cell(panel, 'check("dau_on_date"')
    replace_source(right, f'{key.solutions["dau_on_date"]}\ncheck("dau_on_date", dau_on_date)')
    run_cell(right, panel)
    # Wrong: the reference chart with a centred mean, one of the mistakes the module registers.
    chart_code = key.solutions["dau_chart"]
    centred = chart_code.replace(".rolling(7).mean()", ".rolling(7, center=True).mean()")
    assert centred != chart_code, "the dau_chart solution changed: update this test's wrong answer"
    wrong = code_cell(panel, 'check("dau_chart"')
    replace_source(wrong, f'{key.solutions["dau_by_day"]}\n{centred}\ncheck("dau_chart", fig)')
    run_cell(wrong, panel)
    screenshot(page, f"{MODULE}_answered")

    assert error_outputs(panel) == []
    shown = dict(feedback(panel))
    assert shown["dau_on_date"] == CORRECT
    assert shown["dau_chart"] == NOT_YET
    told = " ".join(wrong.locator(".grader-outcome").inner_text().split())
    centred_mistake = [name for name in key.mistakes["dau_chart"] if "center=True" in name]
    assert len(centred_mistake) == 1 and f"Known mistake: {centred_mistake[0]}" in told
    assert charts(wrong) == 1
    progress = json.loads((lab.home / "progress.json").read_text())["modules"][MODULE]
    assert progress["dau_on_date"]["passed"] and not progress["dau_chart"]["passed"]
    assert re.search(r"\.png$", str(next(SCREENSHOTS.glob("*.png"))))
