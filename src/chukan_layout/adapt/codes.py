"""Finding codes raised by the adapt stage (registered at import).

Each code: one-line summary (English, Japanese), and a bad/good example in ``doc``.
"""

from __future__ import annotations

from ..findings import Severity, register_code

UNMAPPED_CODE = register_code(
    "adapt.unmapped_code",
    Severity.ERROR,
    "a vendor code has no entry in the adapter's code map",
    "コード変換表に無いベンダーコード",
    stage="adapt",
    doc="Bad: 続柄 `99` with map {'01': '01', '02': '02'} → finding, value kept as `99`. "
    "Good: every vendor code listed (or an explicit `default:`).",
)
ERA_OVERFLOW = register_code(
    "adapt.era_overflow",
    Severity.WARNING,
    "a 和暦 date lies outside its era (computed, not shifted)",
    "元号の範囲外の和暦日付(換算のみ、補正しない)",
    stage="adapt",
    doc="Bad: 平成31年5月1日 (`4310501`) → 2019-05-01 with this finding. Good: 令和元年5月1日 (`5010501`).",
)
SMALL_KANA = register_code(
    "adapt.small_kana",
    Severity.INFO,
    "legacy kana may hold small kana written large (ｷﾖｳｺ); review, not guessed",
    "捨て仮名が大書きされている可能性(ｷﾖｳｺ 等)。推測で変換しない",
    stage="adapt",
    doc="Bad: `ｷﾖｳｺ` (きょうこ stored as きようこ) → flagged, kept as キヨウコ. Good: `ｷｮｳｺ`.",
)
BAD_DATE = register_code(
    "adapt.date",
    Severity.ERROR,
    "a source date does not parse in the adapter's declared format (kept as is)",
    "日付が宣言された形式で解釈できない(値はそのまま)",
    stage="adapt",
    doc="Bad: `3600230` (昭和60年2月30日) or `S6O0214` → kept raw, flagged. Good: `3600214` → 1985-02-14.",
)
LOOKUP_MISSING = register_code(
    "adapt.lookup_missing",
    Severity.ERROR,
    "a key has no row in the lookup (side) file",
    "参照ファイルにキーが無い",
    stage="adapt",
    doc="Bad: 町字コード `0123` absent from the address master → the looked-up item is blank and "
    "flagged. Good: every key present.",
)
CHECK_DIGIT = register_code(
    "adapt.check_digit",
    Severity.ERROR,
    "a source number fails its check digit",
    "検査数字が一致しない番号",
    stage="adapt",
    doc="Bad: 宛名番号 `0000001230` (CD should be 6). Good: `0000001236`.",
)
UNROUTED = register_code(
    "adapt.unrouted",
    Severity.ERROR,
    "a source record matched no target of the adapter (rejected, not dropped)",
    "どの移行ファイルにも割り当てられないレコード(リジェクト)",
    stage="adapt",
    doc="Bad: a target `where: {field: kubun, in: ['1']}` and a record with kubun `3`. "
    "Good: every record routed to a target.",
)
ADDRESS_SPLIT = register_code(
    "adapt.address_split",
    Severity.WARNING,
    "an address could not be split completely (no 都道府県 / 市区町村 / 番地 found); nothing guessed",
    "住所を分割できない(都道府県・市区町村・番地が見つからない)。推測しない",
    stage="adapt",
    doc="Bad: `立石5丁目13番1号` (no 都道府県 or 市区町村 that the reference knows) → the unsplit text stays in "
    "町字, flagged. Good: `東京都葛飾区立石五丁目13番1号` → 東京都 / 葛飾区 / 立石五丁目 / 13番1号.",
)
