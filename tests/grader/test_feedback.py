"""Feedback is short, deterministic, escaped in HTML, and the same Outcome renders for terminals and Jupyter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from grader.compare import compare, mistake_sentence
from grader.feedback import render_html, render_text
from grader.outcome import Outcome, outcome_for_error
from grader.spec import Question, Scalar
from grader.values import format_value

FAILED = Outcome(
    question_id="dau_by_day",
    passed=False,
    score=0.0,
    points=2.0,
    summary="Your answer has 6 rows; the key has 7.",
    details=["The first column whose values differ is 'day'.", "Missing row: day=2024-03-04, dau=140"],
    mistake=None,
    hint="Count distinct users, not events.",
)
PASSED = Outcome("dau_by_day", True, 1.0, 1.0, "Correct: all 7 rows match.", [], None, "Count distinct users.")


def test_text_feedback_for_a_wrong_answer_lists_what_differs_and_the_hint():
    assert render_text(FAILED) == (
        "dau_by_day: not yet (0/2 points)\n"
        "  Your answer has 6 rows; the key has 7.\n"
        "  - The first column whose values differ is 'day'.\n"
        "  - Missing row: day=2024-03-04, dau=140\n"
        "  Hint: Count distinct users, not events."
    )


def test_text_feedback_for_a_right_answer_is_two_lines_without_the_hint():
    assert render_text(PASSED) == "dau_by_day: correct (1/1 point)\n  Correct: all 7 rows match."


def test_a_known_mistake_is_labelled_as_such():
    question = Question("active_users", Scalar(), hint="Which events are activity?")
    outcome = compare(question, 1300, 1200, {"This is what you get when push_received counts as activity.": 1300})
    assert render_text(outcome) == (
        "active_users: not yet (0/1 point)\n"
        "  Known mistake: This is what you get when push_received counts as activity.\n"
        "  - Your answer (1300) is higher than the key's value.\n"
        "  Hint: Which events are activity?"
    )


def test_a_mistake_name_without_a_full_stop_gets_one():
    assert mistake_sentence("Integer division truncates the share") == "Integer division truncates the share."
    assert mistake_sentence("Bots  were counted?") == "Bots were counted?"


def test_partial_scores_are_shown_rounded():
    outcome = Outcome("q", False, 2 / 3, 1.0, "Some rows differ.")
    assert render_text(outcome).splitlines()[0] == "q: not yet (0.67/1 point)"


def test_html_feedback_is_one_compact_box_with_status_details_and_hint():
    html = render_html(FAILED)
    assert html.startswith('<div class="grader-outcome"') and html.endswith("</div>")
    assert "Not yet" in html and "0/2 points" in html
    assert "<li>The first column whose values differ is &#x27;day&#x27;.</li>" in html
    assert "<em>Hint:</em> Count distinct users, not events." in html
    assert "\n" not in html


def test_html_feedback_for_a_pass_shows_no_hint():
    html = render_html(PASSED)
    assert "&#10003; Correct" in html and "Hint" not in html


def test_html_feedback_escapes_everything_it_shows():
    outcome = Outcome("q<1>", False, 0.0, 1.0, "<b>bold</b>", ["a & b <script>"], None, "use <code>")
    html = render_html(outcome)
    assert "<script>" not in html and "<b>bold" not in html and "<code>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "a &amp; b &lt;script&gt;" in html
    assert "q&lt;1&gt;" in html


def test_rendering_is_deterministic():
    assert render_html(FAILED) == render_html(FAILED)
    assert render_text(FAILED) == render_text(FAILED)
    assert "0x" not in render_html(FAILED) + render_text(FAILED)


def test_an_outcome_is_truthy_iff_it_passed_and_renders_itself():
    assert PASSED and not FAILED
    assert repr(FAILED) == render_text(FAILED)
    assert FAILED._repr_html_() == render_html(FAILED)


def test_an_unusable_or_missing_answer_becomes_a_zero_score_outcome_without_the_hint():
    question = Question("dau", Scalar(), points=3, hint="Use COUNT(DISTINCT user_id).")
    outcome = outcome_for_error(question, "The answer is None.")
    assert not outcome
    assert (outcome.score, outcome.points, outcome.summary, outcome.details) == (0.0, 3.0, "The answer is None.", [])
    assert outcome.hint == "" and "Hint" not in render_text(outcome), "hints answer wrong attempts only"
    assert outcome.mistake is None


def test_values_are_formatted_briefly_and_stably():
    assert format_value(None) == "NULL"
    assert format_value(float("nan")) == "NULL"
    assert format_value(pd.NA) == "NULL"
    assert format_value(np.int64(7)) == "7"
    assert format_value(1_000_000.0) == "1000000"
    assert format_value(1 / 3) == "0.33333333"
    assert format_value(pd.Timestamp("2024-03-01")) == "2024-03-01"
    assert format_value(pd.Timestamp("2024-03-01 09:30", tz="Europe/Berlin")) == "2024-03-01 08:30:00"
    assert format_value(dt.date(2024, 3, 1)) == "2024-03-01"
    assert format_value("ios") == "'ios'"
    assert format_value("x" * 100) == repr("x" * 59 + "…")


def test_how_to_get_more_help_follows_the_hint_and_never_shows_on_a_pass():
    failed = Outcome("q", False, 0.0, 1.0, "Too high.", hint="First hint.", more_help="check.hint('q') gives another.")
    assert render_text(failed).endswith("  Hint: First hint.\n  check.hint('q') gives another.")
    assert render_html(failed).endswith('<div style="color:#555">check.hint(&#x27;q&#x27;) gives another.</div></div>')
    passed = Outcome("q", True, 1.0, 1.0, "Correct.", hint="First hint.", more_help="check.hint('q') gives another.")
    assert "check.hint" not in render_text(passed) + render_html(passed)
