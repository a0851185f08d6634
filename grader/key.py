"""Answer keys: a module's solution notebook executed on a dataset, its answers stored beside the dataset as data.

Beside the dataset when its folder is writable (or an instructor prebuilt them there for a shared dataset), else in
this user's cache (paths.user_key_root), so check() works on a dataset shared read-only.

Layout: <dataset>.key/<module>/questions.json (specs, files, known mistakes), one data file per expected answer
and mistake variant (engine's answers.dump: Arrow IPC or JSON, never pickle), solutions.json (each question's
reference solution code, for check.solution) and stamp.json (dataset checksum, solution digest), written last.
A key whose stamp no longer matches is rebuilt, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from grader.markers import solutions_by_question
from grader.paths import (
    SOLUTIONS_ENV,
    GraderError,
    can_write,
    key_root,
    solution_path,
    solutions_dir,
    user_key_root,
)
from grader.spec import Question, spec_from_json, spec_to_json

RECORD_ENV = "GRADER_RECORD"  # set in the kernel that executes a solution: check() records instead of comparing
DATASET_ENV = "SANDBOX_DB"
FORMAT = 2  # 2: keys hold each question's solution code
MANIFEST = "questions.json"
SOLUTIONS = "solutions.json"
STAMP = "stamp.json"
TIMEOUT_S = 600


@dataclass(frozen=True)
class Key:
    """One module's answer key for one dataset."""

    module: str
    stamp: dict[str, Any]
    questions: dict[str, Question]  # in notebook order
    expected: dict[str, Any]
    mistakes: dict[str, dict[str, Any]]
    truth: dict[str, float | None]
    solutions: dict[str, str] = field(default_factory=dict)  # question id -> reference solution code


class RecordError(GraderError):
    """A solution notebook declares or records its key inconsistently; the message names the fix."""


class Recorder:
    """Writes a solution's declarations and answers into a key folder as they are executed."""

    def __init__(self, folder: Path, module: str) -> None:
        self.folder = folder
        self.manifest: dict[str, Any] = {"format": FORMAT, "module": module, "questions": []}
        self.entries: dict[str, dict[str, Any]] = {}
        self.specs: dict[str, Question] = {}

    def declare(self, question: Question, truth: float | None = None) -> None:
        """Register a question's spec (and the planted truth an interval must cover)."""
        if question.id in self.specs:
            raise RecordError(f"question {question.id!r} is declared twice; give each question its own id")
        entry: dict[str, Any] = {"spec": spec_to_json(question), "truth": truth, "expected": None, "mistakes": []}
        self.specs[question.id] = question
        self.entries[question.id] = entry
        self.manifest["questions"].append(entry)
        self._save()

    def question(self, question_id: str) -> Question:
        """The declared spec of a question."""
        if question_id not in self.specs:
            raise RecordError(f"question {question_id!r} is used before it is declared: add "
                              f"question({question_id!r}, ...) in an instructor cell above it")
        return self.specs[question_id]

    def expected(self, question_id: str, data: Any) -> None:
        """Store the key's answer to a question."""
        entry = self.entries[self.question(question_id).id]
        if entry["expected"] is not None:
            raise RecordError(f"question {question_id!r} is checked twice in the solution; check it once")
        entry["expected"] = self._write(f"{question_id}.expected", data)
        self._save()

    def mistake(self, question_id: str, name: str, data: Any) -> None:
        """Store a known wrong answer to a question under the mistake's name."""
        entry = self.entries[self.question(question_id).id]
        if not isinstance(name, str) or not name.strip():
            raise RecordError(f"mistake for {question_id!r} needs a name saying what went wrong")
        if any(m["name"] == name for m in entry["mistakes"]):
            raise RecordError(f"mistake {name!r} of {question_id!r} is declared twice")
        index = len(entry["mistakes"]) + 1
        entry["mistakes"].append({"name": name, "file": self._write(f"{question_id}.mistake{index}", data)})
        self._save()

    def _write(self, stem: str, data: Any) -> str:
        from grader.answers import dump

        payload = dump(data)
        name = stem + (".json" if _is_json(payload) else ".arrow")
        (self.folder / name).write_bytes(payload)
        return name

    def _save(self) -> None:
        _write_json(self.folder / MANIFEST, self.manifest)


def _is_json(payload: bytes) -> bool:
    try:
        json.loads(payload)
    except ValueError:
        return False
    return True


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def solution_digest(path: Path) -> str:
    """SHA-256 of a notebook's cell types and sources: outputs and metadata do not change a key."""
    notebook = nbformat.read(path, as_version=4)
    digest = hashlib.sha256()
    for cell in notebook.cells:
        digest.update(json.dumps([cell.cell_type, cell.source]).encode())
    return digest.hexdigest()


def dataset_info(dataset: str | Path | None = None) -> dict[str, str]:
    """The dataset_info table of a dataset file (None: the current dataset)."""
    import synth

    try:
        con = synth.connect(dataset)
    except synth.DatasetError as error:  # synth's errors already say how to fix them
        raise GraderError(str(error)) from None
    try:
        return require_checksum(synth.info(con), synth.dataset_path(dataset))
    finally:
        con.close()


