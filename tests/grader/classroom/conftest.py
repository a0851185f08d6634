"""Fixtures of the class-view tests."""

from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty class folder (a plain one: --init's drop-box is tested on its own)."""
    path = tmp_path / "class"
    path.mkdir()
    return path
