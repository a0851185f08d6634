"""Exercise notebooks are built from solution notebooks: scaffolds in, solutions, instructor cells and outputs out."""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from support.fixture_modules import EXERCISES, FIXTURE_MODULES, SOLUTIONS

from grader.build import build, exercise_text
from grader.cli import main
from grader.markers import BEGIN, END, INSTRUCTOR, MarkerError, has_solution, is_instructor
from grader.paths import EXERCISE_FOLDERS, GraderError, exercise_path, modules, repo_root


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_every_committed_exercise_equals_a_fresh_build(module):
    assert (EXERCISES / f"{module}.ipynb").read_text(encoding="utf-8") == exercise_text(module, SOLUTIONS)


@pytest.mark.parametrize("module", modules(repo_root() / "solutions"))
def test_every_committed_course_exercise_equals_a_fresh_build_of_its_solution(module):
    committed = exercise_path(module)
    assert committed.read_text(encoding="utf-8") == exercise_text(module, repo_root() / "solutions"), \
        f"{committed} is out of date: run `grader build {module}`"


def test_the_capstone_is_written_beside_the_tour_and_every_other_module_to_exercises():
    assert exercise_path("10_capstone") == repo_root() / "notebooks" / "10_capstone.ipynb"
    assert exercise_path("solutions/10_capstone.ipynb") == repo_root() / "notebooks" / "10_capstone.ipynb"
    assert exercise_path("01_active_users") == repo_root() / "exercises" / "01_active_users.ipynb"
    for module in EXERCISE_FOLDERS:
        assert not (repo_root() / "exercises" / f"{module}.ipynb").exists(), f"{module} is built to its own folder"


def test_an_explicit_exercises_folder_holds_every_module_the_capstone_too(tmp_path):
    assert exercise_path("10_capstone", tmp_path) == tmp_path / "10_capstone.ipynb"
    status = build(["10_capstone"], repo_root() / "solutions", tmp_path)
    assert status == {tmp_path / "10_capstone.ipynb": "written"}


def test_every_fixture_solution_has_an_exercise_and_nothing_else_is_in_the_exercises_folder():
    assert sorted(p.stem for p in EXERCISES.glob("*.ipynb")) == sorted(p.stem for p in SOLUTIONS.glob("*.ipynb"))


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_fixture_exercises_keep_prompts_and_checks_and_drop_solutions_and_instructor_cells(module):
    solution = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    built = nbformat.read(EXERCISES / f"{module}.ipynb", as_version=4)
    student_cells = [c for c in solution.cells if not is_instructor(c.source)]
    assert len(built.cells) == len(student_cells) < len(solution.cells)
    for original, cell in zip(student_cells, built.cells, strict=True):
        assert cell.id == original.id and cell.cell_type == original.cell_type
        if cell.cell_type == "markdown":
            assert cell.source == original.source
        if has_solution(original.source):
            assert "# YOUR CODE" in cell.source
        check_lines = [line for line in original.source.splitlines() if line.startswith("check(")]
        assert all(line in cell.source.splitlines() for line in check_lines)
        assert not any(marker in cell.source for marker in (BEGIN, END, INSTRUCTOR, "# SOLUTION"))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert sum("# YOUR CODE" in c.source for c in built.cells) == sum(has_solution(c.source) for c in solution.cells)


