"""Finding codes raised by an export (registered at import).

``export.date`` and ``export.era_unknown`` are raised by the reverse transforms themselves
(:mod:`chukan_layout.adapt.transforms.reverse`), and so is ``export.small_kana_large``.
"""

from __future__ import annotations

from ..findings import Severity, register_code

UNENCODABLE = register_code(
    "export.unencodable",
    Severity.ERROR,
    "a character the target encoding cannot carry and no 外字 table maps: record rejected",
    "出力先の文字コードで表せず外字表にも無い文字(レコードを除外)",
    stage="export",
    doc="Bad: 𠮷 (U+20BB7) in 氏名 exported to cp932 with no 外字 row → rejected, listed in unencodable.csv. "
    "Good: a 外字 table row U+E0B3 ↔ U+20BB7, or policy replace with a declared substitute (〓).",
)
REPLACED = register_code(
    "export.unencodable_replaced",
    Severity.WARNING,
    "a character the target encoding cannot carry was written as the declared substitute",
    "出力先の文字コードで表せない文字を代替文字で出力",
    stage="export",
    doc="Bad: 𠮷 → 〓 under policy replace (listed in unencodable.csv). Good: a 外字 table that maps it.",
)
OVERFLOW = register_code(
    "export.overflow",
    Severity.ERROR,
    "a value is longer than its vendor field (never truncated): record rejected",
    "値が出力先の項目長を超える(切り詰めない・レコードを除外)",
    stage="export",
    doc="Bad: a 方書 of 90 bytes into a 60-byte field → rejected. Good: a value that fits.",
)
BAD_NUMBER = register_code(
    "export.number",
    Severity.ERROR,
    "a value cannot be written in its numeric field (zoned / packed / binary): record rejected",
    "数値項目(ゾーン・パック・バイナリ)に出力できない値(レコードを除外)",
    stage="export",
    doc="Bad: `12a` or a value with more digits than the field → rejected. Good: `-1200` in S9(9).",
)
NO_SOURCE = register_code(
    "export.no_source",
    Severity.INFO,
    "a vendor field has no source in the standard layout and is written blank (lossy by design)",
    "標準レイアウトに対応項目が無いベンダー項目(空白で出力)",
    stage="export",
    doc="Bad: vendor B's メモ (vendor-only free text) → blank in every record, counted. "
    "Good: give the field in the export profile (`const:` or `from:`).",
)
HEADER_VALUE = register_code(
    "export.header_value",
    Severity.ERROR,
    "records of one output file disagree on a value its header record holds once",
    "ヘッダーレコードに1つしか書けない値がレコード間で異なる",
    stage="export",
    doc="Bad: 団体コード 131016 and 131024 in one JUMIN.DAT (header holds one). Good: one municipality per file.",
)
