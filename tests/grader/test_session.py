"""The notebook API: the setup line, check() on right, wrong, known-mistake and malformed answers, and progress."""

import json

import duckdb
import pandas as pd
import pytest

import grader
import synth
from grader.paths import GraderError
from grader.session import mistake, question
from grader.spec import Scalar

MODULE = "90_fixture_sql"


@pytest.fixture
def session(sandbox, tiny_dataset, fixture_keys, capsys):
    """A started 90_fixture_sql session on the tiny dataset whose key already exists."""
    db, check = grader.start(MODULE, dataset=tiny_dataset)
    capsys.readouterr()
    return db, check


def buyer_share(db) -> float:
    """The share of active users who purchased, computed here independently of the fixture solution."""
    active = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name <> 'push_received'").df()
    buyers = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name = 'purchase'").df()
    return buyers["user_id"].isin(active["user_id"]).sum() / len(active)


def test_start_prints_the_module_and_dataset_and_nothing_that_varies(sandbox, tiny_dataset, capsys):
    info = synth.info(grader.start(MODULE, dataset=tiny_dataset)[0])
    first = capsys.readouterr()
    grader.start(MODULE, dataset=tiny_dataset)
    assert capsys.readouterr() == first
    assert first.out == f"{MODULE}: Clipstream dataset seed {info['seed']}, scale {info['scale']}.\n"
    assert first.err == ""


def test_start_reads_the_dataset_from_sandbox_db_and_opens_it_read_only(sandbox, tiny_dataset, monkeypatch):
    monkeypatch.setenv("SANDBOX_DB", str(tiny_dataset))
    db, _ = grader.start(MODULE)
    assert db.sql("SELECT count(*) FROM users").fetchall()[0][0] > 0
    with pytest.raises(duckdb.Error):
        db.execute("CREATE TABLE scratch (x INTEGER)")


def test_start_without_a_dataset_raises_one_line_that_says_how_to_build_one(sandbox, tmp_path):
    with pytest.raises(GraderError) as error:
        grader.start(MODULE, dataset=tmp_path / "missing.duckdb")
    assert "synth build" in str(error.value)
    assert error.value._render_traceback_() == [f"GraderError: {error.value}"]


def test_a_right_answer_passes_and_is_truthy(session):
    db, check = session
    outcome = check("buyer_share", buyer_share(db))
    assert outcome and outcome.passed and outcome.score == outcome.points == 1
    assert outcome.mistake is None


def test_a_wrong_answer_is_falsy_and_says_what_differs(session):
    db, check = session
    outcome = check("buyer_share", buyer_share(db) * 1.5)
    assert not outcome and outcome.score == 0
    assert outcome.summary and outcome.mistake is None


def test_an_answer_matching_a_registered_mistake_is_named(session, fixture_keys):
    db, check = session
    start, end = (db.sql(f"SELECT CAST(value AS TIMESTAMP) FROM dataset_info WHERE key = 'window_{edge}'")
                  .fetchall()[0][0] for edge in ("start", "end"))
    with_push = db.sql("SELECT CAST(event_ts AS DATE) AS day, COUNT(DISTINCT user_id) AS dau FROM events "
                       "WHERE event_ts >= $start AND event_ts < $end GROUP BY day",
                       params={"start": start, "end": end}).df()
    outcome = check("dau_by_day", with_push)
    named = next(iter(fixture_keys[MODULE].mistakes["dau_by_day"]))
    assert not outcome and outcome.mistake == named
    assert named in repr(outcome) and "Known mistake" in repr(outcome)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (..., "Not answered yet"),
        (None, "None"),
        (ZeroDivisionError("division by zero"), "ZeroDivisionError"),
        ("SELECT * FROM events", "wants a number"),
        (pd.DataFrame({"x": [1, 2]}), "one value"),
    ],
)
def test_malformed_answers_get_a_sentence_not_an_exception(session, answer, says):
    _, check = session
    outcome = check("buyer_share", answer)
    assert not outcome and outcome.score == 0
    assert says.lower() in outcome.summary.lower()


def test_a_missing_answer_argument_says_how_to_pass_one(session):
    _, check = session
    assert "check('buyer_share', your_answer)" in check("buyer_share").summary


