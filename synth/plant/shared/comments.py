"""Survey respondents' free-text comments: theme- and segment-specific templates, Faker fillers, typos.

A comment is written for a coded theme (what a careful human coder decided it is about) by a user on one platform
and device tier. Most templates name their theme in a word a keyword coder would look for; some are vague or name
another theme's word first, as real comments do, so coding text by keywords agrees with the coded theme often but
not always. Fillers (OS versions, creators' names, words for filters and effects) come from a Faker pool drawn once
per seed; words are misspelt at a configured rate. Everything is drawn from the generator the caller passes, which
must be a stream of its own so that comments never shift any other column's draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker import Faker


@dataclass(frozen=True)
class Params:
    """Survey respondents' free-text comments, written for their coded theme."""

    typo_rate: float = 0.03  # chance that a word of four letters or more is misspelt


POOL_SIZE = 300
FAKER_SALT = 0xC0FFEE
ANY = -1  # a template for every platform or tier

# (theme, platform (0 ios, 1 android, ANY), tier (0 low, 1 mid, 2 high, ANY), template). Placeholders: {device}
# the user's phone in their words, {os} its system version, {name} a creator, {word} a filter or effect's name.
# Templates marked "vague" name no theme word or another theme's word first: a keyword coder gets them wrong.
TEMPLATES: tuple[tuple[str, int, int, str], ...] = (
    ("content", ANY, ANY, "love the videos on my feed"),
    ("content", ANY, ANY, "the for you feed knows me too well"),
    ("content", ANY, ANY, "{name}'s videos are the best thing on here"),
    ("content", ANY, ANY, "too many repeat videos lately"),
    ("content", ANY, ANY, "great content, found so many funny creators"),
    ("content", ANY, ANY, "recommendations got worse, same music clips over and over"),
    ("content", ANY, ANY, "follow {name}, best creator on the app"),
    ("content", ANY, ANY, "i could scroll the feed all day"),
    ("content", ANY, ANY, "wish there was more cooking and travel content"),
    ("content", ANY, ANY, "i just like watching stuff before bed"),  # vague
    ("content", ANY, ANY, "it's fun, keeps me entertained"),  # vague
    ("ads", ANY, ANY, "way too many ads"),
    ("ads", ANY, ANY, "an ad every 3 videos is too much"),
    ("ads", ANY, ANY, "the ads are louder than the videos"),
    ("ads", ANY, ANY, "sponsored posts everywhere now"),
    ("ads", ANY, ANY, "please less ads, i'd even pay"),
    ("ads", ANY, ANY, "cant skip the ads fast enough"),
    ("ads", ANY, 0, "ads take forever to load on my {device}"),  # vague: "load" reads as performance
    ("ads", ANY, ANY, "the same shop promo keeps popping up"),  # vague
    ("performance", ANY, ANY, "videos lag when i scroll"),
    ("performance", ANY, ANY, "so slow to start up"),
    ("performance", ANY, ANY, "videos keep buffering even on wifi"),
    ("performance", ANY, 0, "my {device} can't keep up, everything stutters"),
    ("performance", ANY, 0, "laggy on my {device}"),
    ("performance", ANY, 0, "takes ages to load on my {device}"),
    ("performance", ANY, 2, "drains the battery on my {device} way too fast"),
    ("performance", ANY, 2, "my {device} gets hot after 10 min"),
    ("performance", 1, ANY, "slow since {os}"),
    ("performance", ANY, ANY, "the app is heavy, my phone struggles"),  # vague
    ("bugs", ANY, ANY, "app crashes when i open comments"),
    ("bugs", ANY, ANY, "keeps crashing after the update"),
    ("bugs", ANY, ANY, "sound glitch, audio is out of sync"),
    ("bugs", ANY, ANY, "got an error trying to log in"),
    ("bugs", 0, ANY, "crashes on my {device} since {os}"),
    ("bugs", 1, ANY, "bug on {os}: the app closes itself"),
    ("bugs", ANY, ANY, "the like button is broken half the time"),
    ("bugs", ANY, ANY, "videos freeze and then it crashes"),  # vague: "freeze" reads as performance
    ("bugs", ANY, ANY, "something is off, had to reinstall twice"),  # vague
    ("creation_tools", ANY, ANY, "need more filters for editing"),
    ("creation_tools", ANY, ANY, "the {word} effect is amazing"),
    ("creation_tools", ANY, ANY, "editing my clips is fiddly"),
    ("creation_tools", ANY, ANY, "please add a {word} filter"),
    ("creation_tools", ANY, ANY, "recording stops after 15 seconds"),
    ("creation_tools", ANY, ANY, "camera quality drops when i upload"),
    ("creation_tools", 1, 0, "the camera is blurry on my {device}"),
    ("creation_tools", ANY, ANY, "posting takes too many steps"),
    ("creation_tools", ANY, ANY, "making videos should be easier"),  # vague: "easier" reads as ease of use
    ("notifications", ANY, ANY, "too many notifications"),
    ("notifications", ANY, ANY, "push notifications at 2am, really?"),
    ("notifications", ANY, ANY, "stop the notification spam"),
    ("notifications", ANY, ANY, "the app pings me all day"),
    ("notifications", ANY, ANY, "turned off pushes, way too much"),
    ("notifications", ANY, ANY, "i keep getting alerts about people i don't know"),  # vague
    ("ease_of_use", ANY, ANY, "easy to use"),
    ("ease_of_use", ANY, ANY, "simple and intuitive"),
    ("ease_of_use", ANY, ANY, "hard to find my saved videos"),
    ("ease_of_use", ANY, ANY, "the new menu is confusing"),
    ("ease_of_use", ANY, ANY, "so easy, even my {relative} uses it"),
    ("ease_of_use", ANY, ANY, "navigation is a mess since the redesign"),
    ("ease_of_use", ANY, ANY, "love how simple it is"),
    ("ease_of_use", ANY, ANY, "everything is where i expect it"),  # vague
    ("ease_of_use", ANY, ANY, "took me a while to figure it out"),  # vague
    ("other", ANY, ANY, "please add a dark mode"),
    ("other", ANY, ANY, "why did you change the icon"),
    ("other", ANY, ANY, "let me download in better quality"),
    ("other", ANY, ANY, "privacy settings need work"),
    ("other", ANY, ANY, "customer support never answered me"),
    ("other", ANY, ANY, "no complaints"),
    ("other", ANY, ANY, "make it available on {os} tablets"),
)

