"""Re-execute solution notebooks in place on the default dataset, then rebuild their exercises.

Run after the data generator or a solution changes: `make solutions [MODULES="01_active_users ..."]`, i.e.
`.venv/bin/python -m grader.reexecute [MODULE...]` (default: every module in solutions/). Order matters: the
answer key is built first, so the first `check` of the executed notebook prints nothing about building it,
exactly as under nbval after `grader key`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

import synth
from grader.build import build
from grader.grade.keys import build_keys
from grader.key import execute, load_key
from grader.paths import GraderError, repo_root, solutions_dir


def reexecute(module: str) -> Path:
    """Build the module's key on the default dataset and store the solution's fresh outputs in its notebook."""
    dataset = synth.dataset_path().resolve()
    solutions = solutions_dir()
    load_key(module, dataset, solutions=solutions, progress=True)
    path = solutions / f"{module}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as home:  # progress of this run is not anyone's progress
        env = {**os.environ, "SANDBOX_DB": str(dataset), "SANDBOX_HOME": home}
        execute(notebook, path.parent, env, desc=module, progress=True)
    nbformat.write(notebook, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.reexecute", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help="e.g. 01_active_users (default: all)")
    args = parser.parse_args(argv)
    try:
        os.chdir(repo_root())  # solutions/, exercises/ and datasets/ are found relative to the checkout
        modules = args.modules or sorted(p.stem for p in solutions_dir().glob("[0-9][0-9]_*.ipynb"))
        # every key first, side by side on the worker pool where there is one, as `grader key` builds them
        build_keys(modules, synth.dataset_path(), solutions=solutions_dir(), jobs=os.cpu_count() or 1)
        for module in modules:
            print(f"executed {reexecute(module)}")
        for path, status in build(modules).items():
            print(f"{status} {path}")
    except GraderError as error:
        print(f"reexecute: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
