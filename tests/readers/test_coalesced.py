"""How the CSV fast path joins Arrow's blocks into batches (``csv_reader._coalesced``): every row once,
in order, and a small last block joined to the batch before it instead of standing alone."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers.csv_reader import _coalesced

NAMES = ["氏名", "住所"]


def _blocks(sizes: list[int]) -> list[pa.RecordBatch]:
    out, n = [], 0
    for k in sizes:
        vals = [f"髙橋{n + i}" for i in range(k)]
        out.append(pa.RecordBatch.from_arrays([pa.array(vals), pa.array(["﨑町"] * k)], names=NAMES))
        n += k
    return out


def _rows(batches: list[pa.RecordBatch]) -> list[str]:
    return [v for b in batches for v in b.column(0).to_pylist()]


def test_a_one_row_last_block_ends_the_batch_before_it() -> None:
    blocks = _blocks([1000, 1000, 1000, 1000, 1])
    bytes_per_block = blocks[0].get_total_buffer_size()
    out = list(_coalesced(iter(blocks), batch_size=10_000, batch_bytes=2 * bytes_per_block))
    assert [b.num_rows for b in out] == [2000, 2001]
    assert _rows(out) == _rows(blocks)


def test_a_large_last_block_stays_a_batch_of_its_own() -> None:
    blocks = _blocks([100, 100, 100])
    out = list(_coalesced(iter(blocks), batch_size=10_000, batch_bytes=2 * blocks[0].get_total_buffer_size()))
    assert [b.num_rows for b in out] == [200, 100]


def test_the_last_block_does_not_push_a_batch_past_batch_size_rows() -> None:
    blocks = _blocks([50, 50, 1])
    out = list(_coalesced(iter(blocks), batch_size=100, batch_bytes=1 << 30))
    assert [b.num_rows for b in out] == [100, 1]


def _joined_as_before(blocks: list[pa.RecordBatch], batch_size: int, batch_bytes: int) -> list[int]:
    """Row counts of the batches as blocks were joined before the small-tail rule, then that rule."""
    out: list[int] = []
    rows = size = 0
    for b in blocks:
        rows += b.num_rows
        size += b.get_total_buffer_size()
        if rows >= batch_size or size >= batch_bytes:
            out.append(rows)
            rows = size = 0
    if rows:
        out.append(rows)
    last = blocks[-1] if blocks else None
    if (
        len(out) >= 2
        and last is not None
        and out[-1] == last.num_rows  # the last batch is the last block alone
        and last.get_total_buffer_size() < batch_bytes // 8
        and out[-2] + last.num_rows <= batch_size
    ):
        out[-2:] = [out[-2] + out[-1]]
    return out


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 60), max_size=12),
    batch_size=st.integers(1, 150),
    blocks_per_batch=st.integers(1, 4),
)
def test_every_row_once_in_order(sizes: list[int], batch_size: int, blocks_per_batch: int) -> None:
    blocks = _blocks(sizes)
    limit = blocks_per_batch * _blocks([30])[0].get_total_buffer_size()
    out = list(_coalesced(iter(blocks), batch_size=batch_size, batch_bytes=limit))
    assert _rows(out) == _rows(blocks)
    assert [b.num_rows for b in out] == _joined_as_before(blocks, batch_size, limit)
