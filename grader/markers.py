"""Solution markers in solution notebooks: what is solution code, what is instructor-only, and the scaffolds.

Conventions (see docs/authoring.md):
- a block of solution code sits between a line `### BEGIN SOLUTION [what to write]` and a line
  `### END SOLUTION`; the exercise gets one scaffold line instead;
- a one-line solution is an assignment ending in `# SOLUTION [what to write]`;
- a cell whose first non-blank line starts with `### INSTRUCTOR` never reaches students.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Sequence

from grader.paths import GraderError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
ONE_LINE = "# SOLUTION"
INSTRUCTOR = "### INSTRUCTOR"
YOUR_CODE = "# YOUR CODE"
YOUR_ANSWER = "_Your answer here._"

_ONE_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>[^#\s].*?)\s*#\s*SOLUTION\b(?P<desc>.*)$")


class MarkerError(GraderError):
    """A solution notebook's markers are malformed; the message names the line and the fix."""


def is_instructor(source: str) -> bool:
    """True for an instructor-only cell: its first non-blank line starts with `### INSTRUCTOR`."""
    for line in source.splitlines():
        if line.strip():
            return line.strip().startswith(INSTRUCTOR)
    return False


def has_solution(source: str) -> bool:
    """True when the source holds a solution block or a one-line solution."""
    return any(line.strip().startswith(BEGIN) or _is_one_line(line) for line in source.splitlines())


def scaffold(source: str, *, markdown: bool = False) -> str:
    """The source with every solution replaced by a scaffold that says what to write."""
    out: list[str] = []
    block: list[str] | None = None
    begin_line = ""
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if block is not None:
                raise MarkerError(f"line {number}: {BEGIN} inside another solution block; add {END} first")
            block, begin_line = [], line
        elif stripped.startswith(END):
            if block is None:
                raise MarkerError(f"line {number}: {END} without a {BEGIN} above it")
            out.append(_block_scaffold(begin_line, block, markdown))
            block = None
        elif block is not None:
            block.append(line)
        elif not markdown and _is_one_line(line):
            out.append(_one_line_scaffold(line, number))
        else:
            out.append(line)
    if block is not None:
        raise MarkerError(f"{BEGIN} is never closed; add a line {END} after the solution")
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def _is_one_line(line: str) -> bool:
    return _ONE_LINE.match(line) is not None


def _description(text: str) -> str:
    return text.strip().lstrip(":-\u2014 ").strip()


def _placeholder(target: ast.expr, top: bool = True) -> str:
    """`...` shaped like the target, so `fig, ax = ..., ...` unpacks without an error."""
    if not isinstance(target, ast.Tuple | ast.List):
        return "..."
    parts = [_placeholder(t, top=False) for t in target.elts]
    inner = parts[0] + "," if len(parts) == 1 else ", ".join(parts)
    return inner if top else f"({inner})"


def _binds_names(target: ast.expr) -> bool:
    if isinstance(target, ast.Tuple | ast.List):
        return bool(target.elts) and all(_binds_names(t) for t in target.elts)
    return isinstance(target, ast.Name)


def _scaffold_line(indent: str, targets: Sequence[ast.expr], code: str, desc: str) -> str:
    comment = YOUR_CODE + (f": {desc}" if desc else "")
    if not targets:
        return f"{indent}...  {comment}"
    names = " = ".join(ast.get_source_segment(code, t) or "" for t in targets)
    return f"{indent}{names} = {_placeholder(targets[-1])}  {comment}"


def _block_scaffold(begin_line: str, body: list[str], markdown: bool) -> str:
    desc = _description(begin_line.strip()[len(BEGIN):])
    indent = begin_line[: len(begin_line) - len(begin_line.lstrip())]
    if markdown:
        return f"_Your answer:_ {desc}" if desc else YOUR_ANSWER
    code = textwrap.dedent("\n".join(body))
    try:
        statements = ast.parse(code).body
    except SyntaxError:  # e.g. IPython magics: no assignment to scaffold, only the comment
        statements = []
    binding: list[ast.Assign | ast.AnnAssign] = [
        s for s in statements if isinstance(s, ast.Assign) and all(_binds_names(t) for t in s.targets)]
    binding += [s for s in statements if isinstance(s, ast.AnnAssign) and _binds_names(s.target)]
    last = max(binding, key=lambda s: s.lineno, default=None)
    targets = [] if last is None else (last.targets if isinstance(last, ast.Assign) else [last.target])
    return _scaffold_line(indent, targets, code, desc)


def _one_line_scaffold(line: str, number: int) -> str:
    match = _ONE_LINE.match(line)
    assert match is not None
    code = match["code"]
    try:
        statements = ast.parse(code).body
    except SyntaxError:
        statements = []
    if len(statements) != 1 or not isinstance(statements[0], ast.Assign | ast.AnnAssign):
        raise MarkerError(f"line {number}: {ONE_LINE} must end a one-line assignment such as `x = 42  {ONE_LINE}`")
    stmt = statements[0]
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if not all(_binds_names(t) for t in targets):
        raise MarkerError(f"line {number}: a one-line solution must assign to a name, e.g. `x = 42  {ONE_LINE}`")
    return _scaffold_line(match["indent"], targets, code, _description(match["desc"]))


_CHECK_CALL = re.compile(r"""\bcheck\(\s*(["'])(?P<id>[a-z][a-z0-9_]*)\1""")


def solutions_by_question(cells: list[tuple[str, str]]) -> dict[str, str]:
    """Each question's reference solution: the solution code written since the previous check, up to its check.

    `cells` are (cell_type, source) in notebook order; instructor and Markdown cells are skipped. A solution
    block contributes its lines, a one-line solution its assignment (without the marker comment).
    """
    found: dict[str, str] = {}
    pending: list[str] = []
    for cell_type, source in cells:
        if cell_type != "code" or is_instructor(source):
            continue
        block: list[str] | None = None
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith(BEGIN):
                block = []
            elif stripped.startswith(END) and block is not None:
                pending.append(textwrap.dedent("\n".join(block)).strip("\n"))
                block = None
            elif block is not None:
                block.append(line)
            elif (match := _ONE_LINE.match(line)) is not None:
                pending.append(match["code"])
            elif (call := _CHECK_CALL.search(line)) is not None and pending:
                found.setdefault(call["id"], "\n".join(pending))
                pending = []
    return found
