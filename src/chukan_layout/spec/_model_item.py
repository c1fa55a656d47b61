"""One 項目 of a layout: :class:`Item` with its :class:`Length` and :class:`PartialDate` rule.

Part of :mod:`chukan_layout.spec.model` (the one import path); see docs/layout-format.md.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..findings import Sensitivity
from ._model_types import _ID, Charset, CheckDigit, ItemType, LengthUnit, Provenance, Strict


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


class PartialDate(Strict):
    """A date that may be partly unknown (不詳): month and/or day written ``00``.

    ``flag_item`` names the item that must be set (non-blank, not ``0``) whenever the
    date is partial; a partial date without its flag is a finding."""

    flag_item: str
    allow: list[Literal["month", "day"]] = ["month", "day"]  # noqa: RUF012 - pydantic copies defaults


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
