"""Compare a multiple-choice answer with the key's option."""

from __future__ import annotations

from grader.outcome import Verdict
from grader.spec import Choice


def option_key(text: str) -> str:
    """How options are matched: case-insensitive, whitespace runs collapsed."""
    return " ".join(text.split()).casefold()


def compare_choice(spec: Choice, got: str, expected: str) -> Verdict:
    """The answer must name the key's option."""
    options = {option_key(o) for o in spec.options}
    if option_key(got) not in options:
        listed = ", ".join(repr(o) for o in spec.options)
        return Verdict(False, f"{got.strip()!r} is not one of the options: {listed}.")
    if option_key(got) == option_key(expected):
        return Verdict(True, "Correct.")
    return Verdict(False, f"{got.strip()!r} is not the right option.")
