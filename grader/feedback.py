"""Render an Outcome as plain text (terminals) or a compact HTML box (Jupyter); deterministic output only."""

from __future__ import annotations

import datetime as dt
import decimal
import html
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from grader.outcome import Outcome

_MAX_TEXT = 60


def iso_text(value: dt.date) -> str:
    """A date or timestamp as ISO text, in UTC; midnight timestamps read as their date."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")


def format_value(value: Any) -> str:
    """A short, stable rendering of one value for feedback: NULL for missing, dates without midnight times."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "NULL"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.8g}"
    if isinstance(value, bool | int | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return iso_text(value)
    if isinstance(value, str):
        text = value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"
        return repr(text)
    text = str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _points(value: float) -> str:
    """Points without trailing zeros: 1, 0.5, 0.67."""
    return f"{round(value, 2):g}"


def _header(outcome: Outcome) -> str:
    """'<id>: correct (1/1 point)' or 'not yet'."""
    status = "correct" if outcome.passed else "not yet"
    unit = "point" if outcome.points == 1 else "points"
    return f"{outcome.question_id}: {status} ({_points(outcome.score)}/{_points(outcome.points)} {unit})"


def _summary(outcome: Outcome) -> str:
    """The summary line, labelled when it names a known mistake."""
    return f"Known mistake: {outcome.summary}" if outcome.mistake else outcome.summary


def render_text(outcome: Outcome) -> str:
    """Plain-text feedback for terminals and logs."""
    lines = [_header(outcome), f"  {_summary(outcome)}"]
    lines += [f"  - {detail}" for detail in outcome.details]
    if outcome.hint and not outcome.passed:
        lines.append(f"  Hint: {outcome.hint}")
    if outcome.more_help and not outcome.passed:
        lines.append(f"  {outcome.more_help}")
    return "\n".join(lines)


_COLOURS = {True: ("#2e7d32", "#f1f8e9", "&#10003; Correct"), False: ("#e65100", "#fff3e0", "Not yet")}


def render_html(outcome: Outcome) -> str:
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
