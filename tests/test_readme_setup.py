"""The README's set-up without make works as typed: every command runs a module this environment has, with
arguments its parser accepts, and the Windows block says the same as the macOS/Linux one in Windows spelling."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grader.cli import parser as grader_parser
from grader.paths import repo_root
from synth.cli import _parser as synth_parser

ROOT = repo_root()
VENV_PYTHON = {"sh": ".venv/bin/python", "powershell": ".venv\\Scripts\\python"}


def setup_block(shell: str) -> list[str]:
    """The commands of the README's set-up block for `shell` (sh: macOS and Linux; powershell: Windows)."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Set up without make", 1)[1]
    found = re.search(rf"```{shell}\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    assert found, f"no {shell} block in the README's set-up section"
    return [line for line in found.group(1).splitlines() if line.strip()]


def module_commands(shell: str) -> list[list[str]]:
    """Each line after the venv's creation, as [module, *arguments], checked to run the venv's Python."""
    commands = []
    for line in setup_block(shell)[1:]:
        words = shlex.split(line.replace("\\", "/"), posix=True)  # Windows paths read with / to compare
        assert words[0] == VENV_PYTHON[shell].replace("\\", "/") and words[1] == "-m", line
        commands.append(words[2:])
    return commands


def test_the_venv_is_created_by_the_platforms_python_launcher() -> None:
    assert setup_block("sh")[0] == "python3 -m venv .venv"
    assert setup_block("powershell")[0] == "py -3 -m venv .venv"


def test_windows_runs_the_same_commands_as_macos_and_linux() -> None:
    assert module_commands("powershell") == module_commands("sh")
    assert [m[0] for m in module_commands("sh")] == ["pip", "synth", "grader", "jupyterlab"]


def test_the_documented_venv_python_is_this_environments() -> None:
    assert (ROOT / VENV_PYTHON["sh"]).resolve() == Path(sys.executable).resolve()


def test_every_documented_module_runs_with_python_m() -> None:
    for module, *_ in module_commands("sh"):
        assert importlib.util.find_spec(f"{module}.__main__") is not None, module


def test_the_install_line_installs_the_lab_extra_with_the_pinned_versions() -> None:
    install = module_commands("sh")[0]
    assert install == ["pip", "install", "-c", "constraints.txt", "-e", ".[lab]"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    pinned = {line.split("==")[0].lower() for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").split()}
    assert {re.split(r"[<>=!~ ]", r)[0].lower() for r in extras["lab"]} <= pinned


@pytest.mark.parametrize("module", ["synth", "grader"])
def test_the_projects_commands_accept_the_documented_arguments(module: str) -> None:
    parse = {"synth": synth_parser(), "grader": grader_parser()}[module]
    documented = [args for name, *args in module_commands("sh") if name == module]
    assert documented
    for args in documented:
        parse.parse_args(args)  # a usage error exits


def test_python_m_synth_builds_a_dataset(tmp_path: Path) -> None:
    out = tmp_path / "clipstream.duckdb"
    done = subprocess.run([sys.executable, "-m", "synth", "build", "--scale", "tiny", "--seed", "5", "--out",
                           str(out), "--workers", "2"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: 1,000 users")
    info = subprocess.run([sys.executable, "-m", "synth", "info", str(out)], capture_output=True, text=True)
    assert "seed: 5" in info.stdout and "scale: tiny" in info.stdout


def test_python_m_grader_makes_the_workspace(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "grader", "workspace", "--folder", str(tmp_path / "my-work")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "my-work" / "00_start_here.ipynb").is_file()


def test_python_m_jupyterlab_starts() -> None:
    done = subprocess.run([sys.executable, "-m", "jupyterlab", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\S*\n", done.stdout), done.stderr
