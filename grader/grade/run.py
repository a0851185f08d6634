"""A grading run: discover the submissions, prepare hidden datasets and keys, run every notebook in the worker
pool, score it here, and write the reports. Every submission found yields exactly one row.

Scheduling keeps every worker busy: the first submission whose key is ready runs next; otherwise the next
missing dataset or key (in submission order) is prepared, so building hidden data overlaps with grading.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import re
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from grader.grade import cgroups, seccomp
from grader.grade.hidden import (
    HiddenCache,
    fingerprint,
    public_seeds,
    read_settings,
    resolve_secret,
    seed_for,
    write_settings,
)
from grader.grade.module import Module, load_module
from grader.grade.pool import Job, Pool, PoolError
from grader.grade.protocol import FAILED, number, of_kind
from grader.grade.report import LOG, Log, Report, existing_rows, summary
from grader.grade.sandbox import Confinement, enforced, landlock_abi
from grader.grade.scoring import Result, not_run, score
from grader.grade.settings import Settings
from grader.grade.submissions import NotebookProblem, Submission, code_cells, discover
from grader.grade.workdir import mount_limited, unmount_under
from grader.key import Key
from grader.paths import GraderError
from grader.spec import Question, spec_to_json

STATE = ".grader"  # in DIR, mode 0700: the stored secret, the run's settings, the hidden-data cache
_UID_BASE = 1_600_000_000  # workers' uids (root only): far above any real account
_MAX_JOBS = 256
_WORK_FILES = 20_000  # files (inodes) in a notebook's working folder
_WORKER_PATH = "/usr/local/bin:/usr/bin:/bin"
_RUN = re.compile(r"grader-(\d+)(-|$)")  # grader-<pid>...: a run's scratch folder or cgroup, removed once it is gone


class GradingFailed(GraderError):
    """The grader itself cannot go on (the solution fails on hidden data, the pool keeps dying)."""


@dataclass
class Graded:
    """What a run did: this run's results, the whole sheet, the summary table."""

    results: list[Result]
    rows: list[dict[str, str]]
    summary: str
    seconds: float
    grading_seconds: float = 0.0  # from the first notebook started to the last one scored (preparation excluded)
    isolation: list[str] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)  # seconds per job: build, key, grade, score


@dataclass
class _Prepared:
    """A submission read and ready to run (or known not to be runnable)."""

    submission: Submission
    seed: int
    cells: list[str] = field(default_factory=list)
    status: str | None = None  # invalid / empty: no worker needed
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def _check(settings: Settings) -> None:
    from synth.config import SCALES

    if not 1 <= settings.jobs <= _MAX_JOBS:
        raise GraderError(f"--jobs must be between 1 and {_MAX_JOBS} (got {settings.jobs})")
    if settings.variants is not None and settings.variants < 1:
        raise GraderError(f"--variants must be at least 1 (got {settings.variants})")
    if not settings.timeout > 0 or not settings.total_timeout > 0:
        raise GraderError("--timeout and --notebook-timeout must be positive numbers of seconds")
    if settings.memory_mb < 256:
        raise GraderError(f"--memory must be at least 256 MB (got {settings.memory_mb})")
    if settings.disk_mb < 16:
        raise GraderError(f"--disk must be at least 16 MB (got {settings.disk_mb})")
    if settings.scale not in SCALES:
        raise GraderError(f"unknown --scale {settings.scale!r}; choose one of {', '.join(SCALES)}")
    if settings.out.exists() and not settings.out.is_dir():
        raise GraderError(f"--out {settings.out} is a file; give a folder for the grades")


def _prepare(submission: Submission, seed: int) -> _Prepared:
    prepared = _Prepared(submission, seed)
    try:
        if submission.problem or submission.read is None:
            raise NotebookProblem(submission.problem or "no notebook")
        prepared.cells, note = code_cells(submission.read())
    except NotebookProblem as problem:
        prepared.status, prepared.reason = "invalid", str(problem)
        return prepared
    except OSError as error:
        prepared.status, prepared.reason = "invalid", f"the file cannot be read ({error.strerror})"
        return prepared
    except zipfile.BadZipFile as error:
        prepared.status, prepared.reason = "invalid", f"the file is damaged in the zip ({error}); hand it in again"
        return prepared
    except Exception as error:  # whatever else a hostile file makes a reader raise is this submission's problem
        prepared.status, prepared.reason = "invalid", f"the file cannot be read as a notebook ({type(error).__name__})"
        return prepared
    if note:
        prepared.notes.append(note)
    if not any(cell.strip() for cell in prepared.cells):
        prepared.status, prepared.reason = "empty", "the notebook has no code"
    return prepared


