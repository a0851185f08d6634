"""The `synth` command line: outputs, and one clear line with exit code 2 for every bad input."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import synth
from synth import schema, stats
from synth.cli import main
from synth.writer import temp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["build", "--seed", "abc"], ["--seed", "'abc'", "e.g. --seed 42"]),
        (["build", "--seed", "-3"], ["--seed", "'-3'", "non-negative"]),
        (["build", "--seed", "1.5"], ["--seed", "'1.5'"]),
        (["build", "--scale", "huge"], ["--scale", "'huge'", "tiny"]),
        (["build", "--workers", "0"], ["--workers", "'0'", ">= 1"]),
        (["build", "--workers", "two"], ["--workers", "'two'"]),
        (["build", "--bogus"], ["--bogus", "--help"]),
        ([], ["COMMAND", "synth --help"]),
        (["rebuild"], ["'rebuild'", "synth --help"]),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragments: list[str]
) -> None:
    assert_usage_error(*run(capsys, *argv), *fragments)


def test_build_into_a_missing_folder_is_refused_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "nowhere" / "x.duckdb"
    assert_usage_error(*run(capsys, "build", "--scale", "tiny", "--out", str(out)), str(out.parent),
                       "choose another --out")
    assert list(tmp_path.iterdir()) == []


def test_build_under_a_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    assert_usage_error(*run(capsys, "build", "--out", str(blocker / "x.duckdb")), "not an existing folder")
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_build_onto_a_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_usage_error(*run(capsys, "build", "--out", str(tmp_path)), "is a folder", "clipstream.duckdb")
    assert list(tmp_path.iterdir()) == []


def test_build_never_replaces_a_file_that_is_not_a_dataset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes\n")
    assert_usage_error(*run(capsys, "build", "--scale", "tiny", "--out", str(notes)), "is not a Clipstream dataset")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.duckdb"]
    assert notes.read_text() == "my notes\n"


def test_build_replaces_an_existing_dataset(capsys: pytest.CaptureFixture[str], blocked_dataset: Path,
                                            tmp_path: Path) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    code, _, _ = run(capsys, "build", "--scale", "tiny", "--seed", "11", "--out", str(out), "--workers", "1",
                     "--no-progress")
    assert code == 0
    with synth.connect(out) as con:
        assert synth.info(con)["seed"] == "11"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_build_into_a_read_only_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert_usage_error(*run(capsys, "build", "--out", str(locked / "x.duckdb")), "not writable")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", ["info", "report"])
def test_a_missing_dataset_is_named_with_the_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "missing.duckdb"
    assert_usage_error(*run(capsys, command, str(missing)), str(missing), "synth build --out")
    assert list(tmp_path.iterdir()) == []


def test_the_missing_default_dataset_says_make_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SANDBOX_DB", raising=False)
    monkeypatch.setattr(synth.dataset, "DEFAULT_PATH", tmp_path / "clipstream.duckdb")
    assert_usage_error(*run(capsys, "info"), "make data")


@pytest.mark.parametrize("command", ["info", "report"])
def test_a_file_that_is_not_a_dataset_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("just some text\n")
    assert_usage_error(*run(capsys, command, str(bogus)), "is not a Clipstream dataset")
    assert bogus.read_text() == "just some text\n"


def test_a_folder_is_not_a_dataset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_usage_error(*run(capsys, "info", str(tmp_path)), "is a folder")


def test_report_into_a_file_is_refused(
    capsys: pytest.CaptureFixture[str], blocked_dataset: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "charts"
    blocker.write_text("x")
    assert_usage_error(*run(capsys, "report", str(blocked_dataset), "--out", str(blocker)), "is a file")


def test_the_installed_command_exits_2_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "synth", "info", str(tmp_path / "none.duckdb")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


INTERRUPTIBLE = ["-m", "synth", "build", "--scale", "medium", "--workers", "2", "--no-progress", "--out"]


def test_ctrl_c_stops_a_build_with_one_line_and_keeps_the_old_dataset(blocked_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    before = out.read_bytes()
    proc = subprocess.Popen([sys.executable, *INTERRUPTIBLE, str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    tmp = temp_path(out, proc.pid)
    deadline = time.monotonic() + 120
    while not (tmp.exists() and tmp.stat().st_size > 4_000_000) and proc.poll() is None:
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    out_text, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert out_text == "" and err.splitlines() == [f"synth build: interrupted; {out} was left as it was"]
    assert [p.name for p in tmp_path.iterdir()] == ["clipstream.duckdb"]
    assert out.read_bytes() == before


def test_build_writes_a_dataset_and_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "built.duckdb"
    code, printed, _ = run(capsys, "build", "--scale", "tiny", "--seed", "5", "--out", str(out),
                           "--workers", "1", "--no-progress")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.duckdb", "built.truth.duckdb"]
    with synth.connect(out) as con:
        meta = synth.info(con)
    assert (meta["seed"], meta["scale"]) == ("5", "tiny")
    assert str(out) in printed and f"{int(meta['events_rows']):,} events" in printed


def test_info_shows_seed_scale_window_row_counts_and_checksum(
    capsys: pytest.CaptureFixture[str], blocked_dataset: Path
) -> None:
    code, out, err = run(capsys, "info", str(blocked_dataset))
    assert code == 0 and err == ""
    with synth.connect(blocked_dataset) as con:
        meta = synth.info(con)
    for key in ("seed", "scale", "window_start", "window_end", "users_rows", "events_rows", "videos_rows",
                "checksum"):
        assert f"{key}: {meta[key]}\n" in out


def test_report_prints_every_statistic_and_table_and_writes_the_chart_sheet(
    capsys: pytest.CaptureFixture[str], blocked_dataset: Path, tmp_path: Path
) -> None:
    # A table added by a later feature must show up without changing the report.
    data = tmp_path / "data.duckdb"
    shutil.copy(blocked_dataset, data)
    with duckdb.connect(str(data)) as con:
        con.execute("CREATE TABLE later_table AS SELECT 1 AS x UNION ALL SELECT 2")
    code, out, err = run(capsys, "report", str(data), "--out", str(tmp_path / "charts"))
    assert code == 0 and err == ""
    with synth.connect(data) as con:
        values = stats.realism(con)
        users = int(synth.info(con)["users_rows"])
    lines = out.splitlines()
    for name, value in values.items():
        flag = "OK" if stats.in_range(name, value) else "out of range"
        assert any(line.startswith(name) and line.endswith(flag) and f"{value:.3f}" in line for line in lines)
    for table, rows in (("later_table", 2), ("users", users)):
        assert any(line.split() == [table, f"{rows:,}"] for line in lines)
    png = tmp_path / "charts" / "clipstream_report.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(png) in out


def test_schema_markdown_prints_the_data_dictionary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--markdown")
    assert code == 0 and out == schema.markdown()


def test_schema_prints_ddl_that_creates_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    con = duckdb.connect()
    con.execute(out)
    tables = {n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == {t.name for t in schema.TABLES}


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    """`synth schema --markdown | head` with head gone: no BrokenPipe traceback, SIGPIPE's exit code."""
    command = subprocess.Popen([sys.executable, "-m", "synth", "schema", "--markdown"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert command.stdout is not None and command.stderr is not None
    command.stdout.close()
    errors = command.stderr.read()
    assert (command.wait(), errors) == (141, b"")
