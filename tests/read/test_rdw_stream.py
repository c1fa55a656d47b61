"""RDW framing streamed with a numpy fast path gives the same records as the plain walk."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.read import framing


def _flat(chunks) -> list[tuple[int, int, bytes, str | None]]:  # type: ignore[no-untyped-def]
    out = []
    for c in chunks:
        for i in range(len(c)):
            out.append((c.base + int(c.starts[i]), int(c.lengths[i]), c.raw(i), c.problems.get(i)))
    return out


def _records(lengths: list[int]) -> bytes:
    return b"".join((n + 4).to_bytes(2, "big") + b"\0\0" + bytes([65 + i % 26]) * n for i, n in enumerate(lengths))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([6, 6, 6, 6, 20, 0]), max_size=300),
    st.sampled_from(["none", "truncate", "bad_rdw", "garbage"]),
    st.integers(1, 500),
    st.sampled_from([16, 64, 1000, 1 << 22]),
)
def test_stream_matches_walk(lengths: list[int], damage: str, max_records: int, block: int) -> None:
    data = _records(lengths)
    if damage == "truncate" and data:
        data = data[:-3]
    elif damage == "bad_rdw" and len(data) > 40:
        data = data[:30] + b"\x00\x09\x01\x00" + data[34:]
    elif damage == "garbage":
        data += b"\x01\x02"
    expected = _flat(framing.frame_vb(io.BytesIO(data), max_records, blocked=False))
    mp = pytest.MonkeyPatch()
    mp.setattr(framing, "_BLOCK", block)
    try:
        chunks = list(framing.frame_rdw(io.BytesIO(data), False, max_records))
    finally:
        mp.undo()
    assert all(len(c) <= max_records for c in chunks)
    assert _flat(chunks) == expected


def test_uniform_chunks_are_strided_views() -> None:
    data = _records([50] * 1000)
    chunks = list(framing.frame_rdw(io.BytesIO(data), False, 300))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    c = chunks[1]
    assert c.stride == 54 and c.base == 300 * 54 + 4
    rows = np.lib.stride_tricks.as_strided(c.buf, shape=(len(c), 50), strides=(c.stride, 1))
    assert rows[0].tobytes() == bytes([65 + 300 % 26]) * 50