def _uid_base(jobs: int) -> int | None:
    """The first of `jobs` unused uids for this run's worker slots; None unless running as root."""
    if os.geteuid() != 0:
        return None
    base = _UID_BASE + (os.getpid() % 2**16) * _MAX_JOBS  # concurrent graders get different uids
    while not all(_no_account(uid) for uid in range(base, base + jobs)):
        base += _MAX_JOBS
    return base


def _no_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return True
    return False


def _absolute(settings: Settings) -> Settings:
    """`settings` with every path absolute: workers run elsewhere, so `--out grades/` must not depend on the cwd."""
    def fix(path: Path | None) -> Path | None:
        return None if path is None else path.expanduser().absolute()

    return dataclasses.replace(settings, submissions=fix(settings.submissions), out=fix(settings.out),
                               solutions=fix(settings.solutions), cache=fix(settings.cache))


def _left_behind(folder: Path) -> list[Path]:
    """This user's `grader-<pid>...` entries in `folder` whose run has ended without cleaning up (it was killed)."""
    found = []
    for entry in folder.glob("grader-*"):
        match = _RUN.match(entry.name)
        try:
            if not match or entry.is_symlink() or entry.stat().st_uid != os.geteuid():
                continue
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            found.append(entry)
        except OSError:  # alive but not ours to signal, or gone while looking
            continue
    return found


def _remove_stale_scratch() -> None:
    """Remove scratch folders of grader runs that died without cleaning up (killed, power loss)."""
    for entry in _left_behind(Path(tempfile.gettempdir())):
        _remove(entry)


def _remove(path: Path) -> None:
    def unlock(function: Any, name: str, error: BaseException) -> None:
        os.chmod(os.path.dirname(name), stat.S_IRWXU)  # a notebook may have locked its own folder
        function(name)

    unmount_under(path)  # a job's working tmpfs
    try:
        shutil.rmtree(path, onexc=unlock) if sys.version_info >= (3, 12) else shutil.rmtree(path, onerror=unlock)
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


