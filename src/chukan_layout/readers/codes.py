"""Finding codes of the read stage (registered at import)."""

from __future__ import annotations

from ..findings import Severity, register_code

DECODE = "read.decode"
FRAMING = "read.framing"
RECORD_TYPE = "read.record_type"
CSV_STRUCTURE = "read.csv_structure"

register_code(
    DECODE,
    Severity.ERROR,
    "Bytes not decodable in the declared encoding (or NUL / bad number)",
    "宣言された文字コードで復号できないバイト（NUL・不正な数値を含む）",
    stage="read",
    doc="A field holds bytes the codec cannot decode.\n\nBad: cp932 field `82 0A` (lead byte without trail).\n"
    "Good: `82 A0` (あ).",
)
register_code(
    FRAMING,
    Severity.ERROR,
    "Record framing broken: wrong length, truncated record, trailing bytes, bad RDW/BDW",
    "レコード長の不一致・途中で切れたレコード・末尾の余分なバイト・不正なRDW/BDW",
    stage="read",
    doc="The record cannot be cut out of the byte stream as declared.\n\n"
    "Bad: a 119-byte line in a 120-byte CRLF file. Good: every line is 120 bytes + CRLF.",
)
register_code(
    RECORD_TYPE,
    Severity.ERROR,
    "Unknown record type (レコード区分)",
    "未定義のレコード区分",
    stage="read",
    doc="The record-type field matches no record type of the definition.\n\n"
    "Bad: レコード区分 `7` in a file defining 1/2/8/9. Good: `2` (data).",
)
register_code(
    CSV_STRUCTURE,
    Severity.ERROR,
    "CSV row structure broken: wrong field count or unbalanced quote",
    "CSVの行構造の誤り（項目数の不一致・引用符の不整合）",
    stage="read",
    doc="A CSV record has the wrong number of fields or an unclosed quote.\n\n"
    'Bad: `1,"abc,2` (quote never closed). Good: `1,"abc",2`.',
)
