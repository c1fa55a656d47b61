"""The CSV fast path's byte guard (bit-parallel) trips exactly where the position-based reference does."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.readers.csv_guard import ByteGuard, GuardTripped, scan_block

Q, D = ord('"'), ord(",")
# the bytes that matter to the guard, plus cp932 lead/trail bytes and plain text
ALPHABET = [b'"', b",", b"\r", b"\n", b"a", b"\x82", b"\xa0", b" "]


def _reference(data: bytes, empty_lines: bool) -> bool:
    """Position-based: a closing quote (every second quote) followed, inside the data, by a byte other
    than delimiter / quote / CR / LF; or an empty line (``\\n\\n`` / ``\\n\\r\\n`` anywhere, or a line
    end followed by a CR outside quotes: a lone CR); or a NUL byte."""
    buf = np.frombuffer(data, np.uint8)
    q = np.flatnonzero(buf == Q)
    closing = q[1::2]
    closing = closing[closing + 1 < len(buf)]
    bad = any(buf[c + 1] not in (D, Q, 0x0A, 0x0D) for c in closing.tolist())
    empty = b"\n\n" in data or b"\n\r\n" in data
    quotes_before = np.cumsum(buf == Q)
    empty = empty or any(
        data[i] in b"\r\n" and data[i + 1] == 0x0D and quotes_before[i + 1] % 2 == 0
        for i in range(len(data) - 1)
    )
    return bad or (empty_lines and empty) or b"\x00" in data


def _stream(data: bytes, size: int, empty_lines: bool) -> bool:
    guard = ByteGuard(io.BytesIO(data), empty_lines, Q, D)
    try:
        while guard.read(size):
            pass
    except GuardTripped:
        return True
    return False


@given(st.lists(st.sampled_from(ALPHABET), max_size=400).map(b"".join), st.integers(0, 1), st.booleans())
def test_scan_block_equals_reference(data: bytes, parity: int, empty_lines: bool) -> None:
    buf = np.frombuffer(data, np.uint8)
    if not len(buf):
        return
    trip, nq = scan_block(buf, Q, D, parity, empty_lines, np.empty(len(buf), bool))
    assert nq == data.count(b'"')
    assert trip == _reference(
        b'"' * parity + data, empty_lines
    )  # parity 1 = an opening quote before the block


@given(st.lists(st.sampled_from(ALPHABET), max_size=600).map(b"".join), st.integers(1, 70), st.booleans())
def test_stream_in_blocks_equals_reference(data: bytes, size: int, empty_lines: bool) -> None:
    """Block edges (quote parity, a closing quote as a block's last byte, an empty line across the
    edge) do not change the verdict; a stream ending inside a quote trips at EOF."""
    expected = _reference(data, empty_lines) or data.count(b'"') % 2 == 1
    assert _stream(data, size, empty_lines) == expected


def test_long_quote_dense_block_crosses_word_edges() -> None:
    row = '"1","髙橋　太郎","備考,引用符""あり""","2025/04/01 09:00:00"\r\n'.encode("cp932")
    data = row * 5000
    assert not _stream(data, 1 << 16, True)
    k = len(row) * 2345 - 3  # the closing quote of a record deep inside a later block
    assert data[k : k + 3] == b'"\r\n'
    assert _stream(data[: k + 1] + b"x" + data[k + 1 :], 1 << 16, True)  # "…"x: malformed
    assert not _stream(data[: k + 1] + b"," + data[k + 1 :], 1 << 16, False)  # "…",: fine (ragged is Arrow's)
    assert _stream(data + b'"3","', 1 << 16, True)  # EOF inside a quote
