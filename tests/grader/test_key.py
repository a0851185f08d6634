"""Answer keys: built by executing a solution in record mode, stamped, reused, rebuilt when stale, stored as data."""

import json
import os
import re
import shutil

import duckdb
import nbformat
import pyarrow as pa
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from support.fixture_modules import FIXTURE_MODULES, SOLUTIONS

import grader
import grader.grade.keys
import grader.key
import synth
from grader.cli import main
from grader.compare import compare
from grader.key import RECORD_ENV, RecordError, build_key, load_key, read_key, solution_digest
from grader.paths import GraderError, key_root
from grader.session import mistake, question
from grader.spec import Scalar, Table

MODULE = "90_fixture_sql"


def declared_ids(module: str) -> list[str]:
    """Question ids in the order the solution notebook declares them."""
    notebook = nbformat.read(SOLUTIONS / f"{module}.ipynb", as_version=4)
    return re.findall(r'question\("(\w+)"', "\n".join(c.source for c in notebook.cells))


def with_key_of(module: str, source, target):
    """Copy `module`'s key beside the dataset `source` to beside `target`."""
    shutil.copytree(key_root(source) / module, key_root(target) / module)


def set_checksum(dataset, value: str) -> None:
    with duckdb.connect(str(dataset)) as con:
        con.execute("UPDATE dataset_info SET value = ? WHERE key = 'checksum'", [value])


def write_module(folder, name: str, *cells: str) -> None:
    folder.mkdir(exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), folder / f"{name}.ipynb")


SETUP = "import grader\nfrom grader import question\nfrom grader.spec import Scalar\ndb, check = grader.start('{}')"


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_a_key_holds_every_declared_question_and_is_stamped_with_the_dataset_and_solution(
        module, fixture_keys, tiny_dataset):
    key = fixture_keys[module]
    assert list(key.questions) == declared_ids(module)
    assert all(key.mistakes[q] for q in key.questions), "every fixture question registers a known mistake"
    with synth.connect(tiny_dataset) as con:
        assert key.stamp["checksum"] == synth.info(con)["checksum"]
    assert key.stamp["solution"] == solution_digest(SOLUTIONS / f"{module}.ipynb")
    stamp = json.loads((key_root(tiny_dataset) / module / "stamp.json").read_text())
    assert stamp == key.stamp


@pytest.mark.parametrize("module", FIXTURE_MODULES)
def test_a_key_holds_each_questions_solution_code_without_markers(module, fixture_keys):
    key = fixture_keys[module]
    assert set(key.solutions) == set(key.questions)
    assert all(code and "SOLUTION" not in code for code in key.solutions.values())


def test_a_key_of_an_older_format_is_rebuilt(fixture_keys, tiny_dataset, fresh_dataset, capsys):
    with_key_of(MODULE, tiny_dataset, fresh_dataset)
    stamp_file = key_root(fresh_dataset) / MODULE / "stamp.json"
    stamp_file.write_text(json.dumps({**json.loads(stamp_file.read_text()), "format": 1}))
    assert load_key(MODULE, fresh_dataset, solutions=SOLUTIONS).solutions == fixture_keys[MODULE].solutions
    assert "written by another version of the grader" in capsys.readouterr().out


def test_the_key_is_stored_as_json_and_arrow_files_never_pickle(fixture_keys, tiny_dataset):
    files = sorted((key_root(tiny_dataset) / MODULE).iterdir())
    assert {f.suffix for f in files} == {".json", ".arrow"}
    for path in files:
        data = path.read_bytes()
        assert not data.startswith(b"\x80"), f"{path.name} looks like a pickle"
        if path.suffix == ".json":
            json.loads(data)
        else:
            assert pa.ipc.open_file(pa.py_buffer(data)).read_all().num_rows > 0


def test_a_current_key_is_reused_without_running_the_solution(fixture_keys, tiny_dataset, monkeypatch):
    monkeypatch.setattr(grader.key, "build_key", lambda *a, **k: pytest.fail("the key was rebuilt"))
    key = load_key(MODULE, tiny_dataset, solutions=SOLUTIONS)
    assert key.stamp == fixture_keys[MODULE].stamp and list(key.questions) == list(fixture_keys[MODULE].questions)


