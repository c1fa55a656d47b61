"""Vendor encodings of golden values (vectorized), each the inverse of an adapter transform.

See :mod:`chukan_layout.synth.profile` for the list. Dates are handled as text (``YYYY-MM-DD``
with ``00`` for 不詳 parts), so impossible or partial dates encode without a calendar.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import ERA_NAMES, ERA_START_YEAR

# full-width katakana → half-width (JIS X 0201); small kana become large (the legacy habit)
_FULL = "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶー・　"
_HALF = "ｱｱｲｲｳｳｴｴｵｵｶｶﾞｷｷﾞｸｸﾞｹｹﾞｺｺﾞｻｻﾞｼｼﾞｽｽﾞｾｾﾞｿｿﾞﾀﾀﾞﾁﾁﾞﾂﾂﾂﾞﾃﾃﾞﾄﾄﾞﾅﾆﾇﾈﾉﾊﾊﾞﾊﾟﾋﾋﾞﾋﾟﾌﾌﾞﾌﾟﾍﾍﾞﾍﾟﾎﾎﾞﾎﾟﾏﾐﾑﾒﾓﾔﾔﾕﾕﾖﾖﾗﾘﾙﾚﾛﾜﾜｲｴｦﾝｳﾞｶｹｰ･ "


def _build_map() -> dict[int, str]:
    out: dict[int, str] = {}
    i = 0
    half = _HALF
    for ch in _FULL:
        # one half-width letter, plus ﾞ/ﾟ when the next half-width char is a sound mark
        take = 2 if i + 1 < len(half) and half[i + 1] in "ﾞﾟ" else 1
        out[ord(ch)] = half[i : i + take]
        i += take
    return out


_HANKAKU = _build_map()
SMALL_KANA = "ァィゥェォッャュョヮヵヶ"
SMALL_KANA_RE = "[" + SMALL_KANA + "]"


def hankaku(values: pa.Array) -> pa.Array:
    """Full-width katakana → half-width with small kana written large (ｷﾖｳｺ); lossy on purpose."""
    enc = pc.dictionary_encode(values)
    d = enc.dictionary.to_pylist()
    conv = pa.array([v.translate(_HANKAKU) for v in d], pa.string())
    return conv.take(enc.indices)


def has_small_kana(values: pa.Array) -> np.ndarray:
    return np.asarray(
        pc.match_substring_regex(values, SMALL_KANA_RE).to_numpy(zero_copy_only=False), dtype=bool
    )


def _ints(values: pa.Array, start: int, length: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(values, start, start + length)
    part = pc.if_else(pc.equal(part, ""), "0", part)
    return np.asarray(part.cast(pa.int64()).to_numpy(zero_copy_only=False))


_ERA_START_YMD = np.array([18680101, 19120730, 19261225, 19890108, 20190501])
_DIGIT_POS = [0, 1, 2, 3, 5, 6, 8, 9]


def _iso_matrix(values: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(``(n, 10)`` bytes of ``YYYY-MM-DD`` values, blank mask) when every value is blank or has
    that shape (any digits: 不詳 ``00`` and impossible days included); None otherwise."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if arr.null_count or arr.type != pa.string() or len(arr) == 0:
        return None
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int32)[arr.offset : arr.offset + n + 1]
    lengths = np.diff(offsets)
    blank = lengths == 0
    if not ((lengths == 10) | blank).all():
        return None
    data = (
        np.frombuffer(bufs[2], np.uint8)[offsets[0] : offsets[-1]]
        if bufs[2] is not None
        else np.zeros(0, np.uint8)
    )
    mat = np.full((n, 10), ord("0"), np.uint8)
    mat[:, 4] = mat[:, 7] = ord("-")
    mat[~blank] = data.reshape(-1, 10)
    digits = mat[:, _DIGIT_POS]
    if (
        ((digits - np.uint8(0x30)) > 9).any()
        or (mat[:, 4] != ord("-")).any()
        or (mat[:, 7] != ord("-")).any()
    ):
        return None
    return mat, blank


def _from_rows(mat: np.ndarray, blank: np.ndarray) -> pa.Array:
    """Strings from an ``(n, w)`` byte matrix, ``""`` where ``blank``."""
    n, w = mat.shape
    lengths = np.where(blank, 0, w)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = np.ascontiguousarray(mat[~blank]) if blank.any() else np.ascontiguousarray(mat)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def wareki(values: pa.Array, era_codes: dict[str, str], era_names: pa.Array | None = None) -> pa.Array:
    """``YYYY-MM-DD`` → ``GYYMMDD`` with the vendor's era digit; blank stays blank.

    The era is the one the date falls in (computed on the text, so 不詳 ``00`` parts and
    impossible days still encode); ``era_names`` (golden 元号 names per row) overrides it
    where given, which is how a 不詳 birth date keeps its recorded era.
    """
    fast = _wareki_fast(values, era_codes, era_names)
    if fast is not None:
        return fast
    blank = pc.equal(values, "")
    y, m, d = _ints(values, 0, 4), _ints(values, 5, 2), _ints(values, 8, 2)
    key = y * 10000 + np.maximum(m, 1) * 100 + np.maximum(d, 1)
    era = np.maximum(np.searchsorted(_ERA_START_YMD, key, side="right") - 1, 0)
    if era_names is not None:
        override = pc.fill_null(pc.index_in(era_names, value_set=pa.array(ERA_NAMES)), -1)
        era = np.where(np.asarray(override) >= 0, np.asarray(override), era)
    yy = y - ERA_START_YEAR[era] + 1
    digit = pa.array([era_codes[n] for n in ERA_NAMES]).take(pa.array(era))
    out = pc.binary_join_element_wise(
        digit,
        pc.utf8_lpad(pa.array(yy).cast(pa.string()), 2, "0"),
        pc.utf8_slice_codeunits(values, 5, 7),
        pc.utf8_slice_codeunits(values, 8, 10),
        "",
    )
    return pc.if_else(blank, "", out)


def _eras(y: np.ndarray, m: np.ndarray, d: np.ndarray, era_names: pa.Array | None) -> np.ndarray:
    key = y * 10000 + np.maximum(m, 1) * 100 + np.maximum(d, 1)
    era = np.maximum(np.searchsorted(_ERA_START_YMD, key, side="right") - 1, 0)
    if era_names is not None:
        override = np.asarray(pc.fill_null(pc.index_in(era_names, value_set=pa.array(ERA_NAMES)), -1))
        era = np.where(override >= 0, override, era)
    return era


def _wareki_fast(values: pa.Array, era_codes: dict[str, str], era_names: pa.Array | None) -> pa.Array | None:
    """:func:`wareki` in numpy over the values' bytes (same text); None → the general path."""
    digit = [era_codes[n].encode() for n in ERA_NAMES]
    if any(len(x) != 1 for x in digit):
        return None
    parsed = _iso_matrix(values)
    if parsed is None:
        return None
    mat, blank = parsed
    v = (mat[:, _DIGIT_POS] - np.uint8(0x30)).astype(np.int64)
    y = v[:, 0] * 1000 + v[:, 1] * 100 + v[:, 2] * 10 + v[:, 3]
    m, d = v[:, 4] * 10 + v[:, 5], v[:, 6] * 10 + v[:, 7]
    era = _eras(y, m, d, era_names)
    yy = y - ERA_START_YEAR[era] + 1
    if ((yy < 0) | (yy > 99))[~blank].any():  # not two digits: the general path pads as it always did
        return None
    yy = np.clip(yy, 0, 99)
    out = np.empty((len(y), 7), np.uint8)
    out[:, 0] = np.frombuffer(b"".join(digit), np.uint8)[era]
    out[:, 1] = 0x30 + yy // 10
    out[:, 2] = 0x30 + yy % 10
    out[:, 3:5] = mat[:, 5:7]
    out[:, 5:7] = mat[:, 8:10]
    return _from_rows(out, blank)


