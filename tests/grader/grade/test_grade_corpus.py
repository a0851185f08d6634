"""Never lose a submission: every broken or hostile notebook yields one row with a clear status and reason,
and the rest of the batch is graded as if it were not there."""

import csv
import json
import os

import pytest
from conftest import CORPUS, MODULE, TIMEOUT_S, leftover_sleepers, make_corpus

from grader.answers import to_data
from grader.compare import compare
from grader.grade import cgroups
from grader.grade.report import from_csv_cell
from grader.grade.scoring import STATUSES
from grader.grade.submissions import displayable

# corpus notebook -> (status, points out of 4, words the reason must contain)
EXPECTED = {
    "perfect": ("graded", 4, ""),
    "blank": ("graded", 0, "not answered: all 4 questions"),
    "empty": ("empty", 0, "no code"),
    "not_json": ("invalid", 0, "not JSON"),
    "json_not_notebook": ("invalid", 0, "no notebook cells"),
    "old_nbformat": ("graded", 4, "converted from nbformat 3"),
    "cells_deleted": ("graded", 3, "not answered: buyer_share"),
    "cells_duplicated": ("graded", 4, ""),
    "cells_reordered": ("graded", 4, ""),
    "question_cells_edited": ("graded", 4, ""),
    "syntax_error": ("graded", 3, "cell 3 raised SyntaxError"),
    "exception_in_cell_1": ("graded", 4, "cell 1 raised RuntimeError"),
    "infinite_loop": ("timeout", 3, f"cell 5 ran longer than {TIMEOUT_S:g} s and was stopped"),
    "sleep_forever": ("timeout", 3, f"cell 5 ran longer than {TIMEOUT_S:g} s and was stopped"),
    "ignores_the_alarm": ("timeout", 2, "did not stop"),
    "memory_bomb": ("graded", 3, "cell 5 ran out of memory"),
    "fork_and_hide": ("graded", 4, ""),
    "os_exit": ("crashed", 2, "process ended in cell 5 before the notebook did"),
    "sys_exit": ("graded", 3, "cell 5 called sys.exit()"),
    "huge_output": ("graded", 4, ""),
    "overwrite_dataset": ("graded", 4, ""),
    "delete_working_dir": ("graded", 4, ""),
    "steals_the_key": ("graded", 0, ""),
    "monkeypatches_check": ("graded", 0, ""),
    "wrong_types": ("graded", 0, ""),
    "writes_into_the_grader_channel": ("crashed", 2, "grader's channel"),
    "spy": ("graded", 4, ""),
    # forged frames in the grader's channel: refused or harmless, the grader and the batch go on
    "forged_arrow_bad_offsets": ("graded", 3, "not passed: dau_by_day"),
    "forged_arrow_offsets_past_buffer": ("graded", 3, "not passed: dau_by_day"),
    "forged_arrow_zstd_bomb": ("graded", 3, "not passed: dau_by_day"),
    "forged_deep_header": ("crashed", 2, "not a grader message"),
    "forged_done_then_exit": ("crashed", 2, "process ended in cell 5 before the notebook did"),
    "forged_done_huge_numbers": ("graded", 2, "not answered: buyer_countries, why_not_push"),
    "forged_odd_fields": ("graded", 4, "cell ? xxxxx"),
    # what the grader writes must survive the student's text
    "surrogate_in_exception": ("graded", 3, "cell 5 raised ValueError (line 1): caf\\udcff broke"),
    "markup_in_exception": ("graded", 3, "cell 5 raised RuntimeError (line 1): <img src=x"),
    "nested_deep": ("invalid", 0, "nested too deeply"),
    "many_cells": ("graded", 4, ""),
    "asks_for_hints": ("graded", 4, ""),
    "=HYPERLINK(0)": ("graded", 4, ""),
    "![x](javascript:alert(1))": ("graded", 0, "not answered: all 4 questions"),
    # the sandbox holds: no socket, no signal outside the job
    "kills_everything": ("graded", 4, ""),
    "opens_sockets": ("graded", 4, ""),
    # entries that are not regular files are refused, each its own row; odd names are graded
    "links_to_the_solution": ("invalid", 0, "links_to_the_solution.ipynb is a symbolic link, not a file"),
    "links_relative": ("invalid", 0, "links_relative.ipynb is a symbolic link, not a file"),
    "links_inside_a_folder": ("invalid", 0, "links_inside_a_folder/90_fixture_sql.ipynb is a symbolic link"),
    "linked_folder": ("invalid", 0, "linked_folder is a symbolic link, not a file"),
    "a_fifo": ("invalid", 0, "a_fifo.ipynb is a FIFO, not a file"),
    "not_utf8_name\\xff": ("graded", 4, ""),
    "x" * 251: ("graded", 4, ""),
}
# A working folder limited in size and files (a tmpfs per job) needs root, a memory limit per notebook a writable
# cgroup hierarchy; without them these notebooks find no limit and say so (RuntimeError: UNLIMITED ...).
if os.geteuid() == 0:
    EXPECTED |= {"fills_the_disk": ("graded", 4, ""), "floods_inodes": ("graded", 4, "")}
