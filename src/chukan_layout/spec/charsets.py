"""Character classes of layout items: the scalar reference implementation.

``invalid_chars(value, charset)`` returns the characters of ``value`` outside the class,
in order of first appearance, each once.  Every class is *context-free* per code point
(so the vectorized validator can test code points against a set), except ``mj``, where an
IVS selector is valid only right after an ideograph.  Exact definitions (U+ ranges inclusive):

- ``any``: every character.
- ``digits``: U+0030–0039.
- ``alnum``: U+0030–0039, U+0041–005A, U+0061–007A.
- ``ascii``: U+0020–007E (printable ASCII incl. space; no control characters).
- ``hankaku``: U+0020–007E ∪ U+FF61–FF9F (半角カナ).
- ``hankaku_kana``: U+FF61–FF9F ∪ U+0020.
- ``zenkaku``: every character except U+0000–007F and U+FF61–FF9F.
- ``zenkaku_kana``: U+30A1–30FE (全角カタカナ incl. small kana ァ…ヶ, ヷ–ヺ, ・ U+30FB, ー U+30FC, ヽヾ)
  ∪ U+3000 (全角 space).
- ``jis_x0208``: U+0000–007F ∪ characters Python's ``iso2022_jp`` codec encodes
  (JIS X 0208 and JIS X 0201 Roman: ¥ ‾ pass; ～ U+FF5E and 半角カナ do not; 〜 U+301C does).
- ``jis_x0213``: U+0000–007F ∪ characters ``shift_jis_2004`` encodes (JIS X 0213:2004 planes 1–2
  and 半角カナ, e.g. 﨑 U+FA11, 剝; *not* 髙 U+9AD9 (cp932 IBM ext.) or 𠮷 U+20BB7 (neither); MJ holds both
  ) ∪ U+309A (the combining mark of か゚-type pairs).
- ``cp932``: characters ``cp932`` encodes, minus the user area U+E000–E757 (外字).
- ``mj``: ``jis_x0213`` ∪ CJK ideographs (URO U+4E00–9FFF, Ext A U+3400–4DBF, Ext B–H U+20000–2A6DF,
  2A700–2EBEF, 30000–323AF, compatibility U+F900–FAFF) ∪ hiragana/katakana U+3041–30FF, U+31F0–31FF
  ∪ full-width forms U+FF01–FFEF ∪ U+3000 ∪ IVS selectors U+E0100–E01EF *immediately after* an
  ideograph of the CJK ranges above (JIS X 0213 kanji all lie there).  Without the MJ index this is
  an approximation of MJ文字 (the 外字 stage checks exact MJ membership).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .model import Charset

_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Ext A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs (﨑 U+FA11)
    (0x20000, 0x2A6DF),  # Ext B
    (0x2A700, 0x2EBEF),  # Ext C–F
    (0x30000, 0x323AF),  # Ext G–H
)
_MJ_EXTRA: tuple[tuple[int, int], ...] = (
    (0x3000, 0x3000),
    (0x3041, 0x30FF),
    (0x31F0, 0x31FF),
    (0xFF01, 0xFFEF),
)
IVS_RANGE = (0xE0100, 0xE01EF)
USER_AREA = (0xE000, 0xE757)


def _in(cp: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_ideograph(ch: str) -> bool:
    """True for a code point in the CJK ideograph ranges used by ``mj``."""
    return _in(ord(ch), _CJK_RANGES)


@cache
def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _ok(ch: str, cs: Charset) -> bool:
    """Context-free membership of one code point (``mj`` IVS handled by the caller)."""
    cp = ord(ch)
    if cs is Charset.ANY:
        return True
    if cs is Charset.DIGITS:
        return 0x30 <= cp <= 0x39
    if cs is Charset.ALNUM:
        return ch.isascii() and ch.isalnum()
    if cs is Charset.ASCII:
        return 0x20 <= cp <= 0x7E
    if cs is Charset.HANKAKU:
        return 0x20 <= cp <= 0x7E or 0xFF61 <= cp <= 0xFF9F
    if cs is Charset.HANKAKU_KANA:
        return cp == 0x20 or 0xFF61 <= cp <= 0xFF9F
    if cs is Charset.ZENKAKU:
        return not (cp <= 0x7F or 0xFF61 <= cp <= 0xFF9F)
    if cs is Charset.ZENKAKU_KANA:
        return cp == 0x3000 or 0x30A1 <= cp <= 0x30FE
    if cs is Charset.JIS_X0208:
        return cp <= 0x7F or _encodable(ch, "iso2022_jp")
    if cs is Charset.JIS_X0213:
        return cp <= 0x7F or cp == 0x309A or _encodable(ch, "shift_jis_2004")
    if cs is Charset.CP932:
        return not (USER_AREA[0] <= cp <= USER_AREA[1]) and _encodable(ch, "cp932")
    if cs is Charset.MJ:
        return _ok(ch, Charset.JIS_X0213) or _in(cp, _CJK_RANGES) or _in(cp, _MJ_EXTRA)
    raise ValueError(f"unknown charset {cs!r}")


def invalid_chars(value: str, charset: Charset | str) -> list[str]:
    """Characters of ``value`` outside ``charset``, in order of first appearance, each once.

    >>> invalid_chars("髙橋～", "jis_x0208")
    ['髙', '～']
    >>> invalid_chars("葛\\U000E0100城", "mj")
    []
    """
    cs = Charset(charset)
    if cs is Charset.ANY:
        return []
    bad: list[str] = []
    prev = ""
    for ch in value:
        cp = ord(ch)
        if cs is Charset.MJ and IVS_RANGE[0] <= cp <= IVS_RANGE[1]:
            ok = prev != "" and is_ideograph(prev)
        else:
            ok = _ok(ch, cs)
        if not ok and ch not in bad:
            bad.append(ch)
        prev = ch
    return bad


def is_valid(value: str, charset: Charset | str) -> bool:
    """True iff every character of ``value`` is in ``charset``."""
    return not invalid_chars(value, charset)


@cache
def allowed_codepoints(charset: Charset | str) -> frozenset[int] | None:
    """All code points of a context-free class (None for ``any``).

    For ``mj`` the set excludes the IVS selectors (valid only after an ideograph). Scans
    U+0000–FFFF and U+20000–3FFFF (no codec used here encodes other planes); takes ~1 s once.
    """
    cs = Charset(charset)
    if cs is Charset.ANY:
        return None
    cps = [*range(0x0, 0xD800), *range(0xE000, 0x10000), *range(0x20000, 0x40000)]
    return frozenset(cp for cp in cps if _ok(chr(cp), cs))
