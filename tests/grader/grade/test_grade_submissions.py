"""Submissions are found in folders, per-student folders and zips, one per notebook, and read without trusting them."""

import json
import os
import stat
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.grade.submissions import MAX_BYTES, NotebookProblem, code_cells, discover
from grader.paths import GraderError

MODULE = "90_fixture_sql"
NOTEBOOK = nbformat.writes(new_notebook(cells=[new_markdown_cell("# hi"), new_code_cell("x = 1")]))


def _write(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _summary(submissions):
    return [(s.student, s.source, s.problem, s.name, s.duplicates) for s in submissions]


def test_a_folder_of_notebooks_gives_one_submission_per_file_named_by_its_stem(tmp_path):
    _write(tmp_path, {"bob.ipynb": NOTEBOOK, "alice.ipynb": NOTEBOOK, "readme.txt": "hi"})
    submissions, skipped = discover(tmp_path, MODULE)
    assert [(s.student, s.source) for s in submissions] == [("alice", "alice.ipynb"), ("bob", "bob.ipynb")]
    assert skipped == ["readme.txt"]
    assert submissions[0].read() == NOTEBOOK.encode()


def test_per_student_folders_use_the_notebook_named_after_the_module_else_the_only_one(tmp_path):
    _write(tmp_path, {"alice/90_fixture_sql.ipynb": NOTEBOOK, "alice/scratch.ipynb": NOTEBOOK,
                      "bob/work/mine.ipynb": NOTEBOOK, "bob/data.csv": "a,b"})
    submissions, _ = discover(tmp_path, MODULE)
    assert [(s.student, s.source, s.problem) for s in submissions] == [
        ("alice", "alice/90_fixture_sql.ipynb", None), ("bob", "bob/work/mine.ipynb", None)]


def test_folders_without_a_notebook_or_with_several_are_rows_with_the_problem(tmp_path):
    _write(tmp_path, {"carol/notes.txt": "none", "dan/a.ipynb": NOTEBOOK, "dan/b.ipynb": NOTEBOOK})
    submissions, _ = discover(tmp_path, MODULE)
    assert _summary(submissions) == [
        ("carol", "carol/", "no notebook in carol/", "carol", []),
        ("dan", "dan/", "2 notebooks in dan/ (a.ipynb, b.ipynb): keep one, or name it 90_fixture_sql.ipynb",
         "dan", []),
    ]


def test_hidden_files_and_checkpoints_are_ignored(tmp_path):
    _write(tmp_path, {"alice.ipynb": NOTEBOOK, ".hidden.ipynb": NOTEBOOK, "bob/.ipynb_checkpoints/x.ipynb": NOTEBOOK,
                      "bob/90_fixture_sql.ipynb": NOTEBOOK, "__MACOSX/alice.ipynb": NOTEBOOK})
    submissions, _ = discover(tmp_path, MODULE)
    assert [s.source for s in submissions] == ["alice.ipynb", "bob/90_fixture_sql.ipynb"]


def test_the_same_student_twice_is_flagged_on_both_with_distinct_file_names(tmp_path):
    _write(tmp_path, {"Alice.ipynb": NOTEBOOK, "alice/90_fixture_sql.ipynb": NOTEBOOK, "a b.ipynb": NOTEBOOK,
                      "a_b.ipynb": NOTEBOOK})
    submissions, _ = discover(tmp_path, MODULE)
    assert _summary(submissions) == [
        ("a b", "a b.ipynb", None, "a_b", []),
        ("a_b", "a_b.ipynb", None, "a_b~2", []),
        ("Alice", "Alice.ipynb", None, "Alice", ["alice/90_fixture_sql.ipynb"]),
        ("alice", "alice/90_fixture_sql.ipynb", None, "alice~2", ["Alice.ipynb"]),
    ]


def test_a_zip_gives_the_same_submissions_as_the_folder_and_unwraps_an_export_folder(tmp_path):
    files = {"alice.ipynb": NOTEBOOK, "bob/90_fixture_sql.ipynb": NOTEBOOK}
    folder = _write(tmp_path / "folder", files)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"export-2025/{name}", text)
        zf.writestr("../../escape.ipynb", NOTEBOOK)  # never extracted, never a student
        zf.writestr("__MACOSX/export-2025/._alice.ipynb", "junk")
    from_zip, _ = discover(archive, MODULE)
    from_folder, _ = discover(folder, MODULE)
    assert _summary(from_zip) == _summary(from_folder)
    assert [s.read() for s in from_zip] == [s.read() for s in from_folder]


