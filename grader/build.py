"""Exercise notebooks from solution notebooks: scaffolds for solutions, no instructor cells, no outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.markers import MarkerError, is_instructor, scaffold
from grader.paths import GraderError, exercise_path, module_name, modules, solution_path, solutions_dir

_NEW_CELL = {
    "code": nbformat.v4.new_code_cell,
    "markdown": nbformat.v4.new_markdown_cell,
    "raw": nbformat.v4.new_raw_cell,
}


def exercise(solution: NotebookNode, name: str = "notebook") -> NotebookNode:
    """The exercise version of a solution notebook (nbformat 4.5, nothing that varies between builds)."""
    cells = []
    for index, cell in enumerate(solution.cells, start=1):
        if is_instructor(cell.source):
            continue
        try:
            source = cell.source if cell.cell_type == "raw" else scaffold(
                cell.source, markdown=cell.cell_type == "markdown")
        except MarkerError as error:
            raise MarkerError(f"{name}, cell {index}: {error}") from None
        new = _NEW_CELL[cell.cell_type](source)
        new.id = cell.get("id") or f"cell-{index}"  # a missing id would otherwise get a random one
        if "tags" in cell.metadata:
            new.metadata["tags"] = list(cell.metadata["tags"])
        if "attachments" in cell:
            new.attachments = cell.attachments
        cells.append(new)
    metadata = {"language_info": {"name": solution.metadata.get("language_info", {}).get("name", "python")}}
    if "kernelspec" in solution.metadata:
        metadata["kernelspec"] = dict(solution.metadata.kernelspec)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    nbformat.validate(notebook)
    return notebook


def exercise_text(module: str, solutions: str | Path | None = None) -> str:
    """The exercise notebook of `module` as the exact text `build` writes."""
    path = solution_path(module, solutions)
    try:
        # NO_CONVERT: upgrading an nbformat 4.4 file would invent random cell ids.
        solution = nbformat.reads(path.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
    except Exception as error:  # nbformat raises several types for unreadable JSON
        raise GraderError(f"{path} is not a readable notebook ({error}); fix or restore the file") from None
    if solution.nbformat != 4:
        raise GraderError(f"{path} is nbformat {solution.nbformat}; open and save it in JupyterLab to update it")
    text = nbformat.writes(exercise(solution, str(path)))
    return text if text.endswith("\n") else text + "\n"


def has_been_run(path: Path) -> bool:
    """True when a notebook holds outputs or execution counts (someone worked in it) or cannot be read."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # unreadable: treat as someone's work rather than overwrite it
        return True
    return any(cell.cell_type == "code" and (cell.outputs or cell.execution_count) for cell in notebook.cells)


def build(
    names: list[str] | None = None,
    solutions: str | Path | None = None,
    exercises: str | Path | None = None,
    *,
    check: bool = False,
    force: bool = False,
) -> dict[Path, str]:
    """Write each module's exercise (where paths.exercise_path puts it); returns path -> "written", "unchanged" or
    (with check=True) "out of date".

    An existing exercise that has been run is someone's work: it is only replaced with force=True.
    """
    names = [module_name(n) for n in names] if names else modules(solutions)
    if not names:
        raise GraderError(f"no solution notebooks in {solutions_dir(solutions)}; pass --solutions DIR")
    texts = {name: exercise_text(name, solutions) for name in names}  # all errors before any write
    status: dict[Path, str] = {}
    for name, text in texts.items():
        path = exercise_path(name, exercises)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            status[path] = "unchanged"
        elif check:
            status[path] = "out of date"
        else:
            if path.is_file() and not force and has_been_run(path):
                raise GraderError(f"{path} has been run or edited (it holds outputs), so it may be someone's work; "
                                  "move it away or pass --force to replace it")
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.tmp")
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, path)
            status[path] = "written"
    return status
