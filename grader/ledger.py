"""Which questions a learner has passed, and when: a small JSON file per checkout, never inside a notebook."""

from __future__ import annotations

import html
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.paths import GraderError, home_dir
from synth.portable import replace

FORMAT = 1


def progress_path() -> Path:
    """The progress file: $SANDBOX_HOME/progress.json, else .sandbox/progress.json in the checkout."""
    return home_dir() / "progress.json"


def load_progress(path: Path | None = None) -> dict[str, Any]:
    """The recorded progress: {"format": 1, "modules": {module: {question_id: record}}}."""
    path = path or progress_path()
    if not path.exists():
        return {"format": FORMAT, "modules": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("modules"), dict):
            raise ValueError("unexpected layout")
    except (OSError, ValueError, AttributeError) as error:
        raise GraderError(f"progress file {path} is unreadable ({error}); fix it or move it away to start over")\
            from None
    return data


def _entry(data: dict[str, Any], module: str, question_id: str) -> dict[str, Any]:
    """The progress entry of one question, created empty on first use."""
    return data["modules"].setdefault(module, {}).setdefault(
        question_id, {"attempts": 0, "passed": False, "first_passed": None, "best_score": 0.0})


def _save(data: dict[str, Any], path: Path) -> None:
    """Write the progress file atomically: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    try:
        replace(temp, path)  # on Windows, waits out another kernel reading the file
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def record(
    module: str, question_id: str, passed: bool, score: float, points: float,
    *, path: Path | None = None, now: datetime | None = None,
) -> None:
    """Add one checked answer to the progress file (written atomically; an unreadable file is left alone)."""
    path = path or progress_path()
    data = load_progress(path)
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = _entry(data, module, question_id)
    entry["attempts"] += 1
    entry["last_checked"] = stamp
    entry["points"] = points
    entry["best_score"] = max(entry["best_score"], score)
    if passed and not entry["passed"]:
        entry["passed"], entry["first_passed"] = True, stamp
    _save(data, path)


def hints_revealed(module: str, question_id: str, *, path: Path | None = None) -> int:
    """How many of a question's hints the learner has asked for (0 when none)."""
    entry = load_progress(path or progress_path())["modules"].get(module, {}).get(question_id, {})
    return int(entry.get("hints", 0))


def record_reveal(
    module: str, question_id: str, *, hints: int | None = None, solution: bool = False, path: Path | None = None,
) -> None:
    """Remember that hints (how many, in all) or the reference solution of a question were shown to the learner."""
    path = path or progress_path()
    data = load_progress(path)
    entry = _entry(data, module, question_id)
    if hints is not None:
        entry["hints"] = max(int(entry.get("hints", 0)), hints)
    if solution:
        entry["solution"] = True
    _save(data, path)


class Progress:
    """Progress per module, shown as a table (HTML in Jupyter, text in a terminal)."""

    def __init__(self, modules: dict[str, dict[str, Any]], known: dict[str, list[str]]) -> None:
        self.modules = modules
        self.known = known  # module -> all question ids, when an answer key says so

    def rows(self) -> list[tuple[str, str, str]]:
        """(module, question, status) for every question checked or known, modules and questions in order."""
        rows = []
        for module in sorted(set(self.modules) | set(self.known)):
            checked = self.modules.get(module, {})
            ids = self.known.get(module, []) + sorted(set(checked) - set(self.known.get(module, [])))
            for question_id in ids:
                rows.append((module, question_id, _status(checked.get(question_id))))
        return rows

    def summary(self) -> list[str]:
        """One line per module: how many questions passed."""
        lines = []
        for module in sorted(set(self.modules) | set(self.known)):
            checked = self.modules.get(module, {})
            passed = sum(entry["passed"] for entry in checked.values())
            total = len(self.known[module]) if module in self.known else len(checked)
            lines.append(f"{module}: {passed} of {total} questions passed")
        return lines

    def __repr__(self) -> str:
        if not self.modules and not self.known:
            return "No answers checked yet."
        width = max(len(q) for _, q, _ in self.rows())
        lines = []
        for line, module in zip(self.summary(), sorted(set(self.modules) | set(self.known)), strict=True):
            lines.append(line)
            lines += [f"  {q:<{width}}  {status}" for m, q, status in self.rows() if m == module]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if not self.modules and not self.known:
            return "<p>No answers checked yet.</p>"
        body = "".join(f"<tr><td>{html.escape(m)}</td><td><code>{html.escape(q)}</code></td>"
                       f"<td>{html.escape(s)}</td></tr>" for m, q, s in self.rows())
        heading = "<br>".join(html.escape(line) for line in self.summary())
        return (f"<div><p>{heading}</p><table><thead><tr><th>module</th><th>question</th><th>status</th></tr>"
                f"</thead><tbody>{body}</tbody></table></div>")


def _revealed(entry: dict[str, Any]) -> str:
    """'; 2 hints, solution shown' - the help a learner asked for, or ''."""
    shown = []
    if entry.get("hints"):
        shown.append(f"{entry['hints']} {'hint' if entry['hints'] == 1 else 'hints'}")
    if entry.get("solution"):
        shown.append("solution shown")
    return "; " + ", ".join(shown) if shown else ""


def _status(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "not checked yet"
    asked = _revealed(entry)
    if not entry["attempts"]:
        return f"not checked yet{asked}"
    tries = f"{entry['attempts']} {'try' if entry['attempts'] == 1 else 'tries'}"
    if entry["passed"]:
        return f"passed {entry['first_passed'].replace('T', ' ').replace('Z', ' UTC')} ({tries}{asked})"
    unit = "point" if entry["points"] == 1 else "points"
    return f"not yet ({tries}, best {entry['best_score']:g} of {entry['points']:g} {unit}{asked})"


def _known_from_keys(modules: list[str]) -> dict[str, list[str]]:
    """The question ids of modules whose answer key for the current dataset exists (never builds one)."""
    import synth
    from grader.key import dataset_info, key_roots, question_ids
    from grader.paths import key_root

    dataset = synth.dataset_path().resolve()
    try:  # beside the dataset, else in this user's cache (a shared dataset)
        roots = key_roots(dataset, dataset_info(dataset)["checksum"])
    except GraderError:  # no readable dataset: only keys beside where it would be
        roots = [key_root(dataset)]
    known = {}
    for module in modules:
        ids = next((ids for root in roots if (ids := question_ids(root / module))), [])
        if ids:
            known[module] = ids
    return known


def progress(module: str | None = None) -> Progress:
    """Progress of one module or of all; a module's unchecked questions are listed once its answer key exists."""
    modules = load_progress()["modules"]
    # a running notebook session knows its key's questions; otherwise the stored keys tell (the CLI's case)
    session = sys.modules.get("grader.session")
    known = _known_from_keys(sorted(modules) if module is None else [module])
    known.update(session.known_questions() if session else {})
    if module is not None:
        modules = {module: modules.get(module, {})}
        known = {m: ids for m, ids in known.items() if m == module}
    return Progress(modules, known)
