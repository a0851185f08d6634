"""Building a dataset: schema, determinism, atomic writes, read-only access."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

import synth
import synth.simulate
from synth import schema, writer
from synth.config import Config
from synth.dataset import DatasetError, truth_path
from synth.writer import build, content_checksum, temp_path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_and_actual_checksum(path: Path) -> tuple[str, str]:
    with synth.connect(path) as con:
        return synth.info(con)["checksum"], content_checksum(con)


def written(tmp: Path) -> int:
    """Bytes in a build's temp file and its write-ahead log."""
    return sum(p.stat().st_size for p in (tmp, tmp.with_name(tmp.name + ".wal")) if p.exists())


def wait_for(condition, what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_every_table_has_the_schema_columns_types_and_nullability(blocked_dataset: Path) -> None:
    with synth.connect(blocked_dataset) as con:
        for table in schema.TABLES:
            actual = con.execute(
                "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position", [table.name]
            ).fetchall()
            assert actual == [(c.name, c.type, c.nullable) for c in table.columns], table.name


def test_columns_are_stored_with_the_compression_the_schema_names(blocked_dataset: Path) -> None:
    with synth.connect(blocked_dataset) as con:
        for table in (schema.EVENTS, schema.SERVER_EVENTS):
            used = dict(con.execute(
                "SELECT column_name, list(DISTINCT lower(compression)) FROM pragma_storage_info(?) "
                "WHERE segment_type <> 'VALIDITY' GROUP BY ALL", [table.name]).fetchall())
            named = {c.name: {c.compression} for c in table.columns if c.compression}
            # a segment whose values are all equal is stored as a constant, whatever the codec
            assert named and {name: set(used[name]) - {"constant"} for name in named} == named, table.name


def test_the_core_tables_have_rows(blocked_dataset: Path) -> None:
    with synth.connect(blocked_dataset) as con:
        for table in (schema.USERS, schema.EVENTS, schema.VIDEOS, schema.DATASET_INFO):
            assert con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0] > 0, table.name


def test_dataset_info_records_the_build(blocked_dataset: Path, blocked_config: Config) -> None:
    with synth.connect(blocked_dataset) as con:
        meta = synth.info(con)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("users", "events", "videos")}
        checksum = content_checksum(con)
    assert meta["seed"] == str(blocked_config.seed) and meta["scale"] == "tiny"
    assert meta["synth_version"] == synth.__version__
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION)
    assert meta["window_start"] == str(blocked_config.window_start)
    assert meta["window_end"] == str(blocked_config.window_end)
    assert {t: int(meta[f"{t}_rows"]) for t in counts} == counts
    assert meta["checksum"] == checksum
    assert f"duckdb {duckdb.__version__}" in meta["built_with"]


def test_the_truth_file_sits_beside_the_dataset_and_names_it(blocked_dataset: Path) -> None:
    truth = truth_path(blocked_dataset)
    assert truth.name == "clipstream.truth.duckdb" and truth.parent == blocked_dataset.parent
    with synth.connect(blocked_dataset) as con:
        checksum = synth.info(con)["checksum"]
        dataset_tables = {n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    with synth.connect(truth) as con:
        meta = synth.info(con)
        for table in schema.TRUTH_TABLES:
            actual = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position", [table.name]
            ).fetchall()
            assert actual == [(c.name, c.type) for c in table.columns], table.name
        assert meta["checksum"] == content_checksum(con)
    assert meta["dataset_checksum"] == checksum
    assert not dataset_tables & {t.name for t in schema.TRUTH_TABLES}  # students never see the truth


