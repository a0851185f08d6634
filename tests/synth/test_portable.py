"""Students' laptops: building a dataset on macOS and Windows, tested here by simulating what those platforms lack
(forkserver, /dev/shm, POSIX signals, replacing an open file) and checking the data is the same."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

import synth
from synth import portable, writer
from synth.cli import main
from synth.config import Config
from synth.dataset import truth_path
from synth.writer import DatasetBusy, build, content_checksum

ERROR_INVALID_PARAMETER = 87  # what OpenProcess reports for a process id that names no process


class FakeKernel32:
    """Windows' OpenProcess / GetExitCodeProcess / CloseHandle over this machine's real processes: a zombie is a
    process that has exited but can still be opened (Windows keeps it while a handle is open)."""

    def __init__(self, denied: frozenset[int] = frozenset(), exit_code_fails: bool = False) -> None:
        self.denied, self.exit_code_fails = denied, exit_code_fails
        self.error = 0
        self.handles: dict[int, int] = {}  # handle -> pid, while open

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int | None:  # noqa: N802
        assert access == portable.PROCESS_QUERY_LIMITED_INFORMATION and inherit is False
        if pid in self.denied:
            self.error = portable.ERROR_ACCESS_DENIED
            return None
        if not Path(f"/proc/{pid}").exists():  # psutil.pid_exists would ask os.kill, which Windows lacks
            self.error = ERROR_INVALID_PARAMETER
            return None
        handle = 1000 + len(self.handles) + 1
        self.handles[handle] = pid
        return handle

    def GetExitCodeProcess(self, handle: int, code: Any) -> int:  # noqa: N802
        if self.exit_code_fails:
            return 0
        gone = psutil.Process(self.handles[handle]).status() == psutil.STATUS_ZOMBIE
        code._obj.value = 0 if gone else portable.STILL_ACTIVE
        return 1

    def CloseHandle(self, handle: int) -> int:  # noqa: N802
        del self.handles[handle]
        return 1

    def last_error(self) -> int:
        return self.error


def simulate_windows(monkeypatch: pytest.MonkeyPatch, kernel32: FakeKernel32 | None = None) -> FakeKernel32:
    """This process as Windows would run a build: no forkserver, no /dev/shm, liveness through kernel32 only."""
    kernel32 = kernel32 or FakeKernel32()
    monkeypatch.setattr(portable, "WINDOWS", True)
    monkeypatch.setattr(portable, "_kernel32", lambda: (kernel32, kernel32.last_error))
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])

    def no_signals(pid: int, sig: int) -> None:
        raise AssertionError("os.kill(pid, 0) on Windows sends the process Ctrl-C")

    monkeypatch.setattr(os, "kill", no_signals)
    return kernel32


@pytest.fixture
def without_shm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No /dev/shm (macOS, Windows); the temp folder is a private one, so what a build leaves there shows. Its path
    is short: forkserver's socket lives there, and an AF_UNIX path holds 107 bytes."""
    monkeypatch.setattr(writer, "SHM", tmp_path / "no-dev-shm")
    temp = tmp_path_factory.mktemp("t")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def exited_child() -> subprocess.Popen:
    """A child that has exited and been reaped: its pid names no process."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- starting workers ---

def test_workers_start_by_forkserver_where_the_platform_has_it() -> None:
    assert "forkserver" in multiprocessing.get_all_start_methods()  # Linux, where these tests run
    assert portable.start_context(["json"]).get_start_method() == "forkserver"


def test_workers_start_by_spawn_where_forkserver_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert portable.start_context(["json"]).get_start_method() == "spawn"


# --- is a process alive ---

def test_on_posix_a_running_process_is_alive_and_a_reaped_one_is_not() -> None:
    assert portable.pid_alive(os.getpid())
    assert not portable.pid_alive(exited_child().pid)


def test_on_posix_a_process_we_may_not_signal_counts_as_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(pid: int, sig: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "kill", refused)
    assert portable.pid_alive(12345)


def test_on_windows_a_running_process_is_alive_and_its_handle_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel32 = simulate_windows(monkeypatch)
    assert portable.pid_alive(os.getpid())
    assert kernel32.handles == {}


def test_on_windows_a_process_that_is_gone_is_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate_windows(monkeypatch)
    assert not portable.pid_alive(exited_child().pid)


def test_on_windows_a_process_that_exited_but_can_still_be_opened_is_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        process = psutil.Process(child.pid)
        deadline = time.monotonic() + 30
        while process.status() != psutil.STATUS_ZOMBIE:  # exited, not reaped: like a Windows process with a handle
            assert time.monotonic() < deadline, "the child did not exit"
            time.sleep(0.02)
        kernel32 = simulate_windows(monkeypatch)
        assert not portable.pid_alive(child.pid)
        assert kernel32.handles == {}
    finally:
        monkeypatch.undo()
        child.wait()


def test_on_windows_someone_elses_process_counts_as_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    simulate_windows(monkeypatch, FakeKernel32(denied=frozenset({4242})))
    assert portable.pid_alive(4242)


def test_on_windows_a_process_whose_exit_code_cannot_be_read_counts_as_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel32 = simulate_windows(monkeypatch, FakeKernel32(exit_code_fails=True))
    assert portable.pid_alive(exited_child().pid) is False  # no handle at all: gone
    assert portable.pid_alive(os.getpid()) is True
    assert kernel32.handles == {}


# --- a whole build on a simulated platform gives the same data ---

@pytest.mark.parametrize("platform", ["macos", "windows"])
def test_a_build_where_forkserver_or_dev_shm_is_missing_gives_the_same_data(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str,
    without_shm: Path,
) -> None:
    temp = without_shm
    held: list[str] = []
    if platform == "windows":
        simulate_windows(monkeypatch)
        real_unlink = os.unlink

        def scanned(path: Any, *args: Any, **kwargs: Any) -> None:
            name = Path(path).name  # rmtree unlinks by name within its folder
            if name.endswith(".arrows") and name not in held:  # a virus scanner holds each new file once
                held.append(name)
                raise PermissionError(13, "The process cannot access the file because it is being used")
            real_unlink(path, *args, **kwargs)

        monkeypatch.setattr(os, "unlink", scanned)
    methods, folders = [], []
    real_context, real_exchange = writer.start_context, writer._exchange_dir

    def context(preload: list[str]) -> Any:
        methods.append((ctx := real_context(preload)).get_start_method())
        return ctx

    def exchange() -> Path | None:
        folders.append(folder := real_exchange())
        return folder

    monkeypatch.setattr(writer, "start_context", context)
    monkeypatch.setattr(writer, "_exchange_dir", exchange)
    assert blocked_config.n_blocks > 2
    meta = build(blocked_config, tmp_path / "clipstream.duckdb", workers=2, progress=False)
    with synth.connect(blocked_dataset) as con:
        assert meta["checksum"] == synth.info(con)["checksum"]
    assert methods == ["spawn" if platform == "windows" else "forkserver"]
    assert len(folders) == 1 and folders[0] is not None and folders[0].parent == temp  # blocks went through files
    assert not list(temp.glob(f"{writer.EXCHANGE_PREFIX}*"))  # and the exchange folder is gone
    assert bool(held) == (platform == "windows")  # held files did not stop the build, nor stay behind


# --- replacing a dataset on Windows, where an open file cannot be replaced ---

@pytest.fixture
def old_pair(blocked_dataset: Path, tmp_path: Path) -> Path:
    """A copy of the blocked dataset and its truth file, in a folder of their own, to be rebuilt."""
    out = tmp_path / "data" / "clipstream.duckdb"
    out.parent.mkdir()
    shutil.copy(blocked_dataset, out)
    shutil.copy(truth_path(blocked_dataset), truth_path(out))
    return out


def test_a_windows_build_replaces_a_dataset_nobody_has_open(
    old_pair: Path, blocked_config: Config, monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulate_windows(monkeypatch)
    meta = build(blocked_config.replace(seed=99), old_pair, workers=1, progress=False)
    with synth.connect(old_pair) as con:
        assert synth.info(con)["checksum"] == meta["checksum"] == content_checksum(con)
    with synth.connect(truth_path(old_pair)) as con:
        assert synth.info(con)["dataset_checksum"] == meta["checksum"]
    assert sorted(p.name for p in old_pair.parent.iterdir()) == ["clipstream.duckdb", "clipstream.truth.duckdb"]


def open_elsewhere(monkeypatch: pytest.MonkeyPatch, busy: Path) -> None:
    """Windows' answer to renaming a file another process has open (WinError 32, a PermissionError)."""
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(src) == busy:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("which", ["dataset", "truth"])
def test_a_file_open_elsewhere_stops_a_windows_build_and_changes_nothing(
    old_pair: Path, blocked_config: Config, monkeypatch: pytest.MonkeyPatch, which: str,
) -> None:
    simulate_windows(monkeypatch)
    busy = old_pair if which == "dataset" else truth_path(old_pair)
    before = {p.name: file_digest(p) for p in old_pair.parent.iterdir()}
    open_elsewhere(monkeypatch, busy)
    with pytest.raises(DatasetBusy, match=rf"cannot replace .*{busy.name}: another program has it open .* shut "
                                          "that kernel down"):
        build(blocked_config.replace(seed=99), old_pair, workers=1, progress=False)
    assert {p.name: file_digest(p) for p in old_pair.parent.iterdir()} == before  # nothing moved, nothing left


