"""One Gradescope submission graded by this grader: `python -m grader.gradescope.run` (what run_autograder runs).

The student id is Gradescope's user id from submission_metadata.json (a group: its ids joined), so the hidden
dataset's seed comes from the zip's secret, the module and that id, as in `grader grade`. The submission is graded
exactly as `grader grade` grades a class of one, and its Gradescope results (one test per question, with the same
feedback) are written to results/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.gradescope.package import CONFIG, SECRET, SOURCE
from grader.paths import GraderError

ROOT_ENV = "AUTOGRADER_ROOT"


def student_id(metadata: Path) -> str:
    """Gradescope's id of who submitted (ids of a group joined by '+'), as a safe folder name."""
    try:
        users = json.loads(metadata.read_text(encoding="utf-8")).get("users") or []
        ids = sorted(str(user.get("id") or user.get("email") or "") for user in users)
    except (OSError, ValueError, AttributeError) as error:
        raise GraderError(f"cannot read {metadata} ({error}); is this a Gradescope container?") from None
    joined = "+".join(filter(None, ids))
    if not joined:
        raise GraderError(f"{metadata} names no user; is this a Gradescope container?")
    return re.sub(r"[^A-Za-z0-9@.+_-]", "_", joined)[:100]


def not_graded(output: str) -> dict[str, Any]:
    """Results for a submission that could not be graded at all: no points, and the reason."""
    return {"score": 0.0, "output": output, "tests": []}


def grade_submission(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Grade /autograder/submission (under `root`); (Gradescope results, the instructor's log lines)."""
    from grader.grade.run import grade
    from grader.grade.settings import Settings

    source = root / "source"
    config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
    secret = (source / SECRET).read_text(encoding="utf-8").strip()
    student = student_id(root / "submission_metadata.json")
    with tempfile.TemporaryDirectory(prefix="gradescope-") as temp:
        work = Path(temp)
        shutil.copytree(root / "submission", work / "submissions" / student, symlinks=True)  # links stay links
        if not any((work / "submissions").rglob("*.ipynb")):
            return not_graded(f"No notebook was handed in: upload your {config['module']}.ipynb."), []
        settings = Settings(submissions=work / "submissions", module=config["module"], out=work / "out", jobs=1,
                            secret=secret, solutions=source / SOURCE / "solutions", progress=False,
                            **{k: v for k, v in config.items() if k != "module"})
        graded = grade(settings)
        (result,) = graded.results
        results = json.loads((work / "out" / "results" / f"{result.name}.json").read_text(encoding="utf-8"))
        log = (work / "out" / "grading.log").read_text(encoding="utf-8").splitlines()
    log.append(f"student {student}: hidden dataset seed {result.seed}, status {result.status}, "
               f"score {result.score:g} of {result.max_score:g}")
    return results, log


def main(argv: list[str] | None = None) -> int:
    """Grade the submission and write results/results.json; exit 1 when the grader itself cannot run."""
    parser = argparse.ArgumentParser(prog="grader.gradescope.run", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV) or "/autograder"),
                        help=f"Gradescope's /autograder folder (default: ${ROOT_ENV} or /autograder)")
    root = parser.parse_args(argv).root
    (root / "results" / "results.json").unlink(missing_ok=True)  # only this run's results are ever uploaded
    try:
        results, log = grade_submission(root)
    except GraderError as error:  # stdout is the instructor's: Gradescope shows students only results.json
        print(f"grader gradescope: {error}")
        return 1
    print("\n".join(log))
    (root / "results").mkdir(parents=True, exist_ok=True)
    path = root / "results" / "results.json"
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    os.replace(temp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