def test_a_key_is_rebuilt_when_the_dataset_checksum_changes(fixture_keys, tiny_dataset, fresh_dataset, capsys):
    with_key_of(MODULE, tiny_dataset, fresh_dataset)
    set_checksum(fresh_dataset, "0" * 64)
    key = load_key(MODULE, fresh_dataset, solutions=SOLUTIONS)
    assert "the dataset changed since the answer key was built" in capsys.readouterr().out
    assert key.stamp["checksum"] == "0" * 64
    assert read_key(key_root(fresh_dataset) / MODULE).stamp["checksum"] == "0" * 64
    assert [p.name for p in key_root(fresh_dataset).iterdir()] == [MODULE], "no temporary folders are left"


def test_a_key_is_rebuilt_when_the_solution_notebook_changes(fixture_keys, tiny_dataset, fresh_dataset, tmp_path,
                                                             capsys):
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions)
    with_key_of(MODULE, tiny_dataset, fresh_dataset)
    assert load_key(MODULE, fresh_dataset, solutions=solutions).stamp == fixture_keys[MODULE].stamp
    notebook = nbformat.read(solutions / f"{MODULE}.ipynb", as_version=4)
    notebook.cells[0].source += "\n\nA sentence added by the author."
    nbformat.write(notebook, solutions / f"{MODULE}.ipynb")
    key = load_key(MODULE, fresh_dataset, solutions=solutions, progress=False)
    assert key.stamp["solution"] == solution_digest(solutions / f"{MODULE}.ipynb") != fixture_keys[MODULE].stamp[
        "solution"]
    assert "solution notebook changed" not in str(capsys.readouterr())  # progress=False is silent


def test_outputs_of_a_solution_do_not_make_its_key_stale(tmp_path):
    write_module(tmp_path, "m", "x = 1")
    before = solution_digest(tmp_path / "m.ipynb")
    notebook = nbformat.read(tmp_path / "m.ipynb", as_version=4)
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook.cells[0].execution_count = 1
    nbformat.write(notebook, tmp_path / "m.ipynb")
    assert solution_digest(tmp_path / "m.ipynb") == before


def test_a_stale_key_is_never_used_even_without_a_solution_to_rebuild_it(fixture_keys, tiny_dataset, fresh_dataset,
                                                                         tmp_path):
    with_key_of(MODULE, tiny_dataset, fresh_dataset)
    assert load_key(MODULE, fresh_dataset, solutions=tmp_path).questions  # matching key, no solution: usable
    set_checksum(fresh_dataset, "1" * 64)
    with pytest.raises(GraderError, match="dataset changed since the answer key was built and there is no solution"):
        load_key(MODULE, fresh_dataset, solutions=tmp_path)


def test_a_failing_solution_names_its_cell_and_leaves_the_previous_key_intact(fresh_dataset, tmp_path):
    solutions = tmp_path / "solutions"
    write_module(solutions, "95_demo", SETUP.format("95_demo"), "question('n', Scalar())", "check('n', 41 + 1)")
    good = load_key("95_demo", fresh_dataset, solutions=solutions, progress=False)
    write_module(solutions, "95_demo", SETUP.format("95_demo"), "question('n', Scalar())", "check('n', 1 / 0)")
    with pytest.raises(GraderError, match="cell 3 of 95_demo failed: ZeroDivisionError: division by zero"):
        load_key("95_demo", fresh_dataset, solutions=solutions, progress=False)
    assert read_key(key_root(fresh_dataset) / "95_demo").stamp == good.stamp
    assert [p.name for p in key_root(fresh_dataset).iterdir()] == ["95_demo"]


def test_a_question_declared_but_never_checked_fails_the_build_with_the_fix(fresh_dataset, tmp_path):
    write_module(tmp_path, "96_demo", SETUP.format("96_demo"),
                 "question('a', Scalar())\nquestion('b', Scalar())", "check('a', 1)")
    with pytest.raises(GraderError, match="declares b but never checks it; add check"):
        build_key("96_demo", fresh_dataset, solutions=tmp_path, progress=False)
    assert not (key_root(fresh_dataset) / "96_demo").exists()


