"""The instructors' workshop guide, generated from the solution notebooks: agendas and per-module teaching notes.

`grader workshop` prints the generated part of docs/instructors/workshop.md; `grader workshop --write` replaces it
in that file. The agendas are planned from the minutes each question declares (grader.syllabus), so they change
when a module is added or a question's time is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.paths import GraderError, repo_root
from grader.syllabus import Module, Question

BEGIN = "<!-- generated: `grader workshop --write` regenerates everything below this line -->"
END = "<!-- end generated -->"
INTRO, DEBRIEF = 5, 10  # minutes around each module's exercises: framing it, then going through the answers


@dataclass(frozen=True)
class Format:
    """One kind of workshop: its length and rhythm, in minutes."""

    name: str
    total: int
    welcome: int
    wrap_up: int
    break_after: int  # a break once this long has passed since the start or the last break (0: none)
    break_minutes: int = 15
    lunch_after: int = 0  # lunch instead of the first break after this many minutes (0: no lunch)
    lunch_minutes: int = 60


FORMATS = (
    Format("90 minutes", 90, welcome=10, wrap_up=5, break_after=0),
    Format("Half a day (3½ hours)", 210, welcome=15, wrap_up=10, break_after=90),
    Format("A full day (9:00–16:30)", 450, welcome=15, wrap_up=15, break_after=90, lunch_after=180),
)


@dataclass(frozen=True)
class Slot:
    """One line of an agenda."""

    start: int
    minutes: int
    what: str


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def plan(form: Format, modules: list[Module]) -> tuple[list[Slot], list[str]]:
    """The agenda of a workshop of this format, modules in order while they fit; and what is left for homework.

    A module that does not fit whole is cut after the questions that fit (at least one); modules whose questions
    declare no minutes are left out of agendas.
    """
    slots = [Slot(0, form.welcome, "Welcome, the story of Clipstream and the start-here tour "
                                   "(`notebooks/00_start_here.ipynb`); everyone runs a first check()")]
    now, since_break, lunched, homework = form.welcome, form.welcome, False, []
    timed = [m for m in modules if m.minutes is not None]
    for index, module in enumerate(timed):
        need = INTRO + (module.minutes or 0) + DEBRIEF
        # A pause before a module that would run more than half an hour past the break rhythm.
        if form.break_after and since_break + need > form.break_after + 30 and now > form.welcome:
            is_lunch = bool(form.lunch_after) and not lunched and now >= form.lunch_after - 60
            pause = form.lunch_minutes if is_lunch else form.break_minutes
            if now + pause + INTRO + DEBRIEF + form.wrap_up < form.total:
                slots.append(Slot(now, pause, "Lunch" if is_lunch else "Break"))
                now, since_break, lunched = now + pause, 0, lunched or is_lunch
        room = form.total - form.wrap_up - now
        if need <= room:
            slots.append(Slot(now, need, _module_line(module, module.questions)))
            now, since_break = now + need, since_break + need
            continue
        fits = _questions_that_fit(module, room - INTRO - DEBRIEF)
        if fits:
            length = INTRO + sum(q.minutes or 0 for q in fits) + DEBRIEF
            slots.append(Slot(now, length, _module_line(module, fits)))
            now += length
            # the rest of this module, and the modules after it, are self-study
            homework.append(f"`{module.name}` from `{module.questions[len(fits)].id}` on")
        else:
            homework.append(f"`{module.name}`")
        homework += [f"`{m.name}`" for m in timed[index + 1:]]
        break
    slots.append(Slot(now, form.wrap_up, "Wrap-up: the class view's most frequent mistakes, what to do next"))
    return slots, homework


def _questions_that_fit(module: Module, room: int) -> list[Question]:
    fits: list[Question] = []
    for question in module.questions:
        if sum(q.minutes or 0 for q in fits) + (question.minutes or 0) > room:
            break
        fits.append(question)
    return fits


def _module_line(module: Module, questions: list[Question]) -> str:
    part = "" if len(questions) == len(module.questions) else f" (questions 1–{len(questions)})"
    return f"`{module.name}`{part}: {INTRO} min framing, {sum(q.minutes or 0 for q in questions)} min exercises, " \
           f"{DEBRIEF} min debrief"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def agendas(modules: list[Module]) -> list[str]:
    """The three agendas as Markdown lines."""
    lines = ["## Agendas", "",
             f"Planned from the minutes each question declares: every module gets {INTRO} minutes of framing before "
             f"its exercises and {DEBRIEF} minutes of debrief after them. Times are from the start.", ""]
    for form in FORMATS:
        slots, homework = plan(form, modules)
        lines += [f"### {form.name}", "", "| from | to | what |", "|---|---|---|"]
        lines += [f"| {_clock(s.start)} | {_clock(s.start + s.minutes)} | {_cell(s.what)} |" for s in slots]
        lines.append("")
        if homework:
            lines += [f"After the session (self-study, with check() feedback): {', '.join(homework)}.", ""]
    return lines


def _mistake_lines(question: Question) -> list[str]:
    if not question.mistakes:
        return ["No registered mistakes: the feedback says what differs from the key."]
    return [f"- {_cell(name)}" for name in question.mistakes]


def module_notes(module: Module) -> list[str]:
    """One module's teaching notes as Markdown lines."""
    total = f"{module.minutes} minutes of exercises" if module.minutes is not None else "minutes not declared"
    lines = [f"### {module.title}", "", f"`solutions/{module.name}.ipynb`: {len(module.questions)} questions, "
             f"{total}.", ""]
    if module.discuss:
        lines += ["Discussion prompts for the module:", ""] + [f"- {p}" for p in module.discuss] + [""]
    lines += ["| question | id | minutes | registered mistakes |", "|---|---|---|---|"]
    lines += [f"| {_cell(q.title)} | `{q.id}` | {q.minutes if q.minutes is not None else '—'} | {len(q.mistakes)} |"
              for q in module.questions]
    lines.append("")
    for question in module.questions:
        minutes = f", {question.minutes} min" if question.minutes is not None else ""
        lines += [f"#### {_cell(question.title)} (`{question.id}`{minutes})", "",
                  "What the grader names when a student makes a registered mistake (what went wrong, then the fix):",
                  ""]
        lines += _mistake_lines(question) + [""]
        if question.discuss:
            lines += [f"Discuss: {' '.join(question.discuss)}", ""]
    return lines