def wareki_forced(values: pa.Array, era_codes: dict[str, str], era: str) -> pa.Array:
    """Encode with a given era regardless of the date (the out-of-era fault: 平成31年5月1日)."""
    i = ERA_NAMES.index(era)
    y = _ints(values, 0, 4)
    yy = y - ERA_START_YEAR[i] + 1
    return pc.binary_join_element_wise(
        era_codes[era],
        pc.utf8_lpad(pa.array(yy).cast(pa.string()), 2, "0"),
        pc.utf8_slice_codeunits(values, 5, 7),
        pc.utf8_slice_codeunits(values, 8, 10),
        "",
    )


def slash(values: pa.Array) -> pa.Array:
    parsed = _iso_matrix(values)
    if parsed is not None:  # ISO dates: two bytes swapped in a byte matrix
        mat, blank = parsed
        mat[:, 4] = mat[:, 7] = ord("/")
        return _from_rows(mat, blank)
    return pc.replace_substring(values, "-", "/")


def compact(values: pa.Array) -> pa.Array:
    parsed = _iso_matrix(values)
    if parsed is not None:
        mat, blank = parsed
        return _from_rows(mat[:, _DIGIT_POS], blank)
    return pc.replace_substring(values, "-", "")


_MEMOS = (
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "転入時に確認済",
    "要確認,再送付あり",
    "電話連絡あり\r\n来庁予定",
    '本人申出、"通称"の確認',
)


def memo(record_no: np.ndarray) -> pa.Array:
    """Vendor-only free text: mostly blank, some with commas, quotes and an embedded newline."""
    return pa.array(list(_MEMOS)).take(pa.array((record_no * 2654435761) % 97 % len(_MEMOS)))