def test_a_solution_whose_setup_line_names_another_module_is_refused(fresh_dataset, tmp_path):
    write_module(tmp_path, "97_demo", SETUP.format("01_other"), "question('a', Scalar())", "check('a', 1)")
    with pytest.raises(GraderError, match="starts module '01_other'; its setup line must be grader.start"):
        build_key("97_demo", fresh_dataset, solutions=tmp_path, progress=False)


@pytest.fixture
def recording(sandbox, tiny_dataset, tmp_path, monkeypatch):
    """An in-process record-mode session, as in the kernel `grader key` starts; loading a key is forbidden."""
    folder = tmp_path / "record"
    folder.mkdir()
    monkeypatch.setenv(RECORD_ENV, str(folder))
    monkeypatch.setattr("grader.session.load_key", lambda *a, **k: pytest.fail("a key was loaded while recording"))
    _, check = grader.start("98_demo", dataset=tiny_dataset)
    return folder, check


def test_while_recording_check_stores_the_answer_instead_of_comparing(recording):
    folder, check = recording
    question("n", Scalar(), hint="count them")
    outcome = check("n", 42)
    mistake("n", "Counted twice.", 84)
    assert outcome.passed and outcome.summary == "Recorded as the answer key."
    manifest = json.loads((folder / "questions.json").read_text())
    assert manifest["module"] == "98_demo"
    [entry] = manifest["questions"]
    assert entry["spec"]["hint"] == ["count them"] and entry["mistakes"][0]["name"] == "Counted twice."
    assert json.loads((folder / entry["expected"]).read_text())["value"] == 42


def test_building_a_key_while_recording_is_refused_so_solutions_cannot_recurse(recording, tiny_dataset):
    with pytest.raises(GraderError, match="while one is being recorded"):
        build_key(MODULE, tiny_dataset, solutions=SOLUTIONS)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (lambda check: check("n", 1), "used before it is declared"),
        (lambda check: (question("n", Scalar()), question("n", Scalar())), "declared twice"),
        (lambda check: (question("n", Scalar()), check("n", 1), check("n", 2)), "checked twice"),
        (lambda check: (question("n", Scalar()), check("n", None)), "solution's answer to 'n' is unusable"),
        (lambda check: (question("n", Scalar()), mistake("n", "m", 1), mistake("n", "m", 2)), "declared twice"),
        (lambda check: mistake("n", "m", 1), "used before it is declared"),
        (lambda check: (question("t", Table(key=("dya",))), check("t", {"day": "2025-09-01", "dau": 3})),
         r"question 't' cannot judge the solution's answer: Table\(key=...\) names \['dya'\]"),
        (lambda check: (question("c", Table(columns=("dua",))), check("c", {"day": "2025-09-01", "dau": 3})),
         r"question 'c' cannot judge the solution's answer: Table\(columns=...\) names \['dua'\]"),
    ],
)
def test_inconsistent_recordings_raise_for_the_author(recording, steps, message):
    _, check = recording
    with pytest.raises(RecordError, match=message):
        steps(check)


