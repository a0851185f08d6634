"""`grader grade`: the argparse verb over `run.grade`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.grade import SECRET_ENV
from grader.grade.settings import default
from grader.paths import GraderError

DESCRIPTION = f"""\
Grade a class: run every submitted notebook of a module on a hidden dataset of its own, compare the answers with
the key outside the student's process, and write DIR/grades.csv, DIR/feedback/<student>.md and .html,
DIR/results/<student>.json (Gradescope) and DIR/grading.log. Every submission yields exactly one row, whatever
it does (statuses: graded, timeout, crashed, invalid, empty, duplicate, error).

SUBMISSIONS is a folder of NN_topic notebooks named after the student (alice.ipynb), or of per-student folders
(alice/...ipynb), or a zip of either. Hidden dataset seeds come from the secret: --secret, else ${SECRET_ENV},
else one generated and kept in DIR/.grader/secret (prefer the last two: command lines are visible to other
users). Hidden datasets and keys are cached by seed in DIR/.grader/hidden (or --cache).

Student code runs confined by Landlock and seccomp (and, as root, a uid, a cgroup and a tmpfs per notebook;
grading.log lists what this kernel enforces). Where Landlock or seccomp is missing grading refuses to run:
--unsafe grades anyway, for trusted submissions only (README, "Security").

Exit status: 0 when grading ran (failed submissions are rows), 1 when the grader itself cannot run
(e.g. the solution fails on a hidden dataset), 2 on bad usage or where workers cannot be confined. An existing
grades.csv is never overwritten: --resume grades only the submissions it does not hold yet.
"""


def _run(args: argparse.Namespace) -> int:
    if not sys.platform.startswith("linux"):
        # Checked before run.py is imported: its confinement calls Linux system calls by number.
        raise GraderError(f"grading a class needs Linux (student code is confined with Landlock and seccomp), not "
                          f"{sys.platform}; grade on a Linux machine or VM, in WSL on Windows, or on Gradescope "
                          "(grader gradescope)")
    from grader.grade.run import GradingFailed, grade
    from grader.grade.settings import Settings

    settings = Settings(
        submissions=args.submissions, module=args.module, out=args.out, jobs=args.jobs, secret=args.secret,
        variants=args.variants, timeout=args.timeout, notebook_timeout=args.notebook_timeout, resume=args.resume,
        solutions=args.solutions, scale=args.scale, cache=args.cache, memory_mb=args.memory,
        progress=not args.quiet, disk_mb=args.disk, unsafe=args.unsafe)
    try:
        graded = grade(settings)
    except GradingFailed as error:
        print(f"grader grade: {error}", file=sys.stderr)
        return 1
    print(graded.summary)
    print(f"\ngrades: {args.out / 'grades.csv'}  feedback: {args.out / 'feedback'}/  "
          f"Gradescope: {args.out / 'results'}/  log: {args.out / 'grading.log'}")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the `grade` verb to the grader CLI."""
    grade = verbs.add_parser("grade", help="grade submitted notebooks on hidden per-student data",
                             description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                       help="folder of notebooks or per-student folders, or a zip of them")
    grade.add_argument("--module", required=True, metavar="NN_topic", help="the module the notebooks answer")
    grade.add_argument("--out", required=True, type=Path, metavar="DIR", help="where grades and feedback go")
    grade.add_argument("--jobs", type=int, default=default("jobs"), metavar="N",
                       help="notebooks graded at once (default: number of CPUs)")
    grade.add_argument("--secret", metavar="S", help=f"secret the hidden seeds derive from (or ${SECRET_ENV})")
    grade.add_argument("--variants", type=int, metavar="K",
                       help="share K hidden datasets across the class (default: one per student)")
    grade.add_argument("--timeout", type=float, default=default("timeout"), metavar="S",
                       help=f"seconds per cell (default {default('timeout'):g})")
    grade.add_argument("--notebook-timeout", type=float, metavar="S",
                       help="seconds per notebook (default: 4 x --timeout)")
    grade.add_argument("--memory", type=int, default=default("memory_mb"), metavar="MB",
                       help=f"memory per notebook (default {default('memory_mb')})")
    grade.add_argument("--disk", type=int, default=default("disk_mb"), metavar="MB",
                       help=f"working-folder space per notebook (default {default('disk_mb')}; enforced when run as "
                            "root)")
    grade.add_argument("--unsafe", action="store_true",
                       help="grade even where workers cannot be confined (no Landlock or seccomp): trusted "
                            "submissions only, see README 'Security'")
    grade.add_argument("--resume", action="store_true", help="keep DIR/grades.csv and grade only what it lacks")
    grade.add_argument("--solutions", type=Path, metavar="DIR",
                       help="solution notebooks (default: $SANDBOX_SOLUTIONS or solutions/)")
    grade.add_argument("--scale", default=default("scale"),
                       help=f"scale of the hidden datasets (default: {default('scale')}, the public window with "
                            "fewer users)")
    grade.add_argument("--cache", type=Path, metavar="DIR",
                       help="hidden datasets and keys (default: DIR/.grader/hidden)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.set_defaults(run=_run)
