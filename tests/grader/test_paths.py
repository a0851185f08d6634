"""Where a user's answer-key cache lives on each platform: the places platformdirs uses, $XDG_CACHE_HOME first."""

from pathlib import Path

import pytest

from grader.paths import CACHE_NAME, cache_dir, user_key_root
from synth import portable


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of its own, no cache variables, on simulated Linux."""
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(portable, "WINDOWS", False)
    monkeypatch.setattr(portable, "MACOS", False)
    return tmp_path / "home"


def test_linux_caches_in_dot_cache(home: Path) -> None:
    assert cache_dir() == home / ".cache" / CACHE_NAME


def test_macos_caches_in_library_caches(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portable, "MACOS", True)
    assert cache_dir() == home / "Library" / "Caches" / CACHE_NAME


def test_windows_caches_in_local_app_data(home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(portable, "WINDOWS", True)
    assert cache_dir() == home / "AppData" / "Local" / CACHE_NAME  # the variable's usual value, when unset
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert cache_dir() == tmp_path / "Local" / CACHE_NAME


@pytest.mark.parametrize("platform", ["WINDOWS", "MACOS", None])
def test_xdg_cache_home_wins_on_every_platform(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str | None
) -> None:
    if platform:
        monkeypatch.setattr(portable, platform, True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / CACHE_NAME


def test_keys_of_a_shared_dataset_go_under_the_platforms_cache(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portable, "MACOS", True)
    assert user_key_root(Path("/srv/clipstream.duckdb"), "ab" * 32) == (
        home / "Library" / "Caches" / CACHE_NAME / "keys" / f"clipstream-{'ab' * 8}")
