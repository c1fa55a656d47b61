"""The CSV split scan's block judge (``pipeline._csv_block_scan``): the compiled kernel gives the numpy
route's judgement block by block."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.pipeline import _csv_block_scan
from tests.kernels import require_kernel

from .test_csv_split import CELL, RAW, _csv


def _judged(blocks: list[bytes], kernel: object) -> list[tuple[object, ...]]:
    """Each block's judgement by ``BlockScan`` with the given kernel (None: numpy): the refusal or
    (parity, record ends, empty line, the record-end bits), stopping at a refusal."""
    kept = _csv_block_scan._kernel
    _csv_block_scan._kernel = kernel
    try:
        scan = _csv_block_scan.BlockScan(ord('"'), ord(","), max(len(b) for b in blocks))
        out: list[tuple[object, ...]] = []
        for k, b in enumerate(blocks):
            after = blocks[k + 1][0] if k + 1 < len(blocks) else -1
            why = scan.block(np.frombuffer(b, np.uint8), k * 1000, after)
            if why is not None:
                out.append((why,))
                break
            out.append((scan.parity, scan.ends, scan.empty_line, scan._ends.tolist()))
    finally:
        _csv_block_scan._kernel = kept
    return out


@pytest.fixture(scope="module")
def kernel() -> object:
    """The compiled judge; it must be built on CI (elsewhere the test skips and the numpy route alone runs)."""
    return require_kernel("chukan_layout.pipeline._csvscan")


@settings(max_examples=300, deadline=None)
@given(st.one_of(RAW, st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=60).map(_csv)),
       st.lists(st.integers(1, 200), min_size=1, max_size=6))  # fmt: skip
def test_compiled_block_judge_equals_numpy(kernel: object, data: bytes, sizes: list[int]) -> None:
    """Block by block (sizes around and across 64-byte words, so both the SSE2 words and the
    tail loop run): the same refusal and byte offset, parity, record ends and their bits, and
    empty-line flag as the numpy route."""
    blocks, at = [], 0
    for size in itertools.cycle(sizes):
        if at >= len(data):
            break
        blocks.append(data[at : at + size])
        at += size
    if blocks:
        assert _judged(blocks, kernel) == _judged(blocks, None)
