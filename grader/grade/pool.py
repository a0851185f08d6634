"""The grader's side of the worker pool: starts the fork server, runs jobs on it, enforces the time limits.

Time limits are the grader's, not the worker's: a cell past its limit (plus a grace the worker's own alarm uses
to stop it politely) or a notebook past its total gets its whole process group killed, and the pool goes on.
A fork server that dies is restarted; the jobs it was running come back marked `lost` for the caller to retry.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.grade.forkserver import kill_group
from grader.grade.protocol import ANSWER, CELL, DONE, RAN, FrameReader, ProtocolError

GRACE_S = 2.0  # after the worker's own alarm, before the grader kills
STREAM_LIMIT = 128 * 2**20  # bytes one worker may send in total
_MAX_EVENTS = 10_000
_START_TIMEOUT_S = 120.0
_KILL_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0
_SERVER_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYTHONPATH", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")


class PoolError(Exception):
    """The worker pool cannot run (the fork server does not start or keeps dying)."""


@dataclass(eq=False)
class Job:
    """One unit of work for a worker, and everything the grader learns while it runs."""

    spec: dict[str, Any]
    cell_timeout: float | None = None
    notebook_timeout: float | None = None
    uid: int | None = None
    id: int = 0
    pid: int | None = None
    submitted: float = 0.0
    finished: float = 0.0
    status: int | None = None  # exit code, or -signal number
    killed: str | None = None  # "cell" or "notebook": the pool stopped it for time
    broken: str | None = None  # the stream was malformed or too large
    lost: bool = False  # the fork server died while it ran
    cell: int | None = None  # the last cell that started
    done: dict[str, Any] | None = None  # the worker's closing message, once the notebook has really ended
    answers: dict[str, tuple[dict[str, Any], bytes]] = field(default_factory=dict)  # latest answer per question
    events: list[dict[str, Any]] = field(default_factory=list)  # other messages in order (cells that ran cleanly
    # are not kept, so a notebook of many cells cannot push its `done` out of the capped list)
    _reader: FrameReader = field(default_factory=lambda: FrameReader(STREAM_LIMIT))
    _fd: int = -1
    _cell_started: float | None = None
    _kill_sent: float | None = None
    _last_ran: dict[str, Any] | None = None

    def receive(self, data: bytes, now: float) -> None:
        """Take bytes from the worker's pipe; raises ProtocolError after taking the frames before a fault."""
        try:
            frames = self._reader.feed(data)
        except ProtocolError as error:
            self._take(error.frames, now)
            raise
        self._take(frames, now)

    def _take(self, frames: list[tuple[dict[str, Any], bytes]], now: float) -> None:
        for header, payload in frames:
            kind = header.get("t")
            if kind == ANSWER and isinstance(header.get("q"), str):
                self.answers[header["q"]] = (header, payload)
                continue
            if kind == CELL and isinstance(header.get("n"), int):
                self.cell, self._cell_started = header["n"], now
                continue
            if kind == RAN:
                self._cell_started, self._last_ran = None, header
                if "error" not in header:
                    continue
            if kind == DONE:
                self.done = header if self._ended() else None
                continue
            if len(self.events) < _MAX_EVENTS:
                self.events.append(header)

    def _ended(self) -> bool:
        """Whether a `done` can be the worker's own: after the last cell ran, or the notebook ran out of time.

        A notebook can write `done` into the channel itself and then os._exit(); mid-notebook that is a crash.
        """
        cells = self.spec.get("cells")
        if self.spec.get("kind") != "grade" or not isinstance(cells, list):
            return True  # trusted jobs (hidden data, keys) run no student code
        last = self._last_ran or {}
        return last.get("n") == len(cells) or last.get("kind") == "notebook"

    def deadline(self) -> float | None:
        """When the pool must stop this job, if it is still running then."""
        limits = []
        if self.notebook_timeout is not None:
            limits.append(self.submitted + self.notebook_timeout + GRACE_S)
        if self.cell_timeout is not None and self._cell_started is not None:
            limits.append(self._cell_started + self.cell_timeout + GRACE_S)
        return min(limits, default=None)

    @property
    def seconds(self) -> float:
        """Wall time from submission to the worker's exit."""
        return self.finished - self.submitted


