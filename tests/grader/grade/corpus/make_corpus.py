"""Write the grading test corpus: broken and hostile submissions of the 90_fixture_sql fixture module.

Run `python tests/grader/grade/corpus/make_corpus.py` after changing the fixture module; a test checks that the
committed files equal a fresh generation. Each notebook is the solved fixture (its solution with instructor cells
dropped) or the blank exercise, changed in one way that a real class produces sooner or later.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"
MODULE = "90_fixture_sql"
SETUP, INFO, Q1, Q2, Q3, Q4 = "cell-01", "cell-04", "cell-07", "cell-11", "cell-15", "cell-19"


def _marker(line: str) -> bool:
    return line.strip().startswith(("### BEGIN SOLUTION", "### END SOLUTION"))


def solved(module: str = MODULE) -> nbformat.NotebookNode:
    """The solution as a student who got everything right hands it in: no instructor cells, no markers."""
    from grader.markers import is_instructor

    solution = nbformat.read(FIXTURES / "solutions" / f"{module}.ipynb", as_version=4)
    cells = []
    for cell in solution.cells:
        if is_instructor(cell.source):
            continue
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            lines = [line for line in cell.source.splitlines() if not _marker(line)]
            cell.source = "\n".join(line.split("  # SOLUTION")[0] for line in lines)
        cells.append(cell)
    return new_notebook(cells=cells, metadata={"kernelspec": dict(solution.metadata.kernelspec)})


def blank() -> nbformat.NotebookNode:
    """The exercise exactly as handed out."""
    return nbformat.read(FIXTURES / "exercises" / f"{MODULE}.ipynb", as_version=4)


def _code(notebook: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.get("id") == cell_id)


def _with(cell_id: str, source: str, base: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """The solved notebook with one cell's source replaced."""
    notebook = base or solved()
    _code(notebook, cell_id).source = source
    return notebook


def _prepend(cell_id: str, source: str) -> nbformat.NotebookNode:
    """The solved notebook with `source` run first in one cell."""
    notebook = solved()
    cell = _code(notebook, cell_id)
    cell.source = source + "\n" + cell.source
    return notebook


def _only_code(notebook: nbformat.NotebookNode, ids: list[str]) -> nbformat.NotebookNode:
    cells = {c.id: c for c in notebook.cells}
    notebook.cells = [cells[i] for i in ids]
    return notebook


def _duplicated() -> nbformat.NotebookNode:
    notebook = solved()
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            twin = nbformat.from_dict(dict(cell))
            twin.id = f"{cell.id}-again"
            cells.append(twin)
    notebook.cells = cells
    return notebook


def _reordered() -> nbformat.NotebookNode:
    notebook = solved()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    notebook.cells = list(reversed(code))
    return notebook


def _edited_checks() -> nbformat.NotebookNode:
    notebook = solved()
    q1, q2 = _code(notebook, Q1), _code(notebook, Q2)
    q1.source = q1.source.replace('check("dau_by_day", dau_by_day)', 'check("dau", dau_by_day)  # renamed it')
    q2.source = q2.source.replace('check("buyer_share", buyer_share)', "print(buyer_share)  # no check any more")
    return notebook


def _v3() -> str:
    return nbformat.writes(nbformat.convert(solved(), 3), version=3)


