"""The grader reads a worker's stream without trusting it: frames are parsed in pieces, garbage and excess refused."""

import struct

import pytest

from grader.grade.protocol import MAX_HEADER, FrameReader, ProtocolError, frame


def test_frames_split_anywhere_are_reassembled_in_order():
    stream = frame({"t": "cell", "n": 1}) + frame({"t": "answer", "q": "x"}, b"ARROW1 data") + frame({"t": "done"})
    reader, frames = FrameReader(1 << 20), []
    for i in range(0, len(stream), 3):
        frames += reader.feed(stream[i:i + 3])
    assert frames == [({"t": "cell", "n": 1}, b""), ({"t": "answer", "q": "x"}, b"ARROW1 data"), ({"t": "done"}, b"")]
    assert reader.pending == 0


@pytest.mark.parametrize("data, says", [
    (struct.pack(">II", 4, 0) + b"nope", "not a grader message"),
    (struct.pack(">II", 2, 0) + b"[]", "not a grader message"),
    (struct.pack(">II", MAX_HEADER + 1, 0), "oversized message"),
    (struct.pack(">II", 2, 2**31), "oversized message"),
])
def test_garbage_in_the_channel_is_refused(data, says):
    with pytest.raises(ProtocolError, match=says):
        FrameReader(1 << 20).feed(data)


def test_a_worker_may_not_send_more_than_the_limit_in_total():
    reader = FrameReader(100)
    reader.feed(frame({"t": "note"}, b"x" * 50))
    with pytest.raises(ProtocolError, match="into the grader's channel"):
        reader.feed(frame({"t": "note"}, b"x" * 50))


def test_half_a_frame_waits_for_the_rest():
    data = frame({"t": "done"})
    reader = FrameReader(1 << 20)
    assert reader.feed(data[:-1]) == [] and reader.pending == len(data) - 1
    assert reader.feed(data[-1:]) == [({"t": "done"}, b"")]