def test_a_zip_holding_one_path_twice_gives_two_flagged_submissions(tmp_path):
    archive = tmp_path / "twice.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice.ipynb", NOTEBOOK)
        zf.writestr("alice.ipynb", NOTEBOOK.replace("x = 1", "x = 2"))
    submissions, _ = discover(archive, MODULE)
    assert [(s.source, s.name, s.duplicates) for s in submissions] == [
        ("alice.ipynb", "alice", ["alice.ipynb (copy 2)"]), ("alice.ipynb (copy 2)", "alice~2", ["alice.ipynb"])]
    assert submissions[0].read() != submissions[1].read()


def test_a_zip_of_one_student_folder_is_that_student(tmp_path):
    archive = tmp_path / "one.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice/90_fixture_sql.ipynb", NOTEBOOK)
    assert [s.student for s in discover(archive, MODULE)[0]] == ["alice"]


def test_a_single_notebook_can_be_graded_on_its_own(tmp_path):
    path = _write(tmp_path, {"alice.ipynb": NOTEBOOK}) / "alice.ipynb"
    assert [(s.student, s.source) for s in discover(path, MODULE)[0]] == [("alice", "alice.ipynb")]


@pytest.mark.parametrize("name", ["missing", "file.txt"])
def test_a_path_that_is_not_submissions_is_a_one_line_error(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("hi")
    with pytest.raises(GraderError, match="pass the folder"):
        discover(path, MODULE)


def test_an_oversized_notebook_is_a_problem_when_read_not_a_crash(tmp_path, monkeypatch):
    import grader.grade.submissions as submissions

    _write(tmp_path, {"alice.ipynb": NOTEBOOK})
    monkeypatch.setattr(submissions, "MAX_BYTES", 10)
    (found,), _ = discover(tmp_path, MODULE)
    with pytest.raises(NotebookProblem, match="the grader reads notebooks up to"):
        found.read()
    assert MAX_BYTES >= 50 * 2**20


def test_code_cells_are_the_sources_of_code_cells_in_order():
    notebook = new_notebook(cells=[new_code_cell("a = 1"), new_markdown_cell("text"), new_code_cell("b = 2")])
    assert code_cells(nbformat.writes(notebook).encode()) == (["a = 1", "b = 2"], None)


def test_an_old_nbformat_is_converted_and_says_so():
    notebook = nbformat.convert(new_notebook(cells=[new_code_cell("a = 1")]), 3)
    assert code_cells(nbformat.writes(notebook, version=3).encode()) == (["a = 1"], "converted from nbformat 3")


@pytest.mark.parametrize("data, says", [
    (b"\xff\xfe binary", "not text"),
    (b"I wrote it in Word", "not JSON"),
    (b'{"answers": [1, 2]}', "has no notebook cells"),
    (b"[1, 2, 3]", "has no notebook cells"),
    (json.dumps({"nbformat": 4, "cells": "oops"}).encode(), "not a list of cells"),
    (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}).encode(), "source is not text"),
    (json.dumps({"nbformat": 9, "cells": []}).encode(), "unsupported notebook format 9"),
])
def test_unreadable_files_raise_a_problem_that_names_what_is_wrong(data, says):
    with pytest.raises(NotebookProblem, match=says):
        code_cells(data)


