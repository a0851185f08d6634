"""What executed notebooks showed: helpers the grader's and the modules' notebook tests share."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from grader.markers import is_instructor


def shown(cell: nbformat.NotebookNode, *, streams: bool = True) -> str:
    """What a code cell displayed as text (its printed streams too, unless streams=False)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text if streams else "")
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(p for p in parts if p)


def check_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The student-visible cells that call check()."""
    return [c for c in notebook.cells if c.cell_type == "code" and "check(" in c.source and not is_instructor(c.source)]


def instructor_feedback(notebook: nbformat.NotebookNode) -> str:
    """Everything the INSTRUCTOR cells (the submitted known mistakes) displayed."""
    return "\n".join(shown(c) for c in notebook.cells if c.cell_type == "code" and is_instructor(c.source))


def assert_solved(notebook: nbformat.NotebookNode, home: Path, module: str, questions: list[str]) -> None:
    """Every check of an executed solution says correct, in question order, and progress records each pass."""
    results = [shown(c, streams=False) for c in check_cells(notebook)]
    assert [r.split(":")[0] for r in results] == questions
    assert all(r.startswith(f"{q}: correct") for q, r in zip(questions, results, strict=True)), results
    progress = json.loads((home / "progress.json").read_text())["modules"][module]
    assert sorted(q for q, entry in progress.items() if entry["passed"]) == sorted(questions)


def assert_unanswered(notebook: nbformat.NotebookNode, home: Path, questions: list[str]) -> None:
    """A blank exercise ran without errors, each check said not answered yet, and no attempt was recorded."""
    results = [shown(c, streams=False) for c in check_cells(notebook)]
    assert [r.split(":")[0] for r in results] == questions
    for result in results:
        assert "Not answered yet" in result, result
    assert not (home / "progress.json").exists(), "an unanswered question is not an attempt"
    assert not any(o.output_type == "error" for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
