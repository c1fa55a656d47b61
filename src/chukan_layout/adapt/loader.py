"""Load an adapter file and check it completely before any data is read.

Every mistake is a :class:`DefinitionError` naming ``file:line``: YAML syntax, unknown keys,
an unknown source field, an unknown transform (the message lists the valid ones), a wrong
argument, a target item that is not in the layout, a required target item left unmapped, a
record type that feeds nothing, a side item set twice.  The result, :class:`Adapter`, holds
the record definitions and instantiated transforms the engine runs.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import DefinitionError, PluginError
from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordDefinition, RecordRole
from ..spec.model import Layout
from . import registry
from .confine import outside_problem
from .crosswalk_items import crosswalk_files, expand_crosswalks
from .format import AdapterFile, Condition, ItemMapping, Mapping_, Source, Target
from .transforms.base import Transform
from .yaml_lines import LineMap, load_yaml_file, validation_error

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


def default_layouts(layout_id: str) -> Layout:
    """Load a shipped (or registered) layout through the spec registry (unknown id: a ``KeyError``)."""
    from ..spec.registry import load_layout  # late: reading an adapter file alone needs no registry

    return load_layout(layout_id).spec


_DEF = TypeAdapter(RecordDefinition)


def _load_definition(
    src: Source,
    sid: str,
    base: Path,
    lines: LineMap,
    files: dict[Path, tuple[Any, LineMap]] | None = None,
) -> FixedWidthDefinition | CsvDefinition:
    """The source's record definition: inline, or from ``definition_file`` (parsed once per
    adapter load even when several sources share the file — ``files`` caches the parse)."""
    path = ("sources", sid)
    if src.definition is not None:
        d = src.definition
    else:
        assert src.definition_file is not None
        f = (base / src.definition_file).resolve()
        if (problem := outside_problem(f, base)) is not None:
            raise lines.error((*path, "definition_file"), problem)
        if not f.is_file():
            raise lines.error((*path, "definition_file"), f"definition file not found: {f}")
        if files is None:
            files = {}
        if f not in files:
            files[f] = load_yaml_file(f)
        data, dlines = files[f]
        dpath: tuple[Any, ...] = ()
        for part in (src.definition_key or "").split("/") if src.definition_key else []:
            data, step = _descend(data, part)
            if step is None:
                raise lines.error(
                    (*path, "definition_key"), f"{f.name} has no {src.definition_key!r} (at {part!r})"
                )
            dpath = (*dpath, step)
        try:
            d = _DEF.validate_python(data)
        except ValidationError as e:
            raise validation_error(e, dlines, dpath, model=RecordDefinition) from None
    if src.encoding:
        d = d.model_copy(update={"encoding": src.encoding})
    return d


def _descend(data: Any, part: str) -> tuple[Any, Any]:
    """One step of a ``definition_key`` path: a mapping key, a list index, or the list element named ``part``."""
    if isinstance(data, dict) and part in data:
        return data[part], part
    if isinstance(data, list):
        if part.isdigit() and int(part) < len(data):
            return data[int(part)], int(part)
        for i, el in enumerate(data):
            if isinstance(el, dict) and el.get("name") == part:
                return el, i
    return None, None


def _compile_step(step: Any, path: tuple[Any, ...], tables: Mapping[str, Any], lines: LineMap) -> Transform:
    if isinstance(step, str):
        name, raw = step, None
    elif isinstance(step, dict) and len(step) == 1:
        name, raw = next(iter(step.items()))
    else:
        raise lines.error(path, "a step is a transform name or a one-key mapping {name: arguments}")
    try:
        cls = registry.get_transform(name)
    except KeyError as e:
        raise lines.error(path, str(e.args[0])) from None
    except PluginError as e:
        raise lines.error(path, str(e)) from None
    args_cls: type[BaseModel] = cls.Args
    if raw is None:
        raw = {}
    elif not isinstance(raw, dict):
        if cls.primary is None:
            names = ", ".join(args_cls.model_fields)
            raise lines.error(
                path,
                f"transform {name!r} takes " + (f"named arguments ({names})" if names else "no arguments"),
            )
        raw = {cls.primary: raw}
    raw = dict(raw)
    for k, v in raw.items():  # a mapping argument may name an entry of the adapter's `tables:`
        f = args_cls.model_fields.get(k)
        if isinstance(v, str) and f is not None and get_origin(f.annotation) is dict:
            if v not in tables:
                raise lines.error(
                    (*path, name, k), f"unknown table {v!r}; tables: {', '.join(tables) or '(none)'}"
                )
            raw[k] = tables[v]
    try:
        args = args_cls.model_validate(raw)
    except ValidationError as e:
        err = validation_error(e, lines, (*path, name), model=args_cls)
        raise DefinitionError(f"transform {name!r}: {err}".replace(f"{lines.file}:{err.line}: ", ""),
                              file=lines.file, line=err.line) from None  # fmt: skip
    return cls(args)


class _Checker:
    def __init__(self, model: AdapterFile, lines: LineMap, sources: dict[str, SourceSpec]) -> None:
        self.model, self.lines, self.sources = model, lines, sources

    def field_ok(self, name: str, t: Target, src: SourceSpec, path: tuple[Any, ...]) -> None:
        if name.startswith("header."):
            fields, fname = src.header_fields(), name.removeprefix("header.")
            if fname not in fields:
                raise self.lines.error(
                    path, f"unknown header field {name!r}; header fields: {', '.join(fields) or 'none'}"
                )
            return
        if "." in name:
            lk, fname = name.split(".", 1)
            if lk not in t.lookups:
                raise self.lines.error(path, f"{name!r}: {lk!r} is not a lookup of this target "
                                             f"(lookups: {', '.join(t.lookups) or 'none'})")  # fmt: skip
            fields = self.sources[lk].fields(self.sources[lk].record_type)
        else:
            fields, fname = src.fields(t.record_type), name
        if fname not in fields:
            raise self.lines.error(path, f"unknown source field {name!r}; fields: {', '.join(fields)}")

    def cond_ok(self, c: Condition | None, t: Target, src: SourceSpec, path: tuple[Any, ...]) -> None:
        for f in c.fields() if c else []:
            self.field_ok(f, t, src, path)

    def mapping(self, m: Mapping_, t: Target, src: SourceSpec, path: tuple[Any, ...]) -> CompiledMapping:
        for i, f in enumerate(m.inputs):
            self.field_ok(f, t, src, (*path, "from", i) if isinstance(m.from_, list) else (*path, "from"))
        self.cond_ok(m.when, t, src, (*path, "when"))
        steps = [
            _compile_step(s, (*path, "steps", i), self.model.tables, self.lines)
            for i, s in enumerate(m.steps)
        ]
        n = len(m.inputs)
        for i, st in enumerate(steps):
            arity = type(st).arity
            got = n if i == 0 else 1
            ok = got >= 1 if arity is None else got == arity
            if i == 0 and arity == 0 and n == 0:
                ok = True
            if not ok:
                want = "one or more inputs" if arity is None else f"{arity} input(s)"
                raise self.lines.error(
                    (*path, "steps", i), f"transform {type(st).name!r} takes {want}, gets {got}"
                )
        if n > 1 and not steps:
            raise self.lines.error(
                (*path, "from"), "several source fields need a step that combines them (join, …)"
            )
        if n == 0 and m.const is None and (not steps or type(steps[0]).arity != 0):
            raise self.lines.error(path, "no input: give `from` or `const`")
        return CompiledMapping(m.inputs, m.const, steps, m.when)


def load_adapter(path: str | Path, layouts: LayoutProvider | None = None) -> Adapter:
    """Load and fully check an adapter (name of a shipped/plugin adapter, or a path).

    With the registry's layouts (``layouts`` None) the checked adapter is cached on disk by the
    content of its file, its definition files and the layouts (:mod:`..spec.compiled_cache`)."""
    file = registry.resolve_adapter(path)
    if layouts is not None:
        return _load_adapter(file, layouts)
    from ..spec import compiled_cache
    from ..spec.registry import registry_digest

    key = compiled_cache.content_key(
        "adapter", [str(file.resolve()), compiled_cache.file_digest(file), registry_digest()]
    )
    hit = compiled_cache.load("adapter", key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], Adapter):
        deps, adapter = hit
        try:
            if all(compiled_cache.file_digest(p) == h for p, h in deps):
                adapter.path = file
                return adapter
        except OSError:
            pass
    adapter = _load_adapter(file, default_layouts)
    if all(type(st).__module__.startswith("chukan_layout.") for st in _steps(adapter)):
        deps = [(p, compiled_cache.file_digest(p)) for p in _definition_files(adapter.model, file.parent)]
        compiled_cache.store("adapter", key, (deps, adapter))
    return adapter


def _steps(adapter: Adapter) -> list[Transform]:
    return [st for t in adapter.targets for ci in t.items for br in ci.branches for st in br.steps]


def _definition_files(model: AdapterFile, base: Path) -> list[Path]:
    """The record definition files an adapter reads besides itself."""
    defs = {(base / s.definition_file).resolve() for s in model.sources.values() if s.definition_file}
    return sorted(defs | set(crosswalk_files(model, base)))


def _load_adapter(file: Path, layouts: LayoutProvider) -> Adapter:
    data, lines = load_yaml_file(file)
    if not isinstance(data, dict):
        raise DefinitionError(
            "an adapter file is a mapping (adapter:, sources:, targets:)", file=str(file), line=1
        )
    try:
        model = AdapterFile.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, lines, model=AdapterFile) from None
    return compile_adapter(model, lines, file.parent, layouts, file)


def _fields_of(
    model: AdapterFile, sources: dict[str, SourceSpec]
) -> Callable[[str | None, str | None], list[str]]:
    """Fields of a target's source (default: the only data source) for crosswalk targets."""

    def fields(source: str | None, record_type: str | None) -> list[str]:
        data = [k for k, s in sources.items() if s.role == "data"]
        sid = source or (data[0] if len(data) == 1 else None)
        if sid is None or sid not in sources:
            return []
        try:
            return sources[sid].fields(record_type)
        except KeyError:
            return []

    return fields


