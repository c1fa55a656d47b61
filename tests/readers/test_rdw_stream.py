"""RDW framing streamed with a numpy fast path gives the same records as the plain walk."""

from __future__ import annotations

import io
from collections.abc import Iterable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import framing, resync


def _flat(chunks: Iterable[framing.Chunk]) -> list[tuple[int, int, bytes, str | None, object]]:
    out = []
    for c in chunks:
        for i in range(len(c)):
            out.append((c.offset(i), int(c.lengths[i]), c.raw(i), c.problems.get(i), c.spans.get(i)))
    return out


def _records(lengths: list[int]) -> bytes:
    return b"".join(
        (n + 4).to_bytes(2, "big") + b"\0\0" + bytes([65 + i % 26]) * n for i, n in enumerate(lengths)
    )


def _assert_stream_matches_walk(data: bytes, blocked: bool, max_records: int, block: int) -> None:
    """The streamed RDW framer (read blocks of ``block`` bytes) yields the plain walk's records."""
    expected = _flat(framing.walk_records(io.BytesIO(data), max_records, blocked=blocked))
    mp = pytest.MonkeyPatch()
    mp.setattr(framing, "_BLOCK", block)
    try:
        chunks = list(framing.frame_rdw(io.BytesIO(data), blocked, max_records))
    finally:
        mp.undo()
    assert all(len(c) <= max_records for c in chunks)
    assert _flat(chunks) == expected


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
    _assert_stream_matches_walk(data, False, max_records, block)


def test_uniform_chunks_are_strided_views() -> None:
    data = _records([50] * 1000)
    chunks = list(framing.frame_rdw(io.BytesIO(data), False, 300))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    c = chunks[1]
    assert c.stride == 54 and c.base == 300 * 54 + 4
    rows = np.lib.stride_tricks.as_strided(c.buf, shape=(len(c), 50), strides=(c.stride, 1))
    assert rows[0].tobytes() == bytes([65 + 300 % 26]) * 50


# --- VB: BDW blocks of RDW records, streamed and vectorized (read/vb.py) ----------------------


class Tracking(io.BytesIO):
    """A stream that remembers its largest read."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        out = super().read(size)
        self.largest = max(self.largest, len(out))
        return out


def _vb(blocks: list[list[int]], extended: bool = False) -> bytes:
    out = []
    k = 0
    for lengths in blocks:
        body = b"".join(
            (n + 4).to_bytes(2, "big") + b"\0\0" + bytes([65 + (k + i) % 26]) * n
            for i, n in enumerate(lengths)
        )
        k += len(lengths)
        size = 4 + len(body)
        out.append((size | 0x80000000).to_bytes(4, "big") if extended else size.to_bytes(2, "big") + b"\0\0")
        out.append(body)
    return b"".join(out)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(  # blocks of equal records (compacted when runs are long) or of mixed ones
        st.one_of(
            st.tuples(st.sampled_from([6, 20, 0]), st.integers(0, 80)).map(lambda t: [t[0]] * t[1]),
            st.lists(st.sampled_from([6, 6, 6, 20, 0]), max_size=40),
        ),
        max_size=12,
    ),
    st.booleans(),
    st.sampled_from(["none", "truncate", "bad_rdw", "bad_bdw", "garbage", "short_area"]),
    st.integers(1, 300),
    st.sampled_from([16, 64, 1000, 1 << 22]),
    st.integers(0, 10_000),
)
def test_vb_stream_matches_walk(
    blocks: list[list[int]], extended: bool, damage: str, max_records: int, block: int, at: int
) -> None:
    data = _vb(blocks, extended)
    if data:
        k = at % len(data)
        if damage == "truncate":
            data = data[: max(0, len(data) - 1 - at % 12)]
        elif damage == "bad_rdw":  # an RDW-like word with a non-zero second half, anywhere
            data = data[:k] + b"\x00\x09\x01\x00" + data[k + 4 :]
        elif damage == "bad_bdw":
            data += b"\x00\x02\x00\x00"
        elif damage == "garbage":
            data += b"\x01\x02"
        elif damage == "short_area":  # a block whose records leave 2 bytes unframed
            data += b"\x00\x0a\x00\x00" + b"\x00\x06\x00\x00ab" + b"\x00\x00"
    _assert_stream_matches_walk(data, True, max_records, block)


def test_vb_uniform_records_are_compacted_strided_views() -> None:
    data = _vb([[50] * 100] * 30)  # 30 blocks of 100 records: 3000 equal records
    chunks = list(framing.frame_rdw(io.BytesIO(data), True, 1000))
    assert [len(c) for c in chunks] == [1000, 1000, 1000] and all(c.stride == 54 for c in chunks)
    c = chunks[1]
    rows = np.lib.stride_tricks.as_strided(c.buf, shape=(len(c), 50), strides=(c.stride, 1))
    assert rows[0].tobytes() == bytes([65 + 1000 % 26]) * 50
    block = 4 + 100 * 54
    assert c.offset(0) == 10 * block + 4 + 4  # 10 blocks before, then this block's BDW and RDW
    assert c.offset(1) == 10 * block + 4 + 54 + 4


def test_vb_is_streamed_not_read_whole() -> None:
    data = _vb([[200] * 150] * 300)  # ~9.6 MB
    mp = pytest.MonkeyPatch()
    mp.setattr(framing, "_BLOCK", 1 << 20)
    try:
        tracked = Tracking(data)
        n = sum(len(c) for c in framing.frame_rdw(tracked, True, 65536))
    finally:
        mp.undo()
    assert n == 45_000 and tracked.largest <= 1 << 20


@pytest.mark.parametrize("bdw", [0x8FFFFFF0, 0x80100001])  # 256 MiB; one byte over MAX_BLOCK
def test_vb_bogus_huge_bdw_is_damage_not_buffered(bdw: int) -> None:
    """An extended BDW claiming more than a block can hold is a bad BDW: its block is skipped to the
    next plausible chain, not read into memory up to the length it claims (issue 14, left open)."""

    blocks = [[200] * 150] * 100  # ~3 MB
    data = bytearray(_vb(blocks, extended=True))
    size = 4 + 150 * 204
    data[40 * size : 40 * size + 4] = bdw.to_bytes(4, "big")  # block 41's BDW
    mp = pytest.MonkeyPatch()
    mp.setattr(framing, "_BLOCK", 1 << 18)
    try:
        chunks = list(framing.frame_rdw(tracked := Tracking(bytes(data)), True, 65536))
    finally:
        mp.undo()
    assert tracked.largest <= 1 << 18
    ok = sum(len(c) - len(c.problems) for c in chunks)
    bad = [(c.offset(i), c.problems[i]) for c in chunks for i in c.problems]
    assert ok == 99 * 150 and len(bad) == 1  # block 41 alone is lost to the damage (one reject)
    assert bad[0][0] == 40 * size and "bad BDW" in bad[0][1]
    assert (bdw & 0x7FFFFFFF) > resync.MAX_BLOCK
