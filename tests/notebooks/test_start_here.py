"""notebooks/00_start_here.ipynb: committed clean, runs top to bottom on the default dataset, shows check at work."""

import json

import nbformat
import pytest
from support.modules import MODULES, ROOT, exercise_of, run_notebook
from support.notebooks import check_cells, shown

import synth

TOUR = ROOT / "notebooks" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def toured(tmp_path_factory):
    dataset = synth.dataset_path().resolve()
    if not dataset.is_file():
        pytest.fail(f"no default dataset at {dataset}: run `make data` first")
    home = tmp_path_factory.mktemp("home")
    return run_notebook(TOUR, dataset, home), dataset, home


def test_the_tour_is_committed_without_outputs():
    notebook = nbformat.read(TOUR, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in notebook.cells if c.cell_type == "code")


def test_the_tour_runs_top_to_bottom_on_the_default_dataset(toured):
    notebook, *_ = toured
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert any(o.get("data", {}).get("image/png") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


def test_the_tour_shows_every_table_with_its_rows_and_links_the_data_dictionary(toured):
    notebook, dataset, _ = toured
    with synth.connect(dataset) as db:
        tables = [name for (name,) in db.sql("SELECT table_name FROM duckdb_tables()").fetchall()]
    listing = "\n".join(shown(c) for c in notebook.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for table in tables:
        assert f"{table} " in listing, f"{table} has no row count"
        assert f"`{table}`" in prose, f"{table} is not described"
    assert "(../datasets/README.md)" in prose and (TOUR.parent / "../datasets/README.md").resolve().is_file()


def test_the_warm_up_names_the_mistake_then_waits_for_an_answer(toured):
    notebook, _, home = toured
    first, second = [shown(c, streams=False) for c in check_cells(notebook)]
    assert first.startswith("dau_on_date: not yet") and "Known mistake:" in first
    assert "Not answered yet" in second
    # the deliberately wrong demonstration is not the student's try: module 01 starts with no attempt
    progress = home / "progress.json"
    attempts = json.loads(progress.read_text())["modules"]["01_active_users"]["dau_on_date"]["attempts"] \
        if progress.exists() else 0
    assert attempts == 0


def test_the_curriculum_map_lists_every_module_with_an_exercise():
    prose = "\n".join(c.source for c in nbformat.read(TOUR, as_version=4).cells if c.cell_type == "markdown")
    for module in MODULES:
        assert f"`{module}`" in prose
        assert exercise_of(module).is_file()
