"""`grader grade`: grade a class in one command, resume, never clobber, one-line errors with exit 2."""

import contextlib
import csv
import io
import json
import os
import shutil
import stat
import zipfile
from datetime import timedelta

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from support.fixture_modules import EXERCISES, SOLUTIONS
from support.grading import MODULE, copy_notebook, make_corpus

from grader.cli import main
from grader.grade import HIDDEN_SCALE


def grade(*args: str) -> tuple[int, str, str]:
    """Run `grader grade ...` in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["grade", *args])
        except SystemExit as exit:  # argparse's own usage errors
            code = exit.code
    return code, out.getvalue(), err.getvalue()


def rows(out) -> list[dict[str, str]]:
    with (out / "grades.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("hidden")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, solved_notebooks, cache):
    """alice (solved) and bob (blank exercise), each on a hidden dataset of their own."""
    root = tmp_path_factory.mktemp("class")
    copy_notebook(solved_notebooks / MODULE / "ada.ipynb", root / "class" / "alice.ipynb")
    copy_notebook(EXERCISES / f"{MODULE}.ipynb", root / "class" / "bob.ipynb")
    result = grade(str(root / "class"), "--module", MODULE, "--out", str(root / "out"), "--solutions", str(SOLUTIONS),
                   "--cache", str(cache), "--timeout", "10", "--jobs", "2", "--quiet")
    return root, result


def test_grading_a_class_exits_0_prints_the_summary_and_where_everything_is(first_run):
    root, (code, stdout, stderr) = first_run
    assert code == 0, stderr
    assert f"{MODULE}: 2 submissions, 4 questions, 4 points" in stdout
    assert f"grades: {root / 'out' / 'grades.csv'}" in stdout
    assert [(r["student"], r["score"], r["status"]) for r in rows(root / "out")] == [
        ("alice", "4", "graded"), ("bob", "0", "graded")]
    for name in ("alice", "bob"):
        assert (root / "out" / "feedback" / f"{name}.html").is_file()
        assert (root / "out" / "results" / f"{name}.json").is_file()


def test_each_student_gets_a_hidden_dataset_of_their_own_cached_by_seed(first_run, cache):
    root, _ = first_run
    seeds = [r["seed"] for r in rows(root / "out")]
    assert len(set(seeds)) == 2 and "42" not in seeds
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{HIDDEN_SCALE}-{seed}" for seed in seeds)
    for seed in seeds:
        assert (cache / f"{HIDDEN_SCALE}-{seed}" / "clipstream.key" / MODULE / "stamp.json").is_file()
    assert (root / "out" / ".grader" / "secret").stat().st_mode & 0o777 == 0o600
    assert "(jobs: build 2 x " in (root / "out" / "grading.log").read_text()  # where the time went, per stage


def test_hidden_datasets_span_the_public_window_with_every_planted_phenomenon_in_it(first_run, cache):
    import duckdb

    import synth
    from synth.config import DEFAULT_SCALE, SCALES, Promotion
    from synth.dataset import truth_path

    public = SCALES[DEFAULT_SCALE]
    window = (f"{public.start} 00:00:00", f"{public.start + timedelta(days=public.days)} 00:00:00")
    for seed in {r["seed"] for r in rows(first_run[0] / "out")}:
        dataset = cache / f"{HIDDEN_SCALE}-{seed}" / "clipstream.duckdb"
        with synth.connect(dataset) as db:
            info = synth.info(db)
        assert (info["window_start"], info["window_end"]) == window
        with duckdb.connect(str(truth_path(dataset)), read_only=True) as truth:
            effects = dict(truth.sql("SELECT effect_id, expected FROM planted_effects").fetchall())
        assert not [e for e, expected in effects.items() if json.loads(expected).get("in_window") is False]
        assert json.loads(effects["promotion"])["weekends"] == len(Promotion().saturdays)


def test_a_second_run_never_overwrites_grades_and_resume_grades_only_new_submissions(first_run, solved_notebooks,
                                                                                        cache):
    root, _ = first_run
    before = (root / "out" / "grades.csv").read_bytes()
    args = [str(root / "class"), "--module", MODULE, "--out", str(root / "out"), "--solutions", str(SOLUTIONS),
            "--cache", str(cache), "--timeout", "10", "--quiet"]
    code, _, stderr = grade(*args)
    assert code == 2 and stderr.count("\n") == 1 and "--resume" in stderr and "already holds 2 graded rows" in stderr
    assert (root / "out" / "grades.csv").read_bytes() == before

    copy_notebook(solved_notebooks / MODULE / "ada.ipynb", root / "class" / "carol.ipynb")
    code, stdout, stderr = grade(*args, "--resume")
    assert code == 0, stderr
    assert [(r["student"], r["score"]) for r in rows(root / "out")] == [("alice", "4"), ("bob", "0"), ("carol", "4")]
    log = (root / "out" / "grading.log").read_text()
    assert log.count("alice.ipynb: graded") == 1 and log.count("carol.ipynb: graded") == 1

    code, stdout, _ = grade(*args, "--resume")  # nothing left to grade: the summary of the whole sheet
    assert code == 0 and f"{MODULE}: 3 submissions" in stdout
    code, _, stderr = grade(*args, "--resume", "--variants", "2")
    assert code == 2 and "was graded with another variants" in stderr


@pytest.mark.parametrize("args, says", [
    (["--out", "OUT"], "the following arguments are required: --module"),
    (["--module", MODULE], "the following arguments are required: --out"),
    (["--module", MODULE, "--out", "OUT", "--jobs", "0"], "--jobs must be between 1 and 256"),
    (["--module", MODULE, "--out", "OUT", "--variants", "0"], "--variants must be at least 1"),
    (["--module", MODULE, "--out", "OUT", "--timeout", "-1"], "must be positive"),
    (["--module", MODULE, "--out", "OUT", "--scale", "galactic"], "unknown --scale 'galactic'"),
    (["--module", "99_nothing", "--out", "OUT"], "no solution notebook"),
    (["--module", MODULE, "--out", "FILE"], "is a file"),
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, args, says):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.ipynb").write_text(nbformat.writes(new_notebook()))
    (tmp_path / "FILE").write_text("not a folder")
    args = [a.replace("OUT", str(tmp_path / "out")).replace("FILE", str(tmp_path / "FILE")) for a in args]
    code, stdout, stderr = grade(str(tmp_path / "class"), *args, "--solutions", str(SOLUTIONS))
    assert code == 2 and stdout == ""
    assert stderr.count("\n") == 1 and says in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_submissions_that_hold_no_notebooks_are_a_usage_error(tmp_path, make):
    submissions = tmp_path / "class"
    if make == "empty":
        submissions.mkdir()
        (submissions / "readme.txt").write_text("no notebooks here")
    code, _, stderr = grade(str(submissions), "--module", MODULE, "--out", str(tmp_path / "out"),
                            "--solutions", str(SOLUTIONS))
    assert code == 2 and stderr.count("\n") == 1
    assert ("does not exist" if make == "missing" else "holds no notebooks") in stderr


def test_help_explains_the_outputs_statuses_and_exit_codes():
    code, stdout, _ = grade("--help")
    assert code == 0
    for words in ("grades.csv", "Gradescope", "--resume", "--variants", "timeout, crashed, invalid", "Exit status"):
        assert words in stdout


def test_a_chart_an_interval_and_an_ordered_table_are_graded_from_their_data(tmp_path, solved_notebooks, cache):
    code, stdout, stderr = grade(str(solved_notebooks / "91_fixture_pandas"), "--module", "91_fixture_pandas",
                                 "--out", str(tmp_path / "out"), "--solutions", str(SOLUTIONS), "--cache",
                                 str(cache), "--variants", "1", "--timeout", "20", "--quiet")
    assert code == 0, stderr
    assert [(r["student"], r["score"], r["max_score"], r["status"]) for r in rows(tmp_path / "out")] == [
        ("grace", "3", "3", "graded")]


def test_a_notebook_over_its_total_time_limit_is_stopped_and_keeps_its_earlier_answers(tmp_path, cache):
    notebook = make_corpus.solved()
    notebook.cells = [c for c in notebook.cells if c.cell_type == "code"][:4] + [
        new_code_cell("import time\ntime.sleep(1.5)") for _ in range(6)]
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "slow.ipynb").write_text(nbformat.writes(notebook))
    code, _, stderr = grade(str(tmp_path / "class"), "--module", MODULE, "--out", str(tmp_path / "out"),
                            "--solutions", str(SOLUTIONS), "--cache", str(cache), "--variants", "1",
                            "--timeout", "2", "--notebook-timeout", "6", "--quiet")
    assert code == 0, stderr
    (row,) = rows(tmp_path / "out")
    assert row["status"] == "timeout" and "the notebook ran over its 6 s limit" in row["reason"]
    assert (row["dau_by_day"], row["buyer_share"]) == ("1", "1")
    shutil.rmtree(tmp_path / "out")


def test_a_hostile_zip_graded_into_a_relative_out_folder_gives_every_entry_one_row(tmp_path, monkeypatch,
                                                                                     solved_notebooks):
    solved = (solved_notebooks / MODULE / "ada.ipynb").read_text()
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("perfect.ipynb", solved)
        zf.writestr("blank.ipynb", (EXERCISES / f"{MODULE}.ipynb").read_text())
        zf.writestr("y" * 300 + ".ipynb", solved)  # its feedback file name would be too long for the disk
        zf.writestr("damaged.ipynb", solved.replace("dau_by_day", "DAMAGED_ME", 1))
        link = zipfile.ZipInfo("linked.ipynb")
        link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, f"../solutions/{MODULE}.ipynb")
    archive.write_bytes(archive.read_bytes().replace(b"DAMAGED_ME", b"dau_by_day"))  # the stored CRC no longer fits
    monkeypatch.chdir(tmp_path)
    # no --cache: the hidden dataset is built under the relative grades/ (which failed when paths stayed relative)
    code, _, stderr = grade("class.zip", "--module", MODULE, "--out", "grades", "--solutions", str(SOLUTIONS),
                            "--secret", "zip", "--variants", "1", "--timeout", "10", "--quiet")
    assert code == 0, stderr
    got = {r["submission"]: (r["status"], r["score"]) for r in rows(tmp_path / "grades")}
    assert got == {"perfect.ipynb": ("graded", "4"), "blank.ipynb": ("graded", "0"),
                   "y" * 300 + ".ipynb": ("graded", "4"), "damaged.ipynb": ("invalid", "0"),
                   "linked.ipynb": ("invalid", "0")}
    damaged = next(r for r in rows(tmp_path / "grades") if r["submission"] == "damaged.ipynb")
    assert "damaged in the zip" in damaged["reason"] and "Bad CRC" in damaged["reason"]


def test_without_landlock_or_seccomp_grading_refuses_unless_unsafe(tmp_path, monkeypatch):
    import grader.grade.run as run

    monkeypatch.setattr(run, "landlock_abi", lambda: 0)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.ipynb").write_text(nbformat.writes(new_notebook()))
    code, stdout, stderr = grade(str(tmp_path / "class"), "--module", MODULE, "--out", str(tmp_path / "out"),
                                 "--solutions", str(SOLUTIONS))
    assert code == 2 and stdout == "" and stderr.count("\n") == 1
    assert "no Landlock" in stderr and "pass --unsafe" in stderr
    assert not (tmp_path / "out").exists()
    assert run.confinement_problem(0, True) and run.confinement_problem(5, False)
    assert run.confinement_problem(1, True) is None


def test_scratch_folders_of_a_grader_that_died_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    import grader.grade.run as run

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen(["true"])
    ended.wait()  # its pid names no process now
    dead = tmp_path / f"grader-{ended.pid}-abc"
    live = tmp_path / f"grader-{os.getpid()}-def"
    for folder in (dead, live):
        (folder / "submission-1" / "work").mkdir(parents=True)
    (dead / "submission-1" / "work").chmod(0)  # a notebook locked its own folder
    run._remove_stale_scratch()
    assert not dead.exists() and live.exists()


def test_cgroups_of_a_grader_that_died_are_found_and_removed():
    import subprocess

    import grader.grade.run as run
    from grader.grade import cgroups

    ended = subprocess.Popen(["true"])
    ended.wait()
    groups = cgroups.available(f"grader-{ended.pid}")
    if groups is None:
        pytest.skip("no writable cgroup hierarchy here")
    groups.create("slot-0", cgroups.Limits(memory_mb=256, tasks=8))
    stale = [entry for parent in groups.parents() for entry in run._left_behind(parent)]
    assert sorted(stale) == sorted(set(groups.bases.values()))
    for entry in stale:
        cgroups.remove_tree(entry)
    assert not any(base.exists() for base in groups.bases.values())


def test_a_full_disk_while_setting_up_one_notebook_is_its_error_row_and_the_batch_goes_on(tmp_path, monkeypatch,
                                                                                           solved_notebooks, cache):
    import errno

    import grader.grade.run as run

    copy_notebook(solved_notebooks / MODULE / "ada.ipynb", tmp_path / "class" / "alice.ipynb")
    copy_notebook(solved_notebooks / MODULE / "ada.ipynb", tmp_path / "class" / "bob.ipynb")
    real, calls = shutil.copyfile, []

    def full_once(source, target, **kwargs):
        calls.append(target)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, target, **kwargs)

    monkeypatch.setattr(run.shutil, "copyfile", full_once)
    code, _, stderr = grade(str(tmp_path / "class"), "--module", MODULE, "--out", str(tmp_path / "out"),
                            "--solutions", str(SOLUTIONS), "--cache", str(cache), "--secret", "disk",
                            "--variants", "1", "--jobs", "1", "--timeout", "10", "--quiet")
    assert code == 0, stderr
    got = {r["student"]: (r["status"], r["score"]) for r in rows(tmp_path / "out")}
    assert got == {"alice": ("error", "0"), "bob": ("graded", "4")}
    assert "No space left on device" in rows(tmp_path / "out")[0]["reason"]


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_grading_on_macos_or_windows_refuses_in_one_line_before_anything_runs(tmp_path, monkeypatch, platform):
    import sys

    class Refused(Exception):
        pass

    def no_run(*args, **kwargs):
        raise Refused("grading started on a platform without Landlock or seccomp")

    import grader.grade.run

    monkeypatch.setattr(grader.grade.run, "grade", no_run)
    monkeypatch.setattr(sys, "platform", platform)
    submissions = tmp_path / "class"
    submissions.mkdir()
    code, out, err = grade(str(submissions), "--module", MODULE, "--out", str(tmp_path / "out"), "--unsafe")
    assert (code, out) == (2, "")
    assert err == (f"grader grade: grading a class needs Linux (student code is confined with Landlock and seccomp), "
                   f"not {platform}; grade on a Linux machine or VM, in WSL on Windows, or on Gradescope "
                   "(grader gradescope)\n")
    assert not (tmp_path / "out").exists()
