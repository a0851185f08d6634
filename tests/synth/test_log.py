"""The event Log: takes, replacements and concatenations behave like copies of the arrays they describe."""

import numpy as np
import pytest

from synth.world.log import FIELDS, Log


def make(n: int = 6) -> Log:
    return Log(**{f: np.arange(n) * (i + 1) for i, f in enumerate(FIELDS)})


def columns(log: Log) -> dict[str, list[int]]:
    return {f: getattr(log, f).tolist() for f in FIELDS}


def test_take_by_mask_and_by_positions_with_repeats():
    log = make()
    assert columns(log.take(np.array([True, False, True, False, False, True]))) == {
        f: [v for i, v in enumerate(col) if i in (0, 2, 5)] for f, col in columns(log).items()}
    assert log.take(np.array([4, 4, 1])).ts_ms.tolist() == [16, 16, 4]
    assert len(log.take(np.array([4, 4, 1]))) == 3


def test_takes_compose_and_carry_replaced_columns():
    log = make().take(np.array([5, 3, 1, 0]))
    changed = log.replace(ts_ms=np.array([50, 30, 10, 0]))
    again = changed.take(np.array([False, True, True, False]))
    assert again.ts_ms.tolist() == [30, 10]
    assert again.user.tolist() == [3, 1]
    assert log.ts_ms.tolist() == [20, 12, 4, 0]  # the log replaced from is unchanged


def test_a_column_read_before_a_replace_is_not_reused_after_it():
    log = make().take(np.array([1, 2]))
    assert log.video.tolist() == [6, 12]
    assert log.replace(video=np.array([-1, -1])).video.tolist() == [-1, -1]


def test_concat_of_views_of_one_log_keeps_every_changed_column():
    log = make()
    copies = log.take(np.array([2, 3])).replace(received_ms=np.array([0, 0]))
    both = Log.concat(log, copies)
    assert both.received_ms.tolist() == [0, 5, 10, 15, 20, 25, 0, 0]
    assert both.seq.tolist() == [0, 2, 4, 6, 8, 10, 4, 6]


def test_concat_of_unrelated_logs():
    assert Log.concat(make(2), make(3)).user.tolist() == [0, 1, 0, 1, 2]


def test_a_mask_of_the_wrong_length_is_refused():
    with pytest.raises(IndexError, match="mask of 5 rows for a log of 6"):
        make().take(np.ones(5, dtype=bool))


def test_unknown_or_missing_columns_are_refused():
    with pytest.raises(TypeError, match="columns"):
        Log(user=np.arange(2))
    with pytest.raises(TypeError, match="no column"):
        make().replace(colour=np.arange(6))
