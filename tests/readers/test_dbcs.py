"""The compiled cp932 kernel (readers/_dbcs.c through readers/dbcs.py) equals Python's codec."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import dbcs
from tests.kernels import require_kernel


@pytest.fixture(scope="module")
def kernel() -> object:
    """The kernel must be built on CI (its machine has a compiler); elsewhere a machine without a
    C compiler installs the pure route only, which test_csv_decode.py runs on its own."""
    return require_kernel("chukan_layout.readers._dbcs")


def _decode(values: list[bytes], start: int = 0, enc: str = "cp932") -> list[str] | None:
    arr = pa.array([b"x"] * start + values, pa.binary()).slice(start)
    out = dbcs.decode_values(arr, enc)
    if out is None:
        return None
    out.validate(full=True)
    assert out.offset == 0 and out.buffers()[1] is not None
    return out.to_pylist()


def _codec(values: list[bytes], enc: str = "cp932") -> list[str] | None:
    try:
        out = [v.decode(enc) for v in values]
    except UnicodeDecodeError:
        return None
    return None if any("\0" in v for v in out) else out


@pytest.mark.parametrize("enc", sorted(dbcs.ENCODINGS))
def test_every_character_of_the_codec(kernel: None, enc: str) -> None:
    """Every byte alone and every lead byte with every trail byte: the kernel decodes exactly what
    the codec decodes, to the same character, and refuses what it refuses."""
    singles = [bytes([b]) for b in range(256)]
    pairs = [bytes([lead, trail]) for lead in range(0x80, 0x100) for trail in range(256)]
    for raw in singles + pairs:
        assert _decode([raw], enc=enc) == _codec([raw], enc), raw.hex()
    good = [raw for raw in singles + pairs if _codec([raw], enc) is not None]
    assert _decode(good, enc=enc) == _codec(good, enc)  # and all of them in one column


def test_euc_jp_three_byte_characters_go_the_codecs_way(kernel: None) -> None:
    """JIS X 0212 (0x8F + two bytes) is not in the tables: None, and the codec decodes it."""
    raw = "丂".encode("euc_jp")
    assert raw[0] == 0x8F and _decode([raw], enc="euc_jp") is None


def test_japanese_names_and_kana(kernel: None) -> None:
    names = [
        "髙橋\u3000一郎",
        "山﨑",
        "ﾔﾏｻﾞｷ ﾊﾟﾝ",
        "～",  # (〜 U+301C has no cp932 bytes: 0x8160 is ～)
        "①Ⅹ㈱",
        "\ue000\ue757",
        "",
    ]
    raw = [n.encode("cp932") for n in names]
    assert _decode(raw) == [r.decode("cp932") for r in raw]


@pytest.mark.parametrize("raw", [b"\x82", b"ab\x82", b"\x81\x20", b"\x85\x40", b"a\x00b", b"\x00"])
def test_what_the_codec_refuses_is_refused(kernel: None, raw: bytes) -> None:
    """A lead byte at a value's end, an unmapped pair, a NUL: None (the caller's codec raises)."""
    assert _decode([b"ok", "山田".encode("cp932") + raw, b"x"]) is None


def test_a_lead_byte_never_pairs_across_values(kernel: None) -> None:
    assert _decode([b"\x82", b"\xa0"]) is None
    assert _decode([b"", b"\x82\xa0", b""]) == ["", "あ", ""]


def test_empty_column_and_empty_values(kernel: None) -> None:
    assert _decode([]) == []
    assert _decode([b"", b""]) == ["", ""]


_BYTE = st.one_of(
    st.integers(0x20, 0x7E),
    st.integers(0x81, 0x9F),
    st.integers(0xE0, 0xFC),
    st.integers(0x40, 0xFC),
    st.integers(0xA1, 0xDF),
    st.sampled_from([0x00, 0x80, 0xA0, 0xFD, 0xFE, 0xFF]),
)
_PIECE = st.one_of(
    st.lists(_BYTE, max_size=4).map(bytes),
    st.sampled_from(["髙", "﨑", "ﾊﾟ", "～", "\ue000", "山田", "abcdefghij"]).map(lambda s: s.encode("cp932")),
)
_RAW = st.lists(st.lists(_PIECE, max_size=8).map(b"".join), max_size=30)


@settings(max_examples=400, deadline=None)
@given(values=_RAW, start=st.integers(0, 2))
def test_random_bytes_equal_the_codec(kernel: None, values: list[bytes], start: int) -> None:
    """Random bytes (ASCII runs long enough for the eight-byte step, lead bytes at value ends,
    half-width kana as trail bytes, the single-byte extras): the codec's values or None."""
    assert _decode(values, start) == _codec(values)


def test_tables_come_from_the_codec() -> None:
    singles, pairs = dbcs.tables("cp932")
    s = np.frombuffer(singles, np.uint32)
    p = np.frombuffer(pairs, np.uint32)
    assert s[0] == 0 and s[ord("A")] == (ord("A") | 1 << 24)
    assert s[0x81] == dbcs.LEAD and s[0xA1] == int.from_bytes("｡".encode(), "little") | 3 << 24
    assert p[0x82A0] == int.from_bytes("あ".encode(), "little") | 3 << 24
    assert p[0x8140 - 1] == 0  # 0x813F: no such character
