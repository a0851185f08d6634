"""What executed notebooks showed: helpers the grader's and the modules' notebook tests share."""

from __future__ import annotations

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
