"""Answer payloads from a worker are hostile: Arrow is validated before anything is converted, nothing crashes."""

import struct

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from grader.answers import dump
from grader.grade.untrusted import MAX_COLUMNS, MAX_DEPTH, MAX_ROWS, HostileAnswer, decode


def _arrow(table: pa.Table, **options) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(**options)) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _with_offsets(offsets: list[int]) -> bytes:
    data = bytearray(_arrow(pa.table({"s": pa.array(["ab", "cd", "ef"], pa.string())})))
    at = data.find(struct.pack("<4i", 0, 2, 4, 6))
    assert at > 0
    data[at:at + 16] = struct.pack("<4i", *offsets)
    return bytes(data)


def test_what_dump_writes_decodes_to_the_same_data():
    frame = pd.DataFrame({"day": pd.to_datetime(["2025-01-01", "2025-01-02"]), "dau": [3, 4], "name": ["a", "b"],
                          "kind": pd.Categorical(["x", "y"])})
    assert decode(dump(frame)).equals(frame)
    assert decode(dump(0.25)) == 0.25 and decode(dump((1.0, 2.0))) == (1.0, 2.0)


@pytest.mark.parametrize("offsets", [[0, 5, 2, 6], [0, 2, 4, 1 << 20], [-8, 2, 4, 6]],
                         ids=["backwards", "past-the-buffer", "negative"])
def test_string_offsets_that_do_not_fit_their_buffer_are_refused_not_read(offsets):
    with pytest.raises(pa.ArrowInvalid, match="[Oo]ffset"):
        decode(_with_offsets(offsets))


def test_a_compressed_body_is_refused_before_it_is_inflated():
    bomb = _arrow(pa.table({"z": np.zeros(2**27, dtype=np.int8)}), compression="zstd")
    assert len(bomb) < 2**20  # 128 MB of zeros in well under a megabyte
    with pytest.raises(HostileAnswer, match="compressed"):
        decode(bomb)


def test_a_compressed_dictionary_is_refused_too():
    table = pa.table({"c": pa.array(["x", "y"] * 10).dictionary_encode()})
    with pytest.raises(HostileAnswer, match="compressed"):
        decode(_arrow(table, compression="lz4"))


@pytest.mark.parametrize("table, says", [
    (pa.table({f"c{i}": [1] for i in range(MAX_COLUMNS + 1)}), "columns"),
    (pa.table({"n": pa.nulls(MAX_ROWS + 1)}), "rows"),
    (pa.table({"deep": pa.array([[[[[[1]]]]]])}), f"nested more than {MAX_DEPTH}"),
], ids=["too-wide", "too-long", "too-deep"])
def test_tables_beyond_the_caps_are_refused_before_conversion(table, says):
    with pytest.raises(HostileAnswer, match=says):
        decode(_arrow(table))


def test_a_footer_pointing_elsewhere_is_ignored_the_stream_is_what_counts():
    data = bytearray(_arrow(pa.table({"a": [1, 2, 3]})))
    data[-10:-6] = struct.pack("<i", 10**6)  # the footer's length: nonsense
    assert decode(bytes(data))["a"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("blob", [b"ARROW1", b"ARROW1\x00\x00" + b"\xff" * 64, b"ARROW1\x00\x00\xff\xff\xff\xff\x10\x00"
                                  b"\x00\x00" + b"\xff" * 16, b'{"value": 1}', b"\xff\xfe", b"[" * 100_000])
def test_garbage_raises_an_exception_never_crashes(blob):
    with pytest.raises(Exception):  # noqa: B017 - any exception: the point is that the grader process lives on
        decode(blob)
