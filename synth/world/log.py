"""A log of events as parallel arrays: the clean world's record, and what planting and corruption make of it."""

from __future__ import annotations

import numpy as np

FIELDS = ("user", "seq", "name", "ts_ms", "received_ms", "video", "watch", "amount", "session")


def _column(name: str, doc: str) -> property:
    return property(lambda self: self._read(name), doc=doc)


class Log:
    """One entry per logged event of a block.

    A log taken from another (a drop, a duplicate) records positions into the columns it started from and
    gathers a column only when it is read: the plants' chain of drops and copies then moves the few columns
    each plant touches instead of every column at every step.
    """

    __slots__ = ("_source", "_rows", "_changed", "_cache")

    user = _column("user", "Position of the user in the block.")
    seq = _column("seq", "Number of the event in the block's clean log; a repeated upload keeps it (and its id).")
    name = _column("name", "Index into EVENT_NAMES.")
    ts_ms = _column("ts_ms", "When it happened, ms since the window start (UTC) — by the device clock once "
                             "corrupted.")
    received_ms = _column("received_ms", "When the server got it.")
    video = _column("video", "Catalogue index, or a new video's id once posted; -1 if none.")
    watch = _column("watch", "-1 unless video_view.")
    amount = _column("amount", "-1 unless purchase.")
    session = _column("session", "The true session (-1 for pushes outside one).")

    def __init__(self, **columns: np.ndarray) -> None:
        if set(columns) != set(FIELDS):
            raise TypeError(f"a Log needs exactly the columns {', '.join(FIELDS)}")
        self._source: dict[str, np.ndarray] = columns
        self._rows: np.ndarray | None = None  # positions into _source; None: all of it, in order
        self._changed: dict[str, np.ndarray] = {}  # columns replaced since, in this log's order
        self._cache: dict[str, np.ndarray] = {}  # columns gathered from _source on first read

    @classmethod
    def _view(cls, source: dict[str, np.ndarray], rows: np.ndarray | None, changed: dict[str, np.ndarray]) -> Log:
        log = cls.__new__(cls)
        log._source, log._rows, log._changed, log._cache = source, rows, changed, {}
        return log

    def _read(self, name: str) -> np.ndarray:
        column = self._changed.get(name)
        if column is None:
            column = self._cache.get(name)
        if column is None:
            column = self._source[name]
            if self._rows is not None:
                column = self._cache[name] = column[self._rows]
        return column

    def _positions(self) -> np.ndarray:
        return np.arange(len(self._source["user"])) if self._rows is None else self._rows

    def __len__(self) -> int:
        return len(self._source["user"]) if self._rows is None else len(self._rows)

    def take(self, index: np.ndarray) -> Log:
        """The events at `index` (a mask or positions; repeats duplicate)."""
        index = np.asarray(index)
        if index.dtype == bool and len(index) != len(self):
            raise IndexError(f"a mask of {len(index)} rows for a log of {len(self)}")
        at = np.flatnonzero(index) if index.dtype == bool else index
        rows = at if self._rows is None else self._rows[at]
        return Log._view(self._source, rows, {k: v[at] for k, v in self._changed.items()})

    def replace(self, **columns: np.ndarray) -> Log:
        """The same events with some columns changed."""
        unknown = set(columns) - set(FIELDS)
        if unknown:
            raise TypeError(f"a Log has no column {', '.join(sorted(unknown))}")
        view = Log._view(self._source, self._rows, {**self._changed, **columns})
        view._cache = {k: v for k, v in self._cache.items() if k not in columns}
        return view

    @staticmethod
    def concat(*logs: Log) -> Log:
        """All events of several logs, in order."""
        source = logs[0]._source
        if any(g._source is not source for g in logs):
            return Log(**{f: np.concatenate([g._read(f) for g in logs]) for f in FIELDS})
        changed = dict.fromkeys(k for g in logs for k in g._changed)
        return Log._view(source, np.concatenate([g._positions() for g in logs]),
                         {k: np.concatenate([g._read(k) for g in logs]) for k in changed})
