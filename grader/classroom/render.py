"""The class view as terminal text and as a self-refreshing HTML page; every student-written text is escaped."""

from __future__ import annotations

import html
import unicodedata
from datetime import timedelta

from grader.classroom.view import ClassView, QuestionStats

MISTAKE_CHARS = 70  # a mistake's sentence cut to fit one terminal line


def plain(text: str) -> str:
    """Text safe for a terminal: control and format characters (escape sequences, bidi overrides) shown as \\x.."""
    return "".join(ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def duration(delta: timedelta) -> str:
    """'1 h 05 min', '12 min', 'under a minute'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _share(stats: QuestionStats, students: int) -> str:
    return f"{stats.passed / students:.0%}" if students else "-"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def text(view: ClassView) -> str:
    """The view for a terminal."""
    stamp = view.now.strftime("%H:%M:%S UTC")
    lines = [f"Class view at {stamp}: {view.students} {'student' if view.students == 1 else 'students'}"]
    if not view.questions:
        lines.append("No checks in the class folder yet.")
    width = max((len(f"{q.module} {q.question}") for q in view.questions), default=0)
    for q in view.questions:
        lines.append(f"  {f'{q.module} {q.question}':<{width}}  passed {q.passed:>3} of {view.students} "
                     f"({_share(q, view.students):>4}), {q.tried} tried")
        for name, students in q.mistakes:
            lines.append(f"      {students:>3} × {plain(_cut(name, MISTAKE_CHARS))}")
    if view.stuck:
        lines.append("Stuck longest (failed checks since their last pass):")
        for s in view.stuck:
            on = f"{s.on[0]} {s.on[1]}" if s.on else "?"
            lines.append(f"  {plain(s.student):<16} {duration(view.stuck_for(s)):>14}  on {on}, "
                         f"{s.fails} failed {'check' if s.fails == 1 else 'checks'}, "
                         f"last check {duration(view.now - s.last_check)} ago")
    lines += [plain(note) for note in view.notes]
    return "\n".join(lines)


STYLE = """body{font-family:sans-serif;margin:2em;font-size:20px}table{border-collapse:collapse}
td,th{padding:.2em .8em;text-align:left;vertical-align:top}tr:nth-child(even){background:#f3f3f3}
.bar{display:inline-block;height:.8em;background:#3a7}.mistake{font-size:80%;color:#555}.note{color:#a50}"""


def page(view: ClassView, refresh: int) -> str:
    """The view as an HTML page that reloads itself every `refresh` seconds; no script, every text escaped."""
    e = html.escape
    rows = []
    for q in view.questions:
        share = q.passed / view.students if view.students else 0.0
        mistakes = "".join(f"<div class=mistake>{n} × {e(name)}</div>" for name, n in q.mistakes)
        rows.append(f"<tr><td>{e(q.module)}</td><td><code>{e(q.question)}</code>{mistakes}</td>"
                    f"<td>{q.passed} of {view.students} ({_share(q, view.students)})<br>"
                    f"<span class=bar style=\"width:{round(share * 200)}px\"></span></td><td>{q.tried}</td></tr>")
    stuck = "".join(f"<tr><td>{e(s.student)}</td><td>{e(duration(view.stuck_for(s)))}</td>"
                    f"<td>{e(' '.join(s.on)) if s.on else '?'}</td><td>{s.fails}</td>"
                    f"<td>{e(duration(view.now - s.last_check))} ago</td></tr>" for s in view.stuck)
    notes = "".join(f"<p class=note>{e(note)}</p>" for note in view.notes)
    return (
        "<!DOCTYPE html><html><head><meta charset=utf-8>"
        # Defence in depth: even a tag that escaped escaping could neither run script nor load anything.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<meta http-equiv=refresh content=\"{int(refresh)}\"><title>Class view</title><style>{STYLE}</style>"
        f"</head><body><h1>Class view</h1><p>{e(view.now.strftime('%H:%M:%S UTC'))}: {view.students} "
        f"{'student' if view.students == 1 else 'students'}; this page reloads every {int(refresh)} s.</p>"
        + ("<table><tr><th>module</th><th>question and its most frequent named mistakes (students)</th>"
           f"<th>passed</th><th>tried</th></tr>{''.join(rows)}</table>" if rows else
           "<p>No checks in the class folder yet.</p>")
        + ("<h2>Stuck longest</h2><p>Failed checks since their last passed check.</p><table><tr><th>student</th>"
           "<th>stuck for</th><th>on</th><th>failed checks</th><th>last check</th></tr>"
           f"{stuck}</table>" if stuck else "")
        + f"{notes}</body></html>\n")