def compile_adapter(
    model: AdapterFile, lines: LineMap, base: Path, layouts: LayoutProvider, file: Path | None = None
) -> Adapter:
    """Check a parsed adapter file against its definitions and layouts; every error names its line."""
    sources = _compile_sources(model, lines, base)
    model = expand_crosswalks(model, _fields_of(model, sources), base, lines.error, layouts)
    check = _Checker(model, lines, sources)
    data_ids = [k for k, s in sources.items() if s.role == "data"]
    targets = [
        _compile_target(t, ("targets", ti), model, sources, data_ids, layouts, lines, check)
        for ti, t in enumerate(model.targets)
    ]
    fed = {(t.source, t.record_type) for t in targets}
    for sid in data_ids:
        for rt in sources[sid].data_record_types():
            if (sid, rt) not in fed:
                what = f"record type {rt!r} of source {sid}" if rt else f"source {sid}"
                raise lines.error(
                    ("sources", sid), f"{what} feeds no target (every record must go somewhere)"
                )
    known = sorted({r.id for t in targets for r in t.layout.rules})
    for rid in model.rules:
        if rid not in known:
            near = difflib.get_close_matches(rid, known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise lines.error(
                ("rules", rid), f"unknown row rule {rid!r}{hint}; rules: {', '.join(known) or '(none)'}"
            )
    return Adapter(model.adapter, file, model.description, sources, targets, model)


def _compile_sources(model: AdapterFile, lines: LineMap, base: Path) -> dict[str, SourceSpec]:
    sources: dict[str, SourceSpec] = {}
    parsed: dict[Path, tuple[Any, LineMap]] = {}  # definition files shared by several sources
    for sid, s in model.sources.items():
        d = _load_definition(s, sid, base, lines, parsed)
        sources[sid] = SourceSpec(sid, s.role, s.files, d, s.trim, s.key, s.record_type)
        if s.role == "lookup":
            flds = sources[sid].fields(s.record_type)
            if s.key not in flds:
                raise lines.error(
                    ("sources", sid, "key"), f"unknown key field {s.key!r}; fields: {', '.join(flds)}"
                )
    return sources


def _compile_target(
    t: Target,
    tp: tuple[Any, ...],
    model: AdapterFile,
    sources: dict[str, SourceSpec],
    data_ids: list[str],
    layouts: LayoutProvider,
    lines: LineMap,
    check: _Checker,
) -> CompiledTarget:
    sid = t.source or (data_ids[0] if len(data_ids) == 1 else None)
    if sid is None or sid not in sources or sources[sid].role != "data":
        raise lines.error((*tp, "source"), f"target needs `source`, one of: {', '.join(data_ids)}")
    src = sources[sid]
    rtypes = src.data_record_types()
    rt = t.record_type
    if rt is None and len(rtypes) > 1:
        raise lines.error(
            tp, f"source {sid} has several data record types; give record_type: one of {rtypes}"
        )
    if rt is not None and rt not in rtypes:
        raise lines.error(
            (*tp, "record_type"), f"unknown data record type {rt!r}; data record types: {rtypes}"
        )
    rt = rt if rt is not None else rtypes[0]
    t = t.model_copy(update={"record_type": rt})
    try:
        layout = layouts(t.layout)
    except (KeyError, LookupError) as e:
        raise lines.error((*tp, "layout"), str(e.args[0]) if e.args else str(e)) from None
    for lk, lj in t.lookups.items():
        if lk not in sources or sources[lk].role != "lookup":
            raise lines.error((*tp, "lookups", lk), f"{lk!r} is not a lookup source")
        check.field_ok(lj.key, t, src, (*tp, "lookups", lk, "key"))
    check.cond_ok(t.where, t, src, (*tp, "where"))
    ids = layout.item_ids
    items: dict[str, CompiledItem] = {}
    side: dict[str, str] = {}
    for item_id, im in t.items.items():
        ip = (*tp, "items", item_id)
        if item_id not in ids:
            raise lines.error(ip, f"{item_id!r} is not an item of layout {layout.id}")
        items[item_id] = _compile_item(item_id, im, t, src, ip, check)
        for br in items[item_id].branches:
            for st in br.steps:
                for s_item in st.side_items():
                    if s_item not in ids:
                        raise lines.error(ip, f"side item {s_item!r} is not an item of layout {layout.id}")
                    if s_item in side or s_item in t.items:
                        raise lines.error(ip, f"item {s_item!r} is set twice (mapped, or by another step)")
                    side[s_item] = item_id
    missing = [it.id for it in layout.items if it.required and it.id not in items and it.id not in side]
    if missing:
        raise lines.error((*tp, "items"), f"required items of {layout.id} not mapped: {', '.join(missing)}")
    ordered = [items[i] for i in ids if i in items]
    out_name = model.output.get(layout.id, layout.file_name)
    return CompiledTarget(layout, sid, rt, t.where, {k: v.key for k, v in t.lookups.items()},
                          ordered, side, out_name)  # fmt: skip


def _compile_item(
    item_id: str, im: ItemMapping, t: Target, src: SourceSpec, path: tuple[Any, ...], check: _Checker
) -> CompiledItem:
    if im.cases is None:
        return CompiledItem(item_id, [check.mapping(im, t, src, path)], im.otherwise)
    branches = [check.mapping(c, t, src, (*path, "cases", i)) for i, c in enumerate(im.cases)]
    return CompiledItem(item_id, branches, im.otherwise)


def role_of(definition: FixedWidthDefinition | CsvDefinition, record_type: str) -> RecordRole:
    if isinstance(definition, CsvDefinition):
        return RecordRole.DATA
    return definition.record_type(record_type).role


def compile_step(step: Any, path: tuple[Any, ...], tables: Mapping[str, Any], lines: LineMap) -> Transform:
    """One step (a name or ``{name: args}``) checked against the transform registry; errors name
    ``file:line`` (used by export profiles, which share the adapter's step syntax)."""
    return _compile_step(step, path, tables, lines)
