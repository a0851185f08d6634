"""What a module teaches, read from its solution notebook without running it: questions, times, mistakes, prompts.

Questions and their titles come from the `question(...)` calls of instructor cells and the Markdown headings
naming them (`## 2. Title (`question_id`)`); mistakes from `mistake(...)` calls; the expected time and discussion
prompts from comment lines in instructor cells (docs/authoring.md, "Teaching notes"):

    # minutes: 8                       the question declared or whose mistakes are registered in this cell
    # discuss: Why is push_received not activity?   a prompt for that question, or the module's (no question)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.markers import is_instructor
from grader.paths import GraderError, modules, solutions_dir

_HEADING = re.compile(r"^#{1,3}\s+(?:\d+\.\s*)?(?P<title>.*?)\s*\((?P<ids>`\w+`(?:\s*,\s*`\w+`)*)\)\s*$")
_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*$")
_NOTE = re.compile(r"^\s*#\s*(?P<what>minutes|discuss)\s*:\s*(?P<text>.*?)\s*$")
_MORE = re.compile(r"^\s*#\s{2,}(?P<text>\S.*?)\s*$")  # an indented comment line continues a prompt


class SyllabusError(GraderError):
    """A solution notebook's teaching notes are malformed; the message names the notebook, cell and fix."""


@dataclass
class Question:
    """One question as taught: its id, title, expected minutes, registered mistakes and discussion prompts."""

    id: str
    title: str = ""
    minutes: int | None = None
    mistakes: list[str] = field(default_factory=list)
    discuss: list[str] = field(default_factory=list)


@dataclass
class Module:
    """One module as taught."""

    name: str
    title: str
    questions: list[Question]
    discuss: list[str]

    @property
    def minutes(self) -> int | None:
        """The module's questions' minutes in all; None when a question declares none."""
        times = [q.minutes for q in self.questions]
        return None if not times or None in times else sum(t for t in times if t is not None)


def _text(node: ast.expr) -> str:
    """A mistake's sentence: the literal, an f-string with its computed parts as '…', else the expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(part.value) if isinstance(part, ast.Constant) else "…" for part in node.values)
    return f"(computed: {ast.unparse(node)})"


def _calls(source: str, where: str) -> list[tuple[str, str, ast.Call]]:
    """(function, question id, call) of each question()/mistake() call with a literal id, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise SyllabusError(f"{where}: not valid Python ({error.msg}, line {error.lineno})") from None
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("question", "mistake")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.func.id, node.args[0].value, node))
    return sorted(found, key=lambda item: (item[2].lineno, item[2].col_offset))


def _notes(source: str, where: str) -> tuple[int | None, list[str]]:
    """The minutes and discussion prompts declared in an instructor cell's comment lines."""
    minutes: int | None = None
    prompts: list[str] = []
    last = ""
    for number, line in enumerate(source.splitlines(), start=1):
        if (match := _NOTE.match(line)) is not None:
            last = match["what"]
            if last == "discuss":
                prompts.append(match["text"])
            elif minutes is not None:
                raise SyllabusError(f"{where}, line {number}: a second '# minutes:'; keep one per question")
            elif not match["text"].isdigit() or not 0 < int(match["text"]) <= 240:
                raise SyllabusError(f"{where}, line {number}: '# minutes:' needs a whole number of minutes "
                                    f"from 1 to 240, not {match['text']!r}")
            else:
                minutes = int(match["text"])
        elif last == "discuss" and (more := _MORE.match(line)) is not None:
            prompts[-1] += " " + more["text"]
        else:
            last = ""
    if any(not prompt for prompt in prompts):
        raise SyllabusError(f"{where}: an empty '# discuss:' line; write the prompt after the colon")
    return minutes, prompts


def read_module(path: Path) -> Module:
    """The module taught by the solution notebook at `path`."""
    notebook = nbformat.read(path, as_version=4)
    title, titles = path.stem, dict[str, str]()
    questions: dict[str, Question] = {}
    module_prompts: list[str] = []
    for index, cell in enumerate(notebook.cells):
        where = f"{path.name}, cell {index + 1}"
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if (heading := _HEADING.match(line)) is not None:
                    for qid in re.findall(r"`(\w+)`", heading["ids"]):
                        titles.setdefault(qid, heading["title"])
                elif title == path.stem and (top := _TITLE.match(line)) is not None:
                    title = top["title"]
            continue
        if cell.cell_type != "code" or not is_instructor(cell.source):
            continue
        calls = _calls(cell.source, where)
        for function, qid, call in calls:
            if function == "question":
                questions.setdefault(qid, Question(qid))
            elif qid in questions and len(call.args) > 1:
                questions[qid].mistakes.append(_text(call.args[1]))
        minutes, prompts = _notes(cell.source, where)
        ids = list(dict.fromkeys(qid for _, qid, _ in calls))
        if len(ids) > 1 and (minutes is not None or prompts):
            raise SyllabusError(f"{where}: teaching notes in a cell about several questions ({', '.join(ids)}); "
                                "move them to a cell about one")
        if not ids:
            if minutes is not None:
                raise SyllabusError(f"{where}: '# minutes:' in a cell without a question; put it where the "
                                    "question is declared")
            module_prompts += prompts
        elif ids[0] in questions:
            question = questions[ids[0]]
            if minutes is not None and question.minutes is not None:
                raise SyllabusError(f"{where}: a second '# minutes:' for {ids[0]!r}; keep one")
            question.minutes = minutes if minutes is not None else question.minutes
            question.discuss += prompts
    for question in questions.values():
        question.title = titles.get(question.id, question.id)
    return Module(path.stem, title, list(questions.values()), module_prompts)


def read_modules(solutions: str | Path | None = None) -> list[Module]:
    """Every module with a solution notebook, in order."""
    folder = solutions_dir(solutions)
    return [read_module(folder / f"{name}.ipynb") for name in modules(folder)]


def catalogue(solutions: str | Path | None = None) -> dict[str, list[str]]:
    """Module -> its question ids in notebook order."""
    return {m.name: [q.id for q in m.questions] for m in read_modules(solutions)}
