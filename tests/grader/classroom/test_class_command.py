"""`grader class FOLDER`: --init, --once, the live loop until Ctrl-C, the self-refreshing page, usage errors."""

import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from grader.classroom.command import run
from grader.classroom.record import Membership, report
from grader.cli import main, parser

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the pseudonyms' secret
    path = tmp_path / "class"
    assert main(["class", str(path), "--init"]) == 0
    report("01_active_users", "dau_on_date", False, "Counts push_received.", now=T0, member=Membership(path, "alice"))
    return path


def test_init_makes_a_drop_box_students_can_write_but_not_list(folder, capsys):
    mode = folder.stat().st_mode
    assert stat.S_IMODE(mode) == 0o3733 and stat.filemode(mode) == "drwx-ws-wt"
    folder.chmod(0o755)
    assert main(["class", str(folder), "--init"]) == 0, "--init again fixes the mode"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o3733
    assert f"export SANDBOX_CLASS={folder}" in capsys.readouterr().out


def test_once_prints_the_view_and_exits(folder, capsys):
    capsys.readouterr()
    assert main(["class", str(folder), "--once"]) == 0
    out = capsys.readouterr().out
    assert "01_active_users dau_on_date  passed   0 of 1 (  0%), 1 tried" in out
    assert "1 × Counts push_received." in out and "alice" in out
    assert main(["class", str(folder), "--once", "--anonymise"]) == 0
    assert "alice" not in capsys.readouterr().out


def test_live_view_refreshes_the_page_on_each_tick_until_ctrl_c_then_exits_cleanly(folder, tmp_path, capsys):
    page = tmp_path / "view.html"
    args = parser().parse_args(["class", str(folder), "--html", str(page), "--every", "3"])
    ticks = iter([T0 + timedelta(minutes=m) for m in (1, 2, 3)])
    pages, waits = [], []

    def sleep(seconds):
        pages.append(page.read_text())
        waits.append(seconds)
        if len(waits) == 2:
            report("01_active_users", "dau_on_date", True, None, now=T0, member=Membership(folder, "bob"))
        if len(waits) == 3:
            raise KeyboardInterrupt

    assert run(args, clock=lambda: next(ticks), sleep=sleep) == 0
    out = capsys.readouterr().out
    assert waits == [3, 3, 3] and out.count("Class view at") == 3 and out.rstrip().endswith("keeps the last view")
    assert "09:01:00 UTC" in pages[0] and "09:02:00 UTC" in pages[1]
    assert "0 of 1 (0%)" in pages[1] and "1 of 2 (50%)" in pages[2], "a student who joins shows on the next tick"
    assert '<meta http-equiv=refresh content="3">' in pages[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".view")] == [], "no temporary page left"


@pytest.mark.parametrize("argv, message", [
    (["class", "{missing}", "--once"], "does not exist; create it with `grader class"),
    (["class", "{folder}", "--once", "--module", "99_nothing"], "no module '99_nothing' among the solutions"),
    (["class", "{folder}", "--once", "--every", "0"], "--every and --top need at least 1"),
    (["class", "{folder}", "--once", "--group", "staff"], "--group only goes with --init"),
    (["class", "{file}", "--init"], "exists and is not a folder"),
    (["class", "{folder}", "--init", "--group", "no-such-group-xyz"], "there is no group 'no-such-group-xyz'"),
    (["class", "{folder}", "--once", "--html", "{missing}/view.html"], "choose another --html path"),
])
def test_usage_errors_are_one_line_with_the_fix_and_exit_2(folder, tmp_path, capsys, argv, message):
    (tmp_path / "file").write_text("x")
    paths = {"folder": folder, "missing": tmp_path / "missing", "file": tmp_path / "file"}
    capsys.readouterr()
    assert main([arg.format(**paths) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("grader class: ") and message in err and err.count("\n") == 1


def test_an_unlistable_class_folder_is_a_one_line_error(folder, capsys, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("grader.classroom.read.os.scandir", refuse)
    assert main(["class", str(folder), "--once"]) == 2
    assert "cannot list the class folder" in capsys.readouterr().err


def test_ctrl_c_stops_the_live_view_of_a_real_process_without_a_traceback(folder, tmp_path):
    page = tmp_path / "view.html"
    view = subprocess.Popen([sys.executable, "-m", "grader", "class", str(folder), "--every", "1", "--html", str(page)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = view.stdout.readline()
        assert first.startswith("Class view at"), first
        while "(refreshing every 1 s" not in view.stdout.readline():
            pass
        view.send_signal(signal.SIGINT)
        out, err = view.communicate(timeout=30)
    finally:
        view.kill()
    assert view.returncode == 0 and "Traceback" not in err and err == ""
    assert out.rstrip().endswith(f"stopped; {page} keeps the last view")
    assert page.read_text().startswith("<!DOCTYPE html>")
