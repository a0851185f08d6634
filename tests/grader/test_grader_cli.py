"""The `grader` command: help that explains, one-line usage errors with exit 2."""

import os
import subprocess
import sys


def grader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True)


def test_help_explains_how_students_check_answers_and_how_authors_build_exercises_and_keys():
    result = grader("--help")
    assert result.returncode == 0
    for words in ("Students:", "check(", "grader progress", "Authors:", "docs/authoring.md", "build", "key"):
        assert words in result.stdout


def test_usage_errors_print_one_line_and_exit_2():
    for args in ((), ("frobnicate",), ("key", "--bogus")):
        result = grader(*args)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "see grader --help" in result.stderr


def test_the_readmes_progress_command_works_as_typed_from_the_checkout(tmp_path):
    from grader.paths import repo_root

    readme = (repo_root() / "README.md").read_text()
    assert "`make progress`" in readme
    env = {**os.environ, "SANDBOX_HOME": str(tmp_path), "SANDBOX_DB": str(tmp_path / "none.duckdb")}
    done = subprocess.run(["make", "-s", "progress"], cwd=repo_root(), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "No answers checked yet." in done.stdout and str(tmp_path / "progress.json") in done.stdout


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`grader progress | head` with head gone: no BrokenPipe traceback, SIGPIPE's exit code."""
    env = {**os.environ, "SANDBOX_HOME": str(tmp_path)}
    command = subprocess.Popen([sys.executable, "-m", "grader", "progress"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    command.stdout.close()
    errors = command.stderr.read()
    assert (command.wait(), errors) == (141, b"")
