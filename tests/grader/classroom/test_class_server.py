"""A class folder on a shared server: several students at once, each unable to read or replace another's record.

The permission tests act as an instructor and two students with uids of their own, so they need root; the
concurrency test runs anywhere.
"""

import codecs
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import grader.classroom.command  # noqa: F401  (imported here: a child cannot read the interpreter's files)
import grader.classroom.render  # noqa: F401
import grader.syllabus  # noqa: F401
from grader.classroom.folder import init
from grader.classroom.read import read_folder
from grader.classroom.record import report
from grader.cli import main
from grader.paths import repo_root

codecs.lookup("unicode_escape")  # loaded here too: a child cannot read the interpreter's files

INSTRUCTOR, ALICE, BOB = 61_000, 61_001, 61_002  # uids (and primary gids) nobody else uses
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="acting as several users needs root")


def act(uid, action, base):
    """Run `action()` in a child process as `uid` (gid the same, no other group): what it returns, or the name of
    the OSError it raised. A fork, not a new interpreter: the test's Python may live where other uids cannot read."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.environ.update(HOME=str(base / f"home{uid}"), SANDBOX_HOME=str(base / f"home{uid}"),
                              XDG_CACHE_HOME=str(base / f"home{uid}"),
                              SANDBOX_CLASS_NAME={ALICE: "alice", BOB: "bob"}.get(uid, "teacher"))
            try:
                result = str(action())
            except OSError as error:
                result = type(error).__name__
            except Exception as error:  # the test's failure message says what went wrong
                result = f"{type(error).__name__}: {error}"
            os.write(write, result.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = pipe.read().decode()
    assert os.waitpid(child, 0)[1] == 0
    return result


@pytest.fixture
def server():
    """A shared /tmp-like base every user can enter, and the instructor's class folder in it (made by --init)."""
    base = Path(tempfile.mkdtemp(prefix="class-server-"))
    base.chmod(0o755)
    for uid in (INSTRUCTOR, ALICE, BOB):
        (base / f"home{uid}").mkdir()
        os.chown(base / f"home{uid}", uid, uid)
    (base / "srv").mkdir()
    os.chown(base / "srv", INSTRUCTOR, INSTRUCTOR)
    folder = base / "srv" / "class"
    out = act(INSTRUCTOR, lambda: "\n".join(init(folder)), base)
    assert "mode drwx-ws-wt (3733)" in out, out
    yield base, folder
    subprocess.run(["rm", "-rf", str(base)], check=True)


def write(folder, name=None):
    """A student's check of 01_active_users dau_on_date, failed with a named mistake, reported to `folder`."""
    def action():
        os.environ["SANDBOX_CLASS"] = str(folder)
        if name:
            os.environ["SANDBOX_CLASS_NAME"] = name
        return report("01_active_users", "dau_on_date", False, "Counts push_received.")
    return action


def view(folder):
    """The instructor's `grader class FOLDER --once`, as text."""
    def action():
        with redirect_stdout(io.StringIO()) as out, redirect_stderr(out):
            main(["class", str(folder), "--once"])
        return out.getvalue()
    return action


@as_root
def test_students_add_records_the_instructor_reads_but_classmates_cannot(server):
    base, folder = server
    assert act(ALICE, write(folder), base) == str(folder / "alice.json")
    assert act(BOB, write(folder), base) == str(folder / "bob.json")
    alice = (folder / "alice.json").stat()
    assert (alice.st_uid, alice.st_gid, stat.S_IMODE(alice.st_mode)) == (ALICE, INSTRUCTOR, 0o640), \
        "the setgid folder gives the record the instructor's group"
    target = folder / "alice.json"
    assert act(BOB, target.read_bytes, base) == "PermissionError"
    assert act(BOB, lambda: os.listdir(folder), base) == "PermissionError"
    assert act(BOB, target.unlink, base) == "PermissionError"
    assert act(BOB, lambda: os.replace(folder / "bob.json", target), base) == "PermissionError"
    assert act(BOB, write(folder, "alice"), base) == "PermissionError", "the sticky bit: none replaces another's"
    assert act(ALICE, lambda: len(target.read_bytes()) > 0, base) == "True"
    shown = act(INSTRUCTOR, view(folder), base)
    assert "passed   0 of 2 (  0%), 2 tried" in shown and "2 × Counts push_received." in shown
    assert [name for name in os.listdir(folder) if name.startswith(".")] == [], "no temporary file left"


@as_root
def test_a_folder_students_cannot_write_fails_the_report_leaving_nothing_behind(server):
    base, folder = server
    os.chmod(folder, 0o755)  # read-only for everyone but the instructor
    assert act(ALICE, write(folder), base) == "PermissionError"
    assert os.listdir(folder) == []


def test_several_writers_at_once_never_let_the_reader_see_a_partial_record(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    writer = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from grader.classroom.record import Membership, report
        me = Membership(Path({str(folder)!r}), sys.argv[1])
        for i in range(150):
            report("01_active_users", f"q{{i % 40}}", i % 3 == 0, f"mistake {{i % 17}} " + "x" * 400, member=me)
    """)
    env = {**os.environ, "PYTHONPATH": str(repo_root())}
    writers = [subprocess.Popen([sys.executable, "-c", writer, f"s{n}"], env=env) for n in range(4)]
    reads = 0
    while any(w.poll() is None for w in writers):
        records, notes = read_folder(folder)
        assert notes == [], notes
        reads += 1
    assert [w.returncode for w in writers] == [0] * 4
    records, notes = read_folder(folder)
    assert notes == [] and sorted(r.student for r in records) == ["s0", "s1", "s2", "s3"]
    assert all(sum(a for a, _, _ in r.questions.values()) == 150 for r in records)
    assert reads > 5, "the reader ran while the writers wrote"
    assert json.loads((folder / "s0.json").read_text())["student"] == "s0"