_probe = cgroups.available(f"grader-probe-{os.getpid()}")
if _probe is not None:
    _probe.close()
    EXPECTED |= {"forks_memory_hogs": ("graded", 4, ""), "busy_loops_after_setsid": ("graded", 4, "")}


def test_the_committed_corpus_equals_a_fresh_generation():
    committed = {str(p.relative_to(CORPUS / "submissions")): p.read_text(encoding="utf-8")
                 for p in sorted((CORPUS / "submissions").rglob("*")) if p.is_file()}
    assert committed == make_corpus.corpus(), "run tests/grader/grade/corpus/make_corpus.py"


def _entries(root) -> list[str]:
    """Every notebook and every link to a folder under `root`, as the grade sheet names them."""
    found = []
    for folder, dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root)
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        names = [f for f in files if f.endswith(".ipynb")] + links
        found += [displayable(os.path.normpath(os.path.join(relative, name))) for name in names]
    return sorted(found)


def test_the_corpus_holds_at_least_55_broken_or_hostile_submissions(corpus_run):
    assert len(_entries(corpus_run.submissions)) >= 55


def test_every_submission_yields_exactly_one_row_with_a_known_status(corpus_run):
    assert sorted(r["submission"] for r in corpus_run.graded.rows) == _entries(corpus_run.submissions)
    assert all(r["status"] in STATUSES for r in corpus_run.graded.rows)
    with (corpus_run.out / "grades.csv").open(newline="") as handle:
        written = [from_csv_cell(r["submission"]) for r in csv.DictReader(handle)]
    assert written == [r["submission"] for r in corpus_run.graded.rows]


