"""Record definitions: the *vendor* side (what a legacy export looks like, byte by byte).

A separate model from the standard layouts (:mod:`chukan_layout.spec.model`). One
definition describes one source file: fixed-width (with framing, several record types
dispatched on a record-type field) or CSV (dialect and columns). Loaded from YAML inside
an adapter, or built in Python. Positions are 1-based byte offsets, as in vendor
レコードレイアウト tables.

Field types (HULFT-style letters):

- ``X``  text in the definition's (or field's) codec; trailing blanks kept for the adapter to trim.
- ``N``  DBCS-only text (EBCDIC ``PIC N`` / ``G``): no SO/SI in the bytes; wrapped before decoding.
- ``M``  mixed SBCS/DBCS text with shift codes (SO/SI, or KI/KO for JEF/KEIS).
- ``9``  unsigned zoned decimal (one digit per byte).
- ``S``  signed zoned decimal: sign in the last byte's zone, or an ASCII overpunch letter
         (``{``/A–I = +0…9, ``}``/J–R = −0…9).
- ``P``  packed decimal COMP-3: two digits per byte, sign nibble C/A/E/F = +, D/B = −.
- ``B``  big-endian binary integer (2, 4 or 8 bytes), signed unless ``signed: false``.

Numbers are yielded as exact decimal strings (``-123.45``), never floats.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FieldType(StrEnum):
    TEXT = "X"
    DBCS = "N"
    MIXED = "M"
    ZONED = "9"
    SIGNED_ZONED = "S"
    PACKED = "P"
    BINARY = "B"


# Vendor layout sheets write the double-byte text type as K (漢字) or J (日本語) as often as N.
FIELD_TYPE_ALIASES = {"K": FieldType.DBCS, "J": FieldType.DBCS}

NUMERIC_TYPES = frozenset({FieldType.ZONED, FieldType.SIGNED_ZONED, FieldType.PACKED, FieldType.BINARY})


class FieldDef(_Strict):
    """One field of a fixed-width record."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    start: Annotated[int, Field(ge=1)]  # 1-based byte position
    length: Annotated[int, Field(ge=1)]  # bytes
    type: FieldType = FieldType.TEXT
    scale: Annotated[int, Field(ge=0)] = 0  # implied decimal places of numeric fields
    signed: bool = True  # only for B
    codec: str | None = None  # override of the definition's text codec
    label: str | None = None  # the vendor's own item name (項目名), for people

    @field_validator("type", mode="before")
    @classmethod
    def _type_alias(cls, v: object) -> object:
        """``K`` / ``J`` (either case) are the DBCS text type ``N``."""
        return FIELD_TYPE_ALIASES.get(v.upper(), v) if isinstance(v, str) else v

    @property
    def end(self) -> int:
        """1-based inclusive end byte."""
        return self.start + self.length - 1

    @model_validator(mode="after")
    def _check(self) -> FieldDef:
        if self.type is FieldType.BINARY and self.length not in (1, 2, 4, 8):
            raise ValueError(f"field {self.name}: binary length must be 1, 2, 4 or 8 bytes")
        if self.type is FieldType.PACKED and self.length > 10:
            raise ValueError(f"field {self.name}: packed fields hold at most 19 digits (10 bytes)")
        if self.scale and self.type not in NUMERIC_TYPES:
            raise ValueError(f"field {self.name}: scale only applies to numeric types")
        return self


class RecordRole(StrEnum):
    HEADER = "header"
    DATA = "data"
    TRAILER = "trailer"
    END = "end"


class ControlTotals(_Strict):
    """What a trailer record asserts about the data records before it.

    ``count`` names the trailer field holding the number of data records; ``totals`` maps
    a trailer field to the data field it sums (e.g. ``{total_tax: tax_amount}``)."""

    count: str | None = None
    totals: dict[str, str] = {}


class RecordType(_Strict):
    """One record type of a multi-record file (レコード区分)."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    role: RecordRole = RecordRole.DATA
    match: str | None = None  # value of the record-type field (text in the file codec); None = the only type
    match_hex: str | None = None  # …or raw bytes in hex (EBCDIC, binary)
    length: Annotated[int, Field(ge=1)] | None = None  # record length; default: end of the last field
    fields: Annotated[list[FieldDef], Field(min_length=1)]
    control: ControlTotals | None = None

    @property
    def record_length(self) -> int:
        return self.length if self.length is not None else max(f.end for f in self.fields)

    @model_validator(mode="after")
    def _check(self) -> RecordType:
        names = [f.name for f in self.fields]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"record type {self.name}: duplicate field names {sorted(dup)}")
        if self.length is not None:
            over = [f.name for f in self.fields if f.end > self.length]
            if over:
                raise ValueError(f"record type {self.name}: fields {over} end after byte {self.length}")
        if self.control is not None:
            for f in [self.control.count, *self.control.totals]:
                if f is not None and f not in names:
                    raise ValueError(f"record type {self.name}: control field {f!r} is not a field")
        return self


class Framing(StrEnum):
    """How records are delimited in a fixed-width file."""

    FIXED = "fixed"  # fixed length, no separators (FB)
    LF = "lf"  # each record followed by \n
    CRLF = "crlf"  # each record followed by \r\n
    RDW = "rdw"  # z/OS variable: 4-byte RDW (big-endian length incl. RDW, then 2 zero bytes)
    VB = "vb"  # variable blocked: BDW per block, RDW per record


class RecordTypeField(_Strict):
    """Where the record-type byte(s) sit (1-based start, length)."""

    start: Annotated[int, Field(ge=1)] = 1
    length: Annotated[int, Field(ge=1)] = 1


class FixedWidthDefinition(_Strict):
    """A byte-positioned fixed-width source."""

    kind: Literal["fixed_width"] = "fixed_width"
    name: str | None = None
    encoding: str = "cp932"  # text codec: cp932, euc_jp, utf-8, ibm930, ibm939, cp290, cp037, jef, keis
    framing: Framing = Framing.FIXED
    record_type_field: RecordTypeField | None = None
    record_types: Annotated[list[RecordType], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> FixedWidthDefinition:
        names = [r.name for r in self.record_types]
        if len(set(names)) != len(names):
            raise ValueError("duplicate record type names")
        if len(self.record_types) > 1:
            if self.record_type_field is None:
                raise ValueError("several record types need record_type_field")
            for r in self.record_types:
                if r.match is None and r.match_hex is None:
                    raise ValueError(f"record type {r.name}: needs match or match_hex")
        return self

    def record_type(self, name: str) -> RecordType:
        for r in self.record_types:
            if r.name == name:
                return r
        raise KeyError(f"unknown record type {name!r}; known: {', '.join(r.name for r in self.record_types)}")

    @property
    def data_types(self) -> list[RecordType]:
        return [r for r in self.record_types if r.role is RecordRole.DATA]


class CsvDefinition(_Strict):
    """A delimited text source."""

    kind: Literal["csv"] = "csv"
    name: str | None = None
    encoding: str = "cp932"
    delimiter: str = ","
    quote: str = '"'
    header: bool = True  # first row holds column names
    columns: list[str] | None = None  # names to use (required when header is false)
    newline: Literal["crlf", "lf", "any"] = "any"

    @model_validator(mode="after")
    def _check(self) -> CsvDefinition:
        if not self.header and not self.columns:
            raise ValueError("a CSV without a header row needs columns")
        if len(self.delimiter) != 1 or len(self.quote) != 1:
            raise ValueError("delimiter and quote must be one character")
        return self


RecordDefinition = Annotated[FixedWidthDefinition | CsvDefinition, Field(discriminator="kind")]
