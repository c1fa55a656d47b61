"""The generated Pydantic record model per layout, and the one import path of the checks behind it.

:func:`build_model` turns a layout into a Pydantic model whose validation runs every item and
row check of one record. The checks themselves, the *oracle* that the vectorized validator is
held to by differential tests (:func:`verdict`), live in ``_record_checks`` and are re-exported
here; their semantics are in that module's docstring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ._record_checks import (
    ItemChecker,
    RecordChecker,
    full_date,
    type_pattern,
    value_length,
    verdict,
)
from .model import CodeTable, Item, ItemType, Layout

__all__ = [
    "ItemChecker",
    "RecordChecker",
    "build_model",
    "full_date",
    "type_pattern",
    "value_length",
    "verdict",
]


def _field_schema(it: Item, table: CodeTable | None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if it.length is not None:
        extra["maxLength"] = it.length.max  # bytes ≥ characters, so also a bound for byte lengths
    fmt = type_pattern(it)
    if it.type is ItemType.DATE:
        fmt = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    if fmt is not None:
        extra["pattern"] = f"^({fmt})$" if it.required else f"^(|{fmt})$"
    elif it.pattern is not None:
        extra["pattern"] = f"^({it.pattern})$" if it.required else f"^(|{it.pattern})$"
    if table is not None:
        extra["enum"] = table.codes if it.required else ["", *table.codes]
    if it.required:
        extra["minLength"] = 1
    prov = it.provenance
    extra["x-chukan"] = {
        k: v
        for k, v in {
            "type": it.type.value,
            "charset": it.charset.value,
            "length_unit": None if it.length is None else it.length.unit.value,
            "length_encoding": None if it.length is None else it.length.encoding,
            "codes": it.codes,
            "check_digit": None if it.check_digit is None else it.check_digit.value,
            "sensitivity": it.sensitivity.value,
            "provenance": prov.status,
            "source": getattr(prov, "source", None),
        }.items()
        if v is not None
    }
    return extra


def _description(it: Item) -> str:
    prov = it.provenance
    src = (
        f"confirmed: {prov.source}" if prov.status == "confirmed" else "modelled (not official spec content)"
    )
    return f"{it.description + ' ' if it.description else ''}[{it.type.value}; {src}]"


def build_model(layout: Layout, codes: Mapping[str, CodeTable]) -> type[BaseModel]:
    """A Pydantic model for one record of ``layout``: fields are item ids (項目名称 also accepted),
    all ``str`` defaulting to ``""``; validation runs every check and raises one
    ``ValidationError`` with one error per (item, code), ``type`` = the finding code."""
    checker = RecordChecker(layout, codes)
    reserved = set(dir(BaseModel))
    fields: dict[str, Any] = {}
    for it in layout.items:
        py_name = it.id if it.id not in reserved else f"{it.id}_"
        table = codes.get(it.codes) if it.codes else None
        fields[py_name] = (
            str,
            Field(
                default="",
                validation_alias=AliasChoices(it.id, it.name),
                serialization_alias=it.id,
                title=it.name,
                description=_description(it),
                json_schema_extra=_field_schema(it, table),
            ),
        )

    def _check(cls: type[BaseModel], data: Any, handler: Any) -> Any:
        if isinstance(data, Mapping):  # None → "" (blank), keys by 項目名称 → item id
            data = {k: ("" if v is None else v) for k, v in data.items()}
        instance = handler(data)
        record = {
            it.id: getattr(instance, it.id if it.id not in reserved else f"{it.id}_") for it in layout.items
        }
        errors = [
            InitErrorDetails(
                type=PydanticCustomError(code, checker.message(loc, code, record)),
                loc=(loc,),
                input=record.get(loc, ""),
            )
            for loc, code in checker.findings(record)
        ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return instance

    model_name = "".join(p.capitalize() for p in re.split(r"[._]", layout.id)) + "Record"
    model: type[BaseModel] = create_model(
        model_name,
        __config__=ConfigDict(
            title=f"{layout.title.ja} ({layout.id})",
            validate_by_name=True,
            validate_by_alias=True,
            serialize_by_alias=True,
            extra="ignore",
            json_schema_extra={
                "description": f"{layout.title.en}. {layout.description or ''}".strip(),
                "x-layout": layout.id,
                "x-spec-version": layout.spec_version,
            },
        ),
        # pydantic types __validators__ as plain callables, but documents (and takes) decorated ones
        __validators__={"_chukan_checks": model_validator(mode="wrap")(_check)},  # type: ignore[dict-item]
        **fields,
    )
    model.__doc__ = f"One record of {layout.id} ({layout.title.ja}, {layout.title.en})."
    model.checker = checker  # type: ignore[attr-defined]  # a class attribute of a generated model
    return model
