"""The browser test's JupyterLab: a private server on a free port, headless Chromium, and what a page shows.

Nothing here touches the checkout or the user's state: the server's root, settings, workspaces, kernels' progress
file and answer keys all live in a temporary folder, and the server stops (with its kernels) when the test ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import nbformat
import psutil

from grader.paths import key_root
from support.modules import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Playwright

# Debian's package, never a downloaded browser; $SANDBOX_CHROMIUM names another build (or none, to see the skip).
CHROMIUM = Path(os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium"))
# As root Chromium needs --no-sandbox; the rest keep a closed network quiet (no update, sync or QUIC probes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Tall, so many cells are on screen: JupyterLab skips rendering cells out of view (they stay in the page).
VIEWPORT = {"width": 1280, "height": 2400}
SCREENSHOTS = ROOT / "build" / "e2e-screenshots"  # git-ignored; kept after the run for a human to look at
READY_S = 60.0
# User settings a fresh JupyterLab would otherwise ask about in pop-ups over the notebook.
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}}
PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}
STDERR_MIME = "application/vnd.jupyter.stderr"


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where to reach it and the folders it works in."""

    url: str
    token: str
    root: Path  # the server's root_dir: the notebooks a student opens
    home: Path  # $SANDBOX_HOME: the kernels' progress file
    dataset: Path  # $SANDBOX_DB: a copy of the default dataset, with its answer keys beside it
    process: subprocess.Popen

    def api(self, path: str, method: str = "GET") -> Any:
        """Call a REST endpoint of the server (e.g. GET "sessions"); the decoded answer, None when empty."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def tree(self, notebook: str, workspace: str) -> str:
        """The URL opening `notebook` in a workspace of its own, so no tab restored from another one is in the page."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"


def free_port() -> int:
    """A localhost port nobody listens on now (the OS picks it, so parallel test workers do not collide)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_dataset(source: Path, folder: Path, module: str) -> Path:
    """A copy of `source` in `folder` with `module`'s answer key when one is beside it (else check() builds it)."""
    folder.mkdir(parents=True)
    copy = Path(shutil.copy(source, folder / source.name))
    prebuilt = key_root(source) / module
    if prebuilt.is_dir():  # used only while current: the grader checks the stamp and rebuilds a stale key
        shutil.copytree(prebuilt, key_root(copy) / module)
    return copy


