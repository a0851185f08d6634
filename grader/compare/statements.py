"""Judge one plain sentence against the data's facts: its numbers, their directions, its words and its length.

A person writes numbers rounded ("fell 12%" for -12.34%, "4.2k", "about 4,000", "twice"), so a stated number
matches a fact when it is the fact rounded (or cut) to the places the writer used. Feedback quotes only the
student's own words and the facts' labels, never a fact's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.outcome import Verdict
from grader.spec import Fact, Statement

_MAX_CHARS = 2_000  # a sentence, not an essay: also bounds the work regexes do on hostile text

_NUMBER = re.compile(
    r"(?<![\w.,:/])(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?![\d:/]|\.\d|st\b|nd\b|rd\b|th\b)"
    r"(?P<tail>\s?(?:%|per\s?cent\b|percentage\s+points?\b|pp\b|points?\b|pts\b|x\b|×|times\b|-?fold\b|k\b"
    r"|thousand\b|m\b|mn\b|million\b|bn\b|billion\b))?",
    re.IGNORECASE,
)
_WORD_NUMBERS: dict[str, tuple[str, float]] = {  # words people use for numbers: (kind, value)
    "twice": ("times", 2.0), "doubled": ("times", 2.0), "tripled": ("times", 3.0), "halved": ("times", 0.5),
    "half": ("share", 50.0), "a third": ("share", 100 / 3), "one third": ("share", 100 / 3),
    "a quarter": ("share", 25.0), "one quarter": ("share", 25.0), "two thirds": ("share", 200 / 3),
    "three quarters": ("share", 75.0),
}
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE_BEFORE = re.compile(_MONTH + r"\.?\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(r"^\s*" + _MONTH + r"\b", re.IGNORECASE)
_NAME_BEFORE = re.compile(r"\b(?:version|v|build|release|android|ios|app|week|day|module|question|step)\s*$",
                          re.IGNORECASE)
_PERIOD_AFTER = re.compile(r"^\s*-?\s*(?:days?|weeks?|months?|years?|hours?|weekends?)\b", re.IGNORECASE)
_UP = frozenset("rose rise rises rising risen up increase increased increases increasing grew grow grows growing "
                "growth gain gained gains higher more jumped jump jumps climbed climb climbs improved improve "
                "improves uplift lift lifts lifted boost boosts boosted above ahead raise raises raised raising add "
                "adds added adding soared surged".split())
_DOWN = frozenset("fell fall falls falling fallen down decrease decreased decreases decreasing decline declined "
                  "declines declining drop dropped drops dropping dipped dip dips lower fewer less shrank shrink "
                  "shrinks lost lose loses loss slumped slump worse cut below behind reduce reduces reduced "
                  "reducing lowered sank slipped plunged".split())
_CLAUSE = re.compile(r"[;:,()]|\b(?:and|but|while|whereas|although|though)\b", re.IGNORECASE)
_JARGON = (
    r"p[- ]?values?", r"p\s*[<=>]\s*0?\.\d+", r"confidence intervals?", r"(?-i:\bCIs?\b)", r"cuped",
    r"heteros[ck]edastic\w*", r"standard (?:errors?|deviations?)", r"statistically significant\w*",
    r"null hypothes[ie]s", r"t-?tests?", r"chi[- ]?squared?", r"z-?scores?", r"regressions?", r"coefficients?",
    r"variance", r"bootstrap\w*", r"difference[- ]in[- ]differences?", r"(?-i:\bDiD\b)", r"(?-i:\bSRM\b)",
    r"sample[- ]ratio mismatch", r"covariates?", r"stratif\w*", r"(?-i:\bMDE\b)", r"alpha level",
)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s+[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Claim:
    """A number the sentence states: as written, its magnitude in the written scale, how precisely it is written."""

    text: str
    kind: str  # "pct" (%), "pp" (percentage points), "times", "plain" (a number, scaled by k/million...)
    value: float  # magnitude as written, before the scale
    scale: float
    place: float  # one unit in the last written place (in the written scale)
    cut_ok: bool  # whether a cut (not rounded) number is how people write it: 12.7% -> "12%", never 4,900 -> "4,000"
    sign: int  # +1/-1 from an explicit sign or a direction word, 0 when the sentence says neither
    signed: bool  # the sign was written (+12%), not read from a word
    start: int


def _place(integer: str, decimals: str | None) -> tuple[float, bool]:
    """One unit in the last written place, and whether a cut number is how it would be written.

    Round thousands say where they stop ("about 4,000" is 3,500 to 4,500, and nobody cuts 4,900 to "4,000"); a
    smaller round number is as exact as it looks ("30%" is not 25-35%).
    """
    if decimals:
        return 10.0 ** -len(decimals), True
    digits = integer.replace(",", "")
    zeros = len(digits) - len(digits.rstrip("0")) if int(digits) >= 1000 else 0
    return 10.0 ** zeros, zeros == 0


def _direction(text: str, start: int, end: int) -> int:
    """+1/-1 from the direction word nearest the number within its clause, 0 when there is none."""
    before = _CLAUSE.split(text[max(0, start - 90):start])[-1].lower().split()[-8:]
    after = _CLAUSE.split(text[end:end + 40])[0].lower().split()[:3]
    nearest = [(i, w) for i, w in enumerate(reversed(before))] + [(i, w) for i, w in enumerate(after)]
    for _, word in sorted(nearest, key=lambda iw: iw[0]):
        word = word.strip(".!?'\"")
        if word in _UP:
            return 1
        if word in _DOWN:
            return -1
    return 0


def _is_calendar(text: str, match: re.Match, kind: str) -> bool:
    """A date, a year, a period or a name ("3 Nov", "2025", "7 days", "Android 7.3"): the story, not a claim."""
    if kind != "plain" or match["sign"]:
        return False
    number = float(match["int"].replace(",", "") + ("." + match["dec"] if match["dec"] else ""))
    if match["tail"] is None and not match["dec"] and 1900 <= number <= 2100:
        return True
    before = text[:match.start()]
    return bool(_DATE_BEFORE.search(before) or _NAME_BEFORE.search(before) or _DATE_AFTER.match(text[match.end():])
                or _PERIOD_AFTER.match(text[match.end():]))


def _kind(tail: str | None) -> tuple[str, float]:
    """The claim's kind and scale from the words after the number."""
    word = " ".join((tail or "").lower().split()).lstrip("-")
    if word in ("%", "percent", "per cent"):
        return "pct", 1.0
    if word in ("percentage point", "percentage points", "pp", "point", "points", "pts"):
        return "pp", 1.0
    if word in ("x", "×", "times", "fold"):
        return "times", 1.0
    return "plain", _SCALES.get(word, 1.0)


