"""The worker pool: a worker that dies or hangs is stopped and replaced, and the pool keeps going."""

import os
import signal
import time

from support.grading import run

from grader.grade.pool import GRACE_S, Job, Pool


def cells_job(tmp_path, *cells: str, timeout: float | None = None) -> Job:
    """A trusted job that runs `cells` in a fresh worker (the key-recording job, with no solution to record)."""
    return Job({"kind": "key", "cells": list(cells), "record": str(tmp_path), "dataset": "",
                "solutions": str(tmp_path)}, notebook_timeout=timeout)


def test_a_job_runs_in_a_warm_worker_and_reports_done(pool, tmp_path):
    job = run(pool, cells_job(tmp_path, "import pandas, duckdb, matplotlib.pyplot as plt", "%matplotlib inline"))
    assert job.status == 0 and job.done == {"t": "done"} and job.events == []
    assert pool.info["op"] == "ready" and pool.info["pid"] != os.getpid()


def test_workers_start_from_the_same_clean_state(pool, tmp_path):
    run(pool, cells_job(tmp_path, "import json; json.dumps = None; leftover = 1"))
    job = run(pool, cells_job(tmp_path, "import json; json.dumps({})", "leftover"))
    assert job.events == [{"t": "failed", "error": "code cell 2 raised NameError (line 1): name 'leftover' is "
                                                   "not defined"}]


def test_a_worker_that_dies_is_reported_and_the_next_job_runs(pool, tmp_path):
    died = run(pool, cells_job(tmp_path, "import os; os._exit(3)"))
    assert (died.status, died.events) == (3, [])
    assert run(pool, cells_job(tmp_path, "x = 1")).done == {"t": "done"}


def test_a_worker_that_hangs_is_killed_at_its_deadline_and_the_next_job_runs(pool, tmp_path):
    started = time.monotonic()
    hung = run(pool, cells_job(tmp_path, "import time; time.sleep(600)", timeout=0.5))
    assert hung.killed == "notebook" and hung.status == -signal.SIGKILL
    assert time.monotonic() - started < 0.5 + GRACE_S + 5
    assert run(pool, cells_job(tmp_path, "x = 1")).done == {"t": "done"}


def test_garbage_in_the_channel_stops_the_worker(pool, tmp_path):
    job = run(pool, cells_job(tmp_path, "import os\nfor fd in range(3, 64):\n    try:\n"
                                        "        os.write(fd, b'\\xff' * 16)\n    except OSError:\n        pass\n"
                                        "import time; time.sleep(600)"))
    assert job.broken and job.status == -signal.SIGKILL


def test_when_the_fork_server_dies_its_jobs_come_back_lost_and_a_new_server_takes_over(tmp_path):
    pool = Pool(tmp_path)
    first = pool.start()
    try:
        job = cells_job(tmp_path, "import time; time.sleep(600)")
        pool.submit(job)
        while job.pid is None:
            pool.wait(timeout=0.05)
        os.kill(first["pid"], signal.SIGKILL)
        finished = []
        while not finished:
            finished = pool.wait(timeout=1)
        assert finished == [job] and job.lost and pool.restarts == 1
        assert pool.info["pid"] != first["pid"]
        assert run(pool, cells_job(tmp_path, "x = 1")).done == {"t": "done"}
    finally:
        pool.close()
