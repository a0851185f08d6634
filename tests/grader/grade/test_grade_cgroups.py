"""A worker slot's cgroup limits its notebook as a whole: limits written, everything it starts inside, nothing stays."""

import os
import time

import pytest

from grader.grade import cgroups


@pytest.fixture
def groups():
    found = cgroups.available(f"grader-test-{os.getpid()}")
    if found is None:
        pytest.skip("no writable cgroup hierarchy here (needs root and memory, pids, cpu controllers)")
    yield found
    found.close()
    assert not any(base.exists() for base in found.bases.values())


def _in_group(procs: list[str], work) -> int:
    """Fork a child that joins the groups and runs `work()`; its exit status."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            cgroups.join(procs)
            code = work()
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]


def test_the_limits_are_written_for_the_job_as_a_whole(groups):
    procs = groups.create("slot-1", cgroups.Limits(memory_mb=300, tasks=16, cpus=1.5))
    folder = {controller: base / "slot-1" for controller, base in groups.bases.items()}
    if groups.version == 2:
        assert (folder["memory"] / "memory.max").read_text().strip() == str(300 * 2**20)
        assert (folder["pids"] / "pids.max").read_text().strip() == "16"
        assert (folder["cpu"] / "cpu.max").read_text().split() == ["150000", "100000"]
    else:
        assert (folder["memory"] / "memory.limit_in_bytes").read_text().strip() == str(300 * 2**20)
        assert (folder["pids"] / "pids.max").read_text().strip() == "16"
        assert (folder["cpu"] / "cpu.cfs_quota_us").read_text().strip() == "150000"
    assert len(procs) == len(set(folder.values()))


def test_processes_the_job_starts_count_against_its_task_limit(groups):
    procs = groups.create("slot-2", cgroups.Limits(memory_mb=512, tasks=4))

    def fork_many() -> int:
        children, refused = [], 0
        for _ in range(8):
            try:
                child = os.fork()
            except BlockingIOError:  # EAGAIN: the group's pids.max
                refused += 1
                continue
            if child == 0:
                time.sleep(0.5)
                os._exit(0)
            children.append(child)
        for child in children:
            os.waitpid(child, 0)
        return 0 if refused >= 4 else 1

    assert _in_group(procs, fork_many) == 0


def test_memory_counts_across_the_jobs_processes(groups):
    procs = groups.create("slot-3", cgroups.Limits(memory_mb=200, tasks=16))

    def three_hogs() -> int:
        children = []
        for _ in range(3):
            child = os.fork()
            if child == 0:
                hog = b"x" * (100 * 2**20)  # noqa: F841 - held until the sleep ends
                time.sleep(1)
                os._exit(0)
            children.append(child)
        killed = sum(os.WIFSIGNALED(os.waitpid(child, 0)[1]) for child in children)
        return 0 if killed else 1

    assert _in_group(procs, three_hogs) == 0


def test_clearing_a_slots_group_kills_what_a_notebook_left_in_it_and_keeps_the_group(groups):
    procs = groups.create("slot-4", cgroups.Limits(memory_mb=256, tasks=8))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        cgroups.join(procs)
        os.write(write, b"in")
        time.sleep(60)
        os._exit(0)
    assert os.read(read, 2) == b"in"
    groups.clear("slot-4")
    assert os.waitpid(pid, 0)[1] != 0  # killed, not a 60 s sleep
    assert all((base / "slot-4").is_dir() for base in groups.bases.values())  # the fixture's close() removes it
