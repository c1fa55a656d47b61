"""The previous implementations of the width conversions, kept verbatim as test oracles.

Copied from ``src/chukan_layout/adapt/transforms/{_utf8,width}.py`` as they were before the fast
paths (commit d4e1b9e); ``test_fast_paths.py`` holds the optimized code to exactly these results.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def as_str(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return arr.fill_null("") if arr.null_count else arr


def utf8_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(data bytes, offsets) of a string array, offsets rebased to the data slice (int64)."""
    if arr.null_count:
        arr = arr.fill_null("")
    bufs = arr.buffers()
    wide = pa.types.is_large_string(arr.type)
    dtype, size = (np.int64, 8) if wide else (np.int32, 4)
    offsets = np.frombuffer(bufs[1], dtype=dtype, count=len(arr) + 1, offset=arr.offset * size).astype(
        np.int64
    )
    start, end = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8, count=end - start, offset=start)
        if bufs[2] is not None and end > start
        else np.zeros(0, dtype=np.uint8)
    )
    return data, offsets - start


def from_buffers(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """A ``pa.string()`` array from UTF-8 bytes and int64 offsets."""
    n = len(offsets) - 1
    if int(offsets[-1]) < 2**31:
        off = pa.py_buffer(offsets.astype(np.int32))
        return pa.Array.from_buffers(pa.string(), n, [None, off, pa.py_buffer(data)])
    big = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return big


def char_starts(data: np.ndarray, lead: int, second: np.ndarray | tuple[int, ...]) -> np.ndarray:
    """Positions of 3-byte characters whose bytes are ``lead``, one of ``second``, any.

    In UTF-8 a lead byte (0xE0–0xEF) can only start a character, so no alignment check is needed.
    """
    if data.size < 3:
        return np.zeros(0, dtype=np.int64)
    head = data[:-2]
    pos = np.flatnonzero((head == lead) & np.isin(data[1:-1], np.asarray(second, dtype=np.uint8)))
    return pos.astype(np.int64)


def cp3(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Code points of the 3-byte UTF-8 characters starting at ``pos``."""
    b0 = data[pos].astype(np.int64) & 0x0F
    b1 = data[pos + 1].astype(np.int64) & 0x3F
    b2 = data[pos + 2].astype(np.int64) & 0x3F
    return (b0 << 12) | (b1 << 6) | b2


def encode_cps(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes (m×3, left-aligned) and lengths (1–3) of BMP code points ``cps``."""
    cps = cps.astype(np.int64)
    out = np.zeros((cps.size, 3), dtype=np.uint8)
    ln = np.where(cps < 0x80, 1, np.where(cps < 0x800, 2, 3)).astype(np.int64)
    one, two, three = ln == 1, ln == 2, ln == 3
    out[one, 0] = cps[one]
    out[two, 0] = 0xC0 | (cps[two] >> 6)
    out[two, 1] = 0x80 | (cps[two] & 0x3F)
    out[three, 0] = 0xE0 | (cps[three] >> 12)
    out[three, 1] = 0x80 | ((cps[three] >> 6) & 0x3F)
    out[three, 2] = 0x80 | (cps[three] & 0x3F)
    return out, ln


def rewrite(
    data: np.ndarray,
    offsets: np.ndarray,
    pos: np.ndarray,
    consumed: np.ndarray,
    repl: np.ndarray,
    repl_len: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace ``consumed[k]`` bytes at ``pos[k]`` by ``repl[k, :repl_len[k]]``.

    ``pos`` must be sorted and the ranges disjoint.  Returns new (data, offsets).
    """
    if pos.size == 0:
        return data, offsets
    n = data.size
    out_len = np.ones(n + 1, dtype=np.int64)  # +1: a virtual byte at the end so offsets[-1] maps
    # zero the consumed bytes, then give the first byte of each match its replacement length
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, pos, 1)
    np.add.at(delta, pos + consumed, -1)
    inside = np.cumsum(delta) > 0
    out_len[inside] = 0
    out_len[pos] = repl_len
    out_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out_len[:-1], out=out_start[1:])
    total = int(out_start[-1])
    out = np.empty(total, dtype=np.uint8)
    keep = ~inside[:-1]
    out[out_start[:-1][keep]] = data[keep]
    base = out_start[pos]
    for j in range(repl.shape[1]):
        sel = repl_len > j
        out[base[sel] + j] = repl[sel, j]
    return out, out_start[offsets]


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


def _value_starts(offsets: np.ndarray, size: int) -> np.ndarray:
    starts = np.zeros(size + 1, dtype=bool)
    starts[offsets[:-1]] = True
    return starts


def hankaku_to_zenkaku_kana(arr: pa.Array) -> pa.Array:
    """半角カナ → 全角カナ, composing ``ﾞ``/``ﾟ`` with the kana before them.

    A ``ﾞ``/``ﾟ`` that cannot compose (first in a value, or after a kana without a voiced form)
    becomes the spacing ``゛``/``゜``, never ``?`` or a guess.

    >>> hankaku_to_zenkaku_kana(pa.array(["ﾔﾏﾀﾞ ﾀﾛｳ", "ﾊﾟｰｸ", "ﾞｱ", "山田"])).to_pylist()
    ['ヤマダ タロウ', 'パーク', '゛ア', '山田']
    """
    data, offsets = utf8_buffers(as_str(arr))
    pos = char_starts(data, 0xEF, (0xBD, 0xBE))
    if pos.size == 0:
        return as_str(arr)
    cps = cp3(data, pos)
    keep = (cps >= 0xFF61) & (cps <= 0xFF9F)
    pos, cps = pos[keep], cps[keep]
    idx = cps - 0xFF61
    full = _H2Z[idx].copy()
    consumed = np.full(pos.size, 3, dtype=np.int64)
    # a mark right after a kana (3 bytes before it, same value) composes with it
    is_mark = (cps == DAKUTEN) | (cps == HANDAKUTEN)
    starts = _value_starts(offsets, data.size)
    prev_adjacent = np.zeros(pos.size, dtype=bool)
    prev_adjacent[1:] = (pos[1:] - pos[:-1] == 3) & ~starts[pos[1:]]
    composed = np.zeros(pos.size, dtype=bool)
    cand = np.flatnonzero(is_mark & prev_adjacent)
    if cand.size:
        base = idx[cand - 1]
        target = np.where(cps[cand] == DAKUTEN, _H2Z_V[base], _H2Z_S[base])
        ok = (target > 0) & ~is_mark[cand - 1]
        cand, target = cand[ok], target[ok]
        full[cand - 1] = target
        consumed[cand - 1] = 6
        composed[cand] = True
    pos, full, consumed = pos[~composed], full[~composed], consumed[~composed]
    repl, ln = encode_cps(full)
    return from_buffers(*rewrite(data, offsets, pos, consumed, repl, ln))


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
    data, offsets = utf8_buffers(as_str(arr))
    sel = _ascii_set(digits, letters, symbols)
    if space:
        sel[0x20] = True
    is_ascii = data < 0x80
    hit = np.zeros(data.size, dtype=bool)
    hit[is_ascii] = sel[data[is_ascii]]
    pos = np.flatnonzero(hit).astype(np.int64)
    if pos.size == 0:
        return as_str(arr)
    b = data[pos].astype(np.int64)
    cps = np.where(b == 0x20, 0x3000, b + 0xFEE0)
    repl, ln = encode_cps(cps)
    return from_buffers(*rewrite(data, offsets, pos, np.ones(pos.size, np.int64), repl, ln))
