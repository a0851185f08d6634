"""`grader gradescope`: an autograder zip that runs this grader on one submission, on a hidden dataset of its own."""

from __future__ import annotations

import json
import secrets
import zipfile
from pathlib import Path

from grader.grade.module import load_module
from grader.paths import GraderError, repo_root

CONFIG = "gradescope.json"  # in the zip: the module and the settings a run grades with
SECRET = "secret"  # in the zip: the secret hidden seeds derive from (Gradescope never shows students the zip)
SOURCE = "sandbox"  # in the zip: this project (pyproject, synth/, grader/, the module's solution)
_PROJECT_FILES = ("pyproject.toml", "constraints.txt", "README.md")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: a Python 3.11+ venv with this grader.
set -euo pipefail
source=/autograder/source
python=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then  # Ubuntu 22.04 images ship 3.10: 3.11 is in its updates
  apt-get update && apt-get install -y python3.11 python3.11-venv
  python=python3.11
fi
apt-get install -y "$python-venv" >/dev/null 2>&1 || true  # Ubuntu splits venv out of Python
"$python" -m venv /autograder/venv
/autograder/venv/bin/pip install -q -c "$source/sandbox/constraints.txt" -e "$source/sandbox"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this once per submission, in /autograder. AUTOGRADER_ROOT stands in for /autograder and
# AUTOGRADER_PYTHON for its venv's Python (tests run the documented layout in a temporary folder).
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
exec "${AUTOGRADER_PYTHON:-$root/venv/bin/python}" -m grader.gradescope.run --root "$root"
"""


def project_files(root: Path) -> list[Path]:
    """The files of this project an autograder installs: the packaging files and every module of synth and grader."""
    files = [root / name for name in _PROJECT_FILES if (root / name).is_file()]
    for package in ("synth", "grader"):
        files += sorted(p for p in (root / package).rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _executable(name: str, text: str) -> tuple[zipfile.ZipInfo, str]:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o100755 << 16  # Gradescope runs both scripts directly
    return info, text


def write_autograder(module: str, out: Path, *, solutions: Path | None = None, secret: str | None = None,
                     settings: dict[str, object] | None = None) -> None:
    """Write the autograder zip of `module` to `out` (a new secret when none is given)."""
    loaded = load_module(module, solutions)  # a module that cannot be graded fails here, not on Gradescope
    if out.suffix != ".zip":
        raise GraderError(f"--out {out} must name a .zip file (Gradescope uploads a zip)")
    root = repo_root()
    config = {"module": loaded.name, **(settings or {})}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
                zf.writestr(*_executable(name, text))
            zf.writestr(CONFIG, json.dumps(config, indent=1, sort_keys=True) + "\n")
            zf.writestr(SECRET, (secret or secrets.token_hex(32)) + "\n")
            for path in project_files(root):
                zf.write(path, f"{SOURCE}/{path.relative_to(root)}")
            zf.write(loaded.solution, f"{SOURCE}/solutions/{loaded.name}.ipynb")
    except OSError as error:
        raise GraderError(f"cannot write {out} ({error.strerror}); choose another --out") from None
