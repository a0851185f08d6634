"""Compare chart answers (data extracted by grader.answers.to_data): title, labels, y from 0, series and data.

Partial credit components: one per declared check (title, xlabel, ylabel, y_from_zero, error_bars, annotations,
one_axis, legend, annotations_at, series count, data), equal shares. Feedback names the answer's values and labels,
never the key's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.outcome import Verdict
from grader.spec import Figure
from grader.values import format_value


def _label_key(label: str) -> str:
    """How series labels are matched: case-insensitive, whitespace runs collapsed, pandas' ' (right)' dropped."""
    # pandas appends " (right)" to the legend label of a secondary_y series; it names the same data.
    return " ".join(label.split()).casefold().removesuffix(" (right)")


def _match_series(got: list[dict], expected: list[dict]) -> tuple[list[tuple[dict, dict]], list[str]]:
    """Pair series by label when every series on both sides has a distinct label, else by order.

    Problems name only the answer's own labels, never the key's.
    """
    labels_g = [_label_key(s["label"]) for s in got]
    labels_e = [_label_key(s["label"]) for s in expected]
    by_label = (
        all(labels_g) and all(labels_e) and len(set(labels_g)) == len(got) and len(set(labels_e)) == len(expected)
    )
    if not by_label:
        return list(zip(got, expected, strict=False)), []
    mine = dict(zip(labels_g, got, strict=True))
    pairs = [(mine[k], s) for k, s in zip(labels_e, expected, strict=True) if k in mine]
    unmatched = [s["label"] for k, s in zip(labels_g, got, strict=True) if k not in set(labels_e)]
    problems = []
    if len(pairs) < len(expected):
        n = len(expected) - len(pairs)
        yours = f"; yours that match none: {', '.join(repr(label) for label in unmatched)}" if unmatched else ""
        problems.append(f"{n} of the key's series {'is' if n == 1 else 'are'} not in your chart (series are "
                        f"matched by their legend labels{yours}).")
    return pairs, problems


def _visible(got: list[dict], expected: list[dict]) -> list[dict]:
    """The answer's series, without constant reference lines drawn with plot() unless the key draws such lines."""
    if any(s.get("reference") for s in expected):
        return got
    return [s for s in got if not s.get("reference")]


def _values_equal(got: list, expected: list, rtol: float) -> np.ndarray:
    """Element-wise equality of two equally long lists: numbers within rtol (None = None), text exactly."""
    numeric = all(v is None or isinstance(v, int | float) for v in got + expected)
    if not numeric:
        return np.array([g == e for g, e in zip(got, expected, strict=True)], dtype=bool)
    a = np.array([np.nan if v is None else v for v in got], dtype=float)
    b = np.array([np.nan if v is None else v for v in expected], dtype=float)
    return np.isclose(a, b, rtol=rtol, atol=1e-9, equal_nan=True)


def _series_problem(got: dict, expected: dict, rtol: float) -> str | None:
    """What differs between one plotted series and the key's, or None."""
    name = f"Series '{got['label']}'" if got["label"] else "A series"
    if len(got["y"]) != len(expected["y"]):
        fewer = "fewer" if len(got["y"]) < len(expected["y"]) else "more"
        return f"{name} has {len(got['y'])} points, {fewer} than the key's."
    same_x = _values_equal(got["x"], expected["x"], rtol)
    if not same_x.all():
        i = int(np.argmin(same_x))
        return f"{name}: the x-values (positions along the x-axis) differ, first at point {i + 1}."
    same_y = _values_equal(got["y"], expected["y"], rtol)
    if not same_y.all():
        i = int(np.argmin(same_y))
        yours = format_value(got["y"][i]) + _direction(got["y"][i], expected["y"][i])
        return f"{name}: the plotted values differ, first at point {i + 1} (yours: {yours})."
    return None


def _direction(got: object, expected: object) -> str:
    """', higher than the key's' / ', lower than ...' for two numbers, '' otherwise (never the key's value)."""
    if isinstance(got, int | float) and isinstance(expected, int | float):
        return f", {'higher' if got > expected else 'lower'} than the key's"
    return ""