def claims(text: str) -> list[Claim]:
    """Every number the sentence states, in order, leaving out dates, years and periods."""
    found = []
    for match in _NUMBER.finditer(text):
        kind, scale = _kind(match["tail"])
        if _is_calendar(text, match, kind):
            continue
        place, cut_ok = _place(match["int"], match["dec"])
        value = float(match["int"].replace(",", "") + ("." + match["dec"] if match["dec"] else ""))
        written = -1 if match["sign"] == "-" else 1 if match["sign"] == "+" else 0
        sign = written or _direction(text, match.start(), match.end())
        found.append(Claim(match[0].strip(), kind, value, scale, place, cut_ok, sign, bool(written), match.start()))
    for match in _WORD_NUMBER.finditer(text):
        kind, value = _WORD_NUMBERS[match[0].lower()]
        place = 1.0 if kind == "times" else 7.0  # "a third" stands for roughly 30-37%
        claim_kind = "times" if kind == "times" else "pct"
        found.append(Claim(match[0], claim_kind, value, 1.0, place, False, 0, False, match.start()))
    return sorted(found, key=lambda c: c.start)


def _close(claim: Claim, target: float) -> bool:
    """Whether `target` (in the claim's written scale) is what the claim says, rounded or cut as written."""
    written = -claim.value if claim.signed and claim.sign < 0 else claim.value
    gap = abs(target) - abs(written) if not claim.signed or claim.kind != "plain" else target - written
    rounded = abs(gap) <= 0.5 * claim.place * (1 + 1e-9) + 1e-12
    cut = claim.cut_ok and -1e-12 <= gap < claim.place
    return rounded or cut


def _targets(claim: Claim, fact: Fact) -> list[float]:
    """The values, in the claim's written scale, that would state `fact` with a claim of this kind."""
    if claim.kind == "pct":
        return {"change": [fact.value * 100], "share": [fact.value * 100]}.get(fact.unit, [])
    if claim.kind == "pp":
        return [fact.value * 100] if fact.unit == "points" else []
    if claim.kind == "times":
        return [fact.value] if fact.unit == "times" else []
    return [fact.value / claim.scale] if fact.unit in ("count", "number") else []


def _signed(fact: Fact) -> bool:
    return fact.unit in ("change", "points")