def require_checksum(info: dict[str, str], dataset: str | Path) -> dict[str, str]:
    """`info`, once sure it has the checksum that keys are stamped with."""
    if not info.get("checksum"):
        raise GraderError(f"{dataset} has no checksum in dataset_info; rebuild it with `synth build`")
    return info


def question_ids(folder: Path) -> list[str]:
    """The question ids a key folder holds, in notebook order, from its manifest alone ([] when there is none)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return [str(entry["spec"]["id"]) for entry in manifest["questions"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def read_key(folder: Path) -> Key:
    """Load a finished key folder (raises on anything missing or unreadable)."""
    from grader.answers import load

    stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    questions, expected, mistakes, truth = {}, {}, {}, {}
    for entry in manifest["questions"]:
        question = spec_from_json(entry["spec"])
        questions[question.id] = question
        expected[question.id] = load((folder / entry["expected"]).read_bytes())
        mistakes[question.id] = {m["name"]: load((folder / m["file"]).read_bytes()) for m in entry["mistakes"]}
        truth[question.id] = entry["truth"]
    solutions_file = folder / SOLUTIONS
    solutions = json.loads(solutions_file.read_text(encoding="utf-8")) if solutions_file.exists() else {}
    return Key(manifest["module"], stamp, questions, expected, mistakes, truth, solutions)


def stale_reason(folder: Path, info: dict[str, str], solution: Path | None) -> str | None:
    """Why the key in `folder` cannot be used for this dataset and solution, or None when it is current."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "there is no answer key yet"
    if stamp.get("format") != FORMAT:
        return "the answer key was written by another version of the grader"
    if stamp.get("checksum") != info["checksum"]:
        return "the dataset changed since the answer key was built"
    if solution is not None and stamp.get("solution") != solution_digest(solution):
        return "the solution notebook changed since the answer key was built"
    return None


def key_roots(dataset: Path, checksum: str) -> list[Path]:
    """Where keys of `dataset` are looked for, in order: beside it, then this user's cache."""
    return [key_root(dataset), user_key_root(dataset, checksum)]


def build_root(dataset: Path, checksum: str) -> Path:
    """Where a key of `dataset` is built: beside it when this user can write there, else this user's cache."""
    beside = key_root(dataset)
    return beside if can_write(beside if beside.is_dir() else dataset.parent) else user_key_root(dataset, checksum)


def find_key(module: str, dataset: Path, info: dict[str, str],
             solution: Path | None) -> tuple[Key, Path] | tuple[None, str]:
    """The current key of `module` for `dataset` and its folder; else None and why the key must be built."""
    reasons = []
    for root in key_roots(dataset, info["checksum"]):
        reason = stale_reason(root / module, info, solution)
        if reason is None:
            try:
                return read_key(root / module), root / module
            except Exception as error:  # a damaged key is rebuilt, not trusted; the next place may hold a good one
                reason = f"the answer key is damaged ({type(error).__name__})"
        reasons.append(reason)
    missing = "there is no answer key yet"
    return None, next((reason for reason in reasons if reason != missing), missing)


def load_key(
    module: str,
    dataset: str | Path | None = None,
    *,
    solutions: str | Path | None = None,
    info: dict[str, str] | None = None,
    rebuild: bool = False,
    progress: bool = True,
) -> Key:
    """The current key of `module` for `dataset`, built (with a progress message) when missing or stale."""
    import synth

    dataset = synth.dataset_path(dataset).resolve()
    info = info or dataset_info(dataset)
    try:
        solution: Path | None = solution_path(module, solutions)
    except GraderError:
        solution = None  # a key shipped without its solution is still usable while the dataset matches
    reason = "a rebuild was asked for"
    if not rebuild:
        found = find_key(module, dataset, info, solution)
        if found[0] is not None:
            return found[0]
        reason = found[1]
    if solution is None:
        raise GraderError(f"cannot build the answer key of {module}: {reason} and there is no solution notebook "
                          f"{solutions_dir(solutions) / (module + '.ipynb')}")
    return build_key(module, dataset, solutions=solutions, info=info, reason=reason, progress=progress)


