"""What grading writes survives hostile student text and a full disk: formulas quoted, markup escaped, rows kept."""

import csv
import errno
from pathlib import Path

import pytest

from grader.grade.report import GRADES, Log, Report, csv_cell, existing_rows, from_csv_cell, markdown_text
from grader.grade.scoring import Result, not_run
from grader.spec import Question, Scalar

QUESTION = Question("q1", Scalar())


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "'=x", "'plain",
                                  "alice", ""])
def test_csv_cells_never_start_a_formula_and_read_back_as_written(text):
    cell = csv_cell(text)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert from_csv_cell(cell) == text


def test_markdown_text_shows_links_images_and_html_literally():
    shown = markdown_text("![x](javascript:alert(1)) <b>bold</b> **loud** `code` # title")
    assert shown == r"\!\[x\]\(javascript:alert\(1\)\) &lt;b&gt;bold&lt;/b&gt; \*\*loud\*\* \`code\` \# title"


def _result(student: str, reason: str) -> Result:
    return Result(student, "s1", "s1.ipynb", 7, not_run([QUESTION], "test"), "graded", reason)


def test_a_full_disk_while_writing_feedback_makes_that_row_an_error_and_the_sheet_goes_on(tmp_path, monkeypatch):
    report = Report(tmp_path, "90_fixture_sql", [QUESTION], [], Log(tmp_path / "grading.log"))
    real = Path.write_text

    def full(path, *args, **kwargs):
        if path.parent.name == "feedback":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    report.add(_result("=cmd|' /C calc'!A0", "cell 1 raised ValueError: caf\udcff"))
    monkeypatch.undo()
    (row,) = report.finish()
    assert row["status"] == "error" and "No space left on device" in row["reason"] and "--resume" in row["reason"]
    assert "caf\\udcff" in row["reason"]
    with (tmp_path / GRADES).open(newline="", encoding="utf-8") as handle:
        (written,) = list(csv.DictReader(handle))
    assert written["student"] == "'=cmd|' /C calc'!A0"
    assert existing_rows(tmp_path, resume=True) == [row]  # --resume reads back exactly what was graded
