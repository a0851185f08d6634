"""Installed from a wheel, outside any checkout, the self-study path works: the package carries the notebooks,
and the dataset, the student's copies and the keys go to ~/metrics-sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Installed:
    """Where the wheel was installed, the student's home folder and the environment that uses them."""

    target: Path
    home: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python ARGS` as a student who installed the wheel types it, in their home folder."""
        return subprocess.run([sys.executable, *args], cwd=self.home, env=self.env, capture_output=True, text=True,
                              timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The project built as a wheel and installed into a folder of its own, with a home folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    wheels, target, home = root / "wheels", root / "site", root / "home"
    home.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True,
                   capture_output=True)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True,
                   capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANDBOX_", "XDG_"))}
    env |= {"PYTHONPATH": str(target), "HOME": str(home)}
    return Installed(target, home, env)


def test_the_installed_package_is_the_one_imported_and_carries_every_notebook(installed):
    probe = ("import grader, grader.paths as p; print(grader.__file__); "
             "print(*sorted(q.stem for q in p.solutions_dir().glob('*.ipynb'))); "
             "print(*sorted(q.stem for q in p.exercises_dir().glob('*.ipynb')))")
    done = installed.run("-c", probe)
    assert done.returncode == 0, done.stderr
    where, solutions, exercises = done.stdout.splitlines()
    assert Path(where).is_relative_to(installed.target)
    committed = " ".join(sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb")))
    assert solutions == committed
    assert exercises == " ".join(sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb")))


def test_a_student_builds_the_data_copies_the_notebooks_and_checks_an_answer(installed):
    work = installed.home / "metrics-sandbox"
    built = installed.run("-m", "synth", "build", "--scale", "tiny")
    assert built.returncode == 0, built.stderr
    assert (work / "datasets" / "clipstream.duckdb").is_file()

    copied = installed.run("-m", "grader", "workspace")
    assert copied.returncode == 0, copied.stderr
    assert (work / "my-work" / "00_start_here.ipynb").is_file()
    assert (work / "my-work" / "01_active_users.ipynb").is_file()

    keyed = installed.run("-m", "grader", "key", "01_active_users")
    assert keyed.returncode == 0, keyed.stderr
    assert (work / "datasets" / "clipstream.key" / "01_active_users").is_dir()


def test_the_maintainers_re_execution_says_it_needs_a_checkout(installed):
    done = installed.run("-m", "grader.reexecute")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "reexecute: this command changes or packages the project's files and needs a source checkout: "
        "run it from a git clone of the sandbox"]
    assert "Traceback" not in done.stderr
