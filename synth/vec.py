"""Group helpers for ragged arrays laid out as consecutive runs (counts per group)."""

from __future__ import annotations

import numpy as np


def starts(counts: np.ndarray) -> np.ndarray:
    """Index of each group's first element."""
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
    return out


def owner(counts: np.ndarray) -> np.ndarray:
    """For each element, the index of the group it belongs to."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def rank(counts: np.ndarray) -> np.ndarray:
    """For each element, its position inside its group (0, 1, ...)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(starts(counts), counts)


def group_cumsum_exclusive(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sum of earlier values in the same group (0 for a group's first element)."""
    c = np.cumsum(values) - values
    if len(c) == 0:
        return c
    first = np.minimum(starts(counts), len(c) - 1)  # empty groups repeat nothing, any index will do
    return c - np.repeat(c[first], counts)


def sort_by_pair(major: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """np.lexsort((minor, major)) for non-negative integer `major`, as one stable sort of a combined key
    (several times faster on the nearly sorted arrays of a block)."""
    if len(minor) == 0:
        return np.arange(0)
    low = minor.min()
    key = major.astype(np.int64) * (int(minor.max() - low) + 1) + (minor - low)
    return np.argsort(key, kind="stable")