def _starts_at_zero(ylim: list[float]) -> bool:
    """The lower y-limit is 0 (up to rounding relative to the axis range)."""
    low, high = ylim
    return abs(low) <= 1e-9 * max(1.0, abs(high - low))


def _unmarked(got: list[float], expected: list[float], tolerance: float) -> int:
    """How many of the key's annotation positions have none of the answer's within `tolerance` along x."""
    marks = [g for g in got if isinstance(g, int | float) and not isinstance(g, bool)]
    return sum(1 for x in expected if not any(abs(g - x) <= tolerance + 1e-9 for g in marks))


def compare_figure(spec: Figure, got: dict[str, Any], expected: dict[str, Any]) -> Verdict:
    """Run each declared check on the chart and report the first failure as the summary."""
    parts: dict[str, bool] = {}
    problems: list[str] = []

    def check(part: str, ok: bool, problem: str) -> None:
        parts[part] = ok
        if not ok:
            problems.append(problem)

    if spec.title:
        check("title", bool(got["title"].strip()), "The chart has no title: add one with ax.set_title(...).")
    if spec.xlabel:
        check("xlabel", bool(got["xlabel"].strip()), "The x-axis has no label: add one with ax.set_xlabel(...).")
    if spec.ylabel:
        check("ylabel", bool(got["ylabel"].strip()), "The y-axis has no label: add one with ax.set_ylabel(...).")
    if spec.y_from_zero:
        axis, setter = (("x-axis (the bars' values)", "ax.set_xlim(left=0)") if got.get("value_axis") == "x"
                        else ("y-axis", "ax.set_ylim(bottom=0)"))
        check(
            "y_from_zero",
            _starts_at_zero(got["ylim"]),
            f"The {axis} starts at {format_value(float(got['ylim'][0]))}, not 0: use {setter}.",
        )
    if spec.error_bars:
        check("error_bars", bool(got.get("error_bars")), "The chart has no error bars: draw them with "
              "ax.errorbar(..., yerr=...), ax.bar(..., yerr=...) or a band with ax.fill_between(...).")
    if spec.annotations:
        check("annotations", bool(got.get("annotations")), "The chart has no annotation: point out what matters "
              "with ax.annotate(...) or ax.text(...).")
    if spec.one_axis:
        check("one_axis", got.get("y_axes", 1) <= 1, "The chart has two y-axes (twinx or secondary_y): two scales "
              "make any crossing or gap between the lines meaningless. Put every series on one axis, on a common "
              "scale (for example each as an index).")
    if spec.legend:
        check("legend", bool(got.get("legend")), "The chart has no legend: give each series a label=... and call "
              "ax.legend().")
    if spec.annotation_tolerance is not None:
        unmarked = _unmarked(got.get("annotation_x", []), expected.get("annotation_x", []), spec.annotation_tolerance)
        check("annotations_at", not unmarked, f"{unmarked} of the {len(expected.get('annotation_x', []))} moments "
              "the chart must mark have no annotation at them: place each one at its date, in data coordinates "
              "(ax.annotate(text, xy=(date, value)) or ax.text(date, value, text)).")
    mine = _visible(got["series"], expected["series"])
    n_got, n_key = len(mine), len(expected["series"])
    wanted = spec.n_series if spec.n_series is not None else (n_key if spec.check_data else None)
    if wanted is not None:
        whose = f"the question wants {wanted}" if spec.n_series is not None else (
            f"the key has {'fewer' if n_got > wanted else 'more'}")
        check("series", n_got == wanted, f"The chart shows {n_got} series (lines, bar groups or scatters); {whose}.")
    if spec.check_data:
        pairs, data_problems = _match_series(mine, expected["series"])
        data_problems += [p for g, e in pairs if (p := _series_problem(g, e, spec.rtol))]
        if not mine and n_key:
            what = ("Nothing the grader can read as data is plotted (only bands, segments or reference lines)"
                    if got.get("other_marks") else "Nothing is plotted")
            data_problems.append(f"{what}: draw the data with ax.plot(...), ax.bar(...) or df.plot(...).")
        check("data", not data_problems, data_problems[0] if data_problems else "")
        problems += data_problems[1:]
    if not problems:
        return Verdict(True, "Correct: the chart shows what the question asks for.", (), parts)
    return Verdict(False, problems[0], tuple(problems[1:]), parts)
