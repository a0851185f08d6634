"""Cosmetic usernames from a seeded pool of Faker words, combined with numpy (no per-user Faker call)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from faker import Faker

POOL_SIZE = 1_500


@lru_cache(maxsize=4)
def word_pool(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower-case first names and words, the same for a seed and Faker version."""
    fake = Faker()
    fake.seed_instance(seed)
    firsts = {fake.first_name().lower() for _ in range(POOL_SIZE)}
    words = {fake.word().lower() for _ in range(POOL_SIZE)}
    return np.array(sorted(firsts)), np.array(sorted(words))


def usernames(rng: np.random.Generator, n: int, seed: int) -> np.ndarray:
    """Handles like `maria_sunset42`."""
    firsts, words = word_pool(seed)
    sep = np.array(["", "_", "."])[rng.integers(0, 3, n)]
    digits = rng.integers(0, 1000, n).astype(str)
    digits[rng.random(n) < 0.3] = ""
    first = firsts[rng.integers(0, len(firsts), n)]
    word = words[rng.integers(0, len(words), n)]
    return np.char.add(np.char.add(np.char.add(first, sep), word), digits)