class Pool:
    """A fork server and the jobs running on it."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.specs = scratch / "jobs"
        self.specs.mkdir(mode=0o700, exist_ok=True)
        self.selector = selectors.DefaultSelector()
        self.running: dict[int, Job] = {}
        self.info: dict[str, Any] = {}
        self.restarts = 0
        self._next_id = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._finished: list[Job] = []

    # -- the fork server ------------------------------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        """Start the fork server and wait until it is warm; returns what it reports (pid, landlock ABI)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {name: os.environ[name] for name in _SERVER_ENV if name in os.environ}
        # One thread per library and few malloc arenas: the address-space limit counts every reservation.
        env.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1")
        log = (self.scratch / "forkserver.log").open("ab")
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "grader.grade.forkserver", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], env=env, cwd=self.scratch, stdin=subprocess.DEVNULL,
                stdout=log, stderr=log)
        finally:
            theirs.close()
            log.close()
        self._sock = ours
        ours.settimeout(_START_TIMEOUT_S)
        try:
            message = json.loads(ours.recv(1 << 16) or b"null")
        except (TimeoutError, ValueError):
            message = None
        if not isinstance(message, dict) or message.get("op") != "ready":
            self._stop_server()
            raise PoolError(f"the worker pool did not start ({self.server_log_tail()})")
        ours.setblocking(False)
        self.selector.register(ours, selectors.EVENT_READ, None)
        self.info = message
        return message

    def server_log_tail(self) -> str:
        """The last line the fork server wrote, to explain why it failed."""
        try:
            lines = (self.scratch / "forkserver.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "no message"

    def _stop_server(self) -> None:
        if self._sock is not None:
            try:
                self.selector.unregister(self._sock)
            except (KeyError, ValueError):
                pass
            self._sock.close()
            self._sock = None
        if self._process is not None:
            try:  # a closed socket tells the server to kill every worker and exit
                self._process.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def _server_died(self) -> None:
        """Kill what the dead server ran, hand those jobs back as lost, start a new server."""
        self._stop_server()
        for job in list(self.running.values()):
            if job.pid is not None:
                kill_group(job.pid)
            job.lost = True
            self._finish(job, time.monotonic())
        self.restarts += 1
        if self.restarts > 3:
            raise PoolError(f"the worker pool keeps dying ({self.server_log_tail()})")
        self.start()

    # -- jobs -----------------------------------------------------------------------------------------------
    def submit(self, job: Job) -> None:
        """Start a job on a fresh worker."""
        assert self._sock is not None, "start() the pool first"
        self._next_id += 1
        job.id = self._next_id
        spec_path = self.specs / f"{job.id}.json"
        spec_path.write_text(json.dumps(job.spec), encoding="utf-8")
        read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
        os.set_blocking(read_fd, False)
        job._fd = read_fd
        job.submitted = time.monotonic()
        self.running[job.id] = job
        self.selector.register(read_fd, selectors.EVENT_READ, job)
        try:
            socket.send_fds(self._sock, [json.dumps({"op": "run", "job": job.id, "spec": str(spec_path),
                                                     "uid": job.uid}).encode()], [write_fd])
        except OSError:
            self._server_died()
        finally:
            os.close(write_fd)

    def wait(self, timeout: float | None = None) -> list[Job]:
        """Run the pool until at least one job finishes or `timeout` passes; returns the finished jobs."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self._finished and self.running:
            now = time.monotonic()
            deadlines = [d for d in (job.deadline() for job in self.running.values()) if d is not None]
            wake = min([*deadlines, *([end] if end is not None else [])], default=None)
            ready = self.selector.select(None if wake is None else max(0.0, wake - now))
            now = time.monotonic()
            for key, _ in ready:
                if key.data is None:
                    self._server_messages(now)
                elif key.data.id in self.running:
                    self._read(key.data, now)
            self._enforce(now)
            if end is not None and now >= end:
                break
        finished, self._finished = self._finished, []
        return finished

    def _read(self, job: Job, now: float) -> None:
        while True:
            try:
                data = os.read(job._fd, 1 << 20)
            except BlockingIOError:
                return
            if not data:
                self.selector.unregister(job._fd)  # EOF; the server's exit report finishes the job
                os.close(job._fd)
                job._fd = -1
                return
            try:
                job.receive(data, now)
            except ProtocolError as error:
                job.broken = str(error)
                self._kill(job, now)
                return

    def _server_messages(self, now: float) -> None:
        assert self._sock is not None
        while True:
            try:
                data = self._sock.recv(1 << 16)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._server_died()
                return
            message = json.loads(data)
            job = self.running.get(message.get("job"))
            if job is None:
                continue
            if message["op"] == "started":
                job.pid = message["pid"]
            elif message["op"] == "exited":
                job.status = message["status"]
                self._finish(job, now)

    def _kill(self, job: Job, now: float) -> None:
        if job._kill_sent is None and self._sock is not None:
            job._kill_sent = now
            self._sock.send(json.dumps({"op": "kill", "job": job.id}).encode())

    def _enforce(self, now: float) -> None:
        for job in list(self.running.values()):
            deadline = job.deadline()
            if deadline is not None and now >= deadline and job.killed is None and job.broken is None:
                job.killed = "cell" if job._cell_started is not None and (
                    job.notebook_timeout is None or now < job.submitted + job.notebook_timeout + GRACE_S) \
                    else "notebook"
                self._kill(job, now)
            if job._kill_sent is not None and now > job._kill_sent + _KILL_TIMEOUT_S:
                self._server_died()  # it cannot stop its own worker: start over
                return

    def _finish(self, job: Job, now: float) -> None:
        if job._fd >= 0:
            self._read(job, now)  # what the worker wrote before it exited is still in the pipe
        if job._fd >= 0:
            self.selector.unregister(job._fd)
            os.close(job._fd)
            job._fd = -1
        job.finished = now
        self.running.pop(job.id, None)
        (self.specs / f"{job.id}.json").unlink(missing_ok=True)
        self._finished.append(job)

    def close(self) -> None:
        """Stop the fork server and every job still running."""
        for job in self.running.values():
            if job.pid is not None:
                kill_group(job.pid)
        self._stop_server()
        self.selector.close()
