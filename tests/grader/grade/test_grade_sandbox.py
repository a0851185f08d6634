"""The sandbox around a student's notebook: limits, files, signals and network, each enforced by the kernel."""

import os
import shutil
import signal
import threading
from dataclasses import asdict
from pathlib import Path

import pytest
from support.grading import run

import grader
from grader.grade.pool import Job
from grader.grade.sandbox import Confinement, hidden_from_others, landlock_abi, readable_roots, tasks_of


def test_a_user_task_count_includes_this_process_and_its_threads():
    before = tasks_of(os.getuid())
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert tasks_of(os.getuid()) >= before + 1 >= 2
    finally:
        stop.set()
        thread.join()


def test_workers_may_read_the_grader_package_but_not_the_checkout_around_it():
    roots = readable_roots()
    package = os.path.dirname(os.path.realpath(grader.__file__))
    checkout = os.path.dirname(package)
    assert any(package == r or package.startswith(r + os.sep) for r in roots)
    assert checkout not in roots and not any(os.path.join(checkout, "tests").startswith(r + os.sep) for r in roots)


def test_a_folder_under_a_private_parent_is_hidden_from_other_users(tmp_path):
    private = tmp_path / "private"
    (private / "inside").mkdir(parents=True)
    private.chmod(0o700)
    assert hidden_from_others(str(private / "inside"))
    assert not hidden_from_others("/usr/lib")