HOSTILE = {
    "memory_bomb": "hoard = []\nwhile True:\n    hoard.append(bytearray(50 * 2**20))",
    "fork_bomb": (
        "import os, subprocess, time\n"
        "children = []\n"
        "for _ in range(400):\n"
        "    children.append(subprocess.Popen(['sleep', '600']))\n"
    ),
    "fork_and_hide": (
        "import os\n"
        "for _ in range(20):\n"
        "    if os.fork() == 0:\n"
        "        try:\n"
        "            os.setsid()  # leave the worker's process group\n"
        "            os.execvp('sleep', ['sleep', '611'])\n"
        "        finally:\n"
        "            os._exit(0)"
    ),
    "os_exit": "import os\nos._exit(0)",
    "sys_exit": "import sys\nsys.exit('I give up')",
    "huge_output": "for i in range(200_000):\n    print('spam ' * 20)",
    "infinite_loop": "while True:\n    pass",
    "sleep_forever": "import time\ntime.sleep(10**6)",
    "ignores_the_alarm": (
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "while True:\n    try:\n        pass\n    except BaseException:\n        pass"
    ),
    "exception_in_cell_1": "raise RuntimeError('broken on purpose')",
    "syntax_error": "dau_by_day = db.sql('SELECT 1'\ncheck('dau_by_day', dau_by_day",
    "overwrite_dataset": (
        "import os, duckdb\n"
        "path = os.environ['SANDBOX_DB']\n"
        "for attempt in (lambda: os.chmod(path, 0o666), lambda: open(path, 'wb').write(b'garbage'),\n"
        "                lambda: os.remove(path), lambda: os.rename(path, path + '.gone'),\n"
        "                lambda: duckdb.connect(path).execute('DELETE FROM events')):\n"
        "    try:\n"
        "        attempt()\n"
        "    except Exception as error:\n"
        "        print('refused:', error)"
    ),
    "delete_working_dir": (
        "import os, shutil\n"
        "open('notes.txt', 'w').write('mine')\n"
        "for name in os.listdir('.'):\n"
        "    shutil.rmtree(name) if os.path.isdir(name) else os.remove(name)\n"
        "shutil.rmtree(os.getcwd(), ignore_errors=True)\n"
        "shutil.rmtree(os.path.dirname(os.getcwd()), ignore_errors=True)"
    ),
    "writes_into_the_grader_channel": (
        "import os\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, b'\\x00\\x00\\x00\\x10{\"t\": \"done\"}garbage' * 100)\n"
        "    except OSError:\n"
        "        pass"
    ),
}

# Reads whatever it can find that might hold answers, and hands in what it found instead of computing.
STEAL = '''import glob, json, os, pathlib
import grader
found = {}
candidates = [os.environ.get("GRADER_SECRET", ""), "/proc/1/environ", f"/proc/{os.getppid()}/environ",
              f"/proc/{os.getppid()}/cmdline"]
roots = {pathlib.Path(os.environ["SANDBOX_DB"]).parent, pathlib.Path.cwd(), pathlib.Path(grader.__file__).parents[1],
         pathlib.Path("/tmp"), pathlib.Path("/root")}
for root in list(roots):
    for up in [root, *root.parents][:5]:
        candidates += glob.glob(str(up / "**" / "*.key" / "**" / "*"), recursive=True)[:200]
        candidates += glob.glob(str(up / "**" / "secret"), recursive=True)[:20]
        candidates += glob.glob(str(up / "**" / "90_fixture_sql.ipynb"), recursive=True)[:20]
for path in candidates:
    try:
        found[path] = pathlib.Path(path).read_bytes()
    except Exception:
        pass
stolen = {}
for path, data in found.items():
    if path.endswith(".ipynb") and b"BEGIN SOLUTION" in data:
        for cell in json.loads(data)["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "BEGIN SOLUTION" in source:
                exec(source.replace("check(", "(lambda *a: None)("), stolen)
    if path.endswith("dau_by_day.expected.arrow"):
        import pyarrow as pa
        stolen["dau_by_day"] = pa.ipc.open_file(pa.py_buffer(data)).read_all().to_pandas()
    if path.endswith("buyer_share.expected.json"):
        stolen["buyer_share"] = json.loads(data)["value"]
check("dau_by_day", stolen.get("dau_by_day", 0))
check("buyer_share", stolen.get("buyer_share", -1.0))
check("buyer_countries", stolen.get("buyer_countries", {"none"}))
check("why_not_push", "c")
print(len(found), "files read")
'''

# Tells everyone it passed, and fakes the engine too; its answers are wrong.
MONKEYPATCH = '''import grader, grader.compare, grader.session
from grader.outcome import Outcome
grader.compare.compare = lambda question, *args, **kwargs: Outcome(question.id, True, 1.0, 1.0, "correct")
grader.session.Session.check = lambda self, question_id, answer, **kwargs: Outcome(question_id, True, 1, 1, "ok")
real_check = check
check = lambda question_id, answer=None: Outcome(question_id, True, 1.0, 1.0, "correct")
dau_by_day = db.sql("SELECT DATE '2020-01-01' AS day, 1 AS dau").df()
buyer_share = 0.5
buyer_countries = {"XX"}
why_not_push = "b"
for question_id, answer in [("dau_by_day", dau_by_day), ("buyer_share", buyer_share),
                            ("buyer_countries", buyer_countries), ("why_not_push", why_not_push)]:
    assert check(question_id, answer)
    real_check(question_id, answer)
'''

