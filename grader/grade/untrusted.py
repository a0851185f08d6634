"""Decode an answer payload from a worker as hostile bytes: student code can write its own frames into the channel.

Arrow IPC is checked before anything is converted: every message is read as a stream (a file's footer, which can
point anywhere, is ignored), a compressed body is refused before it is inflated (a 50 KB zstd frame can claim
gigabytes), the schema's width and nesting and the batches' rows are capped, and `validate(full=True)` checks
every offset against its buffer (bad offsets would crash the grader or leak its memory into the feedback).
Only then is the table converted, by `grader.answers.load` (as every answer is; JSON goes there directly; nothing is
ever unpickled).
"""

from __future__ import annotations

import struct
from typing import Any

import pyarrow as pa

MAGIC = b"ARROW1"
MAX_COLUMNS = 1_000
MAX_ROWS = 2_000_000
MAX_DEPTH = 4  # list<struct<...>> and a little more; answers are flat tables
MAX_MESSAGES = 10_000
# Flatbuffer layout of Arrow's Message.fbs: the fields this module reads, by their index in the table.
_MESSAGE_HEADER_TYPE, _MESSAGE_HEADER = 1, 2
_DICTIONARY_BATCH, _RECORD_BATCH = 2, 3
_DICTIONARY_DATA = 1  # DictionaryBatch.data: the RecordBatch inside
_BATCH_LENGTH, _BATCH_COMPRESSION = 0, 3


class HostileAnswer(ValueError):
    """A payload that is not what `grader.answers.dump` writes, or is too large to decode safely."""


def _read(fmt: str, buf: bytes, at: int) -> int:
    size = struct.calcsize(fmt)
    if at < 0 or at + size > len(buf):
        raise HostileAnswer("an Arrow message points outside itself")
    return struct.unpack_from(fmt, buf, at)[0]


def _field(buf: bytes, table: int, index: int) -> int | None:
    """Where field `index` of the flatbuffer table at `table` is stored, None when it is absent."""
    vtable = table - _read("<i", buf, table)
    entry = 4 + 2 * index
    if entry + 2 > _read("<H", buf, vtable):
        return None
    offset = _read("<H", buf, vtable + entry)
    return table + offset if offset else None


def _child(buf: bytes, table: int, index: int) -> int | None:
    """The table a field of `table` refers to (an offset from where the field is stored)."""
    at = _field(buf, table, index)
    return None if at is None else at + _read("<I", buf, at)


def _check_batch(buf: bytes, batch: int | None) -> None:
    if batch is None:
        raise HostileAnswer("an Arrow batch without its header")
    if _field(buf, batch, _BATCH_COMPRESSION) is not None:
        raise HostileAnswer("a compressed Arrow body (dump() never compresses)")
    length = _field(buf, batch, _BATCH_LENGTH)
    if length is not None and not 0 <= _read("<q", buf, length) <= MAX_ROWS:
        raise HostileAnswer(f"an Arrow batch of more than {MAX_ROWS:,} rows")


def check_message(metadata: bytes) -> None:
    """Refuse a message whose flatbuffer header declares compression or too many rows."""
    root = _read("<I", metadata, 0)
    kind_at = _field(metadata, root, _MESSAGE_HEADER_TYPE)
    kind = 0 if kind_at is None else _read("<B", metadata, kind_at)
    if kind == _RECORD_BATCH:
        _check_batch(metadata, _child(metadata, root, _MESSAGE_HEADER))
    elif kind == _DICTIONARY_BATCH:
        dictionary = _child(metadata, root, _MESSAGE_HEADER)
        _check_batch(metadata, None if dictionary is None else _child(metadata, dictionary, _DICTIONARY_DATA))


def _depth(kind: pa.DataType, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    children = [kind.field(i).type for i in range(kind.num_fields)]
    if pa.types.is_dictionary(kind):
        children.append(kind.value_type)
    return max([level, *(_depth(child, level + 1) for child in children)])


def _check_schema(schema: pa.Schema) -> None:
    if len(schema) > MAX_COLUMNS:
        raise HostileAnswer(f"a table of more than {MAX_COLUMNS:,} columns")
    if any(_depth(f.type) > MAX_DEPTH for f in schema):
        raise HostileAnswer(f"columns nested more than {MAX_DEPTH} deep")


def arrow_table(blob: bytes) -> pa.Table:
    """The table in an Arrow IPC file, validated in full; raises HostileAnswer (or pa.ArrowException)."""
    stream = pa.py_buffer(blob).slice(8)  # the file's magic and padding; the stream of messages follows
    for count, message in enumerate(pa.ipc.MessageReader.open_stream(pa.BufferReader(stream))):
        if count >= MAX_MESSAGES:
            raise HostileAnswer(f"more than {MAX_MESSAGES:,} Arrow messages")
        check_message(message.metadata.to_pybytes())
    reader = pa.ipc.open_stream(stream)
    _check_schema(reader.schema)
    table = reader.read_all()
    if table.num_rows > MAX_ROWS:
        raise HostileAnswer(f"a table of more than {MAX_ROWS:,} rows")
    table.validate(full=True)
    return table


def _rewritten(table: pa.Table) -> bytes:
    """`table` as a fresh Arrow file: what `load` reads is then exactly the validated data, footer included."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode(blob: bytes) -> Any:
    """An answer payload as data, converted by `grader.answers.load` once it is known to be safe to read."""
    from grader.answers import load

    return load(_rewritten(arrow_table(blob)) if blob.startswith(MAGIC) else blob)