def _old_solution_file(folder: Path) -> str:
    """An nbformat 4.4 solution as saved by an older Jupyter: no cell ids, outputs and run metadata present."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["## Q"]},
        {"cell_type": "code", "execution_count": 7, "source": ["import grader\n", "### BEGIN SOLUTION\n",
                                                              "answer = 42\n", "### END SOLUTION\n",
                                                              "check('q', answer)"],
         "metadata": {"execution": {"iopub.status.busy": "2025-01-01T00:00:00Z"}, "tags": ["keep-me"]},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}]},
        {"cell_type": "code", "execution_count": 8, "metadata": {}, "outputs": [],
         "source": ["### INSTRUCTOR\n", "secret = 1"]},
    ]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 4,
                "metadata": {"language_info": {"name": "python", "version": "3.11.9"}}}
    (folder / "01_demo.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return "01_demo"


def test_outputs_execution_counts_and_run_metadata_are_cleared_and_missing_ids_are_stable(tmp_path):
    built = nbformat.reads(exercise_text(_old_solution_file(tmp_path), tmp_path), as_version=4)
    assert [c.cell_type for c in built.cells] == ["markdown", "code"]
    code = built.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.metadata == {"tags": ["keep-me"]}
    assert [c.id for c in built.cells] == ["cell-1", "cell-2"]
    assert code.source == "import grader\nanswer = ...  # YOUR CODE\ncheck('q', answer)"
    assert built.metadata == {"language_info": {"name": "python"}}
    assert (built.nbformat, built.nbformat_minor) == (4, 5)
    nbformat.validate(built)


def test_building_twice_gives_byte_identical_files(tmp_path):
    module = _old_solution_file(tmp_path)
    first = exercise_text(module, tmp_path)
    assert first == exercise_text(module, tmp_path) and first.endswith("}\n")


def test_build_writes_exercises_then_reports_them_unchanged(tmp_path):
    written = build(None, SOLUTIONS, tmp_path)
    assert set(written.values()) == {"written"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{m}.ipynb" for m in FIXTURE_MODULES]
    assert set(build(None, SOLUTIONS, tmp_path).values()) == {"unchanged"}


def test_build_check_reports_drift_without_writing(tmp_path):
    stale = tmp_path / "90_fixture_sql.ipynb"
    stale.write_text("{}", encoding="utf-8")
    status = build(["90_fixture_sql"], SOLUTIONS, tmp_path, check=True)
    assert status == {stale: "out of date"}
    assert stale.read_text(encoding="utf-8") == "{}"


def test_an_exercise_someone_has_run_is_not_overwritten_unless_forced(tmp_path):
    build(["90_fixture_sql"], SOLUTIONS, tmp_path)
    path = tmp_path / "90_fixture_sql.ipynb"
    worked = nbformat.read(path, as_version=4)
    worked.cells[1].execution_count = 1
    worked.cells[1].source = "my own work"
    nbformat.write(worked, path)
    with pytest.raises(GraderError, match="has been run or edited.*--force"):
        build(["90_fixture_sql"], SOLUTIONS, tmp_path)
    assert "my own work" in path.read_text(encoding="utf-8")
    assert build(["90_fixture_sql"], SOLUTIONS, tmp_path, force=True) == {path: "written"}
    assert path.read_text(encoding="utf-8") == exercise_text("90_fixture_sql", SOLUTIONS)


def test_a_marker_error_names_the_notebook_and_cell_and_nothing_is_written(tmp_path):
    notebook = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("### BEGIN SOLUTION\nx = 1")])
    nbformat.write(notebook, tmp_path / "02_broken.ipynb")
    out = tmp_path / "out"
    with pytest.raises(MarkerError, match=r"02_broken\.ipynb, cell 2: .*never closed"):
        build(None, tmp_path, out)
    assert not out.exists()


def test_cli_build_writes_the_named_module_and_lists_it(tmp_path, capsys):
    assert main(["build", "91_fixture_pandas", "--solutions", str(SOLUTIONS), "--exercises", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == ["written", str(tmp_path / "91_fixture_pandas.ipynb")]
    assert main(["build", "--check", "--solutions", str(SOLUTIONS), "--exercises", str(tmp_path)]) == 1


def test_cli_build_of_an_unknown_module_prints_one_line_and_exits_2(tmp_path, capsys):
    assert main(["build", "07_nope", "--solutions", str(SOLUTIONS), "--exercises", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "07_nope" in err and "90_fixture_sql, 91_fixture_pandas" in err
    assert not tmp_path.joinpath("07_nope.ipynb").exists()
