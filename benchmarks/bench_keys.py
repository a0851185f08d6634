"""Print how long answer keys take to record both ways, side by side: a Jupyter kernel per solution (check()'s way)
and the worker pool (`grader key`'s), each module once per way, alternating, on a copy of the default dataset.

Run: .venv/bin/python benchmarks/bench_keys.py [MODULE ...] [--jobs N]   (after `make data`; Linux)
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import synth
from grader.grade.keys import build_keys, in_kernels
from grader.grade.module import load_module
from grader.key import dataset_info
from grader.paths import modules
from synth.dataset import truth_path


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    names = args.modules or modules()
    with tempfile.TemporaryDirectory() as folder:
        dataset = Path(folder) / "clipstream.duckdb"
        for source, copy in ((synth.dataset_path(), dataset), (truth_path(synth.dataset_path()), truth_path(dataset))):
            shutil.copy(source, copy)  # module 08 reads the planted truth beside the dataset
        info = dataset_info(dataset)
        requests = [(load_module(name), "benchmark") for name in names]
        kernel_each, pool_each = {}, {}
        for request in requests:   # one module at a time: per-module figures
            name = request[0].name
            kernel_each[name] = _timed(lambda r=request: in_kernels([r], dataset, info, 1, False))
            pool_each[name] = _timed(lambda n=name: build_keys([n], dataset, rebuild=True, progress=False))
        print(f"{'module':26} {'kernel':>7} {'pool':>7}  (one at a time; the pool's start-up counted in each)")
        for name in kernel_each:
            ratio = kernel_each[name] / pool_each[name]
            print(f"{name:26} {kernel_each[name]:6.1f}s {pool_each[name]:6.1f}s  {ratio:.1f}x")
        kernels = _timed(lambda: in_kernels(requests, dataset, info, args.jobs, False))
        pool = _timed(lambda: build_keys(names, dataset, jobs=args.jobs, rebuild=True, progress=False))
        print(f"all {len(names)} keys, {args.jobs} at a time: kernels {kernels:.1f} s, pool {pool:.1f} s "
              f"({kernels / pool:.1f}x)")


if __name__ == "__main__":
    main()
