"""`grader` command line: build exercises, build answer keys, show progress, print the workshop guide."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader.paths import GraderError
from synth.cli import closed_pipe
from synth.portable import printable_console

DESCRIPTION = """\
Exercises for the Product Metrics Sandbox.

Students: `python -m grader workspace` (which `make lab` runs) copies the notebooks into my-work/, your own
copies; open one there, replace each `...` with your answer and run its check(...) cell;
`python -m grader progress` (or `make progress`) lists the questions you have passed.
Authors: write solutions/NN_topic.ipynb (see docs/authoring.md), then `grader build` writes the exercise and
`grader key` runs the solution on a dataset to store its answer key (check() also does this on first use).
"""


def _build(args: argparse.Namespace) -> int:
    from grader.build import build

    status = build(args.modules, args.solutions, args.exercises, check=args.check, force=args.force)
    for path, state in status.items():
        print(f"{state:>11}  {path}")
    return 1 if "out of date" in status.values() else 0


def _key(args: argparse.Namespace) -> int:
    import synth
    from grader.grade.keys import build_keys
    from grader.key import dataset_info, find_key
    from grader.paths import key_root, modules

    info = dataset_info(args.db)
    dataset = synth.dataset_path(args.db).resolve()
    names = args.modules or modules(args.solutions)
    if not names:
        raise GraderError("no solution notebooks found; pass --solutions DIR or name the modules")
    if args.jobs < 1:
        raise GraderError(f"--jobs must be at least 1, not {args.jobs}")
    keys = build_keys(names, dataset, solutions=args.solutions, jobs=args.jobs, rebuild=args.rebuild)
    cached = False
    for name, key in keys.items():
        _, folder = find_key(name, dataset, info, None)
        cached |= isinstance(folder, Path) and folder.parent != key_root(dataset)
        print(f"{name}: {len(key.questions)} questions, "
              f"{sum(map(len, key.mistakes.values()))} known mistakes -> {folder}")
    if cached:
        print(f"(you cannot write in {dataset.parent}, so these keys are in your own cache; to share keys with "
              "everyone using this dataset, run `grader key --dataset` as someone who can write there)")
    return 0


def _workspace(args: argparse.Namespace) -> int:
    from grader.paths import module_name
    from grader.workspace import make_workspace, start_afresh, workspace_dir

    if args.afresh:
        old = start_afresh(args.afresh, args.folder)
        fresh = workspace_dir(args.folder) / f"{module_name(args.afresh)}.ipynb"
        print(f"fresh copy: {fresh}\nyour previous work is kept as {old}")
        return 0
    for path, state in make_workspace(args.folder).items():
        print(f"{state:>8}  {path}")
    return 0


def _progress(args: argparse.Namespace) -> int:
    import grader
    from grader.ledger import progress_path

    print(repr(grader.progress(args.module)))
    print(f"(kept in {progress_path()})")
    return 0


def _workshop(args: argparse.Namespace) -> int:
    from grader.syllabus import read_modules
    from grader.workshop import guide_path, markdown, rewrite

    modules = read_modules(args.solutions)
    if not modules:
        raise GraderError("no solution notebooks found; pass --solutions DIR")
    if not args.write:
        print(markdown(modules), end="")
        return 0
    path = guide_path()
    print(f"{'updated' if rewrite(path, modules) else 'unchanged'}  {path}")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, not argparse's usage block: the fix is in --help.
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    """The argument parser of `grader`."""
    top = _Parser(prog="grader", description=DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = top.add_subparsers(dest="verb", required=True, metavar="VERB")

    build = verbs.add_parser("build", help="write exercise notebooks from solution notebooks",
                             description="Write exercises/NN_topic.ipynb from solutions/NN_topic.ipynb: solution "
                                         "code becomes a scaffold, instructor cells and outputs are dropped. "
                                         "The capstone, 10_capstone, is written to notebooks/.")
    build.add_argument("modules", nargs="*", metavar="MODULE", help="module names (default: every solution)")
    build.add_argument("--solutions", type=Path, metavar="DIR",
                       help="solution notebooks (default: $SANDBOX_SOLUTIONS or solutions/)")
    build.add_argument("--exercises", type=Path, metavar="DIR", help="where to write every one (default: exercises/, "
                       "the capstone notebooks/)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if an exercise differs from a fresh build")
    build.add_argument("--force", action="store_true",
                       help="replace exercises even if they hold outputs (someone's work)")
    build.set_defaults(run=_build)

    key = verbs.add_parser("key", help="build answer keys by running solution notebooks on a dataset",
                           description="Run each module's solution notebook on a dataset and store the expected "
                                       "answers and known mistakes beside it (<dataset>.key/<module>/), stamped "
                                       "with the dataset checksum. Current keys are reused. Where the dataset's "
                                       "folder is not writable (a shared dataset), keys go to your own cache "
                                       "(product-metrics-sandbox/keys/ in ~/.cache, $XDG_CACHE_HOME, "
                                       "~/Library/Caches on macOS or %LOCALAPPDATA% on Windows); an "
                                       "instructor prebuilds keys for a shared dataset with --dataset PATH.")
    key.add_argument("modules", nargs="*", metavar="MODULE", help="module names (default: every solution)")
    key.add_argument("--dataset", "--db", dest="db", type=Path, metavar="PATH",
                     help="dataset file (default: $SANDBOX_DB or datasets/clipstream.duckdb)")
    key.add_argument("--solutions", type=Path, metavar="DIR",
                     help="solution notebooks (default: $SANDBOX_SOLUTIONS or solutions/)")
    key.add_argument("--rebuild", action="store_true", help="rebuild even if the key is current")
    key.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                     help="keys built at once, a kernel each (default: one per CPU)")
    key.set_defaults(run=_key)

    workspace = verbs.add_parser("workspace", help="make your own copies of the notebooks (make lab runs this)",
                                 description="Copy the start-here tour and every exercise into my-work/ (git-ignored) "
                                             "where a copy is not there yet: your work there is never overwritten, "
                                             "and modules added by an update appear. Work in my-work/, never in "
                                             "exercises/, so `git pull` never conflicts with your work.")
    workspace.add_argument("--folder", type=Path, metavar="DIR", help="where your copies live (default: my-work/)")
    workspace.add_argument("--afresh", metavar="MODULE",
                           help="start MODULE again: your copy is renamed NN_topic.before-<time>.ipynb, never deleted")
    workspace.set_defaults(run=_workspace)

    progress = verbs.add_parser("progress", help="show which questions you have passed",
                                description="Show, per module, which questions passed and when "
                                            "(from .sandbox/progress.json or $SANDBOX_HOME/progress.json).")
    progress.add_argument("module", nargs="?", metavar="MODULE", help="one module (default: all)")
    progress.set_defaults(run=_progress)

    workshop = verbs.add_parser("workshop", help="print the workshop guide's agendas and teaching notes",
                                description="Print the generated part of docs/instructors/workshop.md: agendas "
                                            "planned from each question's declared minutes, and per module its "
                                            "questions, registered mistakes and discussion prompts, all read from "
                                            "the solution notebooks (docs/authoring.md, \"Teaching notes\").")
    workshop.add_argument("--write", action="store_true",
                          help="replace the generated part of docs/instructors/workshop.md instead of printing it")
    workshop.add_argument("--solutions", type=Path, metavar="DIR",
                          help="solution notebooks (default: $SANDBOX_SOLUTIONS or solutions/)")
    workshop.set_defaults(run=_workshop)

    from grader.grade.command import add_parser as add_grade  # instructors' verb, in its own package

    add_grade(verbs)
    from grader.gradescope.command import add_parser as add_gradescope

    add_gradescope(verbs)
    from grader.classroom.command import add_parser as add_class

    add_class(verbs)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; problems print one line and exit 2."""
    printable_console()
    args = parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then ours to handle
        return code
    except BrokenPipeError:
        return closed_pipe()
    except GraderError as error:
        print(f"grader {args.verb}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"grader {args.verb}: interrupted; finished files are intact", file=sys.stderr)
        return 130
