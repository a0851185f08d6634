"""Frames a worker sends the grader over a pipe: a JSON header and an optional payload (answers as dump() bytes).

Student code can write into the pipe too, so the reader trusts nothing: sizes are capped, headers must be JSON
objects (nesting included), numbers in them are read through `number`, and payloads are only ever decoded by
`grader.grade.untrusted` (Arrow IPC validated before use, or JSON; never unpickled).
"""

from __future__ import annotations

import json
import math
import os
import struct
from typing import Any

_SIZES = struct.Struct(">II")  # header length, payload length
MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 64 * 1024 * 1024

# What a worker's frames say (the header's "t"): an answer (q, via, and its payload), a cell starting (n) or done
# running (n, and error/kind when it raised or ran out of time), a note for the grade sheet (text), the worker
# failing before the notebook could run (error), and the end of the notebook (done).
ANSWER, CELL, RAN, NOTE, FAILED, DONE = "answer", "cell", "ran", "note", "failed", "done"


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The events of one kind, in the order they came."""
    return [event for event in events if event.get("t") == kind]


class ProtocolError(Exception):
    """The worker's stream is malformed or larger than allowed; `frames` holds those completed before the fault."""

    frames: list[tuple[dict[str, Any], bytes]] = []


def frame(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One frame: the sizes, the JSON header, the payload."""
    head = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    return _SIZES.pack(len(head), len(payload)) + head + payload


def send(fd: int, header: dict[str, Any], payload: bytes = b"") -> None:
    """Write one whole frame to `fd` (blocking)."""
    view = memoryview(frame(header, payload))
    while view:
        view = view[os.write(fd, view):]


class FrameReader:
    """Incremental parser of a worker's stream; at most `limit` bytes in total."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.received = 0
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        """The frames completed by `data`; raises ProtocolError on a malformed or oversized stream."""
        frames: list[tuple[dict[str, Any], bytes]] = []
        try:
            self._parse(data, frames)
        except ProtocolError as error:  # answers sent before the garbage still count
            error.frames = frames
            raise
        return frames

    def _parse(self, data: bytes, frames: list[tuple[dict[str, Any], bytes]]) -> None:
        self.received += len(data)
        if self.received > self.limit:
            raise ProtocolError(f"sent more than {self.limit // 2**20} MB into the grader's channel")
        self._buffer += data
        while len(self._buffer) >= _SIZES.size:
            head_size, payload_size = _SIZES.unpack_from(self._buffer)
            if head_size > MAX_HEADER or payload_size > MAX_PAYLOAD:
                raise ProtocolError("wrote an oversized message into the grader's channel")
            end = _SIZES.size + head_size + payload_size
            if len(self._buffer) < end:
                break
            try:
                header = json.loads(bytes(self._buffer[_SIZES.size:_SIZES.size + head_size]))
            except (ValueError, RecursionError):  # RecursionError: a header nested thousands deep
                raise ProtocolError("wrote something that is not a grader message into the grader's channel") \
                    from None
            if not isinstance(header, dict):
                raise ProtocolError("wrote something that is not a grader message into the grader's channel")
            frames.append((header, bytes(self._buffer[_SIZES.size + head_size:end])))
            del self._buffer[:end]

    @property
    def pending(self) -> int:
        """Bytes of an unfinished frame (a worker that died mid-message)."""
        return len(self._buffer)


def number(value: Any, limit: float) -> float | None:
    """A number a worker reported, if it is a plain finite one between 0 and `limit`; else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and not 0 <= value <= limit:  # float(10**400) would raise OverflowError
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= limit else None