def test_an_unknown_question_id_lists_the_module_questions(session, fixture_keys):
    _, check = session
    outcome = check("dau_by_weekday", 3)
    assert not outcome
    assert "There is no question 'dau_by_weekday' in 90_fixture_sql" in outcome.summary
    assert ", ".join(fixture_keys[MODULE].questions) in outcome.summary
    assert "text in quotes" in check(7, 3).summary


def test_a_failure_inside_the_engine_becomes_a_sentence(session, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("grader.compare.compare", broken)
    _, check = session
    outcome = check("why_not_push", "a")
    assert not outcome and outcome.summary.startswith("The grader failed while checking this answer (KeyError")


def test_when_no_key_can_be_built_check_says_so(sandbox, fresh_dataset, tmp_path, capsys):
    _, check = grader.start(MODULE, dataset=fresh_dataset, solutions=tmp_path / "empty")
    outcome = check("why_not_push", "a")
    assert not outcome and outcome.summary.startswith("Answers cannot be checked yet: cannot build the answer key")


def test_rendering_is_deterministic_and_shows_no_recorded_time(session, sandbox):
    db, check = session
    first, second = check("buyer_share", 0), check("buyer_share", 0)
    assert repr(first) == repr(second) and first._repr_html_() == second._repr_html_()
    entry = json.loads((sandbox / "progress.json").read_text())["modules"][MODULE]["buyer_share"]
    for rendered in (repr(second), second._repr_html_()):
        assert entry["last_checked"][:10] not in rendered and "0x" not in rendered


def test_progress_records_attempts_and_when_a_question_first_passed(session, sandbox):
    db, check = session
    check("why_not_push", "b")
    check("why_not_push", ...)  # not an attempt
    check("why_not_push", "a")
    check("why_not_push", "a")
    entry = json.loads((sandbox / "progress.json").read_text())["modules"][MODULE]["why_not_push"]
    assert entry["attempts"] == 3 and entry["passed"] is True
    assert entry["first_passed"] <= entry["last_checked"]
    shown = repr(grader.progress(MODULE))
    assert shown.startswith(f"{MODULE}: 1 of 4 questions passed")
    assert "buyer_share      not checked yet" in shown


def test_mistake_outside_recording_shows_the_feedback_a_student_would_get(session, capsys):
    mistake("why_not_push", "push_open is the user opening a notification", "b")
    shown = capsys.readouterr().out
    assert shown.startswith("why_not_push: not yet") and "Known mistake: push_open is the user opening" in shown


def test_declarations_before_the_setup_line_ask_for_it(sandbox):
    with pytest.raises(GraderError, match="run the setup line first"):
        question("q", Scalar())
    with pytest.raises(GraderError, match="run the setup line first"):
        mistake("q", "a mistake", 1)


def test_check_builds_a_missing_key_on_first_use_with_a_note_then_reuses_it(sandbox, fresh_dataset, capsys):
    _, check = grader.start(MODULE, dataset=fresh_dataset)
    capsys.readouterr()
    assert check("why_not_push", "a")
    shown = capsys.readouterr()
    assert shown.out.startswith("Building the answer key of 90_fixture_sql for dataset seed 1, scale tiny")
    assert shown.out.count("\n") == 1 and shown.err == "", "one plain line, no stderr box in a notebook"
    assert (fresh_dataset.with_suffix(".key") / MODULE / "stamp.json").is_file()
    assert check("why_not_push", "a")
    _, again = grader.start(MODULE, dataset=fresh_dataset)
    assert again("why_not_push", "a")
    assert "Building" not in str(capsys.readouterr())


# --- hints and solutions -------------------------------------------------------------------------------------

HINT_1 = "Distinct buyers / distinct active users, both without push_received."
HINT_2 = "Make sure the division is not an integer division: // rounds down."


def test_an_unanswered_question_shows_no_hint(session):
    _, check = session
    for outcome in (check("buyer_share", ...), check("buyer_share")):
        assert "Hint" not in repr(outcome) and "check.hint" not in repr(outcome)


def test_a_wrong_answer_shows_the_first_hint_and_says_how_to_get_the_next(session):
    db, check = session
    outcome = check("buyer_share", buyer_share(db) * 1.5)
    assert outcome.hint == HINT_1
    assert outcome.more_help == ("check.hint('buyer_share') gives another hint; check.solution('buyer_share') "
                                 "shows the reference solution.")
    assert repr(outcome).endswith(f"  Hint: {HINT_1}\n  {outcome.more_help}")
    assert "Hint" not in repr(check("buyer_share", buyer_share(db))), "a right answer shows no hint"


def test_check_hint_reveals_successive_hints_and_wrong_answers_then_show_the_latest(session, sandbox):
    db, check = session
    check("buyer_share", 0.9)  # hint 1 is shown with the wrong answer
    second = check.hint("buyer_share")
    assert repr(second).startswith("buyer_share: hint 2 of 2\n") and HINT_2 in repr(second)
    assert "last hint" in repr(second) and HINT_2 in second._repr_html_()
    assert HINT_2 in repr(check.hint("buyer_share")), "asking again repeats the last hint"
    outcome = check("buyer_share", 0.9)
    assert outcome.hint == HINT_2 and outcome.more_help.startswith("Still stuck? check.solution('buyer_share')")
    entry = json.loads((sandbox / "progress.json").read_text())["modules"][MODULE]["buyer_share"]
    assert entry["hints"] == 2 and entry["attempts"] == 2


def test_check_hint_before_any_attempt_starts_with_the_first_hint(session):
    _, check = session
    assert repr(check.hint("buyer_share")).startswith("buyer_share: hint 1 of 2\n  " + HINT_1)


def test_a_question_without_hints_says_so_and_points_to_the_solution(session):
    _, check = session
    shown = repr(check.hint("why_not_push"))
    assert shown.startswith("why_not_push: there is no hint") and "check.solution('why_not_push')" in shown
    more = check("why_not_push", "c").more_help
    assert more == "Still stuck? check.solution('why_not_push') shows the reference solution."


def test_check_solution_shows_the_solution_code_and_progress_remembers_it(session, sandbox):
    _, check = session
    note = check.solution("buyer_countries")
    assert repr(note).startswith("buyer_countries: reference solution")
    assert "buyer_countries = set(db.sql(" in repr(note) and "### BEGIN SOLUTION" not in repr(note)
    assert "<pre" in note._repr_html_()
    assert 'why_not_push = "a"' in repr(check.solution("why_not_push"))
    shown = repr(grader.progress(MODULE))
    assert "buyer_countries  not checked yet; solution shown" in shown


def test_hint_and_solution_with_an_unknown_question_say_which_exist(session):
    _, check = session
    assert "There is no question 'nope' in 90_fixture_sql" in repr(check.hint("nope"))
    for note in (check.solution(3), check.hint()):
        assert repr(note) == 'Name the question, in quotes: e.g. check.hint("dau") or check.solution("dau").'


def test_a_graded_check_records_answers_but_never_reveals_anything():
    from grader.session import GradedCheck

    recorded = []
    check = GradedCheck(lambda *args: recorded.append(args) or "recorded")
    assert check("q", 1) == "recorded" and recorded == [("q", 1)]
    for note in (check.hint("q"), check.solution("q")):
        assert repr(note) == (
            "Hints and solutions are not available while a notebook is graded; this call shows nothing."
        )


def test_the_setup_line_under_batch_grading_gives_a_check_that_reveals_nothing(monkeypatch):
    import grader.session

    recorded = []
    # What grader.grade.worker installs: a start returning its recording function wrapped as a GradedCheck
    # (tests/grader/grade's corpus entry asks_for_hints runs the real worker).
    check = grader.session.GradedCheck(lambda q, a: recorded.append((q, a)))
    monkeypatch.setattr(grader.session, "start", lambda module, **_: ("db", check))
    db, check = grader.start("01_active_users")
    check("dau", 3)
    assert db == "db" and recorded == [("dau", 3)]
    assert repr(check.hint("dau")).startswith("Hints and solutions are not available while a notebook is graded")
    assert repr(check.solution("dau")).startswith("Hints and solutions are not available")


def test_a_practice_check_shows_the_feedback_but_counts_no_attempt(sandbox, tiny_dataset, fixture_keys):
    from grader.ledger import load_progress

    _, check = grader.start("90_fixture_sql", dataset=tiny_dataset)
    assert "not yet" in str(check("why_not_push", "b", practice=True))
    assert "90_fixture_sql" not in load_progress()["modules"]
    check("why_not_push", "b")
    assert load_progress()["modules"]["90_fixture_sql"]["why_not_push"]["attempts"] == 1
