"""The committed data dictionary is the one synth.schema generates."""

from __future__ import annotations

from pathlib import Path

from synth import schema

README = Path(__file__).resolve().parents[2] / "datasets" / "README.md"


def test_datasets_readme_is_generated_from_the_schema() -> None:
    assert README.read_text(encoding="utf-8") == schema.markdown(), (
        "datasets/README.md is out of date: run `synth schema --markdown > datasets/README.md`"
    )


def test_data_dictionary_describes_every_column() -> None:
    text = schema.markdown()
    for table in schema.TABLES:
        assert f"## `{table.name}`" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text and column.description in text
