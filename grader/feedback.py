"""Render an Outcome as plain text (terminals) or a compact HTML box (Jupyter); deterministic output only."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol


class Shown(Protocol):
    """What the renderers read of an Outcome; a protocol, so that outcome.py can display itself through them."""

    @property
    def question_id(self) -> str: ...

    @property
    def passed(self) -> bool: ...

    @property
    def score(self) -> float: ...

    @property
    def points(self) -> float: ...

    @property
    def summary(self) -> str: ...

    @property
    def details(self) -> Sequence[str]: ...

    @property
    def mistake(self) -> str | None: ...

    @property
    def hint(self) -> str: ...

    @property
    def more_help(self) -> str: ...


def _points(value: float) -> str:
    """Points without trailing zeros: 1, 0.5, 0.67."""
    return f"{round(value, 2):g}"


def _header(outcome: Shown) -> str:
    """'<id>: correct (1/1 point)' or 'not yet'."""
    status = "correct" if outcome.passed else "not yet"
    unit = "point" if outcome.points == 1 else "points"
    return f"{outcome.question_id}: {status} ({_points(outcome.score)}/{_points(outcome.points)} {unit})"


def _summary(outcome: Shown) -> str:
    """The summary line, labelled when it names a known mistake."""
    return f"Known mistake: {outcome.summary}" if outcome.mistake else outcome.summary


def render_text(outcome: Shown) -> str:
    """Plain-text feedback for terminals and logs."""
    lines = [_header(outcome), f"  {_summary(outcome)}"]
    lines += [f"  - {detail}" for detail in outcome.details]
    if outcome.hint and not outcome.passed:
        lines.append(f"  Hint: {outcome.hint}")
    if outcome.more_help and not outcome.passed:
        lines.append(f"  {outcome.more_help}")
    return "\n".join(lines)


_COLOURS = {True: ("#2e7d32", "#f1f8e9", "&#10003; Correct"), False: ("#e65100", "#fff3e0", "Not yet")}


def render_html(outcome: Shown) -> str:
    """A compact HTML box: pass / not yet, what differs, and the hint; all content escaped."""
    border, background, status = _COLOURS[outcome.passed]
    unit = "point" if outcome.points == 1 else "points"
    parts = [
        f'<div class="grader-outcome" style="border-left:4px solid {border};background:{background};'
        'padding:6px 10px;margin:4px 0;font-family:sans-serif;font-size:13px;line-height:1.4">',
        f'<div><strong style="color:{border}">{status}</strong> '
        f'<span style="color:#555">{html.escape(outcome.question_id)} &middot; '
        f"{_points(outcome.score)}/{_points(outcome.points)} {unit}</span></div>",
        f"<div>{html.escape(_summary(outcome))}</div>",
    ]
    if outcome.details:
        items = "".join(f"<li>{html.escape(detail)}</li>" for detail in outcome.details)
        parts.append(f'<ul style="margin:2px 0 0 0;padding-left:18px">{items}</ul>')
    if outcome.hint and not outcome.passed:
        parts.append(f'<div style="margin-top:4px"><em>Hint:</em> {html.escape(outcome.hint)}</div>')
    if outcome.more_help and not outcome.passed:
        parts.append(f'<div style="color:#555">{html.escape(outcome.more_help)}</div>')
    parts.append("</div>")
    return "".join(parts)
