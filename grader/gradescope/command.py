"""`grader gradescope`: the argparse verb over `package.write_autograder`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.grade import SECRET_ENV

DESCRIPTION = f"""\
Write an autograder zip for Gradescope ("Programming Assignment", autograder configuration: upload the zip).
Gradescope runs it in a fresh container per submission: the notebook is graded exactly as `grader grade` grades
it, on a hidden dataset whose seed comes from the secret, the module and the student's Gradescope id, and the
student sees one test per question with the same feedback.

The secret is --secret, else ${SECRET_ENV}, else a new one; it is stored in the zip (file `secret`: students never
see the zip). Keep the zip, or use the same secret with `grader grade`, to reproduce a grade.
Student code is confined as in `grader grade`; where Gradescope's kernel lacks Landlock or seccomp the autograder
fails with that reason in its log, unless the zip was written with --unsafe (README, "Security").
"""


def _run(args: argparse.Namespace) -> int:
    from grader.gradescope.package import write_autograder

    settings: dict[str, object] = {"timeout": args.timeout, "memory_mb": args.memory, "unsafe": args.unsafe}
    if args.scale:
        settings["scale"] = args.scale
    secret = args.secret or os.environ.get(SECRET_ENV)
    write_autograder(args.module, args.out, solutions=args.solutions, secret=secret, settings=settings)
    where = "given" if secret else "new, stored only in the zip"
    print(f"wrote {args.out}: the autograder of {args.module} (secret {where}); upload it to Gradescope")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the `gradescope` verb to the grader CLI."""
    gradescope = verbs.add_parser("gradescope", help="write a Gradescope autograder zip for one module",
                                  description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    gradescope.add_argument("--module", required=True, metavar="NN_topic", help="the module it grades")
    gradescope.add_argument("--out", required=True, type=Path, metavar="ZIP",
                            help="where to write, e.g. autograder.zip")
    gradescope.add_argument("--secret", metavar="S", help=f"secret the hidden seeds derive from (or ${SECRET_ENV})")
    gradescope.add_argument("--solutions", type=Path, metavar="DIR",
                            help="solution notebooks (default: $SANDBOX_SOLUTIONS or solutions/)")
    gradescope.add_argument("--scale", help="scale of the hidden datasets (default: grader grade's)")
    gradescope.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds per cell (default 30)")
    gradescope.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory per notebook (default 2048)")
    gradescope.add_argument("--unsafe", action="store_true",
                            help="grade even where Gradescope cannot confine student code: trusted students only")
    gradescope.set_defaults(run=_run)
