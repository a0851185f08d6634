"""Shared fixtures of the batch-grading tests: the corpus graded once per session, small runs, a worker pool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from notebook_support import SOLUTIONS

from grader.grade import HIDDEN_SCALE

CORPUS = Path(__file__).parent / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

# The corpus holds notebooks for the grader, not for nbval to run.
collect_ignore_glob = ["corpus/*"]

MODULE = "90_fixture_sql"
SECRET = "corpus secret"
# Small limits keep the run short; the solved fixture needs well under a second per cell and ~0.7 GB.
TIMEOUT_S = 5.0
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


@pytest.fixture(scope="session")
def public_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for the students' public dataset: the window hidden datasets span (seed 1), another population."""
    out = tmp_path_factory.mktemp("public") / "clipstream.duckdb"
    synth = Path(sys.executable).parent / "synth"
    subprocess.run([str(synth), "build", "--scale", HIDDEN_SCALE, "--seed", "1", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def public_key(public_dataset: Path):
    """The fixture module's key on the public stand-in: the numbers a student could copy."""
    from grader.key import load_key

    return load_key(MODULE, public_dataset, solutions=SOLUTIONS, progress=False)


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, public_dataset: Path, public_key) -> Run:
    """The whole corpus, its links and FIFO, a hard-coded and a spying notebook, graded once (jobs 2, one shared
    hidden dataset)."""
    from grader.grade import SECRET_ENV
    from grader.grade.hidden import public_seeds, seed_for
    from grader.grade.run import Settings, grade

    root = tmp_path_factory.mktemp("corpus")
    submissions, out, cache = root / "submissions", root / "out", root / "cache"
    make_corpus.write(submissions)
    make_corpus.write_special(submissions, SOLUTIONS / f"{MODULE}.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANDBOX_DB", str(public_dataset))  # the "public" dataset a hidden seed must differ from
        patch.setenv(SECRET_ENV, SECRET)  # the grader's own environment holds the secret; workers must not
        seed = seed_for(SECRET, MODULE, "spy", 1, public_seeds())
        (submissions / "hard_coded.ipynb").write_text(nbformat.writes(hard_coded(public_key)))
        paths = spied_paths(out, cache, seed)
        (submissions / "spy.ipynb").write_text(nbformat.writes(spy(paths, SECRET)))
        graded = grade(Settings(submissions=submissions, module=MODULE, out=out, jobs=2, variants=1,
                                timeout=TIMEOUT_S, solutions=SOLUTIONS, cache=cache, memory_mb=MEMORY_MB,
                                disk_mb=DISK_MB, progress=False))
    return Run(graded, out, cache, submissions)


@pytest.fixture(scope="session")
def solved_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the solved fixture notebook of each module, named after two students."""
    folder = tmp_path_factory.mktemp("solved")
    for student, module in (("ada", "90_fixture_sql"), ("grace", "91_fixture_pandas")):
        (folder / module).mkdir()
        (folder / module / f"{student}.ipynb").write_text(nbformat.writes(make_corpus.solved(module)))
    return folder


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory):
    """A worker pool for tests that submit jobs themselves."""
    from grader.grade.pool import Pool

    pool = Pool(tmp_path_factory.mktemp("pool"))
    pool.start()
    yield pool
    pool.close()


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