def test_checksum_changes_when_any_value_changes(blocked_dataset: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(blocked_dataset, copy)
    with duckdb.connect(str(copy)) as con:
        before = content_checksum(con)
        con.execute("UPDATE events SET watch_ms = watch_ms + 1 WHERE event_id = (SELECT min(event_id) FROM events "
                    "WHERE watch_ms IS NOT NULL)")
        assert content_checksum(con) != before


def test_same_seed_gives_the_same_checksum_for_any_worker_count(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path
) -> None:
    assert blocked_config.n_blocks > 2
    reference = stored_and_actual_checksum(blocked_dataset)[0]
    again = build(blocked_config, tmp_path / "again.duckdb", workers=1, progress=False)
    parallel = build(blocked_config, tmp_path / "parallel.duckdb", workers=2, progress=False)
    assert again["checksum"] == reference
    assert parallel["checksum"] == reference


def test_a_different_seed_gives_a_different_checksum(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path
) -> None:
    other = build(blocked_config.replace(seed=blocked_config.seed + 1), tmp_path / "other.duckdb", progress=False)
    assert other["checksum"] != stored_and_actual_checksum(blocked_dataset)[0]


@pytest.mark.parametrize("failure", [RuntimeError("simulated failure"), KeyboardInterrupt()])
def test_a_failed_build_keeps_the_old_dataset_and_leaves_no_temp_file(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    before = file_digest(out)
    real = synth.simulate.simulate_block

    def failing(config: Config, block: int) -> dict:
        if block == 2:
            raise failure
        return real(config, block)

    monkeypatch.setattr(synth.simulate, "simulate_block", failing)
    with pytest.raises(type(failure)):
        build(blocked_config, out, workers=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clipstream.duckdb"]
    assert file_digest(out) == before


KILLABLE_BUILD = """
import sys
from pathlib import Path
from synth.config import config_for
from synth.writer import build
build(config_for("medium", seed=3), Path(sys.argv[1]), workers=2, progress=False)
"""


def test_workers_that_cannot_start_fail_the_build_and_keep_the_old_dataset(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoWorkers(writer.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            raise OSError("cannot start a worker process")

    monkeypatch.setattr(writer, "ProcessPoolExecutor", NoWorkers)
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    before = file_digest(out)
    with pytest.raises(OSError, match="cannot start a worker"):
        build(blocked_config, out, workers=2, progress=False)
    assert file_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clipstream.duckdb"]


def test_the_exchange_folder_exists_only_once_a_worker_that_removes_it_does(tmp_path: Path) -> None:
    folder = writer._exchange_dir()
    if folder is None:
        pytest.skip("no writable /dev/shm with room on this machine")
    assert not folder.exists()  # a build killed before its workers start leaves nothing in RAM
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    # a worker whose build is already gone: it makes the folder, sees the parent dead, removes it and quits
    worker = subprocess.run([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                             "from synth.writer import _init_worker; "
                             "_init_worker(int(sys.argv[1]), Path(sys.argv[2])); time.sleep(30)",
                             str(dead.pid), str(folder)], timeout=20)
    assert worker.returncode == 1
    assert not folder.exists()


def test_a_killed_build_keeps_the_old_dataset_and_leaves_nothing_running(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    before = file_digest(out)
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE_BUILD, str(out)])
    tmp = temp_path(out, proc.pid)
    try:
        # Kill it once blocks are being written into the temp file.
        wait_for(lambda: written(tmp) > 4_000_000 or proc.poll() is not None, "the build to write blocks")
        assert proc.poll() is None, "the build finished before it could be killed"
        helpers = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert helpers, "the build was meant to run worker processes"
    wait_for(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in helpers),
             "the worker processes to exit")
    wait_for(lambda: not list(writer.SHM.glob(f"{writer.EXCHANGE_PREFIX}{proc.pid}-*")),
             "the workers to remove their exchange folder")
    assert file_digest(out) == before
    stored, actual = stored_and_actual_checksum(out)
    assert stored == actual
    assert tmp.exists()  # SIGKILL leaves no chance to clean up; the next build does it

    build(blocked_config.replace(seed=99), out, workers=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clipstream.duckdb", "clipstream.truth.duckdb"]


READER = """
import sys
import synth
con = synth.connect(sys.argv[1])
print(con.execute("SELECT count(*) FROM users").fetchone()[0], flush=True)
sys.stdin.readline()  # hold the connection until told to go on
print(con.execute("SELECT count(*) FROM users").fetchone()[0], flush=True)
"""


def test_a_rebuild_succeeds_while_another_process_reads_the_old_file(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        old_users = reader.stdout.readline().strip()
        bigger = blocked_config.replace(scale=dataclasses.replace(blocked_config.scale, users=1_300))
        meta = build(bigger, out, workers=1, progress=False)
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == old_users  # the reader still sees its snapshot
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert reader.returncode == 0
    assert int(old_users) != int(meta["users_rows"])
    assert stored_and_actual_checksum(out) == (meta["checksum"], meta["checksum"])


def test_a_new_connection_sees_a_rebuild_while_an_old_one_is_still_open(
    blocked_dataset: Path, blocked_config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "clipstream.duckdb"
    shutil.copy(blocked_dataset, out)
    with synth.connect(out) as old:
        meta = build(blocked_config.replace(seed=blocked_config.seed + 5), out, workers=1, progress=False)
        with synth.connect(out) as new:
            assert synth.info(new)["checksum"] == meta["checksum"]
        assert synth.info(old)["checksum"] != meta["checksum"]


def test_connect_is_read_only(blocked_dataset: Path) -> None:
    with synth.connect(blocked_dataset) as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute("CREATE TABLE scratch (x INTEGER)")


ZONES = """
import sys
import duckdb
import synth
print(duckdb.connect().execute("SELECT current_setting('TimeZone')").fetchone()[0])
print(synth.connect(sys.argv[1]).execute("SELECT current_setting('TimeZone')").fetchone()[0])
"""


def test_connect_uses_utc_whatever_the_machine_zone(blocked_dataset: Path) -> None:
    env = {**os.environ, "TZ": "America/New_York"}
    out = subprocess.run([sys.executable, "-c", ZONES, str(blocked_dataset)], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["America/New_York", "UTC"]


def test_connect_follows_sandbox_db(blocked_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_DB", str(blocked_dataset))
    assert synth.dataset_path() == blocked_dataset
    with synth.connect() as con:
        assert synth.info(con)["scale"] == "tiny"


def test_missing_default_dataset_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANDBOX_DB", raising=False)
    monkeypatch.setattr(synth.dataset, "DEFAULT_PATH", tmp_path / "clipstream.duckdb")
    with pytest.raises(DatasetError, match=r"run `python -m synth build` \(or `make data`\)"):
        synth.connect()


@pytest.mark.parametrize("content", [b"", b"not a database\n" * 100])
def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(content)
    with pytest.raises(DatasetError, match="is not a Clipstream dataset"):
        synth.connect(bad)


def test_a_duckdb_file_without_dataset_info_is_not_a_dataset(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    with pytest.raises(DatasetError, match="is not a Clipstream dataset"):
        synth.connect(other)
