"""Every plant module is registered, and the instructors' table of plants is the one the plants generate."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import synth.plant
from synth.config import PLANT_NAMES, Config
from synth.plant import STAGES, markdown, plants

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "docs" / "instructors" / "planted.md"
BEGIN, END = "<!-- generated: `synth plants --markdown`", "<!-- end generated -->"


def test_every_module_of_the_plant_package_is_a_registered_plant() -> None:
    modules = {p.stem for p in Path(synth.plant.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == set(PLANT_NAMES), "add a field for the plant's Params to Config (its place is its order), " \
        "or move a shared helper to plant/shared/"
    assert len(PLANT_NAMES) == len(set(PLANT_NAMES))


def test_a_plants_parameters_are_declared_beside_its_hooks_and_held_by_config_under_its_name() -> None:
    config = Config()
    for plant in plants():
        assert dataclasses.is_dataclass(plant.Params) and plant.Params.__dataclass_params__.frozen, plant.NAME
        assert type(getattr(config, plant.NAME)) is plant.Params, plant.NAME


def test_every_plant_declares_its_name_page_and_a_hook() -> None:
    pages = {p.name for p in PLANTED.parent.glob("planted*.md")}
    for plant in plants():
        assert plant.NAME == plant.__name__.rsplit(".", 1)[1]
        assert plant.DETAILS in pages, plant.NAME
        assert any(hasattr(plant, stage) for stage in STAGES), plant.NAME


def test_the_instructors_table_of_plants_is_generated_from_the_plants() -> None:
    text = PLANTED.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN):text.index(END)].split("\n", 1)[1]
    assert generated == markdown(), "docs/instructors/planted.md is out of date: paste `synth plants --markdown`"
