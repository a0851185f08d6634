"""The `grader` command: help that explains, one-line usage errors with exit 2."""

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