# How people describe their phone, by platform (ios, android) and tier (low, mid, high).
DEVICES: dict[tuple[int, int], tuple[str, ...]] = {
    (0, 0): ("old iphone", "iphone se", "ancient iphone"),
    (0, 1): ("iphone", "iphone 12", "phone"),
    (0, 2): ("iphone pro", "new iphone", "brand new phone"),
    (1, 0): ("cheap android", "budget phone", "old android"),
    (1, 1): ("android", "android phone", "phone"),
    (1, 2): ("flagship android", "new android phone", "foldable"),
}
RELATIVES = ("mum", "dad", "grandma", "grandpa", "aunt", "little brother")
OPENERS = ("", "", "", "", "honestly ", "tbh ", "ok so ", "hmm ", "well ")
CLOSERS = ("", "", "", "", "!", "!!", ".", " :(", " lol", "...", " :)")
TYPO_MIN_LETTERS = 4  # shorter words are left alone: a typo in "ad" or "a" is rarely made and rarely noticed
_WORD = re.compile(r"[A-Za-z]+")
_SLOT = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=4)
def filler_pool(seed: int) -> dict[str, tuple[str, ...]]:
    """Creators' first names, filter words and OS versions per platform: Faker, drawn once per seed."""
    fake = Faker()
    fake.seed_instance(seed ^ FAKER_SALT)
    ios = {re.sub(r".* OS (\d+)_(\d+).*", r"iOS \1.\2", fake.ios_platform_token()) for _ in range(POOL_SIZE // 10)}
    android = {fake.android_platform_token() for _ in range(POOL_SIZE // 10)}
    return {
        "name": tuple(sorted({fake.first_name() for _ in range(POOL_SIZE)})),
        "word": tuple(sorted({fake.word().lower() for _ in range(POOL_SIZE)})),
        "os0": tuple(sorted(ios)),
        "os1": tuple(sorted(android)),
    }


@lru_cache(maxsize=4)
def candidates(themes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Templates as one index array, with where each (theme, platform, tier)'s candidates start and how many."""
    order: list[int] = []
    start, count = np.zeros((len(themes), 2, 3), np.int64), np.zeros((len(themes), 2, 3), np.int64)
    for t, theme in enumerate(themes):
        for platform in range(2):
            for tier in range(3):
                mine = [i for i, (th, p, r, _) in enumerate(TEMPLATES)
                        if th == theme and p in (ANY, platform) and r in (ANY, tier)]
                if not mine:
                    raise ValueError(f"no comment template for theme {theme!r}: add one to TEMPLATES")
                start[t, platform, tier], count[t, platform, tier] = len(order), len(mine)
                order += mine
    return np.array(order, np.int64), start, count


def pick(rng: np.random.Generator, values: tuple[str, ...], n: int) -> np.ndarray:
    """n values drawn uniformly."""
    return np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]


def misspell(rng: np.random.Generator, texts: np.ndarray, rate: float) -> np.ndarray:
    """Each word of TYPO_MIN_LETTERS or more letters misspelt with chance `rate`: two letters swapped, one
    dropped or one doubled."""
    out = texts.copy()
    for i, text in enumerate(texts):
        words = list(_WORD.finditer(text))
        hit = rng.random(len(words)) < rate
        kind = rng.integers(0, 3, len(words))
        at = rng.random(len(words))
        if not hit.any():
            continue
        pieces, last = [], 0
        for w, h, k, a in zip(words, hit, kind, at, strict=True):
            word = w.group()
            if h and len(word) >= TYPO_MIN_LETTERS:
                j = 1 + int(a * (len(word) - 2))  # never the first letter: people get that one right
                if k == 0 and word[j] != word[j + 1]:
                    word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
                elif k == 1 or k == 0:
                    word = word[:j] + word[j + 1:]
                else:
                    word = word[:j] + word[j] + word[j:]
            pieces += [text[last:w.start()], word]
            last = w.end()
        out[i] = "".join(pieces) + text[last:]
    return out


def comments(rng: np.random.Generator, themes: tuple[str, ...], theme: np.ndarray, platform: np.ndarray,
             tier: np.ndarray, seed: int, typo_rate: float) -> np.ndarray:
    """One comment per row (object array) for theme index `theme` (into `themes`), written on that phone."""
    n = len(theme)
    if n == 0:
        return np.array([], dtype=object)
    order, start, count = candidates(themes)
    template = order[start[theme, platform, tier] + (rng.random(n) * count[theme, platform, tier]).astype(np.int64)]
    pool = filler_pool(seed)
    fills = {
        "name": pick(rng, pool["name"], n),
        "word": pick(rng, pool["word"], n),
        "relative": pick(rng, RELATIVES, n),
        "os": np.where(platform == 0, pick(rng, pool["os0"], n), pick(rng, pool["os1"], n)),
        "device": np.array([DEVICES[(p, r)][k] for p, r, k in
                            zip(platform.tolist(), tier.tolist(), rng.integers(0, 3, n).tolist(), strict=True)],
                           dtype=object),
    }
    opener, closer = pick(rng, OPENERS, n), pick(rng, CLOSERS, n)
    capital = rng.random(n) < 0.4  # most type in lower case
    texts = np.empty(n, dtype=object)
    for i, k in enumerate(template.tolist()):
        body = TEMPLATES[k][3]
        for slot in _SLOT.findall(body):
            body = body.replace(f"{{{slot}}}", str(fills[slot][i]))
        text = opener[i] + body + closer[i]
        texts[i] = text[:1].upper() + text[1:] if capital[i] else text
    return misspell(rng, texts, typo_rate)
