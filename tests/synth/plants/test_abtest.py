"""abtest.session_starts: per session its start, first video and user, whatever the order of the log's rows."""

import numpy as np

from synth.plant.shared.abtest import NEVER, session_starts
from synth.world.events import E
from synth.world.log import FIELDS, Log

VIEW, OPEN, PUSH = E["video_view"], E["app_open"], E["push_received"]


def log_of(rows: list[tuple[int, int, int, int]]) -> Log:
    """Rows of (session, user, name, ts_ms); the other columns don't matter here."""
    session, user, name, ts = (np.array(c) for c in zip(*rows, strict=True))
    other = {f: np.zeros(len(rows), dtype=np.int64) for f in FIELDS}
    return Log(**{**other, "session": session, "user": user, "name": name.astype(np.int8), "ts_ms": ts})


ROWS = [(0, 7, OPEN, 100), (0, 7, VIEW, 130), (0, 7, VIEW, 150),
        (-1, 7, PUSH, 400),
        (1, 7, OPEN, 900), (1, 7, OPEN, 950),
        (2, 3, OPEN, 50), (2, 3, VIEW, 80)]


def test_consecutive_sessions():
    start, first_view, owner = session_starts(log_of(ROWS))
    assert start.tolist() == [100, 900, 50]
    assert first_view.tolist() == [130, NEVER, 80]
    assert owner.tolist() == [7, 7, 3]


def test_interleaved_rows_give_the_same_answer():
    shuffled = [ROWS[i] for i in (6, 2, 4, 0, 3, 7, 5, 1)]
    assert [a.tolist() for a in session_starts(log_of(shuffled))] == \
        [a.tolist() for a in session_starts(log_of(ROWS))]
