"""The batch-grading tests' corpus, limits and helpers: hand-made notebooks, runs and what a run leaves behind."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from grader.grade import HIDDEN_SCALE
from support.fixture_modules import SOLUTIONS

CORPUS = Path(__file__).resolve().parents[1] / "grader" / "grade" / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

MODULE = "90_fixture_sql"
SECRET = "corpus secret"
# Small limits keep the run short; the solved fixture needs well under a second per cell and ~0.7 GB. The cell limit
# leaves room for forks_memory_hogs: ~2 s on a quiet machine, but its 12 children reclaim at the memory limit under
# the job's one-CPU quota, and with the rest of the suite beside it on 2 cores it ran past 5 s (CI, twice).
TIMEOUT_S = 10.0
MEMORY_MB = 1024
DISK_MB = 128  # fills_the_disk writes 600 MB


@dataclass
class Run:
    """A finished grading run and where it wrote."""

    graded: object
    out: Path
    cache: Path
    submissions: Path

    def row(self, name: str) -> dict[str, str]:
        """The grades.csv row of a corpus notebook (by file stem or folder)."""
        matches = [r for r in self.graded.rows if Path(r["submission"]).stem == name or r["submission"] == name
                   or (r["submission"].split("/")[0] == name and r["student"] == name)]
        assert len(matches) == 1, f"{name}: {len(matches)} rows"
        return matches[0]

    def result(self, name: str):
        """This run's Result of a corpus notebook."""
        matches = [r for r in self.graded.results if Path(r.submission).stem == name]
        assert len(matches) == 1
        return matches[0]


def hard_coded(key) -> nbformat.NotebookNode:
    """The solved notebook with the public dataset's answers typed in as numbers."""
    dau = key.expected["dau_by_day"]
    days = [str(pd.Timestamp(d).date()) for d in dau["day"]]
    notebook = make_corpus.solved()
    literal = {
        make_corpus.Q1: f"dau_by_day = pd.DataFrame({{'day': pd.to_datetime({days!r}), "
                        f"'dau': {list(map(int, dau['dau']))!r}}})\ncheck('dau_by_day', dau_by_day)",
        make_corpus.Q2: f"buyer_share = {float(key.expected['buyer_share'])!r}\ncheck('buyer_share', buyer_share)",
        make_corpus.Q3: f"buyer_countries = {set(key.expected['buyer_countries'])!r}\n"
                        "check('buyer_countries', buyer_countries)",
    }
    for cell_id, source in literal.items():
        make_corpus._code(notebook, cell_id).source = "import pandas as pd\n" + source
    return notebook


def spy(paths: list[str], secret: str) -> nbformat.NotebookNode:
    """A notebook that tries to read `paths` and find `secret`; it raises naming anything it got."""
    probe = (
        "import os\n"
        f"paths, secret = {paths!r}, {secret!r}\n"
        "readable = []\n"
        "for path in paths:\n"
        "    try:\n"
        "        with open(path, 'rb') as handle:\n"
        "            data = handle.read()\n"
        "        readable.append(path)\n"
        "    except OSError:\n"
        "        pass\n"
        "if secret in ' '.join(os.environ.values()) or secret.encode() in open('/proc/self/environ', 'rb').read():\n"
        "    readable.append('the secret, in the environment')\n"
        "if readable:\n"
        "    raise RuntimeError('READABLE: ' + ', '.join(readable))\n"
        "why_not_push = 'a'\n"
        "check('why_not_push', why_not_push)"
    )
    return make_corpus._with(make_corpus.Q4, probe)


def spied_paths(out: Path, cache: Path, seed: int) -> list[str]:
    """What a student must not read while grading: the key, the hidden data, the secret, solutions, grades."""
    hidden = cache / f"{HIDDEN_SCALE}-{seed}" / "clipstream.duckdb"
    key = cache / f"{HIDDEN_SCALE}-{seed}" / "clipstream.key" / MODULE
    return [str(p) for p in (
        hidden, hidden.with_name("clipstream.truth.duckdb"), key / "questions.json", key / "stamp.json",
        key / "dau_by_day.expected.arrow", key / "buyer_share.expected.json", out / ".grader" / "settings.json",
        out / "grades.csv", out / "grading.log", SOLUTIONS / f"{MODULE}.ipynb",
        Path(f"/proc/{os.getpid()}/environ"), Path(f"/proc/{os.getpid()}/cmdline"),
    )]


def run(pool, job):
    """Submit `job` and wait until it finishes."""
    pool.submit(job)
    finished = []
    while not finished:
        finished = pool.wait()
    assert finished == [job]
    return job


def leftover_sleepers() -> list[int]:
    """Processes the corpus notebooks start (`sleep 600`, `sleep 611`) that are still alive."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes() if entry.isdigit() else b""
        except OSError:
            continue
        if cmdline in (b"sleep\x00600\x00", b"sleep\x00611\x00"):
            found.append(int(entry))
    return found


def copy_notebook(source: Path, target: Path) -> Path:
    """Copy one notebook, creating the target folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target