@dataclass(frozen=True)
class _Reading:
    """How the sentence's claims relate to the facts."""

    stated: frozenset[int]  # indexes of facts stated correctly
    wrong: tuple[Claim, ...]  # numbers matching no fact
    percent_for_points: tuple[Claim, ...]
    wrong_way: tuple[Claim, ...]
    no_way: tuple[Claim, ...]


def _read(facts: tuple[Fact, ...], stated: list[Claim]) -> _Reading:
    """Match each claim to the facts it can state."""
    right: set[int] = set()
    wrong, percent_for_points, wrong_way, no_way = [], [], [], []
    for claim in stated:
        matches = [i for i, f in enumerate(facts) if any(_close(claim, t) for t in _targets(claim, f))]
        unsigned = [i for i in matches if not _signed(facts[i])]
        agreeing = [i for i in matches if _signed(facts[i]) and claim.sign == (1 if facts[i].value >= 0 else -1)]
        if unsigned or agreeing:
            right.update(unsigned + agreeing)
        elif matches and claim.sign == 0:
            no_way.append(claim)
        elif matches:
            wrong_way.append(claim)
        elif claim.kind == "pct" and any(f.unit == "points" and _close(claim, f.value * 100) for f in facts):
            percent_for_points.append(claim)
        else:
            wrong.append(claim)
    return _Reading(frozenset(right), tuple(wrong), tuple(percent_for_points), tuple(wrong_way), tuple(no_way))


def _plain_problems(spec: Statement, text: str) -> list[str]:
    """Jargon, length and sentence count."""
    problems = []
    for pattern in (*_JARGON, *(re.escape(word) for word in spec.jargon)):
        match = re.search(r"(?<!\w)" + pattern + r"(?!\w)", text, re.IGNORECASE)
        if match:
            problems.append(f"{match[0]!r} is jargon a non-technical reader may not know: say it in plain words.")
    words = len(text.split())
    if words > spec.max_words:
        problems.append(f"{words} words: keep it to {spec.max_words} or fewer.")
    sentences = len([s for s in _SENTENCE_END.split(text.strip()) if s.strip()])
    if sentences > spec.max_sentences:
        wanted = "one sentence" if spec.max_sentences == 1 else f"{spec.max_sentences} sentences or fewer"
        problems.append(f"{sentences} sentences: say it in {wanted}.")
    return problems


def _normal(text: str) -> str:
    """Typographic dashes, minus signs, apostrophes and spaces as ASCII."""
    return (text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", " - ").replace("\u2019", "'")
            .replace("\u00a0", " ").replace("\u202f", " "))


def compare_statement(spec: Statement, got: str, expected: str) -> Verdict:
    """Judge the sentence against `spec.facts` (`expected` is the reference sentence, judged the same way)."""
    if not isinstance(got, str):
        raise TypeError("a statement is text")
    text = _normal(got[:_MAX_CHARS])
    reading = _read(spec.facts, claims(text))
    numbers = [f"{c.text!r} matches none of the figures the data gives for this sentence; check how you computed "
               "it." for c in reading.wrong]
    numbers += [f"{c.text!r}: a change in a share is in percentage points, not percent." for c in
                reading.percent_for_points]
    directions = [f"{c.text!r}: the direction is wrong; check which way it moved." for c in reading.wrong_way]
    directions += [f"{c.text!r}: say which way it moved (rose or fell, up or down, more or fewer)." for c in
                   reading.no_way]
    missing = [f"The sentence does not state {f.label}." for i, f in enumerate(spec.facts)
               if f.required and i not in reading.stated]
    plain = _plain_problems(spec, text)
    parts = {"numbers": not numbers, "directions": not directions, "complete": not missing, "plain": not plain}
    if all(parts.values()):
        return Verdict(True, "Correct: every number you state matches the data, and the sentence is plain.", (),
                       parts)
    problems = numbers + directions + missing + plain
    return Verdict(False, problems[0], tuple(problems[1:]), parts)


def repeats_mistake(spec: Statement, got: str, variant: str) -> bool:
    """Whether the sentence states, wrongly, a number the mistaken sentence `variant` states (same way, if said)."""
    text = _normal(got[:_MAX_CHARS])
    reading = _read(spec.facts, claims(text))
    off = [*reading.wrong, *reading.percent_for_points, *reading.wrong_way]
    theirs = claims(_normal(variant[:_MAX_CHARS]))
    return any(
        mine.kind == other.kind and (mine.sign == other.sign or other.sign == 0)
        and abs(mine.value * mine.scale - other.value * other.scale) <= max(mine.place * mine.scale,
                                                                            other.place * other.scale) / 2 + 1e-9
        for mine in off for other in theirs
    )
