"""Submissions the module tests grade as a teacher would: reference solutions handed in, edited, or copied."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import nbformat

from grader.cli import main
from grader.markers import is_instructor
from support.modules import SOLUTIONS


def perfect(module: str) -> nbformat.NotebookNode:
    """What a student who wrote the reference solutions hands in: no instructor cells, no outputs."""
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if not is_instructor(c.source)]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def replace_once(notebook: nbformat.NotebookNode, old: str, new: str) -> None:
    cells = [c for c in notebook.cells if old in c.source]
    assert len(cells) == 1, f"{old!r} is in {len(cells)} cells; update this test with the solution"
    cells[0].source = cells[0].source.replace(old, new, 1)


def grade_class(root: Path, module: str, students: dict[str, nbformat.NotebookNode],
                options: tuple[str, ...] = ("--variants", "1")) -> tuple[dict[str, dict[str, str]], Path]:
    """Grade `students` (name -> notebook) of `module` at the grader's default scale with `options` (by default all
    on one hidden dataset); (grade rows, out dir). Called again with --resume, it adds students."""
    (root / "class").mkdir(exist_ok=True)
    for name, notebook in students.items():
        nbformat.write(notebook, root / "class" / f"{name}.ipynb")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", str(root / "class"), "--module", module, "--out", str(root / "out"),
                     "--solutions", str(SOLUTIONS), "--secret", "module tests", "--jobs", "2", "--timeout", "60",
                     "--quiet", *options])
    assert code == 0, err.getvalue()
    with (root / "out" / "grades.csv").open(newline="") as handle:
        return {r["student"]: r for r in csv.DictReader(handle)}, root / "out"


def copying(module: str, answers: dict[str, object]) -> nbformat.NotebookNode:
    """The perfect submission that hands in `answers` (question -> value) at the end: numbers copied from elsewhere."""
    notebook = perfect(module)
    for question, value in answers.items():
        value = value.item() if hasattr(value, "item") else value  # a NumPy scalar, typed in as a plain number
        notebook.cells.append(nbformat.v4.new_code_cell(f"check({question!r}, {value!r})"))
    return notebook


def typical(module: str, wrong: set[str]) -> nbformat.NotebookNode:
    """The solution as a student who makes the module's registered mistakes in the questions `wrong` hands it in.

    The instructor cells run as the student's code, with `mistake(...)` handing its wrong answer to check() after
    the reference one (the last check() of a question is graded), so each mistake is the one its author computed.
    """
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    stubs = ("def question(*args, **kwargs):\n    pass\n\n\n"
             "def mistake(question_id, name, answer):\n"
             f"    if question_id in {sorted(wrong)!r}:\n"
             "        check(question_id, answer)\n")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if is_instructor(cell.source):
                cell.source = cell.source.replace("from grader import mistake, question", stubs)
    return notebook
