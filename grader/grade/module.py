"""The module being graded, as its solution notebook defines it: code cells and each question's answer expression."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.markers import is_instructor, solutions_by_question
from grader.paths import GraderError, module_name, solution_path


@dataclass(frozen=True)
class Module:
    """A module's solution notebook: every code cell (to record keys) and the expression each check() passes."""

    name: str
    solution: Path
    cells: list[str]
    expressions: dict[str, str]  # question id -> the answer expression of its check call, e.g. "dau_by_day"
    reference: dict[str, str]  # question id -> its reference solution code, stored in each key for check.solution


def answer_expressions(cells: list[str]) -> dict[str, str]:
    """`check("q", expr)` calls in student-visible cells -> {"q": "expr"} (the first call per question)."""
    found: dict[str, str] = {}
    for source in cells:
        if is_instructor(source):
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: no check call to read there
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                expression = ast.get_source_segment(source, node.args[1])
                if expression:
                    found.setdefault(node.args[0].value, expression)
    return found


def load_module(module: str, solutions: str | Path | None = None) -> Module:
    """Read a module's solution notebook (raises GraderError naming the fix)."""
    path = solution_path(module, solutions)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for unreadable files
        raise GraderError(f"{path} is not a readable notebook ({error}); fix or restore the file") from None
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    reference = solutions_by_question([(cell.cell_type, cell.source) for cell in notebook.cells])
    return Module(module_name(module), path.resolve(), cells, answer_expressions(cells), reference)