class _Batch:
    """The scheduling loop of one run."""

    def __init__(self, settings: Settings, module: Module, cache: HiddenCache, todo: list[_Prepared],
                 rows: list[dict[str, str]], log: Log, scratch: Path, skipped: list[str]) -> None:
        self.settings, self.module, self.cache, self.log = settings, module, cache, log
        self.rows, self.scratch, self.skipped = rows, scratch, skipped
        self.queue = deque(todo)
        self.keys: dict[int, Key] = {}
        self.built: set[int] = set()
        self.busy: set[int] = set()  # seeds with a build or key job running
        self.retried: set[int | str] = set()  # seeds and submissions already run again after a pool failure
        self.report: Report | None = None
        self.questions: list[Question] = []
        self.results: list[Result] = []
        self.uid_base = _uid_base(settings.jobs)
        self.free_slots = list(range(settings.jobs))
        self.jobs: dict[int, tuple[str, Any, Path | None, int]] = {}  # id -> (kind, seed|prepared, dir, slot)
        self.pool = Pool(scratch)
        self.counter = 0
        self.needed = {p.seed for p in todo if p.status is None}  # hidden datasets this run grades on
        self.bar = tqdm(total=len(todo), desc=f"grading {module.name}", unit="nb", file=sys.stderr,
                        disable=not settings.progress, dynamic_ncols=True)
        self.grading: list[float] = []  # when the first notebook started, when the last one was scored
        self.stages: dict[str, list[float]] = {"build": [], "key": [], "grade": [], "score": []}
        self.seccomp = False  # set from what the worker pool reports
        self.groups = cgroups.available(f"grader-{os.getpid()}")
        self.slot_groups: dict[int, list[str]] = {}  # worker slot -> the cgroup.procs files of its groups
        for parent in self.groups.parents() if self.groups is not None else ():
            for stale in _left_behind(parent):  # groups of a grader that was killed
                cgroups.remove_tree(stale)
        self.limited_disk = self.uid_base is not None  # a tmpfs per working folder, until mounting fails once

    # -- hidden data --------------------------------------------------------------------------------------
    def _have_key(self, seed: int) -> bool:
        if seed in self.keys:
            return True
        if seed in self.busy or seed in self.built:
            return False
        key = self.cache.cached_key(seed)
        if key is not None:
            self._key_ready(seed, key)
            return True
        if self.cache.dataset(seed).is_file():
            self.built.add(seed)
        return False

    def _key_ready(self, seed: int, key: Key) -> None:
        self.keys[seed] = key
        self.bar.set_postfix_str(f"hidden datasets ready: {len(self.keys.keys() & self.needed)}/{len(self.needed)}")
        if self.report is None:
            self.questions = list(key.questions.values())
            self.report = Report(self.settings.out, self.module.name, self.questions, self.rows, self.log)

    def _seed_job(self, seed: int) -> None:
        self.busy.add(seed)
        spec = self.cache.key_spec(seed) if seed in self.built else self.cache.build_spec(seed)
        self._submit("key" if seed in self.built else "build", Job(spec, notebook_timeout=600.0), seed,
                     self.free_slots.pop())

    # -- submissions --------------------------------------------------------------------------------------
    def _grade_job(self, prepared: _Prepared) -> None:
        try:
            self._start_grading(prepared)
        except OSError as error:  # e.g. the disk is full: this submission's row says so, the batch goes on
            self._add(self._result(prepared, not_run(self.questions, "the grader could not set it up"), "error",
                                   f"the grader could not prepare its run ({error.strerror or error}); "
                                   "--resume grades it again", []))

    def _start_grading(self, prepared: _Prepared) -> None:
        slot = self.free_slots[-1]
        self.counter += 1
        job_dir = self.scratch / f"submission-{self.counter}"
        try:
            job = self._job(prepared, job_dir, slot)
            self._submit("grade", job, prepared, self.free_slots.pop(), job_dir)
        except OSError:
            _remove(job_dir)
            raise
        self.grading[:1] = self.grading[:1] or [time.monotonic()]

    def _job(self, prepared: _Prepared, job_dir: Path, slot: int) -> Job:
        """The job that runs `prepared` in `job_dir` on worker `slot`: its own dataset copy and working folder."""
        settings = self.settings
        uid = None if self.uid_base is None else self.uid_base + slot
        work = job_dir / "work"
        work.mkdir(parents=True)
        if uid is not None:
            self._limit_disk(work, uid)
        dataset = job_dir / "clipstream.duckdb"
        shutil.copyfile(self.cache.dataset(prepared.seed), dataset)  # its own copy: damage stays with it
        dataset.chmod(0o440 if uid is not None else 0o444)
        if uid is not None:
            os.chown(job_dir, 0, uid)
            os.chown(dataset, 0, uid)
            os.chown(work, uid, uid)
        job_dir.chmod(0o750 if uid is not None else 0o500)
        work.chmod(0o700)
        env = {"HOME": str(work), "TMPDIR": str(work), "MPLCONFIGDIR": str(work), "SANDBOX_HOME": str(work),
               "SANDBOX_DB": str(dataset), "PATH": _WORKER_PATH, "LANG": "C.UTF-8", "USER": "student",
               "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        joins = self._slot_group(slot)
        confinement = Confinement(work=str(work), read=[str(job_dir)], uid=uid, gid=uid,
                                  memory_mb=settings.memory_mb, cpu_s=self.cpu_s, file_mb=min(100, settings.disk_mb),
                                  seccomp=self.seccomp, cgroups=joins, env=env)
        key = self.keys[prepared.seed]
        spec = {"kind": "grade", "cells": prepared.cells,
                "questions": [spec_to_json(q) for q in key.questions.values()],
                "expressions": self.module.expressions, "dataset": str(dataset), "cell_timeout": settings.timeout,
                "notebook_timeout": settings.total_timeout, "confinement": asdict(confinement)}
        return Job(spec, cell_timeout=settings.timeout, notebook_timeout=settings.total_timeout, uid=uid)

    def _slot_group(self, slot: int) -> list[str]:
        """The cgroup.procs files a notebook on `slot` joins (the slot's groups are made once, then reused)."""
        if self.groups is None:
            return []
        if slot not in self.slot_groups:
            self.slot_groups[slot] = self.groups.create(f"slot-{slot}", self.job_limits)
        return self.slot_groups[slot]

    def _limit_disk(self, work: Path, uid: int) -> None:
        if not self.limited_disk:
            return
        try:
            mount_limited(work, self.settings.disk_mb, _WORK_FILES, uid)
        except OSError as error:
            self.limited_disk = False
            self.log.write(f"WARNING: cannot mount a tmpfs for working folders ({error.strerror}): a notebook's "
                           "files are limited in size each, not in total or in number")

    @property
    def job_limits(self) -> cgroups.Limits:
        """What one notebook and everything it starts may use together: CPU, its share of the machine's cores."""
        cpus = max(1.0, (os.cpu_count() or 1) / self.settings.jobs)  # a lower quota stalls DuckDB's threads
        return cgroups.Limits(memory_mb=self.settings.memory_mb, tasks=Confinement.nproc, cpus=cpus)

    @property
    def cpu_s(self) -> int:
        """The CPU-time limit of a notebook (its wall-time limit plus a margin)."""
        return int(self.settings.total_timeout) + 5

    def _submit(self, kind: str, job: Job, subject: Any, slot: int, job_dir: Path | None = None) -> None:
        self.pool.submit(job)
        self.jobs[job.id] = (kind, subject, job_dir, slot)

    def _next(self) -> bool:
        """Start the most useful job for a free worker; False when nothing can start now."""
        for prepared in list(self.queue):
            if prepared.status is not None:
                if self.report is not None:
                    self.queue.remove(prepared)
                    self._add(self._unrunnable(prepared))
                continue
            if self._have_key(prepared.seed):
                self.queue.remove(prepared)
                self._grade_job(prepared)
                return True
        for prepared in self.queue:
            if prepared.status is None and prepared.seed not in self.keys and prepared.seed not in self.busy:
                self._seed_job(prepared.seed)
                return True
        if self.report is None and self.queue and not self.busy:
            self._seed_job(self.queue[0].seed)  # nothing runnable at all: one key still names the questions
            return True
        return False

    def _unrunnable(self, prepared: _Prepared) -> Result:
        return self._result(prepared, not_run(self.questions, prepared.reason), prepared.status or "invalid",
                            prepared.reason, [])

    def _result(self, prepared: _Prepared, outcomes: list[Any], status: str, reason: str,
                notes: list[str]) -> Result:
        submission = prepared.submission
        if prepared.notes:
            reason = "; ".join(filter(None, [*prepared.notes, reason]))
        if submission.duplicates:
            others = ", ".join(submission.duplicates)
            reason = "; ".join(filter(None, [f"student {submission.student!r} also handed in {others} (graded "
                                             f"separately; keep one) - this one: {status}", reason]))
            status = "duplicate"
        return Result(submission.student, submission.name, submission.source, prepared.seed, outcomes, status,
                      reason, notes=[*prepared.notes, *notes])

    def _add(self, result: Result) -> None:
        assert self.report is not None
        self.report.add(result)
        self.results.append(result)
        self.bar.update(1)

    # -- finished jobs ------------------------------------------------------------------------------------
    def _finished(self, job: Job) -> None:
        kind, subject, job_dir, slot = self.jobs.pop(job.id)
        self.free_slots.append(slot)
        self.stages[kind].append(job.seconds)
        if job_dir is not None:
            _remove(job_dir)
            if self.groups is not None and slot in self.slot_groups:
                self.groups.clear(f"slot-{slot}")  # nothing of this notebook lives on into the slot's next one
        if kind == "grade":
            self._graded(job, subject)
            return
        seed = subject
        self.busy.discard(seed)
        failed = next((e.get("error") for e in of_kind(job.events, FAILED)), None)
        if job.lost and seed not in self.retried:
            self.retried.add(seed)
            return  # the seed is still needed, so _next() starts it again
        if job.done is None:
            why = failed or job.broken or ("the worker pool died" if job.lost else f"stopped after "
                                           f"{job.notebook_timeout:g} s" if job.killed else f"exit status {job.status}")
            what = "build the hidden dataset" if kind == "build" else f"run the solution of {self.module.name}"
            raise GradingFailed(f"could not {what} on hidden dataset seed {seed} ({why}); the solution must work "
                                "on any dataset: check it with `synth build --seed N` and `grader key --db`")
        if kind == "build":
            self.built.add(seed)
            return
        try:
            key = self.cache.finish_key(seed, job.spec)
        except GraderError as error:  # the solution notebook is at fault, not the command line
            raise GradingFailed(f"the answer key of hidden dataset seed {seed} is unusable: {error}") from None
        self._key_ready(seed, key)

    def _graded(self, job: Job, prepared: _Prepared) -> None:
        if job.lost and prepared.submission.source not in self.retried:
            self.retried.add(prepared.submission.source)
            self.queue.appendleft(prepared)
            return
        started = time.perf_counter()
        try:
            outcomes, status, reason, notes = score(job, self.keys[prepared.seed], self.settings.timeout,
                                                    self.settings.total_timeout, self.cpu_s)
        except Exception as error:  # what the worker sent defeated the checks: this row, never the batch
            outcomes, status, reason, notes = (not_run(self.questions, "the grader could not score it"), "error",
                                               f"the grader could not score this notebook ({type(error).__name__});"
                                               " --resume grades it again", [])
        self.stages["score"].append(time.perf_counter() - started)
        result = self._result(prepared, outcomes, status, reason, notes)
        result.seconds = job.seconds
        result.student_seconds = number((job.done or {}).get("student_s"), job.seconds + 1) or 0.0
        self._add(result)
        self.grading[1:] = [time.monotonic()]

    def ensure_key(self, seed: int) -> None:
        """Prepare the key of `seed` now (its questions name the grade sheet's columns)."""
        while not self._have_key(seed):
            if seed not in self.busy:
                self._seed_job(seed)
            for job in self.pool.wait():
                self._finished(job)

    def run(self) -> None:
        """Grade everything queued."""
        while self.queue or self.pool.running:
            while self.free_slots and self._next():
                pass
            if not self.pool.running:
                continue  # _next() handled the last unrunnable submissions, or starts something next round
            for job in self.pool.wait():
                self._finished(job)

    def close(self) -> None:
        """Stop the workers and the progress bar; remove the run's cgroups."""
        self.pool.close()
        self.bar.close()
        if self.groups is not None:
            self.groups.close()


def confinement_problem(abi: int, has_seccomp: bool) -> str | None:
    """Why workers cannot be confined on this machine (None when they can): what --unsafe would accept."""
    missing = [what for what, there in (("Landlock (Linux >= 5.13, with landlock among the LSMs)", abi),
                                        ("seccomp filters (x86_64 or aarch64)", has_seccomp)) if not there]
    if not missing:
        return None
    return (f"workers cannot be confined here (no {' and no '.join(missing)}): student code could read the "
            "solutions, the answer keys and the secret, and signal the grader. Grade on a machine that has them, "
            "or pass --unsafe to grade anyway (trusted submissions only)")


def _isolation_notes(info: dict[str, Any], root: bool, unsafe: bool, batch: _Batch) -> list[str]:
    """What the running kernel enforces on workers, as the log states it; WARNING lines for what it does not."""
    abi, has_seccomp = int(info.get("landlock") or 0), bool(info.get("seccomp"))
    notes = [f"workers: {line}" for line in enforced(abi, has_seccomp, root)]
    limits = batch.job_limits
    if batch.groups is not None:
        notes.append(f"workers: cgroup v{batch.groups.version} per notebook: {limits.memory_mb} MB, {limits.tasks} "
                     f"tasks and {limits.cpus:g} CPU for the notebook and everything it starts")
    else:
        notes.append("WARNING: no writable cgroup hierarchy (memory, pids, cpu): memory is limited per process "
                     f"({limits.memory_mb} MB each, up to {limits.tasks} processes) and CPU time per process only")
    if batch.limited_disk:
        notes.append(f"workers: working folders are tmpfs of {batch.settings.disk_mb} MB and {_WORK_FILES:,} files")
    problem = confinement_problem(abi, has_seccomp)
    if problem and unsafe:
        notes.append(f"WARNING: --unsafe: {problem.split(': ', 1)[0]}; student code is not confined")
    if not root:
        notes.append(f"WARNING: the grader runs as {pwd.getpwuid(os.geteuid()).pw_name}, not root: workers keep "
                     "this user (no uid of their own, no tmpfs working folders)")
    return notes


def grade(settings: Settings) -> Graded:
    """Grade every submission of `settings` (see `grader grade --help`); raises GraderError when it cannot run."""
    started = time.monotonic()
    settings = _absolute(settings)
    _check(settings)
    problem = confinement_problem(landlock_abi(), seccomp.available())
    if problem and not settings.unsafe:
        raise GraderError(problem)
    out = settings.out
    rows = existing_rows(out, settings.resume)  # refuses to overwrite a grade sheet before any work
    module = load_module(settings.module, settings.solutions)
    submissions, skipped = discover(settings.submissions, module.name)
    if not submissions:
        raise GraderError(f"{settings.submissions} holds no notebooks: expected .ipynb files, folders holding one, "
                          "or a zip of them")
    try:
        out.mkdir(parents=True, exist_ok=True)
        state = out / STATE
        state.mkdir(mode=0o700, exist_ok=True)
        state.chmod(0o700)
    except OSError as error:
        raise GraderError(f"cannot write to {out} ({error.strerror}); choose another --out") from None
    secret, secret_source = resolve_secret(settings.secret, state)
    decisive = {"module": module.name, "scale": settings.scale, "variants": settings.variants,
                "secret": fingerprint(secret)}
    previous = read_settings(state)
    if rows and previous is not None and previous != decisive:
        changed = ", ".join(k for k in decisive if previous.get(k) != decisive[k])
        raise GraderError(f"{out} was graded with another {changed}; resume with the same settings (and secret) "
                          "or choose another --out")
    write_settings(state, decisive)
    log = Log(out / LOG)
    log.write(f"grading {module.name} from {settings.submissions}: {len(submissions)} submissions, scale "
              f"{settings.scale}, {f'--variants {settings.variants}' if settings.variants else 'a dataset each'}, "
              f"secret from {secret_source}, {settings.jobs} workers, {settings.timeout:g} s per cell, "
              f"{settings.total_timeout:g} s per notebook, {settings.memory_mb} MB")
    for name in skipped:
        log.write(f"skipped {name}: not a notebook")
    graded = {r["submission"] for r in rows if r.get("status") != "error"}
    exclude = public_seeds()
    todo = [_prepare(s, seed_for(secret, module.name, s.student, settings.variants, exclude))
            for s in submissions if s.source not in graded]
    cache = HiddenCache(settings.cache or state / "hidden", settings.scale, module)
    _remove_stale_scratch()
    scratch = Path(tempfile.mkdtemp(prefix=f"grader-{os.getpid()}-"))
    scratch.chmod(0o711)  # worker slots pass through to their own folders, and see nothing else here
    batch = _Batch(settings, module, cache, todo, rows, log, scratch, skipped)
    try:
        info = batch.pool.start()
        batch.seccomp = bool(info.get("seccomp"))
        isolation = _isolation_notes(info, batch.uid_base is not None, settings.unsafe, batch)
        for note in isolation:
            log.write(note)
            if note.startswith("WARNING") and settings.progress:
                print(f"grader grade: {note}", file=sys.stderr)
        if todo:
            batch.run()
        else:  # everything was graded before: the summary still needs the questions
            batch.ensure_key(seed_for(secret, module.name, submissions[0].student, settings.variants, exclude))
    except PoolError as error:
        raise GradingFailed(str(error)) from None
    except KeyboardInterrupt:
        log.write("interrupted: the rows written so far are kept; --resume grades the rest")
        raise
    finally:
        batch.close()
        _remove(scratch)
    errors = [r for r in batch.results if r.status == "error"]
    if errors and len(errors) == len(batch.results):
        raise GradingFailed(f"no notebook could be run ({errors[0].reason}); the rows are kept for --resume")
    report = batch.report
    final_rows = report.finish() if report is not None else rows
    table = summary(final_rows, batch.questions, module.name, time.monotonic() - started, skipped)
    grading = batch.grading[-1] - batch.grading[0] if len(batch.grading) == 2 else 0.0
    stages = ", ".join(f"{stage} {len(times)} x {sum(times) / len(times):.2f} s"
                       for stage, times in batch.stages.items() if times)
    log.write(f"graded {len(batch.results)} submissions in {time.monotonic() - started:.1f} s, of which "
              f"{grading:.1f} s running notebooks (jobs: {stages or 'none'}); summary\n" + table)
    return Graded(batch.results, final_rows, table, time.monotonic() - started, grading, isolation, batch.stages)
