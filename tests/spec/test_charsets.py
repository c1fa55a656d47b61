"""Character classes: the exact definitions the vectorized validator must match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.charsets import allowed_codepoints, invalid_chars, scan_allowed_codepoints
from chukan_layout.spec.model import Charset

IVS = "葛\U000e0100"  # 葛 + VS17


@pytest.mark.parametrize(
    ("charset", "value", "bad"),
    [
        ("digits", "0123", []),
        ("digits", "０１2", ["０", "１"]),
        ("alnum", "AB12345678CD", []),
        ("alnum", "AB-1", ["-"]),
        ("ascii", "Yamada Taro", []),
        ("ascii", "tab\there", ["\t"]),
        ("hankaku", "ﾔﾏﾀﾞ ﾀﾛｳ A-1", []),
        ("hankaku", "ﾔﾏﾀﾞ　ﾀﾛｳ", ["\u3000"]),
        ("hankaku_kana", "ｶﾞｷﾞ ﾊﾟ", []),
        ("hankaku_kana", "ｶﾞA", ["A"]),
        ("zenkaku", "山田　太郎１", []),
        ("zenkaku", "山田 ﾀﾛｳ", [" ", "ﾀ", "ﾛ", "ｳ"]),
        ("zenkaku_kana", "ヤマダ　タロウ・ャー", []),
        ("zenkaku_kana", "やまだﾀ", ["や", "ま", "だ", "ﾀ"]),
        ("jis_x0208", "高橋〜", []),
        ("jis_x0208", "髙橋～ｶ", ["髙", "～", "ｶ"]),  # ～ U+FF5E is cp932, not JIS X 0208
        ("jis_x0213", "﨑山か\u309a", []),  # 﨑 and か゚ are JIS X 0213
        ("jis_x0213", "𠮷\ue000", ["𠮷", "\ue000"]),
        ("cp932", "髙﨑～", []),  # IBM/NEC extensions
        ("cp932", "\ue000\ue757𠮷", ["\ue000", "\ue757", "𠮷"]),  # user area = 外字
        ("mj", "髙﨑𠮷" + IVS + "ア", []),
        ("mj", "\U000e0100葛", ["\U000e0100"]),  # IVS without a preceding ideograph
        ("mj", "あ\U000e0100", ["\U000e0100"]),
        ("mj", "\ue000", ["\ue000"]),
        ("any", "\ue000\x00", ["\x00"]),  # controls are outside every class (issue 10/14)
        ("mj", "朗\ufe00", []),  # an SVS after an ideograph (MJ030185)
        ("mj", "あ\ufe00", ["\ufe00"]),
    ],
)
def test_invalid_chars(charset: str, value: str, bad: list[str]) -> None:
    assert invalid_chars(value, charset) == bad


def test_each_bad_char_reported_once_in_order() -> None:
    assert invalid_chars("ｶaｶbｶ", "zenkaku") == ["ｶ", "a", "b"]


@pytest.mark.parametrize("charset", [Charset.HANKAKU_KANA, Charset.ZENKAKU_KANA, Charset.ALNUM])
def test_allowed_codepoints_matches_scalar(charset: Charset) -> None:
    allowed = allowed_codepoints(charset)
    assert allowed is not None
    for cp in [*range(0, 0x3100), *range(0xFF00, 0x10000)]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        assert (cp in allowed) == (not invalid_chars(chr(cp), charset)), hex(cp)
    assert allowed_codepoints(Charset.ANY) is None


@given(st.text(max_size=8), st.sampled_from([c for c in Charset if c is not Charset.MJ]))
def test_context_free_classes_are_per_code_point(value: str, charset: Charset) -> None:
    bad = set(invalid_chars(value, charset))
    assert bad == {c for c in value if invalid_chars(c, charset)}


@pytest.mark.parametrize("charset", [c for c in Charset if c is not Charset.ANY])
def test_bulk_allowed_codepoints_equal_the_per_code_point_scan(charset: Charset) -> None:
    # allowed_codepoints is computed in bulk (numpy ranges, one encode call per codec); the
    # definition is _ok() per code point
    assert allowed_codepoints(charset) == scan_allowed_codepoints(charset)
