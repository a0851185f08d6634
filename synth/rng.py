"""Random streams: one per (purpose, block), so output never depends on how blocks are scheduled."""

from __future__ import annotations

import numpy as np

# Stream purposes; the numbers are part of the data's identity — never renumber.
GLOBAL, BLOCK, CATALOG, NAMES, PLANT = 0, 1, 2, 3, 100  # PLANT + crc32(name): a plant

_MASK63 = np.uint64((1 << 63) - 1)
_M1 = np.uint64(0x5851F42D4C957F2D)
_M2 = np.uint64(0x14057B7EF767814F)


def stream(seed: int, purpose: int, block: int = 0) -> np.random.Generator:
    """Independent generator for one purpose (and block) of a build."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, block))))


def mix63(x: np.ndarray, salt: int) -> np.ndarray:
    """Bijective scramble of non-negative integers into random-looking 63-bit ids (unique in, unique out)."""
    with np.errstate(over="ignore"):
        h = (x.astype(np.uint64) + np.uint64(salt & ((1 << 63) - 1))) & _MASK63
        h = (h * _M1) & _MASK63
        h ^= h >> np.uint64(29)
        h = (h * _M2) & _MASK63
        h ^= h >> np.uint64(32)
    return h.astype(np.int64)


def hash01(x: np.ndarray, salt: int) -> np.ndarray:
    """A uniform [0, 1) number per integer, the same wherever it is computed."""
    return mix63(x, salt).astype(np.float64) / float(1 << 63)
