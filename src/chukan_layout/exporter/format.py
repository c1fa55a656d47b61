"""The export profile format: Pydantic models (unknown keys are errors), the adapter's sibling.

An export profile describes one vendor import format once, from standard-layout items::

    export: vendor_a
    adapter: vendor_a                 # derive every field from this reversible adapter (optional)
    tables: {eras: {"2": 昭和, "3": 平成}}
    unencodable: {policy: error}      # or {policy: replace, substitute: 〓}
    files:
      JUMIN.DAT:                      # output file name
        source: jumin                 # the adapter source it reverses (default: by file name)
        definition_file: vendor_a.def.yaml   # or `definition:` inline; default: the adapter's
        header: {type: HEAD, values: {FILE_ID: {const: JUMIN}, DANTAI_CODE: dantai_code}}
        trailer: {type: TRAIL}        # count and totals computed from the records written
        interleave: {kokuho.setai: kokuho_setai_no, kokuho.hihokensha: kokuho_setai_no}
        records:
          - layout: juki.jumin
            record_type: DATA
            fields:                   # per vendor field: an item mapping, as in an adapter
              SEINENGAPPI: {from: [seinengappi, seinengappi_gengo], steps: [{to_wareki: eras}]}
              更新日時: {const: "2025/04/01 09:00:00"}

A field mapping is the adapter's :class:`~chukan_layout.adapt.format.ItemMapping` with standard
item ids in ``from``; the steps come from the same transform registry (the reverse transforms
are in :mod:`chukan_layout.adapt.transforms.reverse`). Fields given here override the fields
derived from ``adapter``, one by one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..adapt.format import ItemMapping
from ..readers.definition import RecordDefinition


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Unencodable(_Strict):
    """What to do with a character the target encoding cannot carry and no table maps.

    ``error`` (default): reject the record, naming the item and the code point. ``replace``:
    write ``substitute`` (e.g. 〓 GETA MARK) instead. Both are listed in ``unencodable.csv``
    and counted in the report; a character is never written as ``?``.
    """

    policy: Literal["error", "replace"] = "error"
    substitute: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Unencodable:
        if self.policy == "replace" and not self.substitute:
            raise ValueError("policy replace needs a `substitute` (e.g. 〓)")
        return self


class Envelope(_Strict):
    """A header or trailer record: its record type and the values of its fields.

    Header values are mappings like a field's: ``{const: JUMIN}`` or an item id (the value of the
    first record of the file; all records must agree). Trailer count/totals come from the
    definition's ``control`` and are computed."""

    type: str
    values: dict[str, ItemMapping] = {}


class RecordSpec(_Strict):
    """The records of one standard layout in one output file."""

    layout: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
    record_type: str | None = None  # fixed width: the data record type (default: the only one)
    fields: dict[str, ItemMapping] = {}


class FileSpec(_Strict):
    """One output file of the vendor format."""

    source: str | None = None  # the adapter source reversed (default: the one matching the file name)
    definition: RecordDefinition | None = None
    definition_file: str | None = None  # relative to the profile file
    definition_key: str | None = None
    encoding: str | None = None  # overrides the definition's encoding
    header: Envelope | None = None
    trailer: Envelope | None = None
    interleave: dict[str, str] = {}  # layout id → key item: records of several layouts grouped by key
    records: list[RecordSpec] = []

    @model_validator(mode="after")
    def _check(self) -> FileSpec:
        if self.definition is not None and self.definition_file is not None:
            raise ValueError("give at most one of `definition` or `definition_file`")
        return self


class ExportProfile(_Strict):
    """The top level of an export profile YAML file."""

    export: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    description: str | None = None
    version: int = 1
    adapter: str | None = None  # a reversible adapter (name or path relative to this file)
    tables: dict[str, dict[str, str]] = {}
    unencodable: Unencodable = Unencodable()
    files: dict[str, FileSpec] = {}

    @model_validator(mode="after")
    def _check(self) -> ExportProfile:
        if self.adapter is None and not self.files:
            raise ValueError("a profile needs `adapter` (to derive from) or `files`")
        return self
