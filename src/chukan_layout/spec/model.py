"""The layout meta-format: Pydantic models for a 移行ファイル definition.

A layout file (``layout_specs/*.yaml``) describes one 移行ファイル of one 業務: its items
(項目) with type, length, charset, code table, check digit, partial-date rule,
sensitivity and provenance; row rules in a small expression language; relations
(foreign keys) to other layouts.  Code tables live in ``layout_specs/codes/*.yaml``.

Every model forbids unknown keys, so a typo'd key is an error, not a silent default.
The full format and the type vocabulary are documented in ``docs/layout-format.md``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..findings import Sensitivity

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


class Length(Strict):
    """Length of an item's value: ``max`` (and optional ``min``) in characters or in bytes
    of a named encoding. ``min == max`` means fixed length. Blank values are not length-checked."""

    max: Annotated[int, Field(gt=0)]
    min: Annotated[int, Field(ge=0)] | None = None
    unit: LengthUnit = LengthUnit.CHARS
    encoding: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Length:
        if self.unit is LengthUnit.BYTES and not self.encoding:
            raise ValueError("a length in bytes needs an encoding (e.g. cp932, utf-8)")
        if self.unit is LengthUnit.CHARS and self.encoding:
            raise ValueError("encoding is only meaningful with unit: bytes")
        if self.min is not None and self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")
        if self.encoding:
            import codecs

            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r}") from None
        return self


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


class PartialDate(Strict):
    """A date that may be partly unknown (不詳): month and/or day written ``00``.

    ``flag_item`` names the item that must be set (non-blank, not ``0``) whenever the
    date is partial; a partial date without its flag is a finding."""

    flag_item: str
    allow: list[Literal["month", "day"]] = ["month", "day"]


class Item(Strict):
    """One 項目 of a layout."""

    id: Annotated[str, Field(pattern=_ID)]
    name: Annotated[str, Field(min_length=1)]  # 項目名称
    name_en: str | None = None
    type: ItemType
    length: Length | None = None
    scale: Annotated[int, Field(ge=0)] | None = None
    charset: Charset = Charset.ANY
    # true: C0 / DEL / C1 control characters are data here (else item.charset); None = false,
    # left out of dumps so layouts written before this field compare unchanged
    allow_controls: bool | None = None
    required: bool = False
    codes: str | None = None
    pattern: str | None = None
    check_digit: CheckDigit | None = None
    partial_date: PartialDate | None = None
    era_range: bool = False  # date must fall inside a known era (明治 onwards), see spec/wareki.py
    # a recorded date that does not exist in the calendar (2月29日 of a non-leap year, 2月30日, 4月31日):
    # ``keep`` = valid, reported as item.date_nonexistent (warning); ``reject`` (None) = item.date error.
    # The 住民記録 standard keeps them as recorded (reference/standardization-2025.md).
    nonexistent: Literal["keep", "reject"] | None = None
    era_of: str | None = None  # this 元号コード item names the era of date item X; they must agree
    sensitivity: Sensitivity = Sensitivity.NONE
    description: str | None = None
    provenance: Provenance

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as e:
                raise ValueError(f"pattern does not compile: {e}") from None
        return v

    @model_validator(mode="after")
    def _coherent(self) -> Item:
        if self.type is ItemType.CODE and not self.codes:
            raise ValueError("type code needs a code table (codes: NAME)")
        if self.type is ItemType.DECIMAL and self.scale is None:
            raise ValueError("type decimal needs a scale")
        if self.partial_date is not None and self.type is not ItemType.DATE:
            raise ValueError("partial_date only applies to type date")
        if self.nonexistent is not None and self.type is not ItemType.DATE:
            raise ValueError("nonexistent only applies to type date")
        return self


class RowRule(Strict):
    """A rule over one record, in the layout expression language.

    The record passes when ``when`` is false or ``check`` is true. Example::

        id: foreigner_needs_nationality
        when: jumin_shubetsu == "2"
        check: is_set(kokuseki_code)
    """

    id: Annotated[str, Field(pattern=_ID)]
    when: str | None = None
    check: str
    message: str  # Japanese first
    message_en: str | None = None
    severity: Literal["error", "warning", "info"] = "error"
    items: list[str] = []  # the items a finding is reported on (default: those in `check`)
    provenance: Provenance


class Relation(Strict):
    """A foreign key: ``items`` of this layout reference ``target_items`` of ``layout``."""

    id: Annotated[str, Field(pattern=_ID)]
    items: Annotated[list[str], Field(min_length=1)]
    layout: Annotated[str, Field(pattern=_LAYOUT_ID)]
    target_items: Annotated[list[str], Field(min_length=1)]
    optional: bool = True  # blank keys are not checked
    provenance: Provenance

    @model_validator(mode="after")
    def _arity(self) -> Relation:
        if len(self.items) != len(self.target_items):
            raise ValueError("items and target_items must have the same length")
        return self


class Title(Strict):
    ja: str
    en: str


class Total(Strict):
    """One 照合表 figure (a control total compared between OLD and NEW by ``reconcile``).

    ``kind``: ``count`` (records), ``distinct`` (distinct values of ``item``), ``sum``
    (integer ``item``; values that are not integers are counted apart), ``age_bands``
    (ages on ``as_of`` from the date ``item``, cut at ``bands``). ``by`` groups the figure
    (e.g. by 課税年度 or 住民状態); ``where`` is a layout expression selecting the records.
    """

    id: Annotated[str, Field(pattern=_ID)]
    label: Annotated[str, Field(min_length=1)]  # Japanese first
    label_en: str | None = None
    kind: Literal["count", "distinct", "sum", "age_bands"]
    item: str | None = None
    by: list[str] = []
    where: str | None = None
    as_of: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    bands: list[Annotated[int, Field(ge=0)]] = []

    @model_validator(mode="after")
    def _coherent(self) -> Total:
        if self.kind != "count" and not self.item:
            raise ValueError(f"a {self.kind} total needs an item")
        if self.kind == "age_bands" and (not self.as_of or not self.bands):
            raise ValueError("an age_bands total needs as_of and bands")
        if self.bands != sorted(set(self.bands)):
            raise ValueError("bands must be increasing")
        return self


class CrossTotal(Strict):
    """A figure of this layout that must equal a figure of another layout, on each side
    (世帯数 of juki.setai = distinct 世帯番号 of current residents in juki.jumin)."""

    id: Annotated[str, Field(pattern=_ID)]
    label: Annotated[str, Field(min_length=1)]
    total: str  # a total id of this layout
    layout: Annotated[str, Field(pattern=_LAYOUT_ID)]
    other: str  # a total id of ``layout``


class ReconcileSpec(Strict):
    """The ``reconcile:`` section of a layout: its 照合表 (see docs/reconcile.md)."""

    totals: list[Total] = []
    cross: list[CrossTotal] = []
    provenance: Provenance


class Edition(Strict):
    """Which edition of an official table a layout was imported from (``specs import``).

    Read from the workbook's file name (``001_住民基本台帳_基本データリスト【第2.1版】_20230929.xlsx``)
    or from cells the import profile names; every part is optional because books differ."""

    book: str | None = None  # the workbook's file name
    gyomu_no: str | None = None  # numbered prefix, e.g. "001"
    gyomu: str | None = None  # 業務 named by the book, e.g. 住民基本台帳
    edition: str | None = None  # e.g. 第2.1版
    date: str | None = None  # YYYY-MM-DD


class Layout(Strict):
    """One 移行ファイル of one 業務."""

    id: Annotated[str, Field(pattern=_LAYOUT_ID)]  # e.g. juki.jumin
    gyomu: Annotated[str, Field(min_length=1)]  # 業務 name, e.g. 住民基本台帳
    gyomu_id: Annotated[str, Field(pattern=_ID)]  # e.g. juki
    file_name: Annotated[str, Field(min_length=1)]  # 移行ファイル名
    title: Title
    spec_version: str  # e.g. "reference-2026.1 (modelled after V2.7)"
    description: str | None = None
    record_key: Annotated[list[str], Field(min_length=1)]
    items: Annotated[list[Item], Field(min_length=1)]
    rules: list[RowRule] = []
    relations: list[Relation] = []
    provenance: Provenance
    reconcile: ReconcileSpec | None = None  # 照合表 totals for ``chukan-layout reconcile``
    edition: Edition | None = None  # set by `specs import` (official table edition)

    @model_validator(mode="after")
    def _reconcile_items(self) -> Layout:
        if self.reconcile is not None:
            ids = set(self.item_ids)
            tids = {t.id for t in self.reconcile.totals}
            for t in self.reconcile.totals:
                bad = [i for i in [t.item, *t.by] if i is not None and i not in ids]
                if bad:
                    raise ValueError(f"reconcile total {t.id}: unknown item(s) {', '.join(bad)}")
            for c in self.reconcile.cross:
                if c.total not in tids:
                    raise ValueError(f"reconcile cross {c.id}: unknown total {c.total}")
        return self

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def item_ids(self) -> list[str]:
        return [it.id for it in self.items]


class CodeValue(Strict):
    code: str
    name: str  # Japanese label
    name_en: str | None = None


class CodeTable(Strict):
    """A コード表: allowed values of a ``type: code`` item."""

    id: Annotated[str, Field(pattern=_ID)]
    name: str  # Japanese name, e.g. 性別
    name_en: str | None = None
    values: Annotated[list[CodeValue], Field(min_length=1)]
    provenance: Provenance

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.values]