WRONG_TYPES = '''dau_by_day = 42
buyer_share = "a lot"
buyer_countries = "US"
why_not_push = 1
for question_id in ("dau_by_day", "buyer_share", "buyer_countries", "why_not_push"):
    check(question_id, globals()[question_id])
'''


# Student code can find the grader's channel (the one pipe it may write to) and send frames of its own.
CHANNEL = """import json, os, struct
import pyarrow as pa


def send(header, payload=b""):
    head = header if isinstance(header, bytes) else json.dumps(header).encode()
    for fd in range(3, 64):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                os.write(fd, struct.pack(">II", len(head), len(payload)) + head + payload)
        except OSError:
            pass


def arrow(table, **options):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(**options)) as writer:
        writer.write_table(table)
    return bytearray(sink.getvalue().to_pybytes())


def with_offsets(offsets):
    data = arrow(pa.table({"day": pa.array(["ab", "cd", "ef"], pa.string())}))
    at = data.find(struct.pack("<4i", 0, 2, 4, 6))
    data[at:at + 16] = struct.pack("<4i", *offsets)
    return bytes(data)
"""

FORGED = {
    # offsets that go backwards: unchecked, Arrow reads before its buffer (the grader segfaulted)
    "forged_arrow_bad_offsets": 'send({"t": "answer", "q": "dau_by_day"}, with_offsets([0, 5, 2, 6]))',
    # offsets past the end of the data: unchecked, the grader's heap went into the feedback
    "forged_arrow_offsets_past_buffer": 'send({"t": "answer", "q": "dau_by_day"}, with_offsets([0, 2, 4, 1 << 20]))',
    # a zstd body of a few KB that inflates to 128 MB (the attack's 50 KB frame took the grader to 9.6 GB)
    "forged_arrow_zstd_bomb": ('import numpy as np\n'
                               'bomb = arrow(pa.table({"dau": np.zeros(2**27, dtype=np.int8)}), compression="zstd")\n'
                               'send({"t": "answer", "q": "dau_by_day"}, bytes(bomb))'),
    # a 10 KB header nested 5,000 deep (RecursionError in the grader)
    "forged_deep_header": 'send(b"[" * 5000 + b"]" * 5000)',
    # a `done` and nothing after it: a crash must not pass for a finished notebook
    "forged_done_then_exit": 'send({"t": "done", "student_s": 0.1, "printed": 0})\nos._exit(0)',
    # a `done` where the real one would come (after the last of 6 cells), with numbers no float holds (OverflowError)
    "forged_done_huge_numbers": ('send({"t": "ran", "n": 6})\n'
                                 'send(b\'{"t": "done", "student_s": 1\' + b"0" * 400 + b\', "printed": 1\''
                                 ' + b"0" * 400 + b"}")\nos._exit(0)'),
    # cell numbers and notes of the wrong types
    "forged_odd_fields": ('send({"t": "ran", "n": [1] * 1000, "error": "x" * 5000})\n'
                          'send({"t": "note", "text": {"not": "text"}})\nsend({"t": "cell", "n": "five"})'),
}