def test_cli_key_reports_each_module_and_reuses_current_keys(fixture_keys, tiny_dataset, capsys, monkeypatch):
    assert len([fixture_keys[module] for module in FIXTURE_MODULES]) == len(FIXTURE_MODULES)  # built, if first
    monkeypatch.setattr(grader.grade.keys, "record", lambda *a, **k: pytest.fail("a key was rebuilt"))
    assert main(["key", "--db", str(tiny_dataset), "--solutions", str(SOLUTIONS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for module, line in zip(FIXTURE_MODULES, lines, strict=True):
        key = fixture_keys[module]
        assert line.startswith(f"{module}: {len(key.questions)} questions, "
                               f"{sum(map(len, key.mistakes.values()))} known mistakes")


def test_cli_key_rebuild_rebuilds_even_a_current_key(fixture_keys, tiny_dataset, monkeypatch, capsys):
    built = []

    def record(requests, *args, **kwargs):
        built.extend(module.name for module, _ in requests)
        return {module.name: fixture_keys[module.name] for module, _ in requests}

    monkeypatch.setattr(grader.grade.keys, "record", record)
    assert main(["key", "--rebuild", "--db", str(tiny_dataset), "--solutions", str(SOLUTIONS), MODULE]) == 0
    assert built == [MODULE]


def test_cli_key_builds_keys_on_the_pool_in_parallel_with_the_kernels_answers_and_reports_in_module_order(
        fixture_keys, fresh_dataset, capsys):
    # fixture_keys were built in a kernel, as check() builds a key; `grader key` runs solutions on the worker pool
    assert main(["key", "--jobs", "2", "--db", str(fresh_dataset), "--solutions", str(SOLUTIONS)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("Building")]
    assert [line.split(":")[0] for line in lines] == list(FIXTURE_MODULES)
    for module in FIXTURE_MODULES:
        built, reference = read_key(key_root(fresh_dataset) / module), fixture_keys[module]
        assert list(built.questions) == list(reference.questions) and built.mistakes.keys() == reference.mistakes.keys()
        for question_id, spec in reference.questions.items():
            assert compare(spec, built.expected[question_id], reference.expected[question_id]).passed, question_id


def test_cli_key_off_linux_records_each_key_in_a_kernel_without_the_pool(fixture_keys, fresh_dataset, monkeypatch,
                                                                          capsys):
    monkeypatch.setattr(grader.grade.keys.sys, "platform", "darwin")
    monkeypatch.setattr(grader.grade.keys.Pool, "start", lambda self: pytest.fail("the pool needs Linux"))
    assert main(["key", "--jobs", "2", "--db", str(fresh_dataset), "--solutions", str(SOLUTIONS)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("Building")]
    assert [line.split(":")[0] for line in lines] == list(FIXTURE_MODULES)
    for module in FIXTURE_MODULES:
        assert read_key(key_root(fresh_dataset) / module).expected.keys() == fixture_keys[module].expected.keys()


def test_cli_key_names_the_module_and_cell_of_a_failing_solution_in_one_line_and_leaves_no_half_key(
        fresh_dataset, tmp_path, capsys):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    notebook = nbformat.read(SOLUTIONS / f"{MODULE}.ipynb", as_version=4)
    notebook.cells.append(new_code_cell("1 / 0"))
    nbformat.write(notebook, solutions / f"{MODULE}.ipynb")
    assert main(["key", "--db", str(fresh_dataset), "--solutions", str(solutions), MODULE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and MODULE in err and "ZeroDivisionError" in err, err
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    assert f"code cell {code_cells}" in err
    assert not key_root(fresh_dataset).exists() or not any(key_root(fresh_dataset).iterdir())


def test_an_interrupted_key_build_leaves_no_half_key_and_no_worker(fresh_dataset, monkeypatch):
    import psutil

    waited = grader.grade.keys.Pool.wait

    def interrupted(self, timeout=None):
        waited(self, timeout=0.5)  # Ctrl-C while waiting, once the worker is under way
        raise KeyboardInterrupt

    monkeypatch.setattr(grader.grade.keys.Pool, "wait", interrupted)
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    with pytest.raises(KeyboardInterrupt):
        grader.grade.keys.build_keys([MODULE], fresh_dataset, solutions=SOLUTIONS, progress=False)
    assert list(key_root(fresh_dataset).iterdir()) == []
    left = [p for p in me.children(recursive=True)
            if p.pid not in before and p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [p.cmdline() for p in left]


def test_cli_key_refuses_fewer_than_one_job_in_one_line(tiny_dataset, capsys):
    assert main(["key", "--jobs", "0", "--db", str(tiny_dataset), "--solutions", str(SOLUTIONS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--jobs must be at least 1" in err


def test_cli_key_with_a_missing_dataset_prints_one_line_and_exits_2(tmp_path, capsys):
    assert main(["key", "--db", str(tmp_path / "none.duckdb"), "--solutions", str(SOLUTIONS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("grader key: no dataset at")


def test_executing_a_notebook_leaves_no_kernel_running(tmp_path):
    import psutil

    from grader.key import execute

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    execute(new_notebook(cells=[new_code_cell("x = 1")]), tmp_path, dict(os.environ))
    left = [p for p in me.children(recursive=True)
            if p.pid not in before and p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"still running after the key build: {[p.cmdline() for p in left]}"
