"""The class view of simulated students: share passed, most frequent named mistakes, stuck longest; rendering."""

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from grader.classroom import render
from grader.classroom.read import read_folder
from grader.classroom.record import Membership, report
from grader.classroom.view import pseudonym, summarise

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=2)
CATALOGUE = {"01_active_users": ["dau_on_date", "dau_by_day", "wau_mau"], "02_engagement_kpis": ["sessions"]}
MISTAKES = ["Counts push_received as activity.", "Leaves out empty days.", "Divides integers."]


def simulate(folder, seed=3, students=12):
    """Students checking answers at random; returns every check as (student, time, module, question, passed, name)."""
    rng = random.Random(seed)
    checks = []
    for s in range(students):
        student, at = f"student{s:02d}", T0 + timedelta(minutes=rng.randrange(10))
        for _ in range(rng.randrange(1, 15)):
            module = rng.choice(sorted(CATALOGUE))
            question = rng.choice(CATALOGUE[module])
            passed = rng.random() < 0.4
            name = None if passed or rng.random() < 0.3 else rng.choice(MISTAKES)
            at += timedelta(minutes=rng.randrange(1, 9))
            report(module, question, passed, name, now=at, member=Membership(folder, student))
            checks.append((student, at, module, question, passed, name))
    return checks


def test_share_passed_and_mistakes_per_question_agree_with_the_checks_students_made(folder):
    checks = simulate(folder)
    view = summarise(read_folder(folder)[0], NOW, catalogue=CATALOGUE)
    assert view.students == len({c[0] for c in checks})
    expected_order = [(m, q) for m in sorted(CATALOGUE) for q in CATALOGUE[m] if any(c[2:4] == (m, q) for c in checks)]
    assert [(q.module, q.question) for q in view.questions] == expected_order
    for stats in view.questions:
        mine = [c for c in checks if c[2:4] == (stats.module, stats.question)]
        assert stats.passed == len({c[0] for c in mine if c[4]})
        assert stats.tried == len({c[0] for c in mine})
        by_students = Counter(name for name, _ in {(c[5], c[0]) for c in mine if c[5]})
        best = sorted(by_students.items(), key=lambda item: (-item[1], item[0]))[:3]
        assert stats.mistakes == best


def test_stuck_students_failed_since_their_last_pass_and_the_longest_stuck_come_first(folder):
    checks = simulate(folder)
    view = summarise(read_folder(folder)[0], NOW, catalogue=CATALOGUE, top_stuck=100)
    expected = {}
    for student in {c[0] for c in checks}:
        mine = sorted((c for c in checks if c[0] == student), key=lambda c: c[1])
        passes = [c[1] for c in mine if c[4]]
        since = passes[-1] if passes else mine[0][1]
        after = [c for c in mine if c[1] > since or (not passes and not c[4])]
        if after:
            expected[student] = (since, after[-1][2:4], len(after), mine[-1][1])
    assert {s.student: (s.since, s.on, s.fails, s.last_check) for s in view.stuck} == expected
    assert [s.since for s in view.stuck] == sorted(s.since for s in view.stuck)
    assert len(summarise(read_folder(folder)[0], NOW, top_stuck=2).stuck) == min(2, len(expected))


def test_one_module_shows_only_its_questions_and_students_stuck_on_it(folder):
    simulate(folder)
    view = summarise(read_folder(folder)[0], NOW, catalogue=CATALOGUE, module="02_engagement_kpis", top_stuck=100)
    assert {q.module for q in view.questions} == {"02_engagement_kpis"}
    assert view.stuck and all(s.on and s.on[0] == "02_engagement_kpis" for s in view.stuck)


def test_questions_outside_the_solutions_catalogue_are_not_shown(folder):
    report("01_active_users", "not_a_question", False, None, now=T0, member=Membership(folder, "eve"))
    report("01_active_users", "dau_on_date", True, None, now=T0, member=Membership(folder, "eve"))
    shown = summarise(read_folder(folder)[0], NOW, catalogue=CATALOGUE).questions
    assert [(q.module, q.question) for q in shown] == [("01_active_users", "dau_on_date")]
    everything = summarise(read_folder(folder)[0], NOW).questions
    assert len(everything) == 2


def test_the_terminal_view_lists_each_question_its_mistakes_and_who_is_stuck(folder):
    checks = simulate(folder, students=4)
    view = summarise(read_folder(folder)[0], NOW, catalogue=CATALOGUE)
    text = render.text(view)
    assert text.splitlines()[0] == f"Class view at 11:00:00 UTC: {view.students} students"
    for q in view.questions:
        line = next(line for line in text.splitlines() if line.split()[:2] == [q.module, q.question])
        assert re.search(rf"passed +{q.passed} of {view.students} \( *{round(100 * q.passed / view.students)}%\), "
                         rf"{q.tried} tried$", line), line
    for s in view.stuck:
        assert re.search(rf"^  {s.student} +\d+ (h \d\d )?min  on {s.on[0]} {s.on[1]}, {s.fails} failed", text, re.M)
    assert len(checks) > 4


def test_student_text_cannot_inject_html_or_terminal_escapes(folder):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)> \x1b[2J\u202e'
    report("01_active_users", "dau_on_date", False, evil, now=T0, member=Membership(folder, "mallory"))
    (folder / "<b>x.json").write_text("{}")
    records, notes = read_folder(folder)
    view = summarise(records, NOW, catalogue=CATALOGUE, notes=notes)
    page = render.page(view, 5)
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "default-src 'none'" in page and '<meta http-equiv=refresh content="5">' in page
    text = render.text(view)
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b[2J" in text


def test_the_anonymised_view_shows_stable_pseudonyms_and_never_an_id(folder):
    simulate(folder)
    records = read_folder(folder)[0]
    first = summarise(records, NOW, catalogue=CATALOGUE, secret=b"k1", top_stuck=100)
    again = summarise(records, NOW + timedelta(minutes=5), catalogue=CATALOGUE, secret=b"k1", top_stuck=100)
    assert [s.student for s in first.stuck] == [s.student for s in again.stuck]
    assert {s.student for s in first.stuck} == {pseudonym(r.student, b"k1") for r in records if r.fails_since_pass}
    assert len({pseudonym(r.student, b"k1") for r in records}) == len(records)
    assert pseudonym("student00", b"k1") != pseudonym("student00", b"k2"), "a classmate cannot compute it"
    for shown in (render.text(first), render.page(first, 5)):
        assert not re.search(r"student\d\d", shown)
