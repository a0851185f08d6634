"""`synth plants`, `synth truth` and `synth build --no-plant`: instructors see and switch what was planted."""

from __future__ import annotations

import json

import duckdb
import pytest

from synth.cli import main
from synth.config import PLANT_NAMES
from synth.dataset import truth_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plants_lists_every_phenomenon_with_its_module(capsys):
    code, out, _ = run(capsys, "plants")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == list(PLANT_NAMES)
    assert "03_weekend_trends" in next(line for line in out.splitlines() if line.startswith("promotion "))


def test_truth_prints_each_planted_effect_with_parameters_and_expectations(capsys, blocked_dataset):
    code, out, err = run(capsys, "truth", str(blocked_dataset))
    assert (code, err) == (0, "")
    assert out.count("  params:   ") == len(PLANT_NAMES)
    promotion = out.split("promotion [03_weekend_trends]")[1].splitlines()
    assert json.loads(promotion[1].split(":", 1)[1])["lift"] == 0.08
    assert "true_lift" in json.loads(promotion[2].split(":", 1)[1])


def test_truth_of_a_dataset_without_its_truth_file_says_where_it_should_be(capsys, blocked_dataset, tmp_path):
    lonely = tmp_path / "copy.duckdb"
    lonely.write_bytes(blocked_dataset.read_bytes())
    code, out, err = run(capsys, "truth", str(lonely))
    assert code == 2 and out == ""
    assert str(truth_path(lonely)) in err and len(err.splitlines()) == 1


def test_no_plant_leaves_the_phenomenon_out_of_the_data_and_the_manifest(capsys, tmp_path):
    out = tmp_path / "clean.duckdb"
    code, _, err = run(capsys, "build", "--scale", "tiny", "--seed", "3", "--out", str(out), "--workers", "1",
                       "--no-progress", "--no-plant", "promotion", "--no-plant", "bots")
    assert code == 0, err
    with duckdb.connect(str(truth_path(out)), read_only=True) as truth:
        effects = {r[0] for r in truth.execute("SELECT effect_id FROM planted_effects").fetchall()}
        bots = truth.execute("SELECT count(*) FROM bots").fetchone()[0]
    assert effects == set(PLANT_NAMES) - {"promotion", "bots"}
    assert bots == 0
    with duckdb.connect(str(out), read_only=True) as data:
        assert data.execute("SELECT count(*) FROM promotions").fetchone()[0] == 0


def test_no_plant_all_builds_the_clean_world(capsys, tmp_path):
    out = tmp_path / "clean.duckdb"
    code, _, err = run(capsys, "build", "--scale", "tiny", "--out", str(out), "--workers", "1", "--no-progress",
                       "--no-plant", "all")
    assert code == 0, err
    with duckdb.connect(str(truth_path(out)), read_only=True) as truth:
        assert truth.execute("SELECT count(*) FROM planted_effects").fetchone()[0] == 0


def test_an_unknown_phenomenon_is_a_usage_error_naming_the_choices(capsys):
    code, out, err = run(capsys, "build", "--no-plant", "unicorns")
    assert code == 2 and out == ""
    assert "'unicorns'" in err and "promotion" in err and len(err.splitlines()) == 1
