"""Vendor profiles: which files a synthetic vendor exports, in the reader's record-definition
format, and how each vendor field is derived from a golden (standard-layout) item.

A profile is YAML (``synth/profiles/vendor_*.yaml``)::

    vendor: vendor_a
    era_codes: {明治: "0", 大正: "1", 昭和: "2", 平成: "3", 令和: "4"}   # GYYMMDD era digit
    files:
      - name: JUMIN.DAT
        definition: {kind: fixed_width, encoding: cp932, framing: crlf, ...}   # read.definition
        header: {type: HEAD, values: {FILE_ID: JUMIN}}                         # optional
        trailer: {type: TRAIL}                                                  # optional
        records:
          - {type: DATA, layout: juki.jumin, map: {ATENA_NO: atena_no, SEINENGAPPI: {item: seinengappi, enc: wareki}}}

Encodings (``enc``), each the exact inverse of an adapter transform:

- ``copy`` (default): the golden text; 外字 items carry the vendor's PUA code instead of the character.
- ``hankaku``: full-width katakana → half-width, U+3000 → space, **small kana written large**
  (ｷﾖｳｺ): the one lossy encoding; affected records are listed in the manifest (``small_kana``).
- ``wareki``: ``YYYY-MM-DD`` → ``GYYMMDD`` with the profile's ``era_codes`` (不詳 parts stay ``00``).
- ``slash``: ``YYYY-MM-DD`` → ``YYYY/MM/DD``.  ``compact``: → ``YYYYMMDD`` (packed in vendor C).
- ``const``: a fixed value (vendor-only fields), ``memo``: vendor-only free text (B).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..readers.definition import CsvDefinition, FixedWidthDefinition

PROFILES_DIR = Path(__file__).parent / "profiles"
Enc = Literal["copy", "hankaku", "wareki", "slash", "compact", "const", "memo"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSource(_Strict):
    item: str | None = None  # golden item id (None for const/memo)
    enc: Enc = "copy"
    value: str | None = None  # for const


class RecordMap(_Strict):
    type: str | None = None  # record type name (fixed width); None for CSV
    layout: str
    map: dict[str, str | FieldSource]

    def source(self, field: str) -> FieldSource:
        v = self.map[field]
        return FieldSource(item=v) if isinstance(v, str) else v


class Envelope(_Strict):
    type: str
    values: dict[str, str] = {}


class VendorFile(_Strict):
    name: str
    definition: Annotated[FixedWidthDefinition | CsvDefinition, Field(discriminator="kind")]
    header: Envelope | None = None
    trailer: Envelope | None = None
    records: Annotated[list[RecordMap], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> VendorFile:
        d = self.definition
        if isinstance(d, FixedWidthDefinition):
            for r in self.records:
                rt = d.record_type(r.type or "")
                names = {f.name for f in rt.fields}
                bad = set(r.map) - names
                if bad:
                    raise ValueError(f"{self.name}: record {rt.name}: unknown fields {sorted(bad)}")
        else:
            cols = set(d.columns or [])
            for r in self.records:
                bad = set(r.map) - cols
                if bad:
                    raise ValueError(f"{self.name}: unknown columns {sorted(bad)}")
        return self

    @property
    def layouts(self) -> list[str]:
        return [r.layout for r in self.records]


class VendorProfile(_Strict):
    vendor: str
    description: str
    era_codes: dict[str, str] = {}
    gaiji_table: str  # file name of the 外字対応表 written next to the export
    files: list[VendorFile]


@cache
def load_profile(name: str) -> VendorProfile:
    """``vendor_a`` / ``a`` → the shipped profile (or a path to a YAML file)."""
    p = Path(name)
    if not p.suffix:
        key = name if name.startswith("vendor_") else f"vendor_{name}"
        p = PROFILES_DIR / f"{key}.yaml"
    with open(p, encoding="utf-8") as f:
        return VendorProfile.model_validate(yaml.safe_load(f))
