"""A layout's ``reconcile:`` section: its 照合表 figures (:class:`Total`, :class:`CrossTotal`).

Part of :mod:`chukan_layout.spec.model` (the one import path); see docs/reconcile.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ._model_types import _ID, _LAYOUT_ID, Provenance, Strict


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
    by: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    where: str | None = None
    as_of: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    bands: list[Annotated[int, Field(ge=0)]] = []  # noqa: RUF012 - pydantic copies defaults

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

    totals: list[Total] = []  # noqa: RUF012 - pydantic copies defaults
    cross: list[CrossTotal] = []  # noqa: RUF012 - pydantic copies defaults
    provenance: Provenance
