"""Character width: 半角カナ ↔ 全角カナ and ASCII ↔ 全角英数, by translation tables.

Never NFKC: NFKC would also fold ①, ㈱, U+3000 and the CJK compatibility ideographs of
names (``gaiji-and-encodings.md`` §5).  These tables touch exactly the characters listed here;
kanji, 外字 (PUA) and IVS pass through byte for byte.  All work on the UTF-8 buffer with numpy
(see :mod:`._utf8`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._utf8 import char_starts, cp3, encode_cps, encode_table, from_buffers, rewrite, utf8_buffers
from .base import Context, Transform, TransformArgs, as_str, register_transform

HALF_KANA = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
FULL_KANA = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜"
assert len(HALF_KANA) == len(FULL_KANA) == 63
DAKUTEN, HANDAKUTEN = 0xFF9E, 0xFF9F
# half-width base → full-width voiced (ﾞ) / semi-voiced (ﾟ) form
_VOICED = {
    h: chr(ord(f) + 1) for h, f in zip(HALF_KANA, FULL_KANA, strict=True) if h in "ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ"
}
_VOICED |= {"ｳ": "ヴ", "ﾜ": "ヷ", "ｦ": "ヺ"}
_SEMI = {h: chr(ord(f) + 2) for h, f in zip(HALF_KANA, FULL_KANA, strict=True) if h in "ﾊﾋﾌﾍﾎ"}

# lookup arrays indexed by (code point - 0xFF61) for half-width kana
_H2Z = np.array([ord(c) for c in FULL_KANA], dtype=np.int64)
_H2Z_V = np.zeros(63, dtype=np.int64)
_H2Z_S = np.zeros(63, dtype=np.int64)
for _h, _f in _VOICED.items():
    _H2Z_V[ord(_h) - 0xFF61] = ord(_f)
for _h, _f in _SEMI.items():
    _H2Z_S[ord(_h) - 0xFF61] = ord(_f)

# full-width (U+3000–30FF) → up to two half-width code points
_Z2H = np.zeros((256, 2), dtype=np.int64)
for _h, _f in zip(HALF_KANA, FULL_KANA, strict=True):
    _Z2H[ord(_f) - 0x3000, 0] = ord(_h)
for _h, _f in _VOICED.items():
    _Z2H[ord(_f) - 0x3000] = (ord(_h), DAKUTEN)
for _h, _f in _SEMI.items():
    _Z2H[ord(_f) - 0x3000] = (ord(_h), HANDAKUTEN)


# The same tables on UTF-8 bytes.  A half-width kana is EF BD A1–BF or EF BE 80–9F; its index
# (code point - U+FF61) comes from one lookup on (second byte, third byte).  Every full-width
# form is 3 bytes E3 xx yy, so only the second and third bytes need tables.
_IDX = np.full(0x10000, -1, dtype=np.int16)
for _i in range(63):
    _cp = 0xFF61 + _i
    _IDX[(0x80 | ((_cp >> 6) & 0x3F)) << 8 | (0x80 | (_cp & 0x3F))] = _i
_H2Z_B, _ = encode_table(_H2Z)
_H2Z_VB, _ = encode_table(_H2Z_V)
_H2Z_SB, _ = encode_table(_H2Z_S)
assert (
    (_H2Z_B[:, 0] == 0xE3).all()
    and (_H2Z_VB[_H2Z_V > 0, 0] == 0xE3).all()
    and (_H2Z_SB[_H2Z_S > 0, 0] == 0xE3).all()
)
_B1, _B2 = _H2Z_B[:, 1].copy(), _H2Z_B[:, 2].copy()
_HAS_VOICED = _H2Z_V > 0
_HAS_SEMI = _H2Z_S > 0
_MARK = DAKUTEN - 0xFF61  # ﾞ = 61, ﾟ = 62


def hankaku_to_zenkaku_kana(arr: pa.Array) -> pa.Array:
    """半角カナ → 全角カナ, composing ``ﾞ``/``ﾟ`` with the kana before them.

    A ``ﾞ``/``ﾟ`` that cannot compose (first in a value, or after a kana without a voiced form)
    becomes the spacing ``゛``/``゜``, never ``?`` or a guess.

    >>> hankaku_to_zenkaku_kana(pa.array(["ﾔﾏﾀﾞ ﾀﾛｳ", "ﾊﾟｰｸ", "ﾞｱ", "山田"])).to_pylist()
    ['ヤマダ タロウ', 'パーク', '゛ア', '山田']
    """
    s = as_str(arr)
    data, offsets = utf8_buffers(s)
    if data.size < 3:
        return s
    pos = np.flatnonzero(data[:-2] == 0xEF)  # the lead byte of U+F000–FFFF (kana, PUA, full-width forms)
    if pos.size == 0:
        return s
    idx = _IDX[(data[pos + 1].astype(np.intp) << 8) | data[pos + 2]]
    keep = idx >= 0
    if not keep.all():
        pos, idx = pos[keep], idx[keep]
        if pos.size == 0:
            return s
    out = data.copy()  # same-length overwrite: ｱ (EF BD B1) → ア (E3 82 A2)
    out[pos] = 0xE3
    out[pos + 1] = _B1[idx]
    out[pos + 2] = _B2[idx]
    marks = np.flatnonzero(idx[1:] >= _MARK) + 1  # a mark right after a kana (same value) composes with it
    if marks.size:
        base, mpos = idx[marks - 1], pos[marks]
        ok = (base < _MARK) & (mpos - pos[marks - 1] == 3)
        voiced = idx[marks] == _MARK
        ok &= np.where(voiced, _HAS_VOICED[base], _HAS_SEMI[base])
        # the mark must not start a value (the kana before it would belong to the previous value)
        at = np.minimum(np.searchsorted(offsets, mpos, side="left"), offsets.size - 1)
        ok &= offsets[at] != mpos
        if ok.any():
            base, mpos, voiced = base[ok], mpos[ok], voiced[ok]
            kpos = mpos - 3
            out[kpos + 1] = np.where(voiced, _H2Z_VB[base, 1], _H2Z_SB[base, 1])
            out[kpos + 2] = np.where(voiced, _H2Z_VB[base, 2], _H2Z_SB[base, 2])
            dele = (mpos[:, None] + np.arange(3)).reshape(-1)
            out = np.delete(out, dele)
            offsets = offsets - np.searchsorted(dele, offsets, side="left")
    return from_buffers(out, offsets)


def zenkaku_to_hankaku_kana(arr: pa.Array) -> pa.Array:
    """全角カナ → 半角カナ (``ガ`` → ``ｶﾞ``); kana without a half-width form (ヵ, ヶ, ヰ, ヱ) stay.

    >>> zenkaku_to_hankaku_kana(pa.array(["ヤマダ　タロウ", "パーク"])).to_pylist()
    ['ﾔﾏﾀﾞ\\u3000ﾀﾛｳ', 'ﾊﾟｰｸ']
    """
    data, offsets = utf8_buffers(as_str(arr))
    pos = char_starts(data, 0xE3, (0x80, 0x81, 0x82, 0x83))
    if pos.size == 0:
        return as_str(arr)
    cps = cp3(data, pos)
    pair = _Z2H[cps - 0x3000]
    keep = pair[:, 0] > 0
    pos, pair = pos[keep], pair[keep]
    b0, l0 = encode_cps(pair[:, 0])
    b1, l1 = encode_cps(np.where(pair[:, 1] > 0, pair[:, 1], 0x20))
    l1 = np.where(pair[:, 1] > 0, l1, 0)
    repl = np.concatenate([b0, b1], axis=1)
    return from_buffers(*rewrite(data, offsets, pos, np.full(pos.size, 3, np.int64), repl, l0 + l1))


_DIGITS = set(range(0x30, 0x3A))
_LETTERS = set(range(0x41, 0x5B)) | set(range(0x61, 0x7B))
_SYMBOLS = set(range(0x21, 0x7F)) - _DIGITS - _LETTERS


def _ascii_set(digits: bool, letters: bool, symbols: bool) -> np.ndarray:
    sel = np.zeros(0x80, dtype=bool)
    for flag, s in ((digits, _DIGITS), (letters, _LETTERS), (symbols, _SYMBOLS)):
        if flag:
            sel[list(s)] = True
    return sel


def zenkaku_to_ascii(
    arr: pa.Array, *, digits: bool = True, letters: bool = True, symbols: bool = False, space: bool = False
) -> pa.Array:
    """全角英数 (U+FF01–FF5E) → ASCII; U+3000 → space only with ``space=True``.

    >>> zenkaku_to_ascii(pa.array(["１２３ー４", "ＡＢｃ－", "髙橋"])).to_pylist()
    ['123ー4', 'ABc－', '髙橋']
    """
    data, offsets = utf8_buffers(as_str(arr))
    pos = char_starts(data, 0xEF, (0xBC, 0xBD))
    pos_sp = char_starts(data, 0xE3, (0x80,)) if space else np.zeros(0, np.int64)
    if pos.size == 0 and pos_sp.size == 0:
        return as_str(arr)
    cps = cp3(data, pos)
    asc = cps - 0xFEE0
    sel = _ascii_set(digits, letters, symbols)
    ok = (cps >= 0xFF01) & (cps <= 0xFF5E)
    ok[ok] = sel[asc[ok]]
    pos, asc = pos[ok], asc[ok]
    if pos_sp.size:
        pos_sp = pos_sp[cp3(data, pos_sp) == 0x3000]
        pos = np.concatenate([pos, pos_sp])
        asc = np.concatenate([asc, np.full(pos_sp.size, 0x20, np.int64)])
        order = np.argsort(pos, kind="stable")
        pos, asc = pos[order], asc[order]
    repl = asc.astype(np.uint8).reshape(-1, 1)
    return from_buffers(
        *rewrite(data, offsets, pos, np.full(pos.size, 3, np.int64), repl, np.ones(pos.size, np.int64))
    )


def ascii_to_zenkaku(
    arr: pa.Array, *, digits: bool = True, letters: bool = True, symbols: bool = False, space: bool = False
) -> pa.Array:
    """ASCII → 全角英数 (``A1`` → ``Ａ１``); a space becomes U+3000 only with ``space=True``.

    >>> ascii_to_zenkaku(pa.array(["1-2 A", "髙"])).to_pylist()
    ['１-２ Ａ', '髙']
    """
    s = as_str(arr)
    data, offsets = utf8_buffers(s)
    sel = _ascii_set(digits, letters, symbols)
    if space:
        sel[0x20] = True
    chosen = np.flatnonzero(sel)
    if chosen.size <= 2:  # e.g. only the space (kana columns): Arrow's memchr-based replace is faster
        for c in chosen.tolist():
            s = pc.replace_substring(s, chr(c), chr(0x3000 if c == 0x20 else c + 0xFEE0))
        return s
    lut = np.zeros(256, dtype=bool)
    lut[:0x80] = sel
    hit = lut[data]
    pos = np.flatnonzero(hit).astype(np.int64)
    if pos.size == 0:
        return s
    b = data[pos]
    return from_buffers(*rewrite(data, offsets, pos, np.ones(pos.size, np.int64), _A2Z_B[b], _A2Z_LEN[b]))


# ASCII byte → its full-width form as UTF-8 bytes (space → U+3000)
_A2Z_B, _A2Z_LEN = encode_table(np.array([0x3000 if b == 0x20 else b + 0xFEE0 if 0x21 <= b <= 0x7E else 0
                                          for b in range(0x80)]))  # fmt: skip


@register_transform
class KanaWidth(Transform):
    """Convert kana width: 半角カナ → 全角カナ (``to: zenkaku``, ﾞﾟ composed) or back (``to: hankaku``).

    Example: ``- kana: zenkaku`` — ``"ﾔﾏﾀﾞ ﾀﾛｳ"`` → ``"ヤマダ タロウ"``; ``"ﾊﾟ"`` → ``"パ"``;
    a lone ``"ﾞ"`` → ``"゛"``. Kanji and 外字 are never touched.
    """

    name = "kana"
    value_wise = True
    cost = 3
    primary = "to"

    class Args(TransformArgs):
        to: Literal["zenkaku", "hankaku"] = "zenkaku"

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        fn = hankaku_to_zenkaku_kana if self.args.to == "zenkaku" else zenkaku_to_hankaku_kana
        return fn(inputs[0])


@register_transform
class AsciiWidth(Transform):
    """Convert 全角英数 ↔ ASCII (``to: ascii`` or ``to: zenkaku``); digits and letters by default.

    Example: ``- alnum: ascii`` — ``"１２３ＡＢ"`` → ``"123AB"``; with ``{to: zenkaku, space: true}``
    ``"1 A"`` → ``"１　Ａ"``. Options ``digits``, ``letters``, ``symbols``, ``space`` choose what changes.
    """

    name = "alnum"
    value_wise = True
    cost = 2
    primary = "to"

    class Args(TransformArgs):
        to: Literal["ascii", "zenkaku"] = "ascii"
        digits: bool = True
        letters: bool = True
        symbols: bool = False
        space: bool = False

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        fn = zenkaku_to_ascii if a.to == "ascii" else ascii_to_zenkaku
        return fn(inputs[0], digits=a.digits, letters=a.letters, symbols=a.symbols, space=a.space)