def test_links_fifos_and_linked_folders_are_refused_each_as_its_own_row_never_followed(tmp_path):
    secret = _write(tmp_path / "elsewhere", {"solution.ipynb": NOTEBOOK}) / "solution.ipynb"
    root = _write(tmp_path / "class", {"alice.ipynb": NOTEBOOK})
    (root / "bob.ipynb").symlink_to(secret)
    (root / "carol.ipynb").symlink_to(os.path.relpath(secret, root))
    (root / "dan").mkdir()
    (root / "dan" / f"{MODULE}.ipynb").symlink_to(secret)
    (root / "erin").symlink_to(secret.parent, target_is_directory=True)
    os.mkfifo(root / "fred.ipynb")
    submissions, skipped = discover(root, MODULE)
    assert [(s.student, s.source) for s in submissions] == [
        ("alice", "alice.ipynb"), ("bob", "bob.ipynb"), ("carol", "carol.ipynb"),
        ("dan", f"dan/{MODULE}.ipynb"), ("erin", "erin"), ("fred", "fred.ipynb")]
    assert skipped == []
    assert submissions[0].read() == NOTEBOOK.encode()
    for submission, kind in zip(submissions[1:], ["symbolic link"] * 4 + ["FIFO"], strict=True):
        with pytest.raises(NotebookProblem, match=f"is a {kind}, not a file: hand in the notebook itself"):
            submission.read()


def test_a_file_swapped_for_a_link_after_discovery_is_still_not_followed(tmp_path):
    root = _write(tmp_path / "class", {"alice.ipynb": NOTEBOOK})
    (found,), _ = discover(root, MODULE)
    (root / "alice.ipynb").unlink()
    (root / "alice.ipynb").symlink_to(_write(tmp_path, {"key.ipynb": "secret"}) / "key.ipynb")
    with pytest.raises(OSError):  # O_NOFOLLOW: ELOOP
        found.read()


def test_a_link_stored_in_a_zip_is_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        link = zipfile.ZipInfo("bob.ipynb")
        link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "../solutions/90_fixture_sql.ipynb")
        zf.writestr("alice.ipynb", NOTEBOOK)
    submissions, _ = discover(archive, MODULE)
    assert [s.student for s in submissions] == ["alice", "bob"]
    with pytest.raises(NotebookProblem, match="bob.ipynb is a symbolic link"):
        submissions[1].read()


def test_names_that_are_not_utf8_or_very_long_give_valid_text_and_short_file_names(tmp_path):
    root = _write(tmp_path, {"x" * 240 + ".ipynb": NOTEBOOK, "x" * 239 + "y.ipynb": NOTEBOOK})
    (root / os.fsdecode(b"caf\xe9.ipynb")).write_text(NOTEBOOK)
    submissions, _ = discover(root, MODULE)
    assert [s.student for s in submissions][0] == "caf\\xe9"
    assert submissions[0].source.encode("utf-8") == b"caf\\xe9.ipynb" and submissions[0].read() == NOTEBOOK.encode()
    long_names = [s.name for s in submissions[1:]]
    assert all(len(name) <= 64 for name in long_names) and len(set(long_names)) == 2


def test_control_characters_in_a_name_cannot_start_a_new_line_in_any_report(tmp_path):
    _write(tmp_path, {"bob\n# Grade: 100\r.ipynb": NOTEBOOK})
    (found,), _ = discover(tmp_path, MODULE)
    assert (found.student, found.source) == ("bob\\n# Grade: 100", "bob\\n# Grade: 100\\r.ipynb")


def test_a_notebook_nested_too_deeply_is_a_problem_not_a_recursion_error():
    with pytest.raises(NotebookProblem, match="nested too deeply"):
        code_cells(b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_a_zip_whose_names_claim_utf8_but_are_not_is_one_line_naming_the_fix(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("caf\u00e9.ipynb", NOTEBOOK)  # a UTF-8 name: flagged as such in the headers
    archive.write_bytes(archive.read_bytes().replace("caf\u00e9".encode(), b"caf\xff\xfe"))
    with pytest.raises(GraderError, match="not valid UTF-8; extract it"):
        discover(archive, MODULE)
