"""What a self-studying learner asks for: the next hint of a question, or its reference solution, as a note."""

from __future__ import annotations

import html
from dataclasses import dataclass

from grader.spec import Question

GRADED = "Hints and solutions are not available while a notebook is graded; this call shows nothing."


@dataclass(frozen=True)
class Note:
    """A short note for the learner (a hint, a solution, or why neither is shown); Jupyter shows it as a box."""

    title: str
    text: str = ""
    code: str = ""

    def __repr__(self) -> str:
        lines = [self.title]
        lines += [f"  {line}" for line in self.text.splitlines()]
        lines += [f"    {line}" for line in self.code.splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = ['<div class="grader-note" style="border-left:4px solid #1565c0;background:#e3f2fd;'
                 'padding:6px 10px;margin:4px 0;font-family:sans-serif;font-size:13px;line-height:1.4">',
                 f"<div><strong>{html.escape(self.title)}</strong></div>"]
        if self.text:
            parts.append(f"<div>{html.escape(self.text)}</div>")
        if self.code:
            parts.append(f'<pre style="margin:4px 0 0 0"><code>{html.escape(self.code)}</code></pre>')
        parts.append("</div>")
        return "".join(parts)


def shown_hint(question: Question, seen: int) -> int:
    """Which hint (1-based) a wrong answer shows after `seen` hints were seen: the latest, at least the first."""
    return min(max(seen, 1), len(question.hint))


def more_help(question: Question, shown: int) -> str:
    """The line under a wrong answer's hint saying how to get another hint or the solution."""
    ask_solution = f"check.solution({question.id!r}) shows the reference solution."
    if shown < len(question.hint):
        return f"check.hint({question.id!r}) gives another hint; {ask_solution}"
    return f"Still stuck? {ask_solution}"


def hint_note(question: Question, number: int) -> Note:
    """Hint `number` (1-based, at most the last) of a question, saying whether more are left."""
    hints = question.hint
    if not hints:
        return Note(f"{question.id}: there is no hint for this question.",
                    f"check.solution({question.id!r}) shows the reference solution.")
    title = f"{question.id}: hint {number} of {len(hints)}"
    after = (f"check.hint({question.id!r}) again for the next one." if number < len(hints)
             else f"That was the last hint; check.solution({question.id!r}) shows the reference solution.")
    return Note(title, f"{hints[number - 1]}\n{after}")


def solution_note(question: Question, code: str | None) -> Note:
    """The reference solution of one question, or why it cannot be shown."""
    if not code:
        return Note(f"{question.id}: no reference solution is stored for this question.",
                    "Its answer key was built without one; rebuild it with `grader key` to include it.")
    return Note(f"{question.id}: reference solution", "Try it, then compare it with your own approach.", code)