def test_synth_build_says_in_one_line_which_file_is_open(
    old_pair: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    simulate_windows(monkeypatch)
    before = {p.name: file_digest(p) for p in old_pair.parent.iterdir()}
    open_elsewhere(monkeypatch, old_pair)
    code = main(["build", "--scale", "tiny", "--seed", "3", "--out", str(old_pair), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"synth build: cannot replace {old_pair}: another program has it open")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert {p.name: file_digest(p) for p in old_pair.parent.iterdir()} == before


def test_a_posix_build_never_moves_the_old_dataset_aside(
    old_pair: Path, blocked_config: Config, monkeypatch: pytest.MonkeyPatch,
) -> None:
    moves: list[tuple[str, str]] = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (moves.append((Path(src).name, Path(dst).name)),
                                                         real(src, dst))[1])
    build(blocked_config.replace(seed=99), old_pair, workers=1, progress=False)
    # One atomic rename per file, onto the old one: open connections keep reading it.
    assert [dst for _, dst in moves] == ["clipstream.truth.duckdb", "clipstream.duckdb"]
    assert all(src.startswith(f".{dst}{writer.TEMP_MARK}") for src, dst in moves)


# --- printing on a console that cannot show every character ---

def test_synth_prints_on_a_console_without_the_characters_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp437")  # a Windows console's code page: no em dash
    monkeypatch.setattr(sys, "stdout", console)
    assert main(["plants", "--markdown"]) == 0
    console.flush()
    from synth.plant import markdown

    expected = markdown()
    assert "—" in expected  # what the code page lacks
    assert raw.getvalue().decode("cp437") == expected.replace("—", "?")


def test_a_utf8_console_is_left_as_it_is() -> None:
    console = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    portable.printable_console([console])
    assert console.errors == "strict"
