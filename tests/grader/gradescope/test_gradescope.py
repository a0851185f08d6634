"""`grader gradescope`: the autograder zip, run in Gradescope's documented /autograder layout (a temporary root).

Layout (gradescope-autograders.readthedocs.io, "Autograder Specifications"): the zip is unpacked in
/autograder/source, the submission is in /autograder/submission, who submitted in
/autograder/submission_metadata.json, and run_autograder must write /autograder/results/results.json.
"""

import json
import os
import stat
import subprocess
import sys
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from notebook_support import EXERCISES, SOLUTIONS

from grader.cli import main

MODULE = "90_fixture_sql"
SECRET = "gradescope test secret"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The autograder zip of the fixture module, with hidden datasets at scale tiny to keep the test short."""
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    assert main(["gradescope", "--module", MODULE, "--out", str(out), "--solutions", str(SOLUTIONS),
                 "--secret", SECRET, "--scale", "tiny", "--timeout", "10"]) == 0
    return out


def run_autograder(autograder, root, notebook, user_id: int) -> tuple[subprocess.CompletedProcess, dict]:
    """Unpack the zip under `root` as Gradescope does, hand in `notebook`, run run_autograder; (process, results)."""
    with zipfile.ZipFile(autograder) as zf:
        zf.extractall(root / "source")
    (root / "source" / "run_autograder").chmod(0o755)
    (root / "submission").mkdir()
    nbformat.write(notebook, root / "submission" / f"{MODULE}.ipynb")
    metadata = {"id": 1, "users": [{"email": f"s{user_id}@example.org", "id": user_id, "name": "A Student"}]}
    (root / "submission_metadata.json").write_text(json.dumps(metadata))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    for name in ("SANDBOX_DB", "SANDBOX_SOLUTIONS", "GRADER_SECRET"):
        env.pop(name, None)
    process = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                             text=True, timeout=600)
    path = root / "results" / "results.json"
    return process, json.loads(path.read_text()) if path.exists() else {}


def seed(process) -> str:
    line = next(line for line in process.stdout.splitlines() if "hidden dataset seed" in line)
    return line.split("hidden dataset seed ")[1].split(",")[0]


def test_the_zip_holds_gradescopes_two_scripts_at_its_root_executable_and_the_project(autograder):
    with zipfile.ZipFile(autograder) as zf:
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        config = json.loads(zf.read("gradescope.json"))
        assert zf.read("secret").decode().strip() == SECRET
    assert all(modes[name] & stat.S_IXUSR for name in ("setup.sh", "run_autograder"))
    assert {"sandbox/pyproject.toml", "sandbox/constraints.txt", "sandbox/grader/gradescope/run.py",
            "sandbox/synth/__init__.py", f"sandbox/solutions/{MODULE}.ipynb"} <= set(modes)
    assert not any("__pycache__" in name for name in modes)
    assert config == {"module": MODULE, "scale": "tiny", "timeout": 10.0, "memory_mb": 2048, "unsafe": False}


def test_right_wrong_and_hostile_submissions_get_gradescopes_results(autograder, tmp_path):
    right, right_results = run_autograder(autograder, tmp_path / "right",
                                          nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4), 1234)
    assert right.returncode == 0, right.stdout + right.stderr
    names = [t["name"] for t in right_results["tests"]]
    assert names == ["dau_by_day", "buyer_share", "buyer_countries", "why_not_push"]
    assert right_results["score"] == right_results["max_score"] == sum(t["max_score"] for t in right_results["tests"])
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in right_results["tests"])
    assert right_results["output"] == "Status: graded."

    wrong, wrong_results = run_autograder(autograder, tmp_path / "wrong",
                                          nbformat.read(EXERCISES / f"{MODULE}.ipynb", as_version=4), 5678)
    assert wrong.returncode == 0, wrong.stdout + wrong.stderr
    assert wrong_results["score"] == 0 and [t["name"] for t in wrong_results["tests"]] == names
    assert all(t["status"] == "failed" and t["output"].startswith(f"{t['name']}: ") for t in wrong_results["tests"])
    assert seed(right) != seed(wrong)  # a hidden dataset per student: the seed comes from their Gradescope id

    hostile_root = tmp_path / "hostile"
    forged = hostile_root / "results" / "results.json"
    hostile = nbformat.read(EXERCISES / f"{MODULE}.ipynb", as_version=4)
    hostile.cells.insert(0, new_code_cell(
        "import json, os\n"
        f"secret = open({str(hostile_root / 'source' / 'secret')!r}).read()\n"  # Landlock: refused
        f"os.makedirs({str(forged.parent)!r}, exist_ok=True)\n"
        f"json.dump({{'score': 100, 'output': secret}}, open({str(forged)!r}, 'w'))\n"
        "os._exit(0)"))
    process, results = run_autograder(autograder, hostile_root, hostile, 9999)
    assert process.returncode == 0, process.stdout + process.stderr
    assert results["score"] == 0 and [t["name"] for t in results["tests"]] == names
    # confined as in `grader grade`: the secret in the autograder's source cannot be read, results not forged
    assert results["output"].startswith("Status: graded. cell 1 raised PermissionError (line 2)")
    assert SECRET not in forged.read_text() and SECRET not in process.stdout


def test_an_empty_submission_gets_a_result_that_says_what_to_hand_in(autograder, tmp_path):
    with zipfile.ZipFile(autograder) as zf:
        zf.extractall(tmp_path / "source")
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("forgot the notebook")
    (tmp_path / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 1}]}))
    from grader.gradescope.run import main as run

    assert run(["--root", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results == {"score": 0.0, "output": f"No notebook was handed in: upload your {MODULE}.ipynb.", "tests": []}


def test_bad_usage_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["gradescope", "--module", MODULE, "--out", str(tmp_path / "autograder.tar"),
                 "--solutions", str(SOLUTIONS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must name a .zip file" in err
    assert main(["gradescope", "--module", "99_nope", "--out", str(tmp_path / "a.zip"),
                 "--solutions", str(SOLUTIONS)]) == 2
    assert not (tmp_path / "a.zip").exists()
