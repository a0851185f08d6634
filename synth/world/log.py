"""A log of events as parallel arrays: the clean world's record, and what planting and corruption make of it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Log:
    """One entry per logged event of a block."""

    user: np.ndarray  # position of the user in the block
    seq: np.ndarray  # number of the event in the block's clean log; a repeated upload keeps it (and its id)
    name: np.ndarray  # index into EVENT_NAMES
    ts_ms: np.ndarray  # when it happened, ms since the window start (UTC) — by the device clock once corrupted
    received_ms: np.ndarray  # when the server got it
    video: np.ndarray  # catalogue index, or a new video's id once posted; -1 if none
    watch: np.ndarray  # -1 unless video_view
    amount: np.ndarray  # -1 unless purchase
    session: np.ndarray  # the true session (-1 for pushes outside one)

    def __len__(self) -> int:
        return len(self.user)

    def take(self, index: np.ndarray) -> Log:
        """The events at `index` (a mask or positions; repeats duplicate)."""
        return Log(**{f.name: getattr(self, f.name)[index] for f in dataclasses.fields(self)})

    def replace(self, **columns: np.ndarray) -> Log:
        """The same events with some columns changed."""
        return dataclasses.replace(self, **columns)

    @staticmethod
    def concat(*logs: Log) -> Log:
        """All events of several logs, in order."""
        return Log(**{f.name: np.concatenate([getattr(g, f.name) for g in logs]) for f in dataclasses.fields(Log)})
