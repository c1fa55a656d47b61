"""The adapter file format: Pydantic models (unknown keys are errors).

An adapter describes one vendor's export once::

    adapter: vendor_x
    description: 住民記録 (fixed width, cp932)
    tables:                                  # named code maps / era maps, reused by steps
      eras: {"3": 昭和, "4": 平成, "5": 令和}
    sources:
      jumin:                                 # a source id
        files: ["JUMIN*.DAT"]                # which input files it reads (glob on the file name)
        definition_file: vendor_x.def.yaml   # record definition (read.definition), or `definition:` inline
        trim: true                           # trim half/full-width spaces of every text field once
    targets:
      - layout: juki.jumin
        source: jumin
        record_type: jumin                   # which record type of the source feeds this layout
        items:
          atena_no: ATENA_NO                 # shorthand for {from: ATENA_NO}
          shimei_kana: {from: KANA, steps: [{kana: zenkaku}]}
          seinengappi: {from: BIRTH, steps: [{wareki: {eras: eras, flag_item: seinengappi_fusho_flag}}]}
          dantai_code: {const: "131016"}

A *step* is a transform name, or a one-key mapping ``{name: args}``; a scalar argument sets the
transform's primary argument (``- zfill: 6``).  ``docs/adapters.md`` is the full guide.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..readers.definition import RecordDefinition

_ID = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """A row condition over source fields (no expression language, no eval).

    Exactly one test per condition: ``eq``, ``ne``, ``in``, ``not_in``, ``blank``; or a
    combination ``all: [...]`` / ``any: [...]``.  Example: ``{field: KUBUN, in: ["1", "2"]}``.
    """

    field: str | None = None
    eq: str | None = None
    ne: str | None = None
    in_: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None
    blank: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [t for t in ("eq", "ne", "in_", "not_in", "blank") if getattr(self, t) is not None]
        combos = [c for c in ("all", "any") if getattr(self, c) is not None]
        if combos:
            if self.field is not None or tests or len(combos) > 1:
                raise ValueError("use either all/any or field with one test")
        elif self.field is None or len(tests) != 1:
            raise ValueError("a condition needs `field` and exactly one of eq, ne, in, not_in, blank")
        return self

    def fields(self) -> list[str]:
        out = [self.field] if self.field else []
        for c in (self.all or []) + (self.any or []):
            out += c.fields()
        return out


Step = str | dict[str, Any]


class Mapping_(_Strict):
    """How one target item is computed: a source (``from`` field(s) or ``const``) and ``steps``."""

    from_: str | list[str] | None = Field(None, alias="from")
    const: str | None = None
    steps: list[Step] = []
    when: Condition | None = None  # rows where false get `otherwise`

    @model_validator(mode="after")
    def _source(self) -> Mapping_:
        self._check_source()
        return self

    def _check_source(self) -> None:
        """One source: ``from`` or ``const`` (or steps alone), and no steps after a ``const``."""
        if self.from_ is not None and self.const is not None:
            raise ValueError("give either `from` or `const`, not both")
        if self.const is not None and self.steps:
            raise ValueError("`const` takes no steps")
        if self.from_ is None and self.const is None and not self.steps:
            raise ValueError("an item needs `from`, `const` or steps")

    @property
    def inputs(self) -> list[str]:
        if self.from_ is None:
            return []
        return [self.from_] if isinstance(self.from_, str) else list(self.from_)


class ItemMapping(Mapping_):
    """A target item: one mapping, or ``cases`` (first matching ``when`` wins, else ``otherwise``)."""

    otherwise: str = ""
    cases: list[Mapping_] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return {"from": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _source(self) -> ItemMapping:  # overrides Mapping_._source
        if self.cases is None:
            self._check_source()
            return self
        if self.from_ is not None or self.const is not None or self.when is not None or self.steps:
            raise ValueError("`cases` replaces from/const/steps/when")
        if not self.cases:
            raise ValueError("`cases` needs at least one case")
        return self


class LookupJoin(_Strict):
    """Join a lookup source on ``key``: this record's field whose value is the lookup's key."""

    key: str


class Target(_Strict):
    """One output layout fed by one source (and optional lookups)."""

    layout: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
    source: str | None = None  # default: the only data source
    record_type: str | None = None  # default: the only data record type
    where: Condition | None = None  # rows of the record type that feed this layout
    lookups: dict[str, LookupJoin] = {}
    items: dict[str, ItemMapping] = {}
    crosswalk: str | None = None  # a crosswalk file (relative to the adapter) supplying items

    @model_validator(mode="after")
    def _some_items(self) -> Target:
        if not self.items and self.crosswalk is None:
            raise ValueError("a target needs `items` or a `crosswalk`")
        return self


class Source(_Strict):
    """One kind of input file: its record definition and which input files it reads."""

    role: Literal["data", "lookup"] = "data"
    files: list[str] = []  # glob patterns on the input file name (empty: any)
    definition: RecordDefinition | None = None
    definition_file: str | None = None  # relative to the adapter file
    definition_key: str | None = (
        None  # path inside definition_file: keys / list indices / element names, "/"-separated
    )
    encoding: str | None = None  # overrides the definition's encoding
    trim: bool = False  # trim " " and U+3000 at both ends of every text field once
    key: str | None = None  # lookup sources: the key field
    record_type: str | None = None  # lookup sources: which record type holds the rows

    @model_validator(mode="after")
    def _check(self) -> Source:
        if (self.definition is None) == (self.definition_file is None):
            raise ValueError("give exactly one of `definition` or `definition_file`")
        if self.role == "lookup" and not self.key:
            raise ValueError("a lookup source needs `key`")
        if self.role == "data" and self.key:
            raise ValueError("`key` is only for lookup sources")
        return self


class RuleSetting(_Strict):
    """How this vendor's export relaxes one row rule of its target layouts, and why.

    ``level``: ``warning`` / ``info`` (reported, does not reject) or ``off`` (not evaluated);
    ``reason`` is recorded in the report next to the override."""

    level: Literal["error", "warning", "info", "off"]
    reason: Annotated[str, Field(min_length=1)]


class AdapterFile(_Strict):
    """The top level of an adapter YAML file."""

    adapter: Annotated[str, Field(pattern=_ID)]
    description: str | None = None
    version: int = 1
    tables: dict[str, dict[str, str]] = {}
    sources: Annotated[dict[str, Source], Field(min_length=1)]
    targets: Annotated[list[Target], Field(min_length=1)]
    output: dict[str, str] = {}  # layout id → output file name (default: the layout's file_name)
    # row rule id → level (``warning`` | ``info`` | ``error`` | ``off``) or {level, reason}
    rules: dict[str, Literal["error", "warning", "info", "off"] | RuleSetting] = {}

    @field_validator("rules", mode="before")
    @classmethod
    def _yaml_off(cls, v: Any) -> Any:
        """YAML 1.1 reads a bare ``off`` as false: take it as the level ``off``."""
        if not isinstance(v, dict):
            return v
        fix = lambda x: "off" if x is False else x  # noqa: E731
        return {
            k: ({**x, "level": fix(x.get("level"))} if isinstance(x, dict) else fix(x)) for k, x in v.items()
        }
