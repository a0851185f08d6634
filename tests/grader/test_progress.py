"""Progress: a small local JSON file of which questions passed and when, shown by progress() and the CLI."""

import json
from datetime import UTC, datetime

import pytest

import grader
from grader.cli import main
from grader.ledger import hints_revealed, load_progress, progress_path, record, record_reveal
from grader.paths import GraderError, repo_root


@pytest.fixture(autouse=True)
def no_stored_keys(monkeypatch, tmp_path):
    """Progress of a dataset without answer keys (not the checkout's default, whose keys may exist)."""
    monkeypatch.setenv("SANDBOX_DB", str(tmp_path / "no-dataset.duckdb"))


T1 = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)
T2 = datetime(2025, 9, 2, 9, 0, tzinfo=UTC)


def test_progress_lives_in_sandbox_home_else_in_the_checkouts_dot_sandbox(sandbox, monkeypatch):
    assert progress_path() == sandbox / "progress.json"
    monkeypatch.delenv("SANDBOX_HOME")
    assert progress_path() == repo_root() / ".sandbox" / "progress.json"


def test_record_counts_attempts_keeps_the_best_score_and_the_first_pass_time(sandbox):
    record("01_active_users", "dau", False, 0.5, 1.0, now=T1)
    record("01_active_users", "dau", True, 1.0, 1.0, now=T2)
    record("01_active_users", "dau", False, 0.0, 1.0, now=T2)
    entry = load_progress()["modules"]["01_active_users"]["dau"]
    assert entry == {"attempts": 3, "passed": True, "first_passed": "2025-09-02T09:00:00Z",
                     "last_checked": "2025-09-02T09:00:00Z", "best_score": 1.0, "points": 1.0}
    assert [p.name for p in sandbox.iterdir()] == ["progress.json"], "no temporary file is left behind"


def test_progress_shows_each_module_with_passed_questions_and_their_time(sandbox):
    record("01_active_users", "dau", True, 1.0, 1.0, now=T1)
    record("01_active_users", "wau", False, 0.0, 2.0, now=T1)
    record("02_engagement", "sessions", False, 0.0, 1.0, now=T1)
    text = repr(grader.progress())
    assert text.splitlines() == [
        "01_active_users: 1 of 2 questions passed",
        "  dau       passed 2025-09-01 08:30:00 UTC (1 try)",
        "  wau       not yet (1 try, best 0 of 2 points)",
        "02_engagement: 0 of 1 questions passed",
        "  sessions  not yet (1 try, best 0 of 1 point)",
    ]
    only = grader.progress("02_engagement")
    assert repr(only).startswith("02_engagement:") and "01_active_users" not in repr(only)
    assert "<td><code>dau</code></td><td>passed 2025-09-01 08:30:00 UTC (1 try)</td>" in grader.progress()._repr_html_()


def test_revealed_hints_and_solutions_are_remembered_and_shown(sandbox):
    record_reveal("01_active_users", "dau", hints=1)
    record_reveal("01_active_users", "dau", hints=2)
    record_reveal("01_active_users", "dau", hints=1)  # never fewer than already seen
    record_reveal("01_active_users", "wau", solution=True)
    record("01_active_users", "wau", True, 2.0, 2.0, now=T1)
    assert hints_revealed("01_active_users", "dau") == 2 and hints_revealed("01_active_users", "mau") == 0
    assert repr(grader.progress()).splitlines() == [
        "01_active_users: 1 of 2 questions passed",
        "  dau  not checked yet; 2 hints",
        "  wau  passed 2025-09-01 08:30:00 UTC (1 try; solution shown)",
    ]


def test_progress_with_nothing_checked_says_so(sandbox):
    assert repr(grader.progress()) == "No answers checked yet."
    assert grader.progress()._repr_html_() == "<p>No answers checked yet.</p>"