def test_no_cell_of_grades_csv_is_a_spreadsheet_formula(corpus_run):
    with (corpus_run.out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=HYPERLINK(0)" in cells and "=HYPERLINK(0)" not in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_student_text_in_the_feedback_is_shown_not_rendered(corpus_run):
    markdown = (corpus_run.out / "feedback" / "markup_in_exception.md").read_text()
    assert "<img" not in markdown and "](javascript" not in markdown and "&lt;img src=x" in markdown
    heading = (corpus_run.out / "feedback" / "_x_javascript_alert_1_.md").read_text().splitlines()[0]
    assert heading == "# 90_fixture_sql: feedback for \\!\\[x\\]\\(javascript:alert\\(1\\)\\)"
    page = (corpus_run.out / "feedback" / "markup_in_exception.html").read_text()
    assert "<img" not in page and "&lt;img src=x" in page


def test_text_that_is_not_utf8_is_written_with_escapes_and_read_back_the_same(corpus_run):
    with (corpus_run.out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        reasons = [r["reason"] for r in csv.DictReader(handle)]
    assert any("caf\\udcff broke" in reason for reason in reasons)
    assert (corpus_run.out / "feedback" / "not_utf8_name_xff.md").is_file()


def test_long_student_ids_get_short_distinct_feedback_file_names(corpus_run):
    result = next(r for r in corpus_run.graded.results if r.student == "x" * 251)
    assert len(result.name) <= 64 and result.name.startswith("x" * 40)
    assert (corpus_run.out / "feedback" / f"{result.name}.md").is_file()


def test_a_done_message_forged_before_the_end_is_not_taken_for_the_end(corpus_run):
    result = corpus_run.result("forged_done_then_exit")
    assert result.status == "crashed" and result.student_seconds == 0.0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_submission_gets_its_status_score_and_reason(corpus_run, name):
    status, points, words = EXPECTED[name]
    row = corpus_run.row(name)
    assert (row["status"], float(row["score"]), row["max_score"]) == (status, points, "4")
    assert words in row["reason"]
    if status != "graded" or points < 4:
        assert row["reason"], "a submission that lost points says why"


def test_a_perfect_solution_scores_full_marks_and_a_blank_exercise_zero_not_answered(corpus_run):
    perfect = corpus_run.row("perfect")
    assert [perfect[q] for q in ("dau_by_day", "buyer_share", "buyer_countries", "why_not_push")] == ["1"] * 4
    assert (perfect["status"], perfect["reason"]) == ("graded", "")
    feedback = (corpus_run.out / "feedback" / "blank.md").read_text()
    assert feedback.count("Not answered yet: replace the `...` with your answer.") == 4


def test_two_submissions_of_one_student_are_both_reported_not_merged(corpus_run):
    rows = [r for r in corpus_run.graded.rows if r["student"].casefold() == "twin"]
    assert sorted(r["submission"] for r in rows) == ["Twin/90_fixture_sql.ipynb", "twin.ipynb"]
    assert {r["status"] for r in rows} == {"duplicate"}
    assert sorted(float(r["score"]) for r in rows) == [0, 4]  # graded separately: the blank one and the solved one
    assert "also handed in twin.ipynb" in next(r["reason"] for r in rows if r["submission"].startswith("Twin/"))
    names = sorted(p.name for p in (corpus_run.out / "results").glob("*win*.json"))
    assert names == ["Twin.json", "twin~2.json"]


def test_hard_coded_numbers_pass_on_the_public_dataset_but_not_on_the_hidden_one(corpus_run, public_key):
    from grader.grade.submissions import code_cells

    public = public_key
    cells, _ = code_cells((corpus_run.submissions / "hard_coded.ipynb").read_bytes())
    namespace: dict = {"check": lambda *args: None, "db": None}
    for source in cells[2:5]:  # the three hard-coded answers need nothing but pandas
        exec(source, namespace)
    for question_id in ("dau_by_day", "buyer_share", "buyer_countries"):
        question = public.questions[question_id]
        assert compare(question, to_data(question, namespace[question_id]), public.expected[question_id]).passed
    row = corpus_run.row("hard_coded")
    assert row["status"] == "graded" and row["dau_by_day"] == "0" and row["buyer_share"] == "0"
    assert row["seed"] != "1" and int(row["seed"]) not in {1, 42}


def test_no_hostile_submission_changes_another_students_grade(corpus_run):
    solved_by = [name for name, (status, points, _) in EXPECTED.items() if points == 4]
    assert len(solved_by) >= 10
    assert {corpus_run.row(name)["score"] for name in solved_by} == {"4"}
    assert len({r["seed"] for r in corpus_run.graded.rows}) == 1  # all on the one hidden dataset they attacked


def test_the_key_hidden_data_secret_and_grades_are_unreadable_from_student_code(corpus_run):
    row = corpus_run.row("spy")
    assert "READABLE" not in row["reason"] and row["why_not_push"] == "1"


def test_student_code_that_monkeypatches_check_or_the_engine_gains_nothing(corpus_run):
    feedback = (corpus_run.out / "feedback" / "monkeypatches_check.md").read_text()
    assert feedback.count("not yet (0/1)") == 4


def test_answers_of_the_wrong_type_get_the_engines_sentence(corpus_run):
    feedback = (corpus_run.out / "feedback" / "wrong_types.md").read_text()
    assert "This question wants a table" in feedback and "this question wants a number" in feedback
    assert "Answer with one of the options as text" in feedback


def test_edited_or_missing_check_calls_are_graded_from_the_notebooks_final_values(corpus_run):
    result = corpus_run.result("question_cells_edited")
    assert "check() was called with an unknown question id 'dau'" in result.notes
    buyer_share = next(o for o in result.outcomes if o.question_id == "buyer_share")
    assert buyer_share.passed and any("value at the end of the notebook" in d for d in buyer_share.details)


def test_answers_checked_before_a_crash_or_timeout_still_count(corpus_run):
    for name in ("os_exit", "infinite_loop", "ignores_the_alarm", "writes_into_the_grader_channel"):
        row = corpus_run.row(name)
        assert (row["dau_by_day"], row["buyer_share"]) == ("1", "1"), name


def test_huge_output_is_noted_not_kept(corpus_run):
    assert any("MB of output (not kept)" in note for note in corpus_run.result("huge_output").notes)


def test_no_process_started_by_a_notebook_outlives_the_run(corpus_run):
    assert leftover_sleepers() == []


def test_grades_csv_has_one_column_per_question_and_the_status_and_reason(corpus_run):
    with (corpus_run.out / "grades.csv").open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["student", "score", "max_score", "dau_by_day", "buyer_share", "buyer_countries",
                      "why_not_push", "status", "reason", "submission", "seed"]


def test_every_row_has_markdown_and_html_feedback_and_a_gradescope_result(corpus_run):
    for result in corpus_run.graded.results:
        markdown = (corpus_run.out / "feedback" / f"{result.name}.md").read_text()
        page = (corpus_run.out / "feedback" / f"{result.name}.html").read_text()
        assert f"Score: {result.score:g} / 4" in markdown.replace("**", "")
        assert page.startswith("<!doctype html>") and page.count('class="grader-outcome"') == 4
        gradescope = json.loads((corpus_run.out / "results" / f"{result.name}.json").read_text())
        assert gradescope["score"] == result.score and gradescope["max_score"] == 4
        assert [t["name"] for t in gradescope["tests"]] == ["dau_by_day", "buyer_share", "buyer_countries",
                                                           "why_not_push"]
        for test in gradescope["tests"]:
            assert set(test) >= {"name", "score", "max_score", "output"} and test["max_score"] == 1
            assert test["output"].startswith(test["name"])
        assert sum(t["score"] for t in gradescope["tests"]) == gradescope["score"]


def test_feedback_shows_a_few_of_the_students_own_wrong_rows_and_no_row_of_the_key(corpus_run):
    feedback = (corpus_run.out / "feedback" / "hard_coded.md").read_text()
    section = feedback.split("## dau_by_day")[1].split("## ")[0]
    assert 0 < section.count("- Wrong row day=") <= 5 and "more wrong rows" in section
    assert "Missing row" not in section
    assert "The row count is right (91), but some rows differ." in section


def test_the_summary_shows_scores_pass_rates_and_failures_by_status(corpus_run):
    summary = corpus_run.graded.summary
    assert f"{MODULE}: {len(corpus_run.graded.rows)} submissions, 4 questions, 4 points" in summary
    for question_id in ("dau_by_day", "buyer_share", "buyer_countries", "why_not_push"):
        assert question_id in summary
    for status in ("graded", "timeout", "crashed", "invalid", "empty", "duplicate"):
        assert f"\n  {status} " in summary
    assert "skipped 1 files that are not notebooks" in summary
    log = (corpus_run.out / "grading.log").read_text()
    assert "skipped notes.txt: not a notebook" in log and "summary" in log


@pytest.mark.parametrize("name, refused", [("forged_arrow_bad_offsets", "ArrowInvalid"),
                                           ("forged_arrow_offsets_past_buffer", "ArrowInvalid"),
                                           ("forged_arrow_zstd_bomb", "HostileAnswer")])
def test_forged_arrow_answers_are_refused_before_any_conversion(corpus_run, name, refused):
    outcome = next(o for o in corpus_run.result(name).outcomes if o.question_id == "dau_by_day")
    assert outcome.summary == f"The answer could not be compared ({refused})."


def test_the_runs_cgroups_are_removed_when_it_ends(corpus_run):
    probe = cgroups.available(f"grader-probe-{os.getpid()}")
    if probe is None:
        pytest.skip("no writable cgroup hierarchy here")
    try:
        assert not [base.parent / f"grader-{os.getpid()}" for base in probe.bases.values()
                    if (base.parent / f"grader-{os.getpid()}").exists()]
    finally:
        probe.close()
