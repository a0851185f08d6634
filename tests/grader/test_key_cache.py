"""A dataset shared read-only (JupyterHub, a lab machine): keys go to the user's cache, or are prebuilt beside it.

The dataset's folder is made read-only with chmod. Permission bits do not stop root, and tests may run as root:
there the folder is also declared unwritable to the grader's writability probe (paths.can_write), the one place
that decides where keys go; every test then asserts that the folder's contents did not change, which holds for
real whoever runs it.
"""

import os
import shutil

import duckdb
import pytest
from support.fixture_modules import SOLUTIONS

import grader
import grader.key
import grader.paths
import synth
from grader.cli import main
from grader.key import key_roots, load_key
from grader.paths import CACHE_NAME, can_write, key_root, user_key_root

MODULE = "90_fixture_sql"
AS_ROOT = os.geteuid() == 0


def listing(folder) -> dict[str, int]:
    """Every path under `folder` with its size: what a test compares before and after."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


def make_read_only(folder, monkeypatch) -> None:
    """chmod a-w the folder and every folder in it; as root (whom chmod does not stop) also tell the probe."""
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        path.chmod(0o555)
    if AS_ROOT:
        probe = grader.paths.can_write
        monkeypatch.setattr(grader.paths, "can_write", lambda path: folder not in (path, *path.parents) and probe(path))
        monkeypatch.setattr(grader.key, "can_write", grader.paths.can_write)


def writable_again(folder) -> None:
    """Undo make_read_only, so that pytest can remove the folder."""
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        path.chmod(0o755)


@pytest.fixture
def shared(tiny_dataset, tmp_path, monkeypatch, sandbox):
    """A copy of the tiny dataset in its own folder (made read-only by each test), and a private user cache."""
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(tiny_dataset, folder / "clipstream.duckdb")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SANDBOX_DB", str(folder / "clipstream.duckdb"))
    yield folder / "clipstream.duckdb"
    writable_again(folder)


def buyer_share(db) -> float:
    """The share of active users who purchased (the fixture module's buyer_share question)."""
    active = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name <> 'push_received'").df()
    buyers = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name = 'purchase'").df()
    return buyers["user_id"].isin(active["user_id"]).sum() / len(active)


def test_the_writability_probe_tries_a_write_so_root_is_told_the_truth(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    assert can_write(folder)
    folder.chmod(0o555)
    try:
        # root writes through permission bits, and the probe says so rather than trusting the bits
        assert can_write(folder) is AS_ROOT
        assert not can_write(tmp_path / "missing")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_check_on_a_read_only_dataset_builds_its_key_in_the_users_cache_and_writes_nothing_beside_it(
        shared, monkeypatch, capsys, tmp_path):
    make_read_only(shared.parent, monkeypatch)
    before = listing(shared.parent)
    db, check = grader.start(MODULE)
    right, wrong = check("buyer_share", buyer_share(db)), check("buyer_share", 2 * buyer_share(db))
    assert right.passed and not wrong.passed
    assert "Building the answer key of 90_fixture_sql" in capsys.readouterr().out
    assert listing(shared.parent) == before
    info = synth.info(db)
    cached = user_key_root(shared, info["checksum"])
    assert cached == tmp_path / "cache" / "product-metrics-sandbox" / "keys" / f"clipstream-{info['checksum'][:16]}"
    assert (cached / MODULE / "stamp.json").is_file()
    # a second session reuses the cached key: nothing is built again
    db, check = grader.start(MODULE)
    assert check("buyer_share", buyer_share(db)).passed
    assert "Building" not in capsys.readouterr().out
    # progress (in the notebook and as the CLI) lists the questions from the cached key
    questions = list(load_key(MODULE, shared, solutions=SOLUTIONS, progress=False).questions)
    assert main(["progress", MODULE]) == 0
    assert capsys.readouterr().out.startswith(f"{MODULE}: 1 of {len(questions)} questions passed\n")


def test_two_datasets_and_two_versions_of_one_never_share_a_cached_key(shared, monkeypatch, tmp_path, capsys):
    other = tmp_path / "other" / "clipstream.duckdb"  # same file name, another folder, other content
    other.parent.mkdir()
    shutil.copy(shared, other)
    with duckdb.connect(str(other)) as con:
        con.execute("UPDATE dataset_info SET value = 'another version' WHERE key = 'checksum'")
    make_read_only(shared.parent, monkeypatch)
    make_read_only(other.parent, monkeypatch)
    try:
        first = load_key(MODULE, shared, solutions=SOLUTIONS, progress=False)
        second = load_key(MODULE, other, solutions=SOLUTIONS, progress=False)
        roots = {user_key_root(shared, first.stamp["checksum"]), user_key_root(other, second.stamp["checksum"])}
        assert len(roots) == 2 and all((root / MODULE / "stamp.json").is_file() for root in roots)
        assert first.stamp["checksum"] != second.stamp["checksum"] == "another version"
        # the first dataset's key is still current: loading it again builds nothing
        capsys.readouterr()
        assert load_key(MODULE, shared, solutions=SOLUTIONS, progress=True).stamp == first.stamp
        assert capsys.readouterr().out == ""
    finally:
        writable_again(other.parent)


def test_a_stale_cached_key_is_rebuilt_and_says_why(shared, monkeypatch, capsys):
    make_read_only(shared.parent, monkeypatch)
    key = load_key(MODULE, shared, solutions=SOLUTIONS, progress=False)
    stamp = user_key_root(shared, key.stamp["checksum"]) / MODULE / "stamp.json"
    stamp.write_text(stamp.read_text().replace(key.stamp["solution"], "an older solution"))
    load_key(MODULE, shared, solutions=SOLUTIONS)
    assert "(the solution notebook changed since the answer key was built)" in capsys.readouterr().out
    assert key.stamp["solution"] in stamp.read_text()


def test_an_instructor_prebuilds_keys_beside_a_shared_dataset_and_students_use_them(shared, monkeypatch, capsys,
                                                                                    tmp_path):
    assert main(["key", MODULE, "--dataset", str(shared), "--solutions", str(SOLUTIONS)]) == 0
    out = capsys.readouterr().out
    assert f"-> {key_root(shared) / MODULE}\n" in out and "cache" not in out
    make_read_only(shared.parent, monkeypatch)
    db, check = grader.start(MODULE)
    assert check("buyer_share", buyer_share(db)).passed
    assert "Building" not in capsys.readouterr().out
    # no key of ours in the user's cache (matplotlib may keep its font list there: the workers import it)
    assert not (tmp_path / "cache" / CACHE_NAME).exists()


def test_grader_key_on_a_dataset_it_cannot_write_beside_says_where_the_keys_went(shared, monkeypatch, capsys):
    make_read_only(shared.parent, monkeypatch)
    assert main(["key", MODULE, "--solutions", str(SOLUTIONS)]) == 0
    out = capsys.readouterr().out
    checksum = synth.info(synth.connect(shared))["checksum"]
    assert f"-> {user_key_root(shared, checksum) / MODULE}\n" in out
    assert f"you cannot write in {shared.parent}, so these keys are in your own cache" in out
    assert key_roots(shared, checksum)[0] == key_root(shared) and not key_root(shared).exists()


def test_a_damaged_prebuilt_key_beside_a_read_only_dataset_is_rebuilt_once_in_the_cache(shared, monkeypatch, capsys):
    assert main(["key", MODULE, "--dataset", str(shared), "--solutions", str(SOLUTIONS)]) == 0
    damaged = next((key_root(shared) / MODULE).glob("*.arrow"))
    damaged.write_bytes(b"not arrow")
    make_read_only(shared.parent, monkeypatch)
    before = listing(shared.parent)
    capsys.readouterr()
    assert load_key(MODULE, shared, solutions=SOLUTIONS).questions
    assert "(the answer key is damaged (" in capsys.readouterr().out
    assert load_key(MODULE, shared, solutions=SOLUTIONS).questions
    assert capsys.readouterr().out == "" and listing(shared.parent) == before