EXTRA_HOSTILE = {
    # an exception whose text cannot be encoded as UTF-8 (grades.csv could not be written)
    "surrogate_in_exception": "raise ValueError('caf\\udcff broke')",
    # an exception whose text is Markdown and HTML: the feedback must show it, not run it
    "markup_in_exception": "raise RuntimeError('<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**')",
    # fills its working folder (600 MB here): the grader's own disk must stay usable
    "fills_the_disk": (
        "chunk = b'x' * 2**20\n"
        "try:\n"
        "    for n in range(12):\n"
        "        with open(f'fill{n}', 'wb') as handle:\n"
        "            for _ in range(50):\n"
        "                handle.write(chunk)\n"
        "except OSError as error:\n"
        "    print('stopped:', error)\n"
        "else:\n"
        "    raise RuntimeError('UNLIMITED DISK: wrote 600 MB')\n"
        "finally:\n"
        "    import os\n"
        "    for name in os.listdir('.'):\n"
        "        os.remove(name)"
    ),
    # creates files until it cannot (990,000 files stalled the grader for seconds)
    "floods_inodes": (
        "try:\n"
        "    for n in range(100_000):\n"
        "        open(f'f{n}', 'w').close()\n"
        "except OSError as error:\n"
        "    print('stopped after', n, error)\n"
        "else:\n"
        "    raise RuntimeError('UNLIMITED FILES: made 100,000')"
    ),
    # 12 forked children of 100 MB each: within every per-process limit, together over the notebook's memory. Each
    # holds its share until every other child has allocated or died, so the attack does not depend on timing.
    "forks_memory_hogs": (
        "import os, select\n"
        "ready_r, ready_w = os.pipe()\n"
        "release_r, release_w = os.pipe()\n"
        "children = []\n"
        "for _ in range(12):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        code = 0\n"
        "        try:\n"
        "            os.close(release_w)\n"
        "            hog = b'x' * (100 * 2**20)\n"
        "            os.write(ready_w, b'.')\n"
        "            os.read(release_r, 1)\n"
        "        except BaseException:\n"
        "            code = 3\n"
        "        finally:\n"
        "            os._exit(code)\n"
        "    children.append(pid)\n"
        "os.close(ready_w)\n"
        "ready, statuses = 0, {}\n"
        "while ready + len(statuses) < len(children):\n"
        "    for pid in children:\n"
        "        if pid not in statuses:\n"
        "            done, status = os.waitpid(pid, os.WNOHANG)\n"
        "            if done:\n"
        "                statuses[pid] = status\n"
        "    if select.select([ready_r], [], [], 0.05)[0]:\n"
        "        ready += len(os.read(ready_r, 64))\n"
        "os.close(release_w)\n"
        "statuses |= {pid: os.waitpid(pid, 0)[1] for pid in children if pid not in statuses}\n"
        "if any(os.WIFEXITED(s) and os.WEXITSTATUS(s) == 3 for s in statuses.values()):\n"
        "    raise RuntimeError('a child could not allocate its share: the attack did not happen')\n"
        "if not any(os.WIFSIGNALED(s) for s in statuses.values()):\n"
        "    raise RuntimeError('UNLIMITED MEMORY: 12 x 100 MB in one notebook')"
    ),
    # busy loops that left the process group (they slowed every other notebook): each must share the job's quota
    "busy_loops_after_setsid": (
        "import os, time\n"
        "group, quota = None, 'max'\n"
        "for line in open('/proc/self/cgroup').read().splitlines():\n"
        "    number, controllers, path = line.split(':', 2)\n"
        "    if 'cpu' in controllers.split(','):\n"
        "        group = f'/sys/fs/cgroup/cpu{path}'\n"
        "        quota = open(f'{group}/cpu.cfs_quota_us').read().strip()\n"
        "    elif number == '0' and group is None and os.path.exists(f'/sys/fs/cgroup{path}/cpu.max'):\n"
        "        group = f'/sys/fs/cgroup{path}'\n"
        "        quota = open(f'{group}/cpu.max').read().split()[0]\n"
        "children = []\n"
        "for _ in range(8):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        os.setsid()\n"
        "        end = time.monotonic() + 1\n"
        "        while time.monotonic() < end:\n"
        "            pass\n"
        "        os._exit(0)\n"
        "    children.append(pid)\n"
        "time.sleep(0.2)\n"
        "members = open(f'{group}/cgroup.procs').read().split() if group else []\n"
        "for pid in children:\n"
        "    os.waitpid(pid, 0)\n"
        "if quota in ('-1', 'max') or not all(str(pid) in members for pid in children):\n"
        "    raise RuntimeError(f'UNLIMITED CPU: quota {quota}, {len(members)} processes in the group')"
    ),
    # kills every process it may signal, and the fork server that started it
    "kills_everything": (
        "import os, signal\n"
        "for target in (-1, os.getppid()):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "    except OSError as error:\n"
        "        print(error)"
    ),
    # unix, UDP and netlink sockets: the kinds Landlock does not cover
    "opens_sockets": (
        "import socket\n"
        "opened = []\n"
        "for family, kind in ((socket.AF_UNIX, socket.SOCK_STREAM), (socket.AF_INET, socket.SOCK_DGRAM),\n"
        "                     (socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_INET, socket.SOCK_STREAM)):\n"
        "    try:\n"
        "        opened.append(socket.socket(family, kind))\n"
        "    except OSError:\n"
        "        pass\n"
        "if opened:\n"
        "    raise RuntimeError(f'OPENED {len(opened)} sockets')"
    ),
}

MANY_CELLS = 5_100


def _many_cells() -> nbformat.NotebookNode:
    """The solved notebook after 5,100 cells that do nothing (a `done` must not be lost among their messages)."""
    from nbformat.v4 import new_code_cell

    notebook = solved()
    notebook.cells = [new_code_cell("", id=f"pad-{i}") for i in range(MANY_CELLS)] + notebook.cells
    return notebook