def build_key(
    module: str,
    dataset: str | Path,
    *,
    solutions: str | Path | None = None,
    info: dict[str, str] | None = None,
    reason: str = "",
    progress: bool = True,
) -> Key:
    """Execute the solution notebook of `module` on `dataset` in record mode and store its key atomically."""
    if os.environ.get(RECORD_ENV):
        raise GraderError("a solution notebook tried to build an answer key while one is being recorded; "
                          "solution notebooks must not call grader key functions")
    dataset = Path(dataset).resolve()
    info = info or dataset_info(dataset)
    solution = solution_path(module, solutions)
    temp = new_recording(module, dataset, info)
    try:
        if progress:
            announce(module, info, reason)
        env = {**os.environ, RECORD_ENV: str(temp), DATASET_ENV: str(dataset),
               SOLUTIONS_ENV: str(solution.parent.resolve())}
        notebook = nbformat.read(solution, as_version=4)
        reference = solutions_by_question([(c.cell_type, c.source) for c in notebook.cells])
        execute(notebook, solution.parent, env, desc=module, progress=progress)
        return finish_recording(temp, module, solution, info, reference)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def announce(module: str, info: dict[str, str], reason: str) -> None:
    """Say which key is being built and why."""
    # A plain line on stdout: in a notebook it reads as a note, not as an error box.
    because = f" ({reason})" if reason else ""
    print(f"Building the answer key of {module} for dataset seed {info.get('seed')}, scale "
          f"{info.get('scale')}{because}: running its solution notebook once, which takes a moment.")


def new_recording(module: str, dataset: Path, info: dict[str, str]) -> Path:
    """An empty folder a solution records `module`'s key into, beside where the finished key will live."""
    root = build_root(dataset, info["checksum"])
    try:
        root.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{module}.", dir=root))
        temp.chmod(0o755)  # mkdtemp's 0700 would hide a shared dataset's key from other users
    except OSError as error:
        raise GraderError(f"cannot write answer keys in {root} ({error.strerror}); make the folder writable") from None
    return temp


def finish_recording(temp: Path, module: str, solution: Path, info: dict[str, str], reference: dict[str, str]) -> Key:
    """Check what a solution recorded into `temp`, add each question's `reference` solution code, stamp it and move
    it into place as `module`'s key."""
    _check_recording(temp, module, solution)
    _write_json(temp / SOLUTIONS, reference)
    _write_json(temp / STAMP, {"format": FORMAT, "module": module, "checksum": info["checksum"],
                               "seed": info.get("seed"), "scale": info.get("scale"),
                               "solution": solution_digest(solution)})
    key = read_key(temp)
    _replace(temp, temp.parent / module)
    return key


def _check_recording(folder: Path, module: str, solution: Path) -> None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        raise GraderError(f"{solution} declared no questions: does it call grader.start({module!r}) and "
                          "question(...)?") from None
    if manifest["module"] != module:
        raise GraderError(f"{solution} starts module {manifest['module']!r}; its setup line must be "
                          f"grader.start({module!r})")
    unchecked = [e["spec"]["id"] for e in manifest["questions"] if e["expected"] is None]
    if unchecked:
        raise GraderError(f"{solution} declares {', '.join(unchecked)} but never checks "
                          f"{'it' if len(unchecked) == 1 else 'them'}; add check(question_id, answer)")


def _replace(new: Path, final: Path) -> None:
    """Move a finished key into place; readers see the old key or the new one, never half of one."""
    old = final.with_name(f".{final.name}.old.{os.getpid()}")
    if final.exists():
        os.rename(final, old)
    try:
        os.rename(new, final)
    except OSError:
        if not final.exists():  # nobody else finished a key meanwhile: put the old one back
            if old.exists():
                os.rename(old, final)
            raise
    shutil.rmtree(old, ignore_errors=True)


def execute(
    notebook: nbformat.NotebookNode,
    cwd: Path,
    env: dict[str, str],
    *,
    desc: str = "notebook",
    progress: bool = False,
    timeout: int = TIMEOUT_S,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a kernel of this Python; a failing cell raises GraderError naming it."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from tqdm import tqdm

    # Only this environment's kernelspec: a user-level "python3" could point at another Python.
    specs = KernelSpecManager(kernel_dirs=[str(Path(sys.prefix, "share", "jupyter", "kernels"))])
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    # The bar only on a terminal: a notebook shows anything written to stderr as an error box.
    shown = progress and sys.stderr.isatty()
    bar = tqdm(total=code_cells, desc=desc, unit="cell", file=sys.stderr, disable=not shown, leave=False)
    current = {"index": 0}

    def started(cell: Any, cell_index: int) -> None:
        current["index"] = cell_index

    client = NotebookClient(
        notebook, km=manager, timeout=timeout, resources={"metadata": {"path": str(cwd)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # keep kernel start-up chatter off the terminal
        on_cell_execute=started, on_cell_executed=lambda **_: bar.update(),
    )
    try:
        # nbclient keeps a kernel it was handed alive after the run; this one is ours to stop (~300 MB each)
        client.execute(env=env, cleanup_kc=True)
    except CellExecutionError as error:
        raise GraderError(f"cell {current['index'] + 1} of {desc} failed: {error.ename}: {error.evalue}") from None
    except (CellTimeoutError, DeadKernelError) as error:
        raise GraderError(f"cell {current['index'] + 1} of {desc} did not finish: {error}") from None
    except RuntimeError as error:  # jupyter_client's way of saying the kernel never came up
        raise GraderError(f"could not run {desc} in a Python kernel ({error}); is ipykernel installed?") from None
    finally:
        bar.close()
    return notebook
