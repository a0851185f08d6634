"""The grader reads a worker's stream without trusting it: frames are parsed in pieces, garbage and excess refused."""

import struct

import pytest

from grader.grade.protocol import MAX_HEADER, FrameReader, ProtocolError, frame, number


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


def test_a_header_nested_thousands_deep_is_refused_not_a_recursion_error():
    head = b"[" * 5000 + b"]" * 5000
    with pytest.raises(ProtocolError, match="not a grader message"):
        FrameReader(1 << 20).feed(struct.pack(">II", len(head), 0) + head)


def test_frames_before_garbage_are_kept_with_the_error():
    good = frame({"t": "answer", "q": "x"}, b"payload")
    with pytest.raises(ProtocolError) as refused:
        FrameReader(1 << 20).feed(good + struct.pack(">II", 4, 0) + b"nope")
    assert refused.value.frames == [({"t": "answer", "q": "x"}, b"payload")]


@pytest.mark.parametrize("value, expected", [
    (3, 3.0), (0.5, 0.5), (10**400, None), (-1, None), (float("inf"), None), (float("nan"), None), (True, None),
    ("7", None), ([1], None), (2**60, None),
])
def test_numbers_from_a_worker_are_used_only_when_plain_finite_and_in_range(value, expected):
    assert number(value, 2**53) == expected
