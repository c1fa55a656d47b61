"""The layout meta-format: Pydantic models for a 移行ファイル definition.

A layout file (``layout_specs/*.yaml``) describes one 移行ファイル of one 業務: its items
(項目) with type, length, charset, code table, check digit, partial-date rule,
sensitivity and provenance; row rules in a small expression language; relations
(foreign keys) to other layouts.  Code tables live in ``layout_specs/codes/*.yaml``.

Every model forbids unknown keys, so a typo'd key is an error, not a silent default.
The full format and the type vocabulary are documented in ``docs/layout-format.md``.

The models live in private parts, re-exported here (the one import path): ``_model_types``
(the strict base, enums, provenance), ``_model_item`` (:class:`Item`, :class:`Length`,
:class:`PartialDate`) and ``_model_reconcile`` (the 照合表 section); this module keeps the
layout itself (:class:`Layout`, its rules and relations) and the code tables.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ._model_item import Item, Length, PartialDate
from ._model_reconcile import CrossTotal, ReconcileSpec, Total
from ._model_types import (
    _ID,
    _LAYOUT_ID,
    Charset,
    CheckDigit,
    Confirmed,
    ItemType,
    LengthUnit,
    Modelled,
    Provenance,
    Strict,
)

__all__ = [
    "Charset",
    "CheckDigit",
    "CodeTable",
    "CodeValue",
    "Confirmed",
    "CrossTotal",
    "Edition",
    "Item",
    "ItemType",
    "Layout",
    "Length",
    "LengthUnit",
    "Modelled",
    "PartialDate",
    "Provenance",
    "ReconcileSpec",
    "Relation",
    "RowRule",
    "Strict",
    "Title",
    "Total",
]


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
    items: list[str] = []  # noqa: RUF012 - the items a finding is reported on (default: those in `check`)
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
    rules: list[RowRule] = []  # noqa: RUF012 - pydantic copies defaults
    relations: list[Relation] = []  # noqa: RUF012 - pydantic copies defaults
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
