"""Hypothesis strategies and helpers for the reader tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import FieldType

_POOL = (
    "0123456789ABCDEFGXYZ -./"
    "ｱｲｳｶﾞﾊﾟｯｺｳﾀﾞ"  # half-width kana, dakuten take their own byte
    "あいうえおがぱ山田太郎髙橋﨑本東京都千代田区１２３－ー〜～①㈱"  # 〜 does not survive cp932: filtered out
    "\ue000\ue001\ue757"  # user-area 外字 (PUA)
)


def roundtrip_chars(encoding: str, kind: FieldType = FieldType.TEXT) -> list[str]:
    """Pool characters that survive encode → decode unchanged in ``encoding``."""
    codec = get_codec(encoding)
    out = []
    for c in _POOL:
        try:
            if codec.decode_bytes(codec.encode(c, kind), kind) == c:
                out.append(c)
        except (ValueError, UnicodeError):
            pass
    return out


def text_values(encoding: str, max_bytes: int, kind: FieldType = FieldType.TEXT) -> st.SearchStrategy[str]:
    """Values that fit ``max_bytes`` and do not end in a blank (padding is kept by the reader)."""
    codec = get_codec(encoding)
    chars = roundtrip_chars(encoding, kind)
    if kind is FieldType.DBCS:
        chars = [c for c in chars if len(codec.encode(c, kind)) == 2]

    def fits(s: str) -> bool:
        return len(codec.encode(s, kind)) <= max_bytes

    return st.text(st.sampled_from(chars), max_size=max_bytes).map(lambda s: s.rstrip(" \u3000")).filter(fits)


def decimal_string(value: int, scale: int) -> str:
    """Canonical decimal text of ``value / 10**scale`` (what packed/binary fields read back)."""
    sign = "-" if value < 0 else ""
    digits = str(abs(value)).rjust(scale + 1, "0")
    return sign + (digits[:-scale] + "." + digits[-scale:] if scale else digits)


def same_number(a: str, b: str) -> bool:
    return Decimal(a or "0") == Decimal(b or "0")
