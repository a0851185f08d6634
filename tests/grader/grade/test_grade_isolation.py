"""Without root (no uid of their own), workers are still fenced in by Landlock: keys, secret and grades unreadable."""

import nbformat
import pytest
from support.fixture_modules import SOLUTIONS
from support.grading import MEMORY_MB, MODULE, SECRET, TIMEOUT_S, leftover_sleepers, make_corpus, spied_paths, spy

import grader.grade.run as run
from grader.grade import SECRET_ENV
from grader.grade.hidden import public_seeds, seed_for
from grader.grade.sandbox import landlock_abi
from grader.grade.settings import Settings


@pytest.mark.skipif(not landlock_abi(), reason="needs Landlock (Linux >= 5.13)")
def test_landlock_alone_keeps_the_key_and_secret_out_of_reach(corpus_run, tiny_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "_uid_base", lambda jobs: None)  # what a grader that is not root does
    monkeypatch.setenv("SANDBOX_DB", str(tiny_dataset))
    monkeypatch.setenv(SECRET_ENV, SECRET)
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    make_corpus.write(submissions)
    keep = {"perfect.ipynb", "overwrite_dataset.ipynb", "fork_and_hide.ipynb", "delete_working_dir.ipynb"}
    for path in submissions.rglob("*"):
        if path.is_file() and path.name not in keep:
            path.unlink()
    seed = seed_for(SECRET, MODULE, "spy", 1, public_seeds())
    (submissions / "spy.ipynb").write_text(nbformat.writes(spy(spied_paths(out, corpus_run.cache, seed), SECRET)))
    graded = run.grade(Settings(submissions=submissions, module=MODULE, out=out, jobs=2, variants=1,
                                    timeout=TIMEOUT_S, solutions=SOLUTIONS, cache=corpus_run.cache,
                                    memory_mb=MEMORY_MB, progress=False))
    assert {r.student: (r.status, r.score) for r in graded.results} == {
        name: ("graded", 4.0) for name in ("perfect", "overwrite_dataset", "fork_and_hide", "delete_working_dir",
                                           "spy")}
    assert any("not root" in note for note in graded.isolation)
    assert leftover_sleepers() == []  # no uid to sweep: the fork server, a child subreaper, killed the orphans
