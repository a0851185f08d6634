"""The fork server: one warm process (pandas, duckdb, matplotlib, IPython imported) that forks a worker per job.

Run by the grader as `python -m grader.grade.forkserver FD` with a scrubbed environment; FD is a SOCK_SEQPACKET
socket to the grader. It never runs student code itself, so every worker starts from the same clean state in
milliseconds. It reaps workers, kills what they left behind (their process group; as root every process of the
slot's uid; orphans re-parented to it as a child subreaper) and reports each exit.

Messages (JSON; `run` carries the job's result pipe as a passed descriptor):
  grader -> server  {"op": "run", "job": id, "spec": path, "uid": uid|null}, {"op": "kill", "job": id}
  server -> grader  {"op": "ready", ...}, {"op": "started", "job": id, "pid": pid},
                    {"op": "exited", "job": id, "status": exit code or -signal}
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
from typing import Any

_PR_SET_CHILD_SUBREAPER = 36
_TICK_S = 0.05
_MAX_MESSAGE = 1 << 16
_PRELOAD = ("collections", "csv", "datetime", "decimal", "itertools", "json", "math", "random", "re", "statistics",
            "numpy", "pandas", "pyarrow", "duckdb", "matplotlib.pyplot", "IPython.display", "grader.answers",
            "grader.compare", "grader.session", "synth.writer", "synth.simulate")  # the last two: hidden builds


def _warm() -> Any:
    """Import what notebooks use, so a forked worker starts with it loaded; returns the shared shell."""
    import matplotlib

    matplotlib.use("Agg")
    for name in _PRELOAD:
        importlib.import_module(name)
    import duckdb

    duckdb.connect(":memory:").close()  # DuckDB's one-time set-up; closing stops its threads before any fork
    from grader.grade.worker import make_shell

    return make_shell()


def _close_fds_except(keep: set[int]) -> None:
    low = 3
    for fd in sorted(f for f in keep if f >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


class Server:
    """The fork server's state: the socket, the warm shell and the running jobs."""

    def __init__(self, sock: socket.socket) -> None:
        from grader.grade.sandbox import landlock_abi, open_reroutes, readable_roots

        self.sock = sock
        self.shell = _warm()
        self.abi = landlock_abi()
        self.roots = readable_roots()
        self.reroutes = open_reroutes() if os.geteuid() == 0 else {}
        self.jobs: dict[int, tuple[int, int | None]] = {}  # pid -> (job id, uid)
        self.devnull = os.open(os.devnull, os.O_RDWR)
        # A child's exit wakes the loop at once (select on the wake-up pipe) instead of at the next tick.
        self.wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        gc.freeze()  # objects from the warm-up stay out of every worker's collections: fewer copied pages

    def send(self, message: dict[str, Any]) -> None:
        self.sock.send(json.dumps(message).encode())

    def run(self, message: dict[str, Any], fds: list[int]) -> None:
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise ValueError("a run message needs exactly one result descriptor")
        with open(message["spec"], encoding="utf-8") as handle:
            spec = json.load(handle)
        fd = fds[0]
        pid = os.fork()
        if pid == 0:
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()  # the worker leads its own process group: the grader kills it as one
                for target in (0, 1, 2):
                    os.dup2(self.devnull, target)
                _close_fds_except({fd, *self.reroutes.values()})
                from grader.grade.worker import run_job

                run_job(spec, fd, self.shell, self.abi, self.roots, self.reroutes)
            finally:
                os._exit(70)
        os.close(fd)
        self.jobs[pid] = (message["job"], message.get("uid"))
        self.send({"op": "started", "job": message["job"], "pid": pid})

    def kill(self, job: int) -> None:
        for pid, (job_id, _) in self.jobs.items():
            if job_id == job:  # still unreaped, so the pid cannot have been reused
                kill_group(pid)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.jobs:
                job, uid = self.jobs.pop(pid)
                kill_group(pid)
                if uid is not None:
                    _kill_uid(uid)
                self.send({"op": "exited", "job": job, "status": os.waitstatus_to_exitcode(status)})

    def kill_orphans(self) -> None:
        """Processes a worker left behind are re-parented here (child subreaper); none of them may live on."""
        try:
            with open(f"/proc/self/task/{os.getpid()}/children", encoding="ascii") as handle:
                children = [int(p) for p in handle.read().split()]
        except OSError:
            return
        for pid in children:
            if pid not in self.jobs:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def shut_down(self) -> None:
        """The grader is done (or gone): nothing a worker started may outlive this server."""
        for pid, (_, uid) in self.jobs.items():
            kill_group(pid)
            if uid is not None:
                _kill_uid(uid)
        self.kill_orphans()

    def serve(self) -> None:
        from grader.grade import seccomp

        self.send({"op": "ready", "pid": os.getpid(), "landlock": self.abi, "seccomp": seccomp.available(),
                   "python_rerouted": len(self.reroutes)})
        while True:
            readable, _, _ = select.select([self.sock, self.wake_read], [], [], _TICK_S)
            if self.wake_read in readable:
                while _drain(self.wake_read):
                    pass
            if self.sock in readable:
                data, fds, _, _ = socket.recv_fds(self.sock, _MAX_MESSAGE, 4)
                if not data:
                    self.shut_down()
                    return
                message = json.loads(data)
                if message["op"] == "run":
                    self.run(message, fds)
                elif message["op"] == "kill":
                    self.kill(message["job"])
            self.reap()
            self.kill_orphans()


def _drain(fd: int) -> bool:
    try:
        return bool(os.read(fd, 4096))
    except BlockingIOError:
        return False


def kill_group(pid: int) -> None:
    """SIGKILL the process group `pid` leads, and the process itself if it left the group."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _kill_uid(uid: int) -> None:
    """Kill every process of `uid`: kill(-1) from a child that became that uid reaches exactly those."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def main() -> None:
    """Serve the grader on the socket whose descriptor is the only argument."""
    sock = socket.socket(fileno=int(sys.argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle; it stops this server
    Server(sock).serve()


if __name__ == "__main__":
    main()