# Entries git cannot hold (links, a FIFO, a name that is not UTF-8) or should not (a megabyte of padding):
# `write_special` makes them next to the committed files.
SPECIAL = ("links_to_the_solution", "links_relative", "links_inside_a_folder", "linked_folder", "a_fifo",
           "not_utf8_name", "x" * 251, "many_cells", "nested_deep")


def write_special(folder: Path, solution: Path) -> None:
    """Make the SPECIAL entries in `folder`, pointing at the solution notebook `solution`."""
    (folder / "links_to_the_solution.ipynb").symlink_to(solution.resolve())
    (folder / "links_relative.ipynb").symlink_to(os.path.relpath(solution.resolve(), folder))
    (folder / "links_inside_a_folder").mkdir()
    (folder / "links_inside_a_folder" / f"{MODULE}.ipynb").symlink_to(solution.resolve())
    (folder / "linked_folder").symlink_to(solution.resolve().parent, target_is_directory=True)
    os.mkfifo(folder / "a_fifo.ipynb")
    (folder / os.fsdecode(b"not_utf8_name\xff.ipynb")).write_text(nbformat.writes(solved()))
    (folder / ("x" * 251)).mkdir()  # its feedback file name would pass 255 bytes
    (folder / ("x" * 251) / f"{MODULE}.ipynb").write_text(nbformat.writes(solved()))
    (folder / "many_cells.ipynb").write_text(nbformat.writes(_many_cells()))
    (folder / "nested_deep.ipynb").write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")


def corpus() -> dict[str, str]:
    """Relative path -> file text of every corpus submission."""
    notebooks: dict[str, nbformat.NotebookNode] = {
        "perfect": solved(),
        "blank": blank(),
        "empty": new_notebook(),
        "cells_deleted": _only_code(solved(), [INFO, Q1, Q3, Q4]),
        "cells_duplicated": _duplicated(),
        "cells_reordered": _reordered(),
        "question_cells_edited": _edited_checks(),
        "steals_the_key": _with(Q4, STEAL, _only_code(solved(), [SETUP, Q4])),
        "monkeypatches_check": _with(Q4, MONKEYPATCH, _only_code(solved(), [SETUP, Q4])),
        "wrong_types": _with(Q4, WRONG_TYPES, _only_code(solved(), [SETUP, Q4])),
        "exception_in_cell_1": _prepend(SETUP, HOSTILE["exception_in_cell_1"]),
        "syntax_error": _with(Q1, HOSTILE["syntax_error"]),
        "twin": solved(),
    }
    # Hostile code runs in the third question's cell, after two answers were checked.
    for name in ("memory_bomb", "fork_bomb", "fork_and_hide", "os_exit", "sys_exit", "huge_output", "infinite_loop",
                 "sleep_forever", "ignores_the_alarm", "overwrite_dataset", "delete_working_dir",
                 "writes_into_the_grader_channel"):
        notebooks[name] = _prepend(Q3, HOSTILE[name])
    for name, source in FORGED.items():
        notebooks[name] = _prepend(Q3, CHANNEL + source)
    for name, source in EXTRA_HOSTILE.items():
        notebooks[name] = _prepend(Q3, source)
    # a self-study habit left in a submission, setup line deleted: hints and solutions stay hidden, nothing breaks
    notebooks["asks_for_hints"] = _prepend(Q1, 'print(check.hint("dau_by_day"), check.solution("dau_by_day"))')
    notebooks["asks_for_hints"].cells = [c for c in notebooks["asks_for_hints"].cells if c.get("id") != SETUP]
    notebooks["=HYPERLINK(0)"] = solved()  # a student id a spreadsheet would run
    notebooks["![x](javascript:alert(1))"] = blank()  # one Markdown would render
    files = {f"{name}.ipynb": nbformat.writes(nb) + "\n" for name, nb in notebooks.items()}
    files["Twin/90_fixture_sql.ipynb"] = nbformat.writes(blank()) + "\n"  # the same student id, again
    files["old_nbformat.ipynb"] = _v3() + "\n"
    files["not_json.ipynb"] = "This is my homework, I wrote it in Word {\n"
    files["json_not_notebook.ipynb"] = '{"answers": [1, 2, 3]}\n'
    files["notes.txt"] = "Not a notebook: the grader lists it as skipped.\n"
    return files


def write(folder: Path) -> None:
    """Write the corpus into `folder`."""
    for relative, text in corpus().items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "submissions")
