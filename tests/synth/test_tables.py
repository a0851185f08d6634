"""Arrays of the simulation become the Arrow columns the schema asks for."""

import numpy as np
import pyarrow as pa

from synth.config import config_for
from synth.simulate import first_position
from synth.tables import optional, public_video_ids, video_ids


def test_optional_columns_are_null_where_negative_or_not_valid():
    values = np.array([5, -1, 7, 0, -1, 3, 2, 1, 9])  # more than 8 rows: the validity bitmap spans two bytes
    assert optional(values, pa.int32()).to_pylist() == [5, None, 7, 0, None, 3, 2, 1, 9]
    assert optional(values, pa.int32()).type == pa.int32()
    valid = values > 2
    assert optional(values, pa.int64(), valid).to_pylist() == [5, None, 7, None, None, 3, None, None, 9]
    assert optional(values, pa.int64(), valid).null_count == 5


def test_public_video_ids_scramble_set_videos_only():
    config = config_for("tiny")
    video = np.array([3, -1, 0, 12])
    ids = public_video_ids(config, video)
    assert ids[1] == 0
    assert ids[[0, 2, 3]].tolist() == video_ids(config, np.array([3, 0, 12])).tolist()


def test_first_position_finds_where_each_event_number_first_occurs():
    seq = np.array([4, 0, 2, 4, 1, 2])
    at = first_position(seq)
    assert at[[0, 1, 2, 4]].tolist() == [1, 4, 2, 0]
    assert len(first_position(np.zeros(0, dtype=np.int64))) == 0
