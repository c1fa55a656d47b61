"""The CSV fast path judges UTF-8 per raw block (``csv_guard.Utf8Check``) instead of Arrow's per-value
check: the verdict equals Python's strict decoder on any bytes cut anywhere, and reads of files whose
characters straddle Arrow's blocks give what the careful path gives."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import csv_reader
from chukan_layout.readers.csv_guard import GuardTripped, Utf8Check, clean_utf8_rest

from .test_csv_fast_equals_careful import _careful, _outcome

# 髙/﨑, 〜 vs ～, ﾊﾝｶｸ with ﾞﾟ, a PUA 外字, a 4-byte character, blank and space; then invalid UTF-8: a
# lone lead byte, a lone continuation byte, a surrogate, an overlong NUL, past U+10FFFF, a cp932 pair
GOOD = ["髙", "﨑", "〜", "～", "ﾊﾟ", "ﾀﾞ", "\ue000", "\U00020bb7", " ", "　", "1", "１", ",", '"', "\r\n", ""]
BAD = [b"\xe9", b"\x80", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\x82\xa0", b"\xe9\xab"]
PIECES = [g.encode() for g in GOOD] + BAD


def _check(data: bytes, cuts: list[int]) -> bool:
    c = Utf8Check()
    lo = 0
    for k in sorted(set(cuts)):
        if not c.feed(data[lo:k]) and k > lo:
            return False
        lo = max(lo, k)
    return c.feed(data[lo:]) and c.feed(b"")


def _python(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join), st.lists(st.integers(0, 200), max_size=8)
)
def test_block_verdict_equals_pythons_decoder(data: bytes, cuts: list[int]) -> None:
    assert _check(data, [k for k in cuts if k <= len(data)]) == _python(data)


@pytest.mark.parametrize("cut", range(1, 4))
def test_a_character_split_across_blocks_is_valid_and_a_cut_short_one_is_not(cut: int) -> None:
    ch = "\U00020bb7".encode()  # 4 bytes
    assert _check(b"a" + ch + b"b", [1 + cut])
    assert not _check(b"a" + ch[:cut], [1])  # the stream ends inside the character
    assert not _check(b"a" + ch[:cut] + b"b" + ch[cut:], [1 + cut])


ROW = '"髙﨑","〜～","ﾊﾟ\ue000"\r\n'.encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.just(ROW), st.sampled_from(BAD).map(lambda b: b'"' + b + b'",,\r\n')), max_size=400),
       st.sampled_from([97, 256, 1000]))  # fmt: skip
def test_reads_across_small_blocks_equal_the_careful_path(rows: list[bytes], block: int) -> None:
    """Arrow's blocks cut through characters (block sizes prime to the row length) and invalid bytes
    trip the fast path at any block: the records and rejects are the careful path's."""
    data = b'"a","b","c"\r\n' + b"".join(rows)
    mp = pytest.MonkeyPatch()
    mp.setattr(csv_reader, "FAST_BLOCK", block)
    try:
        got: Any = _outcome(data, 7)
        clean: Any = _outcome(data, 7, guard=False)  # the whole rest in memory (clean_utf8_rest)
        streamed: Any = _outcome(data, 7, guard=False, batch_bytes=64)  # more than a batch: streamed
    finally:
        mp.undo()
    assert got == clean == streamed == _careful(data, 7)


def test_clean_rest_in_memory_only_when_small_and_judged_once() -> None:
    data = ROW * 3
    f = io.BytesIO(b"xx" + data)
    f.seek(2)
    assert (
        clean_utf8_rest(f, len(data) - 1) is None and f.tell() == 2
    )  # too big: the stream is left as it was
    buf = clean_utf8_rest(f, len(data))
    assert buf == data
    with pytest.raises(GuardTripped):  # a character cut short at the end is invalid too
        clean_utf8_rest(io.BytesIO(data + "髙".encode()[:2]), 1 << 20)
