"""The compiled adapter: what :func:`~chukan_layout.adapt.loader.load_adapter` returns and the engine runs.

Sources with their record definitions, targets with their items' branches of instantiated
transforms; plain dataclasses (pickled by the compiled-adapter cache and sent to workers)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DefinitionError
from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordRole
from ..spec.model import Layout
from .format import AdapterFile, Condition
from .transforms.base import Transform

LayoutProvider = Callable[[str], Layout]


@dataclass
class CompiledMapping:
    """One branch: inputs (source fields, ``lookup.field``), const, steps, optional ``when``."""

    inputs: list[str]
    const: str | None
    steps: list[Transform]
    when: Condition | None


@dataclass
class CompiledItem:
    item: str
    branches: list[CompiledMapping]  # tried in order; rows matching none get `otherwise`
    otherwise: str = ""


@dataclass
class SourceSpec:
    id: str
    role: str
    files: list[str]
    definition: FixedWidthDefinition | CsvDefinition
    trim: bool
    key: str | None = None
    record_type: str | None = None

    def fields(self, record_type: str | None) -> list[str]:
        """Field names of a record type (CSV: the columns)."""
        d = self.definition
        if isinstance(d, CsvDefinition):
            return list(d.columns or [])
        rt = d.record_type(record_type) if record_type else d.data_types[0]
        return [f.name for f in rt.fields]

    def header_fields(self) -> list[str]:
        """Fields of the header record type(s): ``header.FIELD`` puts a file-level value on every row."""
        d = self.definition
        if isinstance(d, CsvDefinition):
            return []
        return [f.name for r in d.record_types if r.role is RecordRole.HEADER for f in r.fields]

    def data_record_types(self) -> list[str | None]:
        d = self.definition
        if isinstance(d, CsvDefinition):
            return [None]
        return [r.name for r in d.data_types]

    def matches(self, path: str | Path) -> bool:
        name = Path(path).name
        return not self.files or any(fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(name.lower(), pat.lower())
                                     for pat in self.files)  # fmt: skip


@dataclass
class CompiledTarget:
    layout: Layout
    source: str
    record_type: str | None
    where: Condition | None
    lookups: dict[str, str]  # lookup source id → this record's key field
    items: list[CompiledItem]  # in layout order (mapped items only)
    side_items: dict[str, str]  # side item → item whose step sets it
    output_name: str


@dataclass
class Adapter:
    """A loaded, checked adapter."""

    name: str
    path: Path | None
    description: str | None
    sources: dict[str, SourceSpec]
    targets: list[CompiledTarget]
    model: AdapterFile = field(repr=False)

    @property
    def rule_levels(self) -> dict[str, str]:
        """``{rule:<id>: level}`` from the adapter's ``rules:`` section."""
        return {f"rule:{k}": v if isinstance(v, str) else v.level for k, v in self.model.rules.items()}

    @property
    def rule_reasons(self) -> dict[str, str]:
        """``{rule:<id>: why}``: the adapter's reason (or its name when none is given)."""
        return {
            f"rule:{k}": f"adapter {self.name}" + ("" if isinstance(v, str) else f": {v.reason}")
            for k, v in self.model.rules.items()
        }

    def data_sources(self) -> list[SourceSpec]:
        return [s for s in self.sources.values() if s.role == "data"]

    def assign(self, inputs: list[str | Path]) -> dict[str, list[Path]]:
        """Input files per source id (first source whose ``files`` patterns match)."""
        out: dict[str, list[Path]] = {sid: [] for sid in self.sources}
        for p in map(Path, inputs):
            sid = next((s.id for s in self.sources.values() if s.files and s.matches(p)), None)
            if sid is None:
                catch_all = [s.id for s in self.data_sources() if not s.files]
                sid = catch_all[0] if len(catch_all) == 1 else None
            if sid is None:
                pats = "; ".join(f"{s.id}: {', '.join(s.files) or '*'}" for s in self.sources.values())
                raise DefinitionError(f"input {p.name} matches no source of adapter {self.name} ({pats})")
            out[sid].append(p)
        return out


def role_of(definition: FixedWidthDefinition | CsvDefinition, record_type: str) -> RecordRole:
    if isinstance(definition, CsvDefinition):
        return RecordRole.DATA
    return definition.record_type(record_type).role