def confined_job(tmp_path, dataset, *cells: str, **limits) -> Job:
    """A notebook job under the sandbox (no uid change; Landlock and limits as for students), no grader deadline."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copyfile(dataset, tmp_path / "clipstream.duckdb")
    confinement = Confinement(work=str(work), read=[str(tmp_path)], env={"HOME": str(work)}, **limits)
    return Job({"kind": "grade", "cells": list(cells), "questions": [], "expressions": {},
                "dataset": str(tmp_path / "clipstream.duckdb"), "cell_timeout": 100, "notebook_timeout": 100,
                "confinement": asdict(confinement)})


def errors(job: Job) -> list[str]:
    return [e["error"] for e in job.events if e.get("t") == "ran" and e.get("error")]


def test_memory_beyond_the_limit_is_a_memory_error_in_the_cell_not_a_dead_grader(pool, tmp_path, tiny_dataset):
    job = run(pool, confined_job(tmp_path, tiny_dataset, "hoard = bytearray(3 * 2**30)", "after = 1",
                                 memory_mb=1024))
    assert errors(job) == ["ran out of memory (line 1): the limit is 1024 MB"]
    assert job.done is not None


def test_cpu_time_beyond_the_limit_ends_the_worker(pool, tmp_path, tiny_dataset):
    job = run(pool, confined_job(tmp_path, tiny_dataset, "while True:\n    pass", cpu_s=1))
    assert job.status in (-signal.SIGXCPU, -signal.SIGKILL)


def test_a_file_beyond_the_size_limit_is_an_error_not_a_kill(pool, tmp_path, tiny_dataset):
    job = run(pool, confined_job(tmp_path, tiny_dataset, "open('big', 'wb').write(b'x' * 3 * 2**20)", file_mb=1))
    assert len(errors(job)) == 1 and "File too large" in errors(job)[0]
    assert job.done is not None


@pytest.mark.skipif(not landlock_abi(), reason="needs Landlock (Linux >= 5.13)")
def test_files_outside_the_python_installation_and_the_dataset_are_out_of_reach(pool, tmp_path, tiny_dataset):
    checkout = Path(grader.__file__).resolve().parent.parent
    job = run(pool, confined_job(tmp_path, tiny_dataset, f"open({str(checkout / 'pyproject.toml')!r}).read()",
                                 f"open({str(tiny_dataset)!r}, 'rb').read()", "import pandas.io.formats.style",
                                 "open('mine.txt', 'w').write('fine')", "db.sql('SELECT count(*) FROM events')"))
    assert errors(job) == ["raised PermissionError (line 1): [Errno 13] Permission denied: "
                           f"'{checkout / 'pyproject.toml'}'",
                           f"raised PermissionError (line 1): [Errno 13] Permission denied: '{tiny_dataset}'"]


@pytest.mark.skipif(landlock_abi() < 6, reason="needs Landlock ABI 6 (signal scoping)")
def test_a_worker_cannot_signal_the_grader_or_open_tcp_connections(pool, tmp_path, tiny_dataset):
    job = run(pool, confined_job(tmp_path, tiny_dataset, f"import os\nos.kill({os.getpid()}, 0)",
                                 "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)"))
    assert [e.split(":")[0] for e in errors(job)] == ["raised PermissionError (line 2)"] * 2


@pytest.mark.parametrize("layers", [{}, {"landlock_abi": 3}], ids=["this-kernel", "landlock-abi-3"])
def test_no_socket_of_any_kind_opens_not_even_to_an_instructors_private_unix_socket(pool, tmp_path, tiny_dataset,
                                                                                   layers):
    import socket

    agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # the ssh-agent kind: 0600, the grader's user
    path = tmp_path / "agent.sock"
    agent.bind(str(path))
    path.chmod(0o600)
    agent.listen()
    try:
        attempts = [f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({str(path)!r})",
                    "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                    "import socket\nsocket.socket(socket.AF_NETLINK, socket.SOCK_RAW)",
                    "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)",  # TCP before ABI 4 too
                    "import asyncio\nasyncio.run(asyncio.sleep(0))"]  # its socketpair reaches nothing: allowed
        job = run(pool, confined_job(tmp_path, tiny_dataset, *attempts, **layers))
    finally:
        agent.close()
    assert [e.split(":")[0] for e in errors(job)] == ["raised PermissionError (line 2)"] * 4


@pytest.mark.parametrize("layers", [{"landlock": False}, {"landlock_abi": 5}, {"landlock_abi": 3}],
                         ids=["no-landlock", "landlock-abi-5", "landlock-abi-3"])
def test_without_landlock_signal_scoping_seccomp_keeps_signals_inside_the_worker(pool, tmp_path, tiny_dataset,
                                                                                 layers):
    # what a kernel before Landlock ABI 6 (Linux 6.12) leaves to seccomp; as non-root kill(-1) reached the grader
    cells = ["import os, signal\nos.kill(os.getpid(), 0)\nos.kill(0, 0)\nos.killpg(os.getpgid(0), 0)",
             # signal 0 only asks whether a kill would be allowed: a failing test must not kill the test run
             "import os\nos.kill(-1, 0)", f"import os\nos.kill({os.getpid()}, 0)",
             "import os\nos.kill(os.getppid(), 0)"]
    job = run(pool, confined_job(tmp_path, tiny_dataset, *cells, **layers))
    assert [e.split(":")[0] for e in errors(job)] == ["raised PermissionError (line 2)"] * 3
    assert job.done is not None


def test_the_log_claims_only_what_the_kernels_landlock_abi_and_seccomp_enforce():
    from grader.grade.sandbox import enforced

    old = " ".join(enforced(3, False, False))
    assert "TCP" not in old and "signals" not in old and "seccomp" not in old
    middle = " ".join(enforced(5, True, False))
    assert "TCP bind/connect refused" in middle and "signals only within the worker's process group" in middle
    assert "signals and abstract unix sockets limited" not in middle
    assert "signals and abstract unix sockets limited to the job" in " ".join(enforced(6, True, True))
    assert enforced(0, False, False) == []


def test_a_notebook_holds_no_handle_but_its_channel_its_dataset_and_import_folders(pool, tmp_path, tiny_dataset):
    probe = ("import os, sys\n"
             "odd = []\n"
             "for fd in map(int, os.listdir('/proc/self/fd')):\n"
             "    try:\n"
             "        target = os.readlink(f'/proc/self/fd/{fd}')\n"
             "    except OSError:  # the descriptor listdir itself used\n"
             "        continue\n"
             "    if not (target == '/dev/null' or target.startswith('pipe:') or target.endswith('clipstream.duckdb')\n"
             "            or target in sys.path or f'/proc/self/fd/{fd}' in sys.path):  # import folders\n"
             "        odd.append(target)\n"
             "assert not odd, odd")
    job = run(pool, confined_job(tmp_path, tiny_dataset, probe))
    assert errors(job) == [] and job.done is not None
