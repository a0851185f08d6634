"""What grading leaves in DIR: grades.csv, feedback/<student>.md and .html, results/<student>.json (Gradescope),
grading.log, and the summary table printed at the end.

grades.csv gets a row as soon as a submission is graded (an interrupted run keeps them; --resume skips them) and
is rewritten sorted, atomically, at the end. An existing grades.csv is never overwritten without --resume.
Student text is hostile: a cell starting with = + - @ is quoted with ' (no formula in a spreadsheet), Markdown and
HTML are escaped in the feedback, characters that are not valid UTF-8 are written as backslash escapes, and a
submission whose files cannot be written (a full disk) becomes an `error` row instead of ending the batch.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import statistics
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.feedback import render_html, render_text
from grader.grade.scoring import STATUSES, Result
from grader.outcome import Outcome
from grader.paths import GraderError
from grader.spec import Question

GRADES = "grades.csv"
LOG = "grading.log"
_FIXED = ("student", "score", "max_score")
_TRAILING = ("status", "reason", "submission", "seed")
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")  # what a spreadsheet reads as a formula, and the quote itself
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|~])")
_ESCAPE = "backslashreplace"  # lone surrogates (undecodable file names, exception texts) written as \udcff


def lossless(text: str) -> str:
    """`text` as valid UTF-8: characters that cannot be encoded become visible backslash escapes."""
    return text.encode("utf-8", _ESCAPE).decode("utf-8")


def csv_cell(text: str) -> str:
    """A grades.csv cell that no spreadsheet runs as a formula (undone by `from_csv_cell`)."""
    return "'" + text if text.startswith(_FORMULA) else text


def from_csv_cell(text: str) -> str:
    """The text a `csv_cell` holds."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA) else text


def markdown_text(text: str) -> str:
    """Student text shown literally in Markdown: no links, images, emphasis or raw HTML."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def number(value: float) -> str:
    """Points as short, stable text: 1, 0.5, 0.6667."""
    return f"{round(float(value), 4):g}"


def columns(questions: list[Question]) -> list[str]:
    """grades.csv's header: student, score, max_score, one column per question, status, reason, submission, seed."""
    return [*_FIXED, *(q.id for q in questions), *_TRAILING]


def existing_rows(out: Path, resume: bool) -> list[dict[str, str]]:
    """The rows of a grades.csv already in `out`; without --resume its existence is an error (never clobbered)."""
    path = out / GRADES
    if not path.exists():
        return []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [{k: from_csv_cell(v or "") for k, v in row.items()} for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GraderError(f"{path} exists but cannot be read ({error}); move it away or choose another --out") \
            from None
    if not resume:
        raise GraderError(f"{path} already holds {len(rows)} graded rows; pass --resume to grade only the "
                          "submissions not in it, or choose another --out")
    return rows


class Log:
    """grading.log: one timestamped line per event, appended."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, line: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        try:
            with self.path.open("a", encoding="utf-8", errors=_ESCAPE) as handle:
                handle.write(f"{stamp}  {line}\n")
        except OSError:  # a full disk loses a log line, never a grade
            pass


class Report:
    """The grade sheet and feedback files of one output folder."""

    def __init__(self, out: Path, module: str, questions: list[Question], rows: list[dict[str, str]],
                 log: Log) -> None:
        self.out, self.module, self.questions, self.log = out, module, questions, log
        self.columns = columns(questions)
        path = out / GRADES
        if path.exists():
            with path.open(newline="", encoding="utf-8") as handle:
                header = next(csv.reader(handle), [])
            if header != self.columns:
                raise GraderError(f"{path} has the columns of other questions ({', '.join(header)}); grade this "
                                  "module into another --out")
        else:
            self._append_line(self.columns)
        self.rows = rows
        for folder in ("feedback", "results"):
            (out / folder).mkdir(exist_ok=True)

    def _append_line(self, values: list[str]) -> None:
        with (self.out / GRADES).open("a", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow([csv_cell(v) for v in values])

    def _row(self, result: Result) -> dict[str, str]:
        points = {o.question_id: number(o.score) for o in result.outcomes}
        row = {"student": result.student, "score": number(result.score), "max_score": number(result.max_score),
               **{q.id: points.get(q.id, "0") for q in self.questions}, "status": result.status,
               "reason": result.reason, "submission": result.submission,
               "seed": "" if result.seed is None else str(result.seed)}
        return {k: lossless(v) for k, v in row.items()}

    def _write_files(self, result: Result) -> None:
        for path, text in ((self.out / "feedback" / f"{result.name}.md", feedback_markdown(self.module, result)),
                           (self.out / "feedback" / f"{result.name}.html", feedback_html(self.module, result)),
                           (self.out / "results" / f"{result.name}.json",
                            json.dumps(gradescope(result), indent=1) + "\n")):
            path.write_text(text, encoding="utf-8", errors=_ESCAPE)

    def add(self, result: Result) -> None:
        """Write one submission's row, feedback and Gradescope results; a write that fails makes it an error row."""
        try:
            self._write_files(result)
        except Exception as error:  # a full disk, or text the feedback renderer chokes on: this row only
            why = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
            result.status = "error"
            result.reason = (f"the grader could not write its feedback ({why}); --resume grades it again - it "
                             f"was: {result.reason or 'no problem'}")
        row = self._row(result)
        self.rows.append(row)  # kept even if the line below fails: finish() rewrites the sheet
        try:
            self._append_line([row[c] for c in self.columns])
        except OSError as error:
            self.log.write(f"could not append to {GRADES} ({error.strerror}); the row is written at the end")
        self.log.write(f"{row['submission']}: {row['status']} {row['score']}/{row['max_score']} "
                       f"({result.seconds:.2f} s){' - ' + row['reason'] if row['reason'] else ''}")

    def finish(self) -> list[dict[str, str]]:
        """Rewrite grades.csv: one row per submission (the latest), sorted by student; returns the rows."""
        latest = {row["submission"]: row for row in self.rows}
        rows = sorted(latest.values(), key=lambda r: (r["student"].casefold(), r["submission"]))
        temp = self.out / f".{GRADES}.tmp"
        try:
            with temp.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, self.columns)
                writer.writeheader()
                writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
            os.replace(temp, self.out / GRADES)
        except OSError as error:  # a full disk: the sheet as appended so far stays, unsorted
            temp.unlink(missing_ok=True)
            self.log.write(f"could not rewrite {GRADES} sorted ({error.strerror}); it keeps its rows as appended")
        self.rows = rows
        return rows


