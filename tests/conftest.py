"""The tests' shared fixtures: tiny and hidden-scale datasets with their answer keys, planted worlds, grading runs.

Helpers a test imports live in tests/support/ (`from support.X import ...`); only fixtures live here.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import nbformat
import pytest
from support import fixture_modules, grading
from support.grading import DISK_MB, MEMORY_MB, MODULE, SECRET, TIMEOUT_S, Run, make_corpus
from support.modules import MODULES, SOLUTIONS, build_dataset
from support.shared import Keys, built_once, shared_key, shared_root

from grader.grade import HIDDEN_SCALE
from synth.config import DEFAULT_SEED, Config, config_for
from synth.dataset import truth_path
from synth.writer import build

Connections = tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]

# The grader's fixture modules and the grading corpus are test data, not notebooks for nbval to run on their own.
collect_ignore_glob = ["grader/fixtures/*", "grader/grade/corpus/*"]


# --- the tiny dataset (seed 1, not the default): the scale hidden grading datasets have ---

@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Clipstream dataset (seed 1) with its truth file, built once per session; tests must not modify it."""
    return built_once(shared_root(tmp_path_factory) / "tiny" / "clipstream.duckdb", lambda p: build_dataset(p, seed=1))


@pytest.fixture
def fresh_dataset(tiny_dataset: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny dataset, with no answer keys beside it."""
    copy = tmp_path / "data" / "clipstream.duckdb"
    copy.parent.mkdir()
    shutil.copy(tiny_dataset, copy)
    return copy


@pytest.fixture(scope="session")
def fixture_keys(tiny_dataset: Path) -> dict:
    """The answer keys of the grader's fixture modules on the tiny dataset, each built once per run when first used,
    in a kernel as check() builds them (the other shared keys come from the pool, as `grader key` builds them)."""
    return Keys(list(fixture_modules.FIXTURE_MODULES), tiny_dataset, fixture_modules.SOLUTIONS, kernel=True)


# --- a dataset as hidden grading builds them (scale class: the public 91-day window, fewer users; seed 1) ---

@pytest.fixture(scope="session")
def hidden_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class-scale dataset (seed 1): every plant inside the public window; also the grading tests' public stand-in."""
    return built_once(shared_root(tmp_path_factory) / "class" / "clipstream.duckdb",
                      lambda p: build_dataset(p, seed=1, scale=HIDDEN_SCALE))


@pytest.fixture(scope="session")
def module_keys(hidden_dataset: Path) -> dict:
    """Every curriculum module's answer key on the hidden-scale dataset, each built once per run when first used."""
    return Keys(list(MODULES), hidden_dataset, SOLUTIONS)


@pytest.fixture(scope="session")
def corpus_db(hidden_dataset: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A student's read-only connection to the hidden-scale dataset, with the `unique_events` view of module 02 on."""
    from support.corpus import UNIQUE_EVENTS

    from synth.dataset import connect

    db = connect(hidden_dataset)
    db.execute(UNIQUE_EVENTS)
    yield db
    db.close()


@pytest.fixture(scope="session")
def public_key(hidden_dataset: Path):
    """The grading fixture module's key on the public stand-in: the numbers a student could copy."""
    return shared_key(MODULE, hidden_dataset, fixture_modules.SOLUTIONS)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A student's environment of its own: private progress file, the fixture solutions, no session running."""
    import grader.session

    monkeypatch.setenv("SANDBOX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SANDBOX_SOLUTIONS", str(fixture_modules.SOLUTIONS))
    monkeypatch.delenv("GRADER_RECORD", raising=False)
    monkeypatch.delenv("SANDBOX_CLASS", raising=False)  # no check() reports to a real class folder
    monkeypatch.setattr(grader.session, "_current", None)
    return tmp_path / "home"


# --- synth: a build cut into blocks, and small planted worlds ---

@pytest.fixture(scope="session")
def blocked_config() -> Config:
    """The tiny scale (seed 7) cut into several blocks, so worker counts and block order matter."""
    return config_for("tiny", seed=7).replace(block_users=256)


@pytest.fixture(scope="session")
def blocked_dataset(tmp_path_factory: pytest.TempPathFactory, blocked_config: Config) -> Path:
    """blocked_config built in this process once per session; tests must not modify it."""
    out = tmp_path_factory.mktemp("blocked") / "clipstream.duckdb"
    build(blocked_config, out, workers=1, progress=False)
    return out


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """small_dataset(seed, disabled=()) -> the path of a small planted dataset (with its truth file).

    The realism, plant and module truth tests share these builds: the `small` scale students use, each (seed,
    disabled plants) built once per session, on both cores (seed 42 with every plant is the default dataset `make
    data` built, when it is that); tests must not modify them.
    """
    default = _default_dataset()
    built: dict[tuple, Path] = {(DEFAULT_SEED, ()): default} if default else {}

    def get(seed: int, disabled: tuple[str, ...] = ()) -> Path:
        key = (seed, tuple(sorted(disabled)))
        if key not in built:
            name = f"world-{seed}-" + hashlib.sha256(" ".join(key[1]).encode()).hexdigest()[:12]
            config = config_for("small", seed).replace(disabled=frozenset(disabled))
            built[key] = built_once(shared_root(tmp_path_factory) / name / "clipstream.duckdb",
                                    lambda p: build(config, p, workers=2, progress=False))
        return built[key]

    return get


def _default_dataset() -> Path | None:
    """The default dataset `make data` built, when it is the small scale of the default seed (else None)."""
    import synth

    path = synth.dataset_path().resolve()
    if not path.is_file():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        found = synth.info(con)
    return path if (found.get("scale"), found.get("seed")) == ("small", str(DEFAULT_SEED)) else None


@pytest.fixture(scope="session")
def world(small_dataset: Callable[..., Path]) -> Iterator[Callable[..., Connections]]:
    """world(seed, disabled=()) -> (dataset, truth) read-only connections to small_dataset(seed, disabled)."""
    opened: dict[Path, Connections] = {}

    def get(seed: int, disabled: tuple[str, ...] = ()) -> Connections:
        """Connections to a build per (seed, disabled plants); use clean_world() to check a plant is switchable."""
        path = small_dataset(seed, disabled)
        if path not in opened:
            opened[path] = (duckdb.connect(str(path), read_only=True),
                            duckdb.connect(str(truth_path(path)), read_only=True))
        return opened[path]

    yield get
    for dataset, truth in opened.values():
        dataset.close()
        truth.close()


@pytest.fixture(scope="session")
def clean_world(world: Callable[..., Connections]) -> Connections:
    """Seed 1 with every plant switched off: one shared build for all 'without the plant' checks."""
    from synth.config import PLANT_NAMES

    return world(1, disabled=PLANT_NAMES)


# --- batch grading ---

@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, hidden_dataset: Path, public_key) -> Run:
    """The whole corpus, its links and FIFO, a hard-coded and a spying notebook, graded once (jobs 2, one shared
    hidden dataset), once per run."""
    root = shared_root(tmp_path_factory) / "corpus"
    submissions, out, cache = root / "submissions", root / "out", root / "cache"
    # graded once per run: the worker that comes second reads the first one's results (pickled, as the run left them)
    built_once(root / "graded.pickle", lambda path: path.write_bytes(pickle.dumps(
        _grade_corpus(submissions, out, cache, hidden_dataset, public_key))))
    return Run(pickle.loads((root / "graded.pickle").read_bytes()), out, cache, submissions)


def _grade_corpus(submissions: Path, out: Path, cache: Path, hidden_dataset: Path, public_key: object) -> object:
    """Grade the corpus, its special entries, a hard-coded and a spying notebook (jobs 2, one shared hidden dataset)."""
    from grader.grade import SECRET_ENV
    from grader.grade.hidden import public_seeds, seed_for
    from grader.grade.run import grade
    from grader.grade.settings import Settings

    make_corpus.write(submissions)
    make_corpus.write_special(submissions, fixture_modules.SOLUTIONS / f"{MODULE}.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANDBOX_DB", str(hidden_dataset))  # the "public" dataset a hidden seed must differ from
        patch.setenv(SECRET_ENV, SECRET)  # the grader's own environment holds the secret; workers must not
        seed = seed_for(SECRET, MODULE, "spy", 1, public_seeds())
        (submissions / "hard_coded.ipynb").write_text(nbformat.writes(grading.hard_coded(public_key)))
        paths = grading.spied_paths(out, cache, seed)
        (submissions / "spy.ipynb").write_text(nbformat.writes(grading.spy(paths, SECRET)))
        return grade(Settings(submissions=submissions, module=MODULE, out=out, jobs=2, variants=1, timeout=TIMEOUT_S,
                              solutions=fixture_modules.SOLUTIONS, cache=cache, memory_mb=MEMORY_MB, disk_mb=DISK_MB,
                              progress=False))


@pytest.fixture(scope="session")
def solved_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the solved fixture notebook of each module, named after two students."""
    folder = tmp_path_factory.mktemp("solved")
    for student, module in (("ada", "90_fixture_sql"), ("grace", "91_fixture_pandas")):
        (folder / module).mkdir()
        (folder / module / f"{student}.ipynb").write_text(nbformat.writes(make_corpus.solved(module)))
    return folder


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A worker pool for tests that submit jobs themselves."""
    from grader.grade.pool import Pool

    pool = Pool(tmp_path_factory.mktemp("pool"))
    pool.start()
    yield pool
    pool.close()
