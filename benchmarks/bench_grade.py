"""Print how fast `grader grade` is, side by side with executing the same notebooks with nbclient.

Grades N copies of the solved 90_fixture_sql notebook plus a few failing ones (blank, syntax error, exception,
os._exit, wrong types, an infinite loop), in the same run:
  1. per submission, one at a time: wall time, the student's own cell time, and the grader's overhead beyond it,
     next to nbclient executing the same notebook in a fresh kernel (what nbgrader-style autograding does);
  2. the whole batch with --variants 8 (8 hidden datasets shared by the class);
  3. the whole batch with a hidden dataset per student (skip with --no-per-student; --per-student K grades K of
     them instead and extrapolates to the whole batch: every submission then costs one dataset, one key and one run,
     so the time grows in proportion - the line says it is extrapolated).
Hidden datasets are the grader's default scale (`class`: the public 91-day window, fewer users); the batch runs
print where the time goes: building datasets, recording keys, running notebooks, comparing answers here.
Targets on 2 cores: overhead <= 0.15 s per submission with every security layer the machine offers (listed at the
end: Landlock, seccomp, a uid, a cgroup and a tmpfs per notebook as root), >= 10x faster than nbclient,
200 submissions <= 1.5 min with --variants 8 and <= 6 min with a dataset per student. Other processes slow every
figure alike: the load average is printed at the start and the end, and ratios are measured in the same run.

    .venv/bin/python benchmarks/bench_grade.py            # N=200
    .venv/bin/python benchmarks/bench_grade.py --quick    # N=20, a smaller baseline: a minute or two
    .venv/bin/python benchmarks/bench_grade.py --per-student 40   # N=200, the per-student batch from 40 of them
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "tests" / "grader" / "fixtures" / "solutions"
sys.path.insert(0, str(ROOT / "tests" / "grader" / "grade" / "corpus"))
import make_corpus  # noqa: E402

from grader.grade import HIDDEN_SCALE  # noqa: E402
from grader.grade.run import Graded, grade  # noqa: E402
from grader.grade.settings import Settings  # noqa: E402

MODULE = "90_fixture_sql"
SECRET = "benchmark"
FAILING = ("blank", "syntax_error", "exception_in_cell_1", "os_exit", "wrong_types", "infinite_loop")


def _submissions(folder: Path, solved: int, failing: bool) -> Path:
    """`solved` copies of the solved notebook (s000.ipynb, ...) and, if asked, the failing ones."""
    folder.mkdir(parents=True)
    text = nbformat.writes(make_corpus.solved())
    for i in range(solved):
        (folder / f"s{i:03d}.ipynb").write_text(text)
    if failing:
        corpus = make_corpus.corpus()
        for name in FAILING:
            (folder / f"{name}.ipynb").write_text(corpus[f"{name}.ipynb"])
    return folder


def _grade(submissions: Path, out: Path, cache: Path, jobs: int, variants: int | None) -> tuple[Graded, float]:
    started = time.perf_counter()
    graded = grade(Settings(submissions=submissions, module=MODULE, out=out, jobs=jobs, secret=SECRET,
                            variants=variants, timeout=10, solutions=SOLUTIONS, cache=cache, progress=False))
    return graded, time.perf_counter() - started


def _solved_results(graded: Graded) -> list:
    results = [r for r in graded.results if r.student.startswith("s") and r.student[1:].isdigit()]
    assert all(r.score == r.max_score for r in results), "a solved copy lost points: the benchmark is invalid"
    return results


def _nbclient(notebook: Path, dataset: Path, home: Path) -> tuple[float, float]:
    """(wall, cell time) of executing one notebook with nbclient in a fresh kernel, checks included."""
    from grader.key import execute

    env = {**os.environ, "SANDBOX_DB": str(dataset), "SANDBOX_SOLUTIONS": str(SOLUTIONS), "SANDBOX_HOME": str(home)}
    started = time.perf_counter()
    ran = execute(nbformat.read(notebook, as_version=4), notebook.parent, env, desc=notebook.stem)
    wall = time.perf_counter() - started
    cells = 0.0
    for cell in ran.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            begin = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cells += (end - begin).total_seconds()
    return wall, cells


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def _stages(graded: Graded) -> str:
    """Where a run's time went: mean seconds per job of each stage, and how many jobs."""
    names = {"build": "dataset build", "key": "key recording", "grade": "notebook run", "score": "comparison"}
    return ", ".join(f"{names[stage]} {statistics.fmean(times):.2f} s x {len(times)}"
                     for stage, times in graded.stages.items() if times)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="solved submissions in the batch runs (default 200)")
    parser.add_argument("--sequential", type=int, default=20, help="submissions graded one at a time (default 20)")
    parser.add_argument("--baseline", type=int, default=8, help="notebooks executed with nbclient (default 8)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for the batch runs")
    parser.add_argument("--quick", action="store_true", help="n=20, sequential 10, baseline 3")
    parser.add_argument("--no-per-student", action="store_true", help="skip the dataset-per-student batch")
    parser.add_argument("--per-student", type=int, metavar="K",
                        help="grade K solved submissions (plus the failing ones) with a dataset each and extrapolate")
    args = parser.parse_args()
    if args.quick:
        args.n, args.sequential, args.baseline = 20, 10, 3

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        root = Path(tmp)
        cache = root / "hidden"
        batch = _submissions(root / "batch", args.n, failing=True)
        print(f"grading {MODULE}: {args.n} solved submissions + {len(FAILING)} failing ones, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} at start", flush=True)

        variants, variants_s = _grade(batch, root / "out-variants", cache, args.jobs, 8)
        solved = _solved_results(variants)
        # One at a time; same seeds as above, so the keys are cached. The run's own start-up (warming the worker
        # pool, reading the keys) is left out: it is paid once per class, not per submission.
        one_by_one, _ = _grade(_submissions(root / "sequential", args.sequential, failing=False),
                               root / "out-sequential", cache, 1, 8)
        single = _solved_results(one_by_one)
        wall = statistics.fmean(r.seconds for r in single)
        student = statistics.fmean(r.student_seconds for r in single)
        end_to_end = one_by_one.grading_seconds / len(single)

        dataset = next(cache.glob(f"{HIDDEN_SCALE}-*/clipstream.duckdb"))
        base = [_nbclient(batch / f"s{i:03d}.ipynb", dataset, root / "home") for i in range(args.baseline)]
        base_wall = statistics.fmean(w for w, _ in base)
        base_cells = statistics.fmean(c for _, c in base)

        print()
        start_up = one_by_one.seconds - one_by_one.grading_seconds
        rows = [("wall time, end to end", end_to_end, base_wall), ("wall time in the worker", wall, base_wall),
                ("student code (cells)", student, base_cells),
                ("overhead beyond student code", end_to_end - student, base_wall - base_cells)]
        print(f"{'per submission, one at a time':<42}{'grader grade':>14}{'nbclient':>12}{'ratio':>9}")
        for label, ours, theirs in rows:
            ratio = f"{theirs / ours:>8.1f}x" if label.startswith("wall") else ""
            print(f"  {label:<40}{ours:>13.3f}s{theirs:>11.3f}s{ratio}")
        print(f"  grader: {len(single)} notebooks, --jobs 1; end to end = from the first notebook started to the last "
              f"one scored and reported, per notebook\n  (a run's {start_up:.1f} s start-up, warming the worker pool "
              "and reading keys, is paid once per class).\n"
              f"  nbclient: mean of {len(base)} notebooks, a fresh kernel each; its cell time includes importing "
              "pandas and duckdb, which the grader's warm workers did once.")
        print()
        parallel = statistics.fmean(r.seconds for r in solved)
        total = args.n + len(FAILING)
        print(f"{total} submissions, --variants 8, --jobs {args.jobs}: {_minutes(variants_s)} "
              f"(8 hidden datasets and keys built included; {parallel:.3f} s per notebook in a worker, "
              f"{len(variants.rows)} rows)\n  per job: {_stages(variants)}")
        if not args.no_per_student:
            part = args.per_student if args.per_student and args.per_student < args.n else args.n
            graded = batch if part == args.n else _submissions(root / "part", part, failing=True)
            each, each_s = _grade(graded, root / "out-each", root / "hidden-each", args.jobs, None)
            built = len({r["seed"] for r in each.rows})
            if part == args.n:
                print(f"{total} submissions, a hidden dataset per student, --jobs {args.jobs}: {_minutes(each_s)} "
                      f"({built} datasets and keys built, {len(each.rows)} rows)")
            else:
                print(f"{total} submissions, a hidden dataset per student, --jobs {args.jobs}: "
                      f"{_minutes(each_s * total / len(each.rows))} EXTRAPOLATED from {len(each.rows)} of them "
                      f"graded in {_minutes(each_s)} ({built} datasets and keys built)")
            print(f"  per job: {_stages(each)}")
        print("security layers in force:\n  " + "\n  ".join(variants.isolation))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
