"""Character classes of layout items: the scalar reference implementation.

``invalid_chars(value, charset)`` returns the characters of ``value`` outside the class,
in order of first appearance, each once; :func:`charset_problems` names them by code point
(``U+0007``, ``U+E0100 after あ``).  Every class is *context-free* per code point (so the
vectorized validator can test code points against a set), except ``mj``, where a variation
selector is valid only right after an ideograph — the one definition of a legitimate sequence
in :mod:`.sequences`, shared with the 外字 stage.  **Control characters** (C0 U+0000–001F,
DEL U+007F, C1 U+0080–009F) are outside *every* class, ``any`` included, unless the item says
``allow_controls: true``.  Exact definitions (U+ ranges inclusive, controls removed):

- ``any``: every character (except controls).
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
  ∪ full-width forms U+FF01–FFEF ∪ U+3000 ∪ variation selectors — SVS U+FE00–FE0F and IVS
  U+E0100–E01EF — *immediately after* an ideograph (:data:`.sequences.IDEOGRAPH_RANGES`; JIS X 0213
  kanji all lie there).  Without the MJ index this is an approximation of MJ文字 (the 外字 stage
  checks exact MJ membership).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np

from .model import Charset
from .sequences import (
    CONTROL_RANGES,
    IDEOGRAPH_RANGES,
    code_point,
    is_control,
    is_selector,
    visible,
)

_CJK_RANGES = IDEOGRAPH_RANGES
_MJ_EXTRA: tuple[tuple[int, int], ...] = (
    (0x3000, 0x3000),
    (0x3041, 0x30FF),
    (0x31F0, 0x31FF),
    (0xFF01, 0xFFEF),
)
USER_AREA = (0xE000, 0xE757)


def _in(cp: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_ideograph(ch: str) -> bool:
    """True for a character a variation selector may follow (``mj``)."""
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
    if is_control(cp):
        return False
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


def _bad(value: str, cs: Charset, allow_controls: bool) -> list[tuple[str, str]]:
    """(character, the one before it) for every character outside ``cs``, each character once."""
    bad: list[tuple[str, str]] = []
    seen: set[str] = set()
    prev = ""
    for ch in value:
        cp = ord(ch)
        if cs is Charset.MJ and is_selector(cp):
            ok = prev != "" and is_ideograph(prev)
        elif allow_controls and is_control(cp):
            ok = True
        else:
            ok = _ok(ch, cs)
        if not ok and ch not in seen:
            seen.add(ch)
            bad.append((ch, prev))
        prev = ch
    return bad


def invalid_chars(value: str, charset: Charset | str, allow_controls: bool = False) -> list[str]:
    """Characters of ``value`` outside ``charset``, in order of first appearance, each once.

    >>> invalid_chars("髙橋～", "jis_x0208")
    ['髙', '～']
    >>> invalid_chars("葛\\U000E0100城", "mj")
    []
    >>> invalid_chars("山田\\x07", "any")
    ['\\x07']
    """
    cs = Charset(charset)
    if cs is Charset.ANY and (allow_controls or value.isprintable()):
        return []
    return [ch for ch, _prev in _bad(value, cs, allow_controls)]


def charset_problems(value: str, charset: Charset | str, allow_controls: bool = False) -> list[str]:
    """The characters outside ``charset`` named by code point, for findings.

    >>> charset_problems("あ\\U000E0100\\x07髙", "jis_x0208")
    ['U+E0100', 'U+0007', 'U+9AD9 髙']
    >>> charset_problems("あ\\U000E0100", "mj")
    ['U+E0100 after あ']
    """
    cs = Charset(charset)
    out = []
    for ch, prev in _bad(value, cs, allow_controls):
        cp = ord(ch)
        if cs is Charset.MJ and is_selector(cp):
            out.append(
                f"{code_point(ch)} after {visible(prev)}" if prev else f"{code_point(ch)} at the start"
            )
        elif is_control(cp) or is_selector(cp) or not ch.isprintable():
            out.append(code_point(ch))
        else:
            out.append(f"{code_point(ch)} {ch}")
    return out


def is_valid(value: str, charset: Charset | str, allow_controls: bool = False) -> bool:
    """True iff every character of ``value`` is in ``charset``."""
    return not invalid_chars(value, charset, allow_controls)


# The code points :func:`allowed_codepoints` scans: planes 0, 2 and 3 without the surrogates.
_SCAN_SPANS = ((0x0, 0xD800), (0xE000, 0x10000), (0x20000, 0x40000))


def _scanned() -> np.ndarray:
    return np.concatenate([np.arange(lo, hi, dtype=np.int64) for lo, hi in _SCAN_SPANS])


def _in_ranges(cps: np.ndarray, ranges: Iterable[tuple[int, int]]) -> np.ndarray:
    out = np.zeros(cps.shape, dtype=bool)
    for lo, hi in ranges:
        out |= (cps >= lo) & (cps <= hi)
    return out


@cache
def _encodable_mask(codec: str) -> np.ndarray:
    """bool per :func:`_scanned` code point: ``chr(cp).encode(codec)`` succeeds (same verdict as :func:`_encodable`).

    One bulk encode instead of one call per code point: every non-ASCII code point followed
    by ``\\n`` with ``errors="replace"``; a code point is unencodable iff its segment is the
    single replacement byte ``?``. The separator keeps the verdicts per code point: no
    character encodes to a byte 0x0A in these codecs (trail bytes are ≥ 0x21), and a newline
    never pairs with its neighbour (JIS X 0213 pairs end in a combining mark). ASCII goes
    through the scalar test. If a codec breaks these assumptions the scalar scan is used.
    """
    from . import compiled_cache  # the scan takes ~0.1 s of every start-up: cached on disk

    key = compiled_cache.content_key("encodable", [codec])
    hit = compiled_cache.load("encodable", key)
    if isinstance(hit, np.ndarray) and hit.dtype == bool and hit.size == _scanned().size:
        return hit
    out = _scan_encodable(codec)
    compiled_cache.store("encodable", key, out)
    return out


def _scan_encodable(codec: str) -> np.ndarray:
    cps = _scanned()
    out = np.zeros(cps.size, dtype=bool)
    ascii_ = cps < 0x80
    out[ascii_] = [_encodable(chr(c), codec) for c in cps[ascii_].tolist()]
    rest = cps[~ascii_]
    try:
        raw = ("\n".join(map(chr, rest.tolist())) + "\n").encode(codec, "replace")
    except (UnicodeError, LookupError):
        raw = b""
    b = np.frombuffer(raw, dtype=np.uint8)
    nl = np.flatnonzero(b == 0x0A)
    if nl.size == rest.size:
        start = np.concatenate([[0], nl[:-1] + 1])
        out[~ascii_] = ~((nl - start == 1) & (b[start] == 0x3F))
    else:  # unexpected codec behaviour: one call per code point (exact, slow)
        out[~ascii_] = [_encodable(chr(c), codec) for c in rest.tolist()]
    return out


@cache
def allowed_array(charset: Charset | str) -> np.ndarray | None:
    """Sorted int64 array of the code points of a context-free class (None for ``any``).

    The same set as :func:`allowed_codepoints` (the vectorized validator builds its lookup
    tables from it), computed with numpy from the class definitions in :func:`_ok`.
    """
    cs = Charset(charset)
    if cs is Charset.ANY:
        return None
    cps = _scanned()
    ok: np.ndarray
    if cs is Charset.DIGITS:
        ok = _in_ranges(cps, [(0x30, 0x39)])
    elif cs is Charset.ALNUM:  # str.isascii() and str.isalnum()
        ok = _in_ranges(cps, [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)])
    elif cs is Charset.ASCII:
        ok = _in_ranges(cps, [(0x20, 0x7E)])
    elif cs is Charset.HANKAKU:
        ok = _in_ranges(cps, [(0x20, 0x7E), (0xFF61, 0xFF9F)])
    elif cs is Charset.HANKAKU_KANA:
        ok = _in_ranges(cps, [(0x20, 0x20), (0xFF61, 0xFF9F)])
    elif cs is Charset.ZENKAKU:
        ok = ~_in_ranges(cps, [(0x0, 0x7F), (0xFF61, 0xFF9F)])
    elif cs is Charset.ZENKAKU_KANA:
        ok = _in_ranges(cps, [(0x3000, 0x3000), (0x30A1, 0x30FE)])
    elif cs is Charset.JIS_X0208:
        ok = (cps <= 0x7F) | _encodable_mask("iso2022_jp")
    elif cs is Charset.JIS_X0213:
        ok = (cps <= 0x7F) | (cps == 0x309A) | _encodable_mask("shift_jis_2004")
    elif cs is Charset.CP932:
        ok = ~_in_ranges(cps, [USER_AREA]) & _encodable_mask("cp932")
    elif cs is Charset.MJ:
        jis = allowed_array(Charset.JIS_X0213)
        assert jis is not None
        ok = np.isin(cps, jis) | _in_ranges(cps, _CJK_RANGES) | _in_ranges(cps, _MJ_EXTRA)
    else:
        raise ValueError(f"unknown charset {cs!r}")
    ok &= ~_in_ranges(cps, CONTROL_RANGES)
    out = cps[ok]
    out.setflags(write=False)
    return out


@cache
def allowed_codepoints(charset: Charset | str) -> frozenset[int] | None:
    """All code points of a context-free class (None for ``any``).

    For ``mj`` the set excludes the IVS selectors (valid only after an ideograph). Covers
    U+0000–FFFF and U+20000–3FFFF (no codec used here encodes other planes). Computed in
    bulk by :func:`allowed_array` (~0.1 s for a codec class); equal to scanning every code
    point with :func:`_ok` (tests hold the two to the same set).
    """
    arr = allowed_array(charset)
    return None if arr is None else frozenset(arr.tolist())


def scan_allowed_codepoints(charset: Charset | str) -> frozenset[int] | None:
    """The definition itself: every scanned code point tested with :func:`_ok` (slow, ~1 s; for tests)."""
    cs = Charset(charset)
    if cs is Charset.ANY:
        return None
    cps = [cp for lo, hi in _SCAN_SPANS for cp in range(lo, hi)]
    return frozenset(cp for cp in cps if _ok(chr(cp), cs))