def markdown(modules: list[Module]) -> str:
    """The generated part of docs/instructors/workshop.md."""
    lines = agendas(modules)
    lines += ["## The modules", "",
              "For each module: its questions with their expected time, the mistakes the grader recognises — the "
              "sentence a student reads, which says what went wrong and what is right — and discussion prompts. "
              "In class, when the class view (`grader class`) shows a mistake at the top of a question, read its "
              "sentence to the room, ask someone whose check passed to explain the difference, then show the fix "
              "the sentence names.", ""]
    for module in modules:
        lines += module_notes(module)
    return "\n".join(lines).rstrip("\n") + "\n"


def guide_path() -> Path:
    """docs/instructors/workshop.md in the checkout."""
    return repo_root() / "docs" / "instructors" / "workshop.md"


def generated_part(text: str) -> str:
    """The generated part of the guide's text (between the markers)."""
    if BEGIN not in text or END not in text:
        raise GraderError(f"the workshop guide lacks the markers {BEGIN!r} and {END!r}; put them back around "
                          "the generated part")
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip("\n") + "\n"


def rewrite(path: Path, modules: list[Module]) -> bool:
    """Replace the guide's generated part with a fresh one; whether anything changed."""
    text = path.read_text(encoding="utf-8")
    generated_part(text)  # markers present
    fresh = text[:text.index(BEGIN) + len(BEGIN)] + "\n" + markdown(modules) + text[text.index(END):]
    if fresh == text:
        return False
    path.write_text(fresh, encoding="utf-8")
    return True
