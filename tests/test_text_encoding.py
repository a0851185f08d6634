"""Every text file the self-study path opens says encoding="utf-8": without it Windows reads and writes its ANSI
code page (cp1252), and a notebook or progress file with a non-ASCII character breaks. Batch grading
(grader/grade/, grader/gradescope/) runs on Linux only and is not held to it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINUX_ONLY = (ROOT / "grader" / "grade", ROOT / "grader" / "gradescope")
TEXT_CALLS = {"read_text", "write_text"}  # pathlib's: always text


def mode_of(call: ast.Call) -> str:
    """The literal mode of open(path, mode) or path.open(mode); "r" when not given."""
    position = 1 if isinstance(call.func, ast.Name) else 0
    given = next((k.value for k in call.keywords if k.arg == "mode"), None)
    if given is None and len(call.args) > position:
        given = call.args[position]
    if given is None:
        return "r"
    assert isinstance(given, ast.Constant), f"line {call.lineno}: give the mode as a literal so it can be checked"
    return str(given.value)


def unencoded_text_opens(source: str) -> list[int]:
    """Lines of calls that open a file as text without saying its encoding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in {"open", *TEXT_CALLS}:
            continue
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "os":
            continue  # os.open: a descriptor, no text layer
        if name == "open" and "b" in mode_of(node):
            continue
        if not any(k.arg == "encoding" for k in node.keywords):
            found.append(node.lineno)
    return found


def test_the_check_finds_a_text_open_without_an_encoding_and_passes_binary_ones() -> None:
    source = ("open('a')\nopen('a', 'rb')\nPath('a').open('w')\nPath('a').open('xb')\nPath('a').read_text()\n"
              "Path('a').write_text('x', encoding='utf-8')\nos.open('a', 0)\nopen('a', encoding='utf-8')\n")
    assert unencoded_text_opens(source) == [1, 3, 5]


def test_every_text_open_on_the_self_study_path_says_utf_8() -> None:
    files = [p for package in ("synth", "grader") for p in (ROOT / package).rglob("*.py")
             if not p.is_relative_to(LINUX_ONLY[0]) and not p.is_relative_to(LINUX_ONLY[1])]
    assert len(files) > 40
    missing = {str(p.relative_to(ROOT)): lines for p in files
               if (lines := unencoded_text_opens(p.read_text(encoding="utf-8")))}
    assert missing == {}
