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
_HALF = ("ｱｱｲｲｳｳｴｴｵｵｶｶﾞｷｷﾞｸｸﾞｹｹﾞｺｺﾞｻｻﾞｼｼﾞｽｽﾞｾｾﾞｿｿﾞﾀﾀﾞﾁﾁﾞﾂﾂﾂﾞﾃﾃﾞﾄﾄﾞﾅﾆﾇﾈﾉﾊﾊﾞﾊﾟﾋﾋﾞﾋﾟﾌﾌﾞﾌﾟﾍﾍﾞﾍﾟﾎﾎﾞﾎﾟ"
         "ﾏﾐﾑﾒﾓﾔﾔﾕﾕﾖﾖﾗﾘﾙﾚﾛﾜﾜｲｴｦﾝｳﾞｶｹｰ･ ")


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
    return np.asarray(pc.match_substring_regex(values, SMALL_KANA_RE).to_numpy(zero_copy_only=False), dtype=bool)


def _ints(values: pa.Array, start: int, length: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(values, start, start + length)
    part = pc.if_else(pc.equal(part, ""), "0", part)
    return np.asarray(part.cast(pa.int64()).to_numpy(zero_copy_only=False))


_ERA_START_YMD = np.array([18680101, 19120730, 19261225, 19890108, 20190501])


def wareki(values: pa.Array, era_codes: dict[str, str], era_names: pa.Array | None = None) -> pa.Array:
    """``YYYY-MM-DD`` → ``GYYMMDD`` with the vendor's era digit; blank stays blank.

    The era is the one the date falls in (computed on the text, so 不詳 ``00`` parts and
    impossible days still encode); ``era_names`` (golden 元号 names per row) overrides it
    where given, which is how a 不詳 birth date keeps its recorded era.
    """
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
        digit, pc.utf8_lpad(pa.array(yy).cast(pa.string()), 2, "0"),
        pc.utf8_slice_codeunits(values, 5, 7), pc.utf8_slice_codeunits(values, 8, 10), "",
    )
    return pc.if_else(blank, "", out)


def wareki_forced(values: pa.Array, era_codes: dict[str, str], era: str) -> pa.Array:
    """Encode with a given era regardless of the date (the out-of-era fault: 平成31年5月1日)."""
    i = ERA_NAMES.index(era)
    y = _ints(values, 0, 4)
    yy = y - ERA_START_YEAR[i] + 1
    return pc.binary_join_element_wise(
        era_codes[era], pc.utf8_lpad(pa.array(yy).cast(pa.string()), 2, "0"),
        pc.utf8_slice_codeunits(values, 5, 7), pc.utf8_slice_codeunits(values, 8, 10), "",
    )


def slash(values: pa.Array) -> pa.Array:
    return pc.replace_substring(values, "-", "/")


def compact(values: pa.Array) -> pa.Array:
    return pc.replace_substring(values, "-", "")


_MEMOS = ("", "", "", "", "", "", "", "", "転入時に確認済", "要確認,再送付あり", "電話連絡あり\r\n来庁予定",
          "本人申出、\"通称\"の確認")


def memo(record_no: np.ndarray) -> pa.Array:
    """Vendor-only free text: mostly blank, some with commas, quotes and an embedded newline."""
    return pa.array(list(_MEMOS)).take(pa.array((record_no * 2654435761) % 97 % len(_MEMOS)))
