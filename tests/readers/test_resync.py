"""Damaged RDW / BDW framing stays local: the framers resynchronise (issue 14 point 4)."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import framing, resync


def _rdws(lengths: list[int]) -> bytes:
    return b"".join(
        (n + 4).to_bytes(2, "big") + b"\0\0" + bytes([0xC1 + i % 9]) * n for i, n in enumerate(lengths)
    )


def _vb(blocks: list[list[int]]) -> bytes:
    out = []
    for lengths in blocks:
        body = _rdws(lengths)
        out.append((4 + len(body)).to_bytes(2, "big") + b"\0\0" + body)
    return b"".join(out)


def _records(chunks: list[framing.Chunk]) -> list[tuple[int, bytes, str | None, tuple[int, str] | None]]:
    return [(c.offset(i), c.raw(i), c.problems.get(i), c.spans.get(i)) for c in chunks for i in range(len(c))]


@pytest.mark.parametrize("block", [64, 1 << 22])
def test_one_bad_rdw_costs_one_record(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(_rdws([40] * 100))
    at = 9 * 44
    data[at + 2 : at + 4] = b"\x40\x40"  # record 10's RDW: EBCDIC blanks where zeros belong
    monkeypatch.setattr(framing, "_BLOCK", block)
    recs = _records(list(framing.frame_rdw(io.BytesIO(bytes(data)), False, 7)))
    assert len(recs) == 100
    bad = [r for r in recs if r[2]]
    assert len(bad) == 1
    offset, raw, why, span = bad[0]
    assert offset == at and raw == bytes(data[at : at + 44]) and span == (44, hashlib.sha256(raw).hexdigest())
    assert why is not None and f"at byte {at}; 44 bytes skipped to byte {at + 44}" in why
    assert recs == _records(list(framing.walk_records(io.BytesIO(bytes(data)), 7, blocked=False)))


def test_long_garbage_is_one_reject_with_all_bytes_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = bytes(range(1, 256)) * 400  # ~100 KB, no zero bytes: no RDW can start inside
    data = _rdws([30] * 5) + garbage + _rdws([30] * 5)
    monkeypatch.setattr(framing, "_BLOCK", 1000)  # the search reads on, holding little
    recs = _records(list(framing.frame_rdw(io.BytesIO(data), False, 100)))
    assert len(recs) == 11
    _, raw, why, span = recs[5]
    assert span == (len(garbage), hashlib.sha256(garbage).hexdigest())
    assert raw == garbage[: resync.PREVIEW] and why is not None and "next plausible record chain" in why


def test_no_chain_after_damage_skips_to_the_end() -> None:
    data = _rdws([30] * 3) + b"\x00\x0b\x01\x00garbage"
    recs = _records(list(framing.frame_rdw(io.BytesIO(data), False, 100)))
    assert len(recs) == 4 and recs[-1][2] is not None and "end of the file" in recs[-1][2]


def test_vb_bad_bdw_and_bad_rdw_stay_local(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [[20] * 5 for _ in range(10)]
    data = bytearray(_vb(blocks))
    size = 4 + 5 * 24
    data[3 * size + 2] = 0x40  # block 4's BDW
    data[6 * size + 4 + 2 * 24 + 3] = 0x40  # the RDW of block 7's third record
    for block in (64, 1 << 22):
        monkeypatch.setattr(framing, "_BLOCK", block)
        recs = _records(list(framing.frame_rdw(io.BytesIO(bytes(data)), True, 9)))
        bad = [r for r in recs if r[2]]
        assert [r[0] for r in bad] == [3 * size, 6 * size + 4 + 2 * 24]
        assert [r[3][0] for r in bad if r[3]] == [size, 24]  # the whole block 4; one record of block 7
        assert len(recs) == 50 - 5 - 1 + 2
        assert recs == _records(list(framing.walk_records(io.BytesIO(bytes(data)), 9, blocked=True)))


def test_vb_rdw_damage_without_chain_skips_to_block_end() -> None:
    data = bytearray(_vb([[20] * 3, [20] * 3]))
    data[4 + 2] = 0x01  # first RDW of block 1; its other two records are fewer than a chain… but
    recs = _records(list(framing.frame_rdw(io.BytesIO(bytes(data)), True, 9)))
    # …a chain may end exactly at the block's end: the two records after the damage are read
    assert len(recs) == 1 + 2 + 3 and recs[0][3] == (24, recs[0][3][1])  # type: ignore[index]


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([1, 6, 20, 0]), min_size=0, max_size=12), max_size=10),
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=6)), max_size=4),
    st.sampled_from([16, 64, 1 << 22]),
    st.integers(1, 50),
)
def test_streamed_resync_equals_the_plain_walk(
    blocks: list[list[int]], blocked: bool, damage: list[tuple[int, bytes]], block: int, max_records: int
) -> None:
    """Several damages anywhere (RDWs, BDWs, payload): the streamed framers skip exactly what the
    plain walk skips, and every byte of the file is in a record or a skipped stretch."""
    data = bytearray(_vb(blocks) if blocked else _rdws([n for b in blocks for n in b]))
    for at, junk in damage:
        if data:
            k = at % len(data)
            data[k : k + len(junk)] = junk
    raw = bytes(data)
    mp = pytest.MonkeyPatch()
    mp.setattr(framing, "_BLOCK", block)
    try:
        got = _records(list(framing.frame_rdw(io.BytesIO(raw), blocked, max_records)))
    finally:
        mp.undo()
    assert got == _records(list(framing.walk_records(io.BytesIO(raw), max_records, blocked=blocked)))
    for offset, preview, _, span in got:  # a skipped stretch's hash covers exactly its bytes
        if span is not None:
            assert hashlib.sha256(raw[offset : offset + span[0]]).hexdigest() == span[1]
            assert preview == raw[offset : offset + min(span[0], resync.PREVIEW)]
