"""The vocabulary of layouts: the strict base model, the id patterns, the enums an item's
``type``, ``charset``, ``check_digit`` and length ``unit`` take, and provenance.

Part of :mod:`chukan_layout.spec.model` (the one import path); see docs/layout-format.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_ID = r"^[a-z][a-z0-9_]*$"
_LAYOUT_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ItemType(StrEnum):
    """Type vocabulary of layout items. Values stay strings; the type decides the checks.

    - ``text``: free text (names, addresses, remarks).
    - ``digits``: a string of ASCII digits, leading zeros significant (番号, コード値 as digits).
    - ``code``: a value from a code table (``codes:``); compared as text.
    - ``integer``: optionally signed decimal integer text (``-123``), no leading ``+``.
    - ``decimal``: optionally signed decimal with at most ``scale`` fraction digits (``12.50``).
    - ``date``: 西暦 calendar date ``YYYY-MM-DD``; with ``partial_date`` a 不詳 part is ``00``.
    - ``year_month``: ``YYYY-MM``.
    - ``year``: ``YYYY``.
    - ``wareki_year``: 2-digit 和暦 year ``YY`` (``01`` = 元年), paired with an era-code item.
    - ``flag``: ``0`` / ``1``.
    - ``time``: ``HH:MM:SS``.
    """

    TEXT = "text"
    DIGITS = "digits"
    CODE = "code"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    YEAR_MONTH = "year_month"
    YEAR = "year"
    WAREKI_YEAR = "wareki_year"
    FLAG = "flag"
    TIME = "time"


class Charset(StrEnum):
    """Character classes an item's text must belong to.

    - ``any``: no restriction beyond the file encoding.
    - ``digits``: ASCII 0-9.
    - ``alnum``: ASCII letters and digits.
    - ``ascii``: printable ASCII (半角英数記号) incl. space.
    - ``hankaku``: printable ASCII plus 半角カナ (U+FF61–FF9F).
    - ``hankaku_kana``: 半角カナ, half-width space.
    - ``zenkaku``: no half-width character (no ASCII, no 半角カナ).
    - ``zenkaku_kana``: 全角カタカナ, 長音 ー, 中点 ・, 全角 space U+3000.
    - ``jis_x0208``: characters of JIS X 0208 (encodable in ISO-2022-JP / euc_jp rows 1–84) plus ASCII.
    - ``jis_x0213``: characters of JIS X 0213:2004 (plane 1 and 2) plus ASCII.
    - ``cp932``: characters encodable in cp932 (Windows-31J) excluding the user area (外字).
    - ``mj``: MJ文字 (ideographs incl. IVS sequences) plus JIS X 0213 non-kanji; needs the MJ index
      for full precision, otherwise JIS X 0213 ∪ CJK ideographs ∪ IVS.
    """

    ANY = "any"
    DIGITS = "digits"
    ALNUM = "alnum"
    ASCII = "ascii"
    HANKAKU = "hankaku"
    HANKAKU_KANA = "hankaku_kana"
    ZENKAKU = "zenkaku"
    ZENKAKU_KANA = "zenkaku_kana"
    JIS_X0208 = "jis_x0208"
    JIS_X0213 = "jis_x0213"
    CP932 = "cp932"
    MJ = "mj"


class CheckDigit(StrEnum):
    """Named check-digit algorithms (implemented in :mod:`chukan_layout.spec.checkdigits`)."""

    KOJIN_BANGO = "kojin_bango"  # 個人番号 12 digits, mod 11
    JUMINHYO_CODE = "juminhyo_code"  # 住民票コード 11 digits, mod 11
    ATENA_MOD11 = "atena_mod11"  # 宛名番号 / 世帯番号: mod 11, weights 2–7, remainder 0 → 0
    DANTAI_CODE = "dantai_code"  # 全国地方公共団体コード 6 digits
    HOJIN_BANGO = "hojin_bango"  # 法人番号 13 digits, CD first
    HOKENJA_BANGO = "hokenja_bango"  # 保険者番号, Luhn-style


class LengthUnit(StrEnum):
    CHARS = "chars"
    BYTES = "bytes"


class Confirmed(Strict):
    """The item (or value) was seen in a cited public source (see docs/layout-format.md)."""

    status: Literal["confirmed"]
    source: Annotated[str, Field(min_length=1)]
    note: str | None = None


class Modelled(Strict):
    """The item was modelled from domain knowledge; it is *not* official spec content."""

    status: Literal["modelled"]
    note: str | None = None


Provenance = Annotated[Confirmed | Modelled, Field(discriminator="status")]
