"""The browser test's fixtures: one private JupyterLab and one headless Chromium page for the whole file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from support.lab import SCREENSHOTS, Lab, chromium, copy_dataset, running_lab
from support.modules import EXERCISES, ROOT

import synth
from grader.key import Key, load_key

MODULE = "01_active_users"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving temporary copies of the tour and module 01's exercise, on a copy of the default dataset."""
    base = tmp_path_factory.mktemp("lab")
    dataset = copy_dataset(synth.dataset_path().resolve(), base / "dataset", MODULE)
    load_key(MODULE, dataset, progress=False)  # built here if the copy had none, not in the middle of a cell run
    notebooks = [ROOT / "notebooks" / "00_start_here.ipynb", EXERCISES / f"{MODULE}.ipynb"]
    print(f"JupyterLab's log: {base / 'lab.log'}")  # shown when a test fails
    with running_lab(base, notebooks, dataset) as server:
        yield server


@pytest.fixture(scope="module")
def key(lab: Lab) -> Key:
    """Module 01's answer key for the lab's dataset: the one its kernels check against (built there if missing)."""
    return load_key(MODULE, lab.dataset, progress=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    """A page of headless Chromium with a fresh profile."""
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # only this run's screenshots
    with sync_playwright() as playwright, chromium(playwright, tmp_path_factory.mktemp("chromium")) as context:
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