def lab_env(base: Path, dataset: Path) -> dict[str, str]:
    """The server's (and so its kernels') environment: every Jupyter, grader and cache folder under `base`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "SANDBOX_", "GRADER_"))}
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
               "JUPYTERLAB_SETTINGS_DIR": "settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
               "IPYTHONDIR": "ipython", "SANDBOX_HOME": "home", "XDG_CACHE_HOME": "cache"}
    env.update({name: str(base / sub) for name, sub in folders.items()})
    env["SANDBOX_DB"] = str(dataset)
    env["MPLCONFIGDIR"] = matplotlib.get_configdir()  # its font cache: a fresh one costs seconds per kernel
    return env


def write_settings(env: dict[str, str]) -> None:
    """JupyterLab settings that keep pop-ups off the page and spare the CPU a check for a build nobody runs."""
    files = {Path(env["JUPYTERLAB_SETTINGS_DIR"], name): values for name, values in SETTINGS.items()}
    files[Path(env["JUPYTER_CONFIG_DIR"], "labconfig", "page_config.json")] = PAGE_CONFIG
    for path, values in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextlib.contextmanager
def running_lab(base: Path, notebooks: list[Path], dataset: Path) -> Iterator[Lab]:
    """JupyterLab on a free port with a token, serving copies of `notebooks`; stopped with its kernels on exit."""
    root = base / "root"
    root.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy(notebook, root / notebook.name)
    env = lab_env(base, dataset)
    write_settings(env)
    port, token = free_port(), secrets.token_hex(16)
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root otherwise; CI containers are root
    log = (base / "lab.log").open("wb")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, Path(env["SANDBOX_HOME"]), dataset, process)
    try:
        wait_ready(lab, base / "lab.log")
        yield lab
    finally:
        stop(lab)
        log.close()


def wait_ready(lab: Lab, log: Path) -> None:
    """Return once the server answers its status API; fail with the log's end if it exits or takes too long."""
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise AssertionError(f"jupyter lab exited with {lab.process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError):  # refused until it listens
            lab.api("status")
            return
        time.sleep(0.2)
    raise AssertionError(f"jupyter lab did not answer within {READY_S:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    """The last lines of a log file."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def stop(lab: Lab) -> None:
    """Shut the server down through its API (it stops its kernels first), then kill whatever of it is left.

    Fails if a process it started outlived it: kernels run in sessions of their own, out of the server's group.
    """
    try:
        family = [psutil.Process(lab.process.pid), *psutil.Process(lab.process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    with contextlib.suppress(OSError):
        lab.api("shutdown", method="POST")
    try:
        lab.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.process.kill()
        lab.process.wait()
    _, alive = psutil.wait_procs(family, timeout=10)
    for leftover in alive:
        leftover.kill()
    assert not alive, f"processes outlived jupyter lab: {[(p.pid, p.name()) for p in alive]}"


@contextlib.contextmanager
def chromium(playwright: Playwright, profile: Path) -> Iterator[BrowserContext]:
    """Headless Debian Chromium with a fresh profile folder and a tall viewport."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


# --- what a notebook page shows ---

def notebook_panel(page: Page) -> Locator:
    """The notebook on show: restored tabs in the background stay in the page, hidden."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def open_notebook(page: Page, lab: Lab, notebook: str, workspace: str, timeout_s: float = 60.0) -> Locator:
    """Open a notebook in a workspace of its own; its panel, once every cell is in the page and its one kernel is
    connected and idle."""
    page.goto(lab.tree(notebook, workspace))
    panel = notebook_panel(page)
    panel.locator(".jp-Cell").first.wait_for()
    cells = len(nbformat.read(lab.root / notebook, as_version=4).cells)
    deadline = time.monotonic() + timeout_s
    while cell_count(panel) < cells:  # JupyterLab adds cells to the page a batch at a time
        assert time.monotonic() < deadline, f"{notebook}: {cell_count(panel)} of its {cells} cells in the page"
        time.sleep(0.1)
    wait_kernel(lab, notebook)
    wait_idle(panel)
    return panel


def wait_kernel(lab: Lab, notebook: str, timeout_s: float = 60.0) -> None:
    """Wait until `notebook` has one session whose kernel is idle with the page connected, and no kernel is spare.

    Opening a notebook can start a second kernel and shut the first down: a run sent to the first would be lost.
    """
    deadline = time.monotonic() + timeout_s
    sessions: list[dict] = []
    kernels: dict[str, dict] = {}
    while True:
        try:
            sessions, kernels = lab.api("sessions"), {k["id"]: k for k in lab.api("kernels")}
        except urllib.error.HTTPError:  # jupyter_server fails to list a kernel still starting: ask again
            sessions, kernels = [], {}
        mine = [s["kernel"]["id"] for s in sessions if s["path"] == notebook]
        ready = (len(mine) == 1 and set(kernels) == {s["kernel"]["id"] for s in sessions}
                 and kernels[mine[0]]["connections"] >= 1 and kernels[mine[0]]["execution_state"] == "idle")
        if ready:
            return
        assert time.monotonic() < deadline, f"{notebook}: no single idle, connected kernel: {sessions} {kernels}"
        time.sleep(0.2)


def wait_idle(panel: Locator, timeout_s: float = 120.0) -> None:
    """Wait until the panel's kernel is idle with nothing queued: no cell shows the [*] of a running cell."""
    indicator = panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    indicator.wait_for(state="attached", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while any("*" in text for text in panel.locator(".jp-InputPrompt").all_inner_texts()):
        assert time.monotonic() < deadline, "cells still running"
        time.sleep(0.2)
    indicator.wait_for(state="attached", timeout=timeout_s * 1000)


def run_all(page: Page, panel: Locator) -> None:
    """Run all cells from the Run menu, as a student would, and wait for the last one to finish."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    # The first prompt turns to [*] or a number once the run has reached the kernel.
    panel.locator(".jp-CodeCell .jp-InputPrompt").first.filter(has_text=re.compile(r"\[[*0-9]")).wait_for()
    wait_idle(panel)


def code_cell(panel: Locator, text: str) -> Locator:
    """The one code cell whose source contains `text`."""
    cells = panel.locator(".jp-CodeCell").filter(has=panel.page.locator(".cm-content", has_text=text))
    assert cells.count() == 1, f"{cells.count()} code cells contain {text!r}"
    return cells


def replace_source(cell: Locator, source: str) -> None:
    """Replace a cell's code as if pasted: inserted text skips the editor's auto-indent and closing brackets."""
    editor = cell.locator(".cm-content")
    editor.click()
    page = cell.page
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(source)


def run_cell(cell: Locator, panel: Locator) -> None:
    """Run one cell with Ctrl+Enter (Shift+Enter on the last cell would add a new one) and wait for it."""
    before = cell.locator(".jp-InputPrompt").inner_text()
    cell.locator(".cm-content").click()
    cell.page.keyboard.press("Control+Enter")
    deadline = time.monotonic() + 120
    while cell.locator(".jp-InputPrompt").inner_text() in (before, ""):
        assert time.monotonic() < deadline, "the cell never ran"
        time.sleep(0.1)
    wait_idle(panel)


def cell_count(panel: Locator) -> int:
    """How many cells the notebook panel has in the page (all of them, unless JupyterLab left some out of view)."""
    return panel.locator(".jp-Cell").count()


def border_colour(box: Locator) -> str:
    """The computed left-border colour of an element: a feedback box's verdict colour."""
    return str(box.evaluate("b => getComputedStyle(b).borderLeftColor"))


def feedback(panel: Locator) -> list[tuple[str, str]]:
    """Each feedback box shown, in order: (question id, status line), e.g. ('dau_on_date', 'Not yet')."""
    boxes = []
    for box in panel.locator(".jp-OutputArea-output .grader-outcome").all():
        status = box.locator("strong").first.inner_text().strip()
        question = box.locator("span").first.inner_text().split("·")[0].strip()
        boxes.append((question, status))
    return boxes


def error_outputs(panel: Locator) -> list[str]:
    """The text of every error or stderr output shown: a traceback, a warning, a message printed to stderr."""
    # JupyterLab renders a traceback with the stderr MIME type too.
    errors = panel.locator(f'.jp-RenderedText[data-mime-type="{STDERR_MIME}"]')
    return [text.strip()[:300] for text in errors.all_inner_texts()]


def charts(scope: Locator) -> int:
    """How many images the outputs in `scope` show, decoded (not broken) and not empty."""
    images = scope.locator(".jp-OutputArea-output img")
    return sum(bool(img.evaluate("i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0"))
               for img in images.all())


def screenshot(target: Page | Locator, name: str) -> Path:
    """Save a screenshot of the page (as shown) or of one element (scrolled into view) to the kept folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path
