"""Students' own copies: made on first run, never overwritten, new modules added, a module started afresh."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from support.fixture_modules import EXERCISES

from grader.cli import main
from grader.paths import GraderError, repo_root
from grader.workspace import FOLDER, make_workspace, originals, start_afresh

TOUR = "00_start_here.ipynb"


def exercise_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.ipynb"))


def test_the_first_run_copies_the_tour_and_every_exercise_byte_for_byte(tmp_path):
    status = make_workspace(tmp_path / "work", EXERCISES)
    names = [TOUR, *exercise_names(EXERCISES)]
    assert [p.name for p in status] == names and set(status.values()) == {"created"}
    for source in originals(EXERCISES):
        assert (tmp_path / "work" / source.name).read_bytes() == source.read_bytes()


def test_the_checkouts_workspace_holds_the_tour_every_exercise_and_the_capstone_in_module_order(tmp_path):
    names = [p.name for p in originals()]
    expected = sorted(p.name for p in (repo_root() / "exercises").glob("*.ipynb")) + ["10_capstone.ipynb"]
    assert names == [TOUR, *sorted(expected)]
    status = make_workspace(tmp_path / "work")
    assert (tmp_path / "work" / "10_capstone.ipynb").read_bytes() == \
        (repo_root() / "notebooks" / "10_capstone.ipynb").read_bytes()
    assert set(status.values()) == {"created"}


def test_a_students_work_is_never_overwritten_and_new_modules_appear_after_an_update(tmp_path):
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    first = sorted(EXERCISES.glob("*.ipynb"))[0]
    (exercises / first.name).write_bytes(first.read_bytes())
    make_workspace(tmp_path / "work", exercises)
    mine = tmp_path / "work" / first.name
    mine.write_text(nbformat.writes(new_notebook(cells=[new_code_cell("answer = 42")])))
    work = mine.read_bytes()
    # an update changes that exercise and adds a module
    (exercises / first.name).write_text(nbformat.writes(new_notebook(cells=[new_code_cell("# updated")])))
    (exercises / "99_new_module.ipynb").write_text(nbformat.writes(new_notebook()))
    status = make_workspace(tmp_path / "work", exercises)
    assert status[mine] == "kept" and mine.read_bytes() == work
    assert status[tmp_path / "work" / "99_new_module.ipynb"] == "created"
    assert status[tmp_path / "work" / TOUR] == "kept"


def test_starting_a_module_afresh_keeps_the_old_work_beside_the_fresh_copy(tmp_path):
    make_workspace(tmp_path / "work", EXERCISES)
    name = exercise_names(EXERCISES)[0].removesuffix(".ipynb")
    mine = tmp_path / "work" / f"{name}.ipynb"
    mine.write_text("my work")
    old = start_afresh(name, tmp_path / "work", EXERCISES, now=datetime(2026, 12, 4, 19, 30, tzinfo=UTC))
    assert old == tmp_path / "work" / f"{name}.before-20261204T193000Z.ipynb" and old.read_text() == "my work"
    assert mine.read_bytes() == (EXERCISES / f"{name}.ipynb").read_bytes()
    with pytest.raises(GraderError, match="no notebook 'nope' to start afresh"):
        start_afresh("nope", tmp_path / "work", EXERCISES)


def test_the_cli_verb_lists_what_it_did_and_says_bad_input_in_one_line(tmp_path, capsys):
    assert main(["workspace", "--folder", str(tmp_path / "work")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f" created  {tmp_path / 'work' / TOUR}" and len(lines) == len(originals())
    assert main(["workspace", "--folder", str(tmp_path / "work")]) == 0
    assert all(line.startswith("    kept  ") for line in capsys.readouterr().out.splitlines())
    assert main(["workspace", "--folder", str(tmp_path / "work"), "--afresh", "99_nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "check the module name" in err


def test_the_default_folder_is_git_ignored_and_make_lab_makes_it_and_opens_there():
    root = repo_root()
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{FOLDER}/01_active_users.ipynb"], cwd=root)
    assert ignored.returncode == 0
    lab = (root / "Makefile").read_text().split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "grader workspace" in lab and f"default_url=/lab/tree/{FOLDER}/{TOUR}" in lab


def test_a_notebook_in_the_workspace_finds_the_dataset_and_solutions_of_the_checkout(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    code = "import synth, grader.paths; print(synth.dataset_path()); print(grader.paths.solutions_dir())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [str(repo_root() / "datasets" / "clipstream.duckdb"), str(repo_root() / "solutions")]