def test_an_unreadable_progress_file_is_reported_and_never_overwritten(sandbox):
    sandbox.mkdir()
    (sandbox / "progress.json").write_text("{not json")
    with pytest.raises(GraderError, match="progress file .* is unreadable"):
        grader.progress()
    with pytest.raises(GraderError):
        record("01_active_users", "dau", True, 1.0, 1.0)
    assert (sandbox / "progress.json").read_text() == "{not json"


def test_check_still_answers_when_progress_cannot_be_saved_and_warns_once(sandbox, tiny_dataset, fixture_keys, capsys):
    sandbox.mkdir()
    (sandbox / "progress.json").write_text("[]")
    _, check = grader.start("90_fixture_sql", dataset=tiny_dataset)
    assert check("why_not_push", "a") and check("why_not_push", "a")
    assert capsys.readouterr().err.count("Progress not saved: progress file") == 1
    assert json.loads((sandbox / "progress.json").read_text()) == []


def test_cli_progress_prints_the_table_and_where_it_is_kept(sandbox, capsys):
    record("01_active_users", "dau", True, 1.0, 1.0, now=T1)
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("01_active_users: 1 of 1 questions passed\n")
    assert out.rstrip().endswith(f"(kept in {sandbox / 'progress.json'})")


def test_cli_progress_counts_a_modules_unchecked_questions_from_its_answer_key(sandbox, tiny_dataset, fixture_keys,
                                                                              monkeypatch, capsys):
    monkeypatch.setenv("SANDBOX_DB", str(tiny_dataset))
    questions = list(fixture_keys["90_fixture_sql"].questions)
    record("90_fixture_sql", questions[0], True, 1.0, 1.0, now=T1)
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"90_fixture_sql: 1 of {len(questions)} questions passed\n")
    assert all(f"  {q}" in out for q in questions[1:]) and out.count("not checked yet") == len(questions) - 1
    assert repr(grader.progress("90_fixture_sql")).splitlines()[0] == out.splitlines()[0]


def reader_holds_the_file(monkeypatch, calls: int | None) -> list[str]:
    """Windows' answer to replacing a file another kernel is reading, for the first `calls` tries (None: all)."""
    import os

    from synth import portable

    real, tries = os.replace, []

    def replace(source, target):
        tries.append(str(target))
        if calls is None or len(tries) <= calls:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process")
        real(source, target)

    monkeypatch.setattr(portable, "WINDOWS", True)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(portable.time, "sleep", lambda s: None)
    return tries


def test_on_windows_progress_waits_for_another_kernel_reading_the_file(sandbox, monkeypatch):
    record("01_active_users", "dau", False, 0.5, 1.0, now=T1)
    tries = reader_holds_the_file(monkeypatch, calls=3)
    record("01_active_users", "dau", True, 1.0, 1.0, now=T2)
    assert len(tries) == 4
    assert load_progress()["modules"]["01_active_users"]["dau"]["attempts"] == 2
    assert [p.name for p in sandbox.iterdir()] == ["progress.json"]


def test_on_windows_a_file_held_for_good_is_reported_and_no_temporary_file_left(sandbox, monkeypatch):
    from synth.portable import REPLACE_TRIES

    record("01_active_users", "dau", False, 0.5, 1.0, now=T1)
    tries = reader_holds_the_file(monkeypatch, calls=None)
    with pytest.raises(PermissionError):
        record("01_active_users", "dau", True, 1.0, 1.0, now=T2)
    assert len(tries) == REPLACE_TRIES
    assert load_progress()["modules"]["01_active_users"]["dau"]["attempts"] == 1
    assert [p.name for p in sandbox.iterdir()] == ["progress.json"]


def test_on_linux_a_refused_replace_is_not_retried(sandbox, monkeypatch):
    from synth import portable

    tries = reader_holds_the_file(monkeypatch, calls=None)
    monkeypatch.setattr(portable, "WINDOWS", False)
    with pytest.raises(PermissionError):
        record("01_active_users", "dau", True, 1.0, 1.0, now=T2)
    assert len(tries) == 1
