"""A codec's repertoire, and the 外字 detection of columns the CSV reader decoded (narrowed to it)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.gaiji.detect import flagged_first_bytes, reference_rows, suspicious_rows
from chukan_layout.gaiji.repertoire import codec_chars
from chukan_layout.gaiji.targets import target_set
from chukan_layout.readers.csv_decode import DecodeRoutes, decoded_from, distinct_values

# cp932 byte sequences: 外字 of the user area (F040 → U+E000, F9FC → U+E757), 髙 (FBFC) and 﨑 (FAB1)
# of the IBM extension, ﾊﾝｶｸ with ﾞﾟ, 〜 as the codec decodes it (～ U+FF5E), ∑ ＼ ￤ ￢ (NEC/IBM
# symbols an ``mj`` item flags), 0x80 / 0xA0 / 0xFD (U+0080, U+F8F0, U+F8F1), kana, kanji, 　.
_SEQ = [
    "山田".encode("cp932"), "太郎".encode("cp932"), "葛飾区".encode("cp932"), "ヤマダ".encode("cp932"),
    "ﾊﾝｶｸ".encode("cp932"), "ﾀﾞﾊﾟ".encode("cp932"), b"\x81\x40", b"\x81\x60", b"\x87\x94", b"\x81\x5f",
    b"\xfa\x55", b"\x81\xca", b"\x87\x40", b"\xfa\x4a", b"\xfb\xfc", b"\xfa\xb1", b"\xf0\x40", b"\xf9\xfc",
    b"\xf5\x9f", b"\x80", b"\xa0", b"\xfd", b"abc", b"019", b" ", b"-",
]  # fmt: skip
_CHARSETS = [None, "jis_x0208", "jis_x0213", "cp932", "mj"]


def test_the_repertoire_is_what_the_codec_decodes() -> None:
    chars = codec_chars("cp932")
    assert chars is not None and codec_chars("CP932") is chars  # one table per codec
    assert chars[[0xE000, 0xE757, 0x9AD9, 0xFA11, 0xFF5E, 0x2211, 0xF8F0, 0x3000, ord("ﾟ"), ord("A")]].all()
    assert not chars[[0xE758, 0x301C, 0x2212, 0x20BB7, 0x10FFFD]].any()  # 〜 comes back as ～, − as －
    assert int(chars.sum()) == len(
        {c for b in range(256) for c in _decoded(bytes([b]))}
        | {c for lead in range(0x81, 0x100) for t in range(0x40, 0x100) for c in _decoded(bytes([lead, t]))}
    )
    euc = codec_chars("euc_jp")
    assert euc is not None and euc[[0x5C71, 0x4E02, ord("ﾊ")]].all()  # 山, 丂 (JIS X 0212 in three bytes)
    assert int(codec_chars("ascii").sum()) == 128  # type: ignore[union-attr]
    assert codec_chars("utf-8") is None and codec_chars("no-such-codec") is None


def _decoded(b: bytes) -> str:
    try:
        return b.decode("cp932") if not (len(b) == 2 and _decoded(b[:1])) else ""
    except UnicodeDecodeError:
        return ""


def test_an_mj_item_of_a_cp932_column_looks_at_few_first_bytes() -> None:
    """The flagged characters of the cp932 repertoire begin with none of kana's or kanji's bytes."""
    for charset in ("mj", None, "cp932"):
        runs = flagged_first_bytes(target_set(charset), "cp932")
        assert runs is not None and not any(lo <= b <= hi for lo, hi in runs for b in range(0xE3, 0xEA))
    for charset in _CHARSETS:  # an ASCII column: nothing to look at
        assert flagged_first_bytes(target_set(charset), "ascii") == []
    assert flagged_first_bytes(target_set("mj")) is None  # any text: kanji outside the set are flagged
    assert flagged_first_bytes(target_set("jis_x0208"), "cp932") is None  # NEC/IBM kanji are flagged


@pytest.mark.parametrize("charset", _CHARSETS)
@settings(max_examples=50, deadline=None)
@given(pool=st.lists(st.lists(st.sampled_from(_SEQ), max_size=5), min_size=1, max_size=12),
       picks=st.lists(st.integers(0, 11), min_size=1, max_size=90), start=st.integers(0, 3))  # fmt: skip
def test_decoded_columns_name_the_rows_of_the_reference(
    charset: str | None, pool: list[list[bytes]], picks: list[int], start: int
) -> None:
    """Every route of the decode (distinct values, every value, sparse, constant), twice (the
    second batch may take another route), sliced: the rows of the per-value Python reference."""
    raw = [b"".join(pool[i % len(pool)]) for i in picks]
    vals = [r.decode("cp932") for r in raw]
    target = target_set(charset)
    routes = DecodeRoutes("cp932")
    for _ in range(2):
        col = routes.decode(pa.RecordBatch.from_arrays([pa.array(raw, pa.binary())], names=["c"]))[0]
        ascii = all(r.isascii() for r in raw)
        assert decoded_from(col) == ("ascii" if ascii else "cp932") and col.to_pylist() == vals
        d = distinct_values(col)
        if d is not None:
            assert decoded_from(d[0]) == "cp932"
        np.testing.assert_array_equal(suspicious_rows(col, target), reference_rows(vals, target))
        part = col.slice(start)  # another array: the full scan
        assert decoded_from(part) is None or start == 0
        np.testing.assert_array_equal(suspicious_rows(part, target), reference_rows(vals[start:], target))
    routes.close()
    assert decoded_from(col) is None


def test_a_column_not_from_the_reader_is_decoded_whole() -> None:
    """Same text, not the reader's buffers: no narrowing (an adapt step may have put in any character)."""
    col = pa.array(["\u9fff山田", "髙橋", "ﾀﾞ\ue000", "𠮷"], pa.string())
    assert decoded_from(col) is None
    target = target_set("mj")
    np.testing.assert_array_equal(suspicious_rows(col, target), reference_rows(col.to_pylist(), target))