def _heading(outcome: Outcome) -> str:
    mark = "correct" if outcome.passed else "not yet"
    return f"{outcome.question_id}: {mark} ({number(outcome.score)}/{number(outcome.points)})"


def feedback_markdown(module: str, result: Result) -> str:
    """Per-question feedback as Markdown: what passed, what differs (a few rows at most), hints."""
    lines = [f"# {module}: feedback for {markdown_text(result.student)}", "",
             f"**Score: {number(result.score)} / {number(result.max_score)}** (status: {result.status})", ""]
    if result.reason:
        lines += [markdown_text(result.reason), ""]
    for outcome in result.outcomes:
        lines += [f"## {_heading(outcome)}", "", ("Known mistake: " if outcome.mistake else "") + outcome.summary]
        lines += [f"- {detail}" for detail in outcome.details]
        if outcome.hint and not outcome.passed:
            lines += ["", f"*Hint:* {outcome.hint}"]
        lines.append("")
    if result.notes:
        lines += ["## Notes from running the notebook", "", *(f"- {markdown_text(note)}" for note in result.notes), ""]
    return "\n".join(lines)


def feedback_html(module: str, result: Result) -> str:
    """The same feedback as a small HTML page (the boxes students see from check())."""
    title = html.escape(f"{module}: feedback for {result.student}")
    parts = ['<!doctype html>\n<html><head><meta charset="utf-8">', f"<title>{title}</title></head>",
             '<body style="font-family:sans-serif;max-width:52em;margin:1em auto">', f"<h1>{title}</h1>",
             f"<p><strong>Score: {number(result.score)} / {number(result.max_score)}</strong> "
             f"(status: {html.escape(result.status)})</p>"]
    if result.reason:
        parts.append(f"<p>{html.escape(result.reason)}</p>")
    parts += [render_html(outcome) for outcome in result.outcomes]
    if result.notes:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in result.notes)
        parts.append(f"<h2>Notes from running the notebook</h2><ul>{items}</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def gradescope(result: Result) -> dict[str, Any]:
    """Gradescope's results.json: score, max_score, output, and one test per question."""
    output = f"Status: {result.status}." + (f" {result.reason}" if result.reason else "")
    return {
        "score": result.score,
        "max_score": result.max_score,
        "output": output,
        "tests": [{"name": o.question_id, "score": o.score, "max_score": o.points,
                   "status": "passed" if o.passed else "failed", "output": render_text(o)} for o in result.outcomes],
    }


def _bar(count: int, most: int, width: int = 30) -> str:
    return "#" * max(1, round(width * count / most)) if count else ""


def summary(rows: list[dict[str, str]], questions: list[Question], module: str, seconds: float,
            skipped: list[str]) -> str:
    """The table printed at the end: score distribution, pass rate per question, statuses with a typical reason."""
    if not rows:
        return f"{module}: no submissions graded."
    scores = [float(r["score"]) for r in rows]
    maximum = float(rows[0]["max_score"])
    lines = [f"{module}: {len(rows)} submissions, {len(questions)} questions, {number(maximum)} points "
             f"({seconds:.1f} s).", "",
             f"scores: min {number(min(scores))}, median {number(statistics.median(scores))}, "
             f"mean {number(statistics.fmean(scores))}, max {number(max(scores))}"]
    counts = Counter(number(s) for s in scores)
    most = max(counts.values())
    for value in sorted(counts, key=float, reverse=True):
        lines.append(f"  {value:>6}  {_bar(counts[value], most):<30} {counts[value]}")
    lines += ["", f"  {'question':<28} passed"]
    for q in questions:
        passed = sum(float(r.get(q.id) or 0) >= q.points for r in rows)
        lines.append(f"  {q.id:<28} {passed:>4}/{len(rows)}  {100 * passed / len(rows):3.0f}%")
    statuses = Counter(r["status"] for r in rows)
    lines += ["", f"  {'status':<10} {'count':>5}  example reason"]
    for status in sorted(statuses, key=lambda s: STATUSES.index(s) if s in STATUSES else len(STATUSES)):
        reasons = Counter(r["reason"] for r in rows if r["status"] == status and r["reason"])
        example = reasons.most_common(1)[0][0] if reasons else ""
        example = example if len(example) <= 70 else example[:67] + "..."
        lines.append(f"  {status:<10} {statuses[status]:>5}  {example}")
    if skipped:
        lines += ["", f"skipped {len(skipped)} files that are not notebooks (listed in {LOG})"]
    return "\n".join(lines)
