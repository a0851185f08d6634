"""The workshop guide: agendas planned from declared minutes, teaching notes per module, and the committed page."""

import re

import pytest

from grader.cli import main
from grader.paths import GraderError
from grader.syllabus import Module, Question, read_modules
from grader.workshop import DEBRIEF, FORMATS, INTRO, Format, generated_part, guide_path, markdown, plan, rewrite


def module(name, *minutes):
    return Module(name, name, [Question(f"q{i}", f"Q{i}", m, [f"Mistake {i}."]) for i, m in enumerate(minutes)], [])


def minutes_of(slot_text):
    return [int(n) for n in re.findall(r"(\d+) min", slot_text)]


@pytest.mark.parametrize("form", FORMATS, ids=[f.name for f in FORMATS])
@pytest.mark.parametrize("modules", [
    read_modules(),
    [module(f"0{i}_m", 10, 20, 30) for i in range(1, 8)],
    [module("01_long", *[15] * 20), module("02_short", 5)],
], ids=["solutions", "uniform", "one too long"])
def test_an_agenda_is_contiguous_within_its_length_and_keeps_every_module_once_in_order(form, modules):
    slots, homework = plan(form, modules)
    assert slots[0].start == 0 and slots[0].what.startswith("Welcome") and slots[-1].what.startswith("Wrap-up")
    assert all(a.start + a.minutes == b.start for a, b in zip(slots, slots[1:], strict=False)), "no gaps, no overlap"
    assert slots[-1].start + slots[-1].minutes <= form.total
    taught = [re.match(r"`(\w+)`", s.what)[1] for s in slots if s.what.startswith("`")]
    left = [re.match(r"`(\w+)`", h)[1] for h in homework]
    names = [m.name for m in modules if m.minutes is not None]
    assert taught + [m for m in left if m not in taught] == names, "in order, each module once (a cut one twice)"
    for slot in slots:
        if slot.what.startswith("`"):
            intro, exercises, debrief = minutes_of(slot.what)
            assert (intro, debrief) == (INTRO, DEBRIEF) and slot.minutes == intro + exercises + debrief
            m = next(m for m in modules if m.name == re.match(r"`(\w+)`", slot.what)[1])
            cut = re.search(r"questions 1–(\d+)", slot.what)
            assert exercises == sum(q.minutes for q in m.questions[:int(cut[1]) if cut else None])


def test_breaks_come_between_modules_and_a_full_day_has_one_lunch():
    half, full = FORMATS[1], FORMATS[2]
    modules = [module(f"0{i}_m", 20, 20, 20) for i in range(1, 8)]
    for form in (half, full):
        slots, _ = plan(form, modules)
        work = slots[0].minutes
        last = max(i for i, s in enumerate(slots) if s.what.startswith("`"))
        for index, slot in enumerate(slots[1:-1], start=1):
            work = 0 if slot.what in ("Break", "Lunch") else work + slot.minutes
            # over the rhythm only where no pause fits before the wrap-up: the session's last module
            assert work <= form.break_after + 30 or index == last, f"{form.name}: no pause before {slot.what}"
    assert [s.what for s in plan(full, modules)[0]].count("Lunch") == 1
    assert "Lunch" not in [s.what for s in plan(half, modules)[0]]
    assert [s.what for s in plan(FORMATS[0], modules)[0]].count("Break") == 0


def test_a_module_that_does_not_fit_whole_is_cut_after_the_questions_that_fit():
    form = Format("test", 100, welcome=10, wrap_up=5, break_after=0)
    slots, homework = plan(form, [module("01_a", 30, 30, 30), module("02_b", 10)])
    assert slots[1].what.startswith("`01_a` (questions 1–2)") and slots[1].minutes == INTRO + 60 + DEBRIEF
    assert homework == ["`01_a` from `q2` on", "`02_b`"]


def test_modules_without_declared_minutes_stay_out_of_agendas_but_get_their_notes():
    untimed = Module("08_new", "08 · New", [Question("q", "Q", None, ["Wrong."])], [])
    slots, homework = plan(FORMATS[2], [module("01_a", 10), untimed])
    assert "08_new" not in " ".join(s.what for s in slots) + " ".join(homework)
    text = markdown([module("01_a", 10), untimed])
    assert "### 08 · New" in text and "minutes not declared" in text and "| Q | `q` | — | 1 |" in text


def test_the_notes_hold_every_question_its_minutes_mistakes_and_prompts():
    modules = read_modules()
    text = markdown(modules)
    for m in modules:
        assert f"### {m.title}" in text
        for q in m.questions:
            assert f"(`{q.id}`, {q.minutes} min)" in text
            for name in q.mistakes:
                assert f"- {name.replace('|', chr(92) + '|')}" in text
            for prompt in q.discuss:
                assert prompt in text
        for prompt in m.discuss:
            assert f"- {prompt}" in text


def test_the_committed_workshop_guide_is_generated_from_the_solutions():
    committed = generated_part(guide_path().read_text(encoding="utf-8"))
    assert committed == markdown(read_modules()), "docs/instructors/workshop.md is stale: run grader workshop --write"


def test_grader_workshop_prints_the_generated_part(capsys):
    assert main(["workshop"]) == 0
    assert capsys.readouterr().out == markdown(read_modules())


def test_rewrite_replaces_only_the_generated_part_and_says_whether_it_changed(tmp_path):
    guide = tmp_path / "workshop.md"
    text = guide_path().read_text(encoding="utf-8")
    head, tail = text.split("<!-- generated:")[0], "<!-- end generated -->\nAfter.\n"
    guide.write_text(head + "<!-- generated: `grader workshop --write` regenerates everything below this line -->\n"
                     "stale\n" + tail)
    assert rewrite(guide, read_modules()) is True
    assert rewrite(guide, read_modules()) is False
    fresh = guide.read_text()
    assert fresh.startswith(head) and fresh.endswith(tail) and generated_part(fresh) == markdown(read_modules())
    guide.write_text("no markers")
    with pytest.raises(GraderError, match="lacks the markers"):
        rewrite(guide, read_modules())
