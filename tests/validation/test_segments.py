"""validation._segments: the record numbers of an appended batch, kept as one run, a few runs or
all the numbers, always mapping every offset back to its record."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.validation._segments import segment_of


@given(st.lists(st.integers(1, 5), min_size=1, max_size=80), st.booleans(), st.integers(0, 1000))
def test_every_offset_maps_back_to_its_record(steps: list[int], shuffle: bool, start: int) -> None:
    recs = np.cumsum(steps).astype(np.int64)
    if shuffle:
        recs = recs[::-1].copy()
    seg = segment_of(start, recs.size, 2, recs)
    assert (seg.start, seg.size, seg.file, seg.first_record) == (start, recs.size, 2, int(recs[0]))
    assert seg.record_at(np.arange(recs.size)).tolist() == recs.tolist()


def test_consecutive_gapped_and_scattered_records() -> None:
    """A file read in order is one run (nothing kept per record); read rejects leave a few gaps
    (the runs' starts kept); scattered numbers are kept whole."""
    one = segment_of(0, 5000, 0, np.arange(11, 5011))
    assert one.records is None and one.runs is None and one.nbytes() == 0
    gapped = segment_of(0, 998, 0, np.concatenate([np.arange(1, 500), np.arange(502, 1001)]))
    assert gapped.records is None and gapped.runs is not None and gapped.runs.tolist() == [[0, 1], [499, 502]]
    assert gapped.record_at(np.array([0, 498, 499, 997])).tolist() == [1, 499, 502, 1000]
    scattered = segment_of(0, 4, 1, np.array([9, 3, 7, 1]))
    assert scattered.records is not None and scattered.record_at(np.array([3, 0])).tolist() == [1, 9]
    assert segment_of(0, 1, 0, np.array([42])).record_at(np.array([0])).tolist() == [42]
