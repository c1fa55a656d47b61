"""Load an export profile (or derive one from an adapter) and check it before any data is read.

Resolution of ``--profile NAME|PATH``: a YAML path; else a shipped profile
(``exporter/profiles/NAME.yaml``); else a reversible adapter of that name (shipped or plugin),
read backwards (:mod:`.derive`). Every mistake is a :class:`DefinitionError` naming ``file:line``,
with the adapter loader's messages (unknown transform → the valid ones, wrong arguments …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..adapt import registry
from ..adapt._definitions import load_definition
from ..adapt.format import ItemMapping, Source
from ..adapt.loader import (
    Adapter,
    CompiledItem,
    CompiledMapping,
    compile_step,
    default_layouts,
    load_adapter,
)
from ..adapt.transforms.reverse import LargeKana
from ..adapt.yaml_lines import LineMap, load_yaml_file, validation_error
from ..errors import DefinitionError
from ..readers.definition import CsvDefinition
from .derive import FilePlan, RecordPlan, derive_files, unfed_fields
from .format import ExportProfile, FileSpec, Unencodable

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


@dataclass
class ExportPlan:
    """A loaded, checked export: the output files and how each field is computed."""

    name: str
    path: Path | None
    adapter: str | None
    files: list[FilePlan]
    unencodable: Unencodable
    notes: list[str] = field(default_factory=list)

    def layouts(self) -> list[str]:
        return sorted({r.layout.id for f in self.files for r in f.records})


def shipped_profiles() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PROFILES_DIR.glob("*.yaml"))}


def resolve_profile(name_or_path: str | Path) -> tuple[Path | None, str | None]:
    """(profile file, None) or (None, adapter name) for ``--profile``."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml"):
        if not p.is_file():
            raise DefinitionError(f"export profile not found: {p}")
        return p, None
    name = str(name_or_path)
    if name in shipped_profiles():
        return shipped_profiles()[name], None
    if name in registry.adapter_names():
        return None, name
    known = sorted(set(shipped_profiles()) | set(registry.adapter_names()))
    raise DefinitionError(f"unknown export profile {name!r}; known: {', '.join(known)} (or give a path)")


def load_plan(name_or_path: str | Path, unencodable: Unencodable | None = None) -> ExportPlan:
    """The checked export plan for ``--profile`` (a profile file, a shipped profile or an adapter)."""
    file, adapter_name = resolve_profile(name_or_path)
    if file is None:
        assert adapter_name is not None
        model = ExportProfile(export=adapter_name, adapter=adapter_name)
        lines = LineMap(f"<derived from adapter {adapter_name}>")
        plan = compile_profile(model, lines, Path.cwd(), None)
    else:
        data, lines = load_yaml_file(file)
        if not isinstance(data, dict):
            raise DefinitionError(
                "an export profile is a mapping (export:, adapter:, files:)", file=str(file), line=1
            )
        try:
            model = ExportProfile.model_validate(data)
        except ValidationError as e:
            raise validation_error(e, lines) from None
        plan = compile_profile(model, lines, file.parent, file)
    if unencodable is not None:
        plan.unencodable = unencodable
    return plan


def _adapter(model: ExportProfile, base: Path, lines: LineMap) -> Adapter | None:
    if model.adapter is None:
        return None
    ref = model.adapter
    cand = base / ref
    try:
        return load_adapter(cand if cand.suffix in (".yaml", ".yml") else ref)
    except DefinitionError as e:
        raise lines.error(("adapter",), f"adapter {ref!r}: {e}") from None


def compile_profile(model: ExportProfile, lines: LineMap, base: Path, file: Path | None) -> ExportPlan:
    """Derive from the adapter (if any), then apply the profile's files and fields on top."""
    adapter = _adapter(model, base, lines)
    derived = derive_files(adapter) if adapter is not None else {}
    tables: dict[str, Any] = {**(adapter.model.tables if adapter else {}), **model.tables}
    by_source = {sid: name for name, (sid, _fp) in derived.items()}
    files: dict[str, FilePlan] = {name: fp for name, (_sid, fp) in derived.items()}
    for name, spec in model.files.items():
        path = ("files", name)
        if spec.source is not None:
            if spec.source not in by_source:
                raise lines.error((*path, "source"), f"unknown adapter source {spec.source!r}; "
                                  f"sources: {', '.join(by_source) or '(no adapter)'}")  # fmt: skip
            files[name] = files.pop(by_source[spec.source])
            files[name].name = name
        files[name] = _apply_file(name, spec, files.get(name), tables, base, lines, path)
    notes = []
    for fp in files.values():
        for rp in fp.records:
            for fld in unfed_fields(fp.definition, rp):
                rp.no_source.setdefault(fld, "not carried in the standard layout (written blank)")
            notes += [f"{fp.name}: {k}: {v}" for k, v in rp.no_source.items()]
    return ExportPlan(model.export, file, adapter.name if adapter else None, list(files.values()),
                      model.unencodable, notes)  # fmt: skip


def _definition(spec: FileSpec, base: Path, lines: LineMap, path: tuple[Any, ...]) -> Any:
    if spec.definition is None and spec.definition_file is None:
        return None
    src = Source(definition=spec.definition, definition_file=spec.definition_file,
                 definition_key=spec.definition_key, encoding=spec.encoding)  # fmt: skip
    return load_definition(src, path[-1], base, lines)


def _apply_file(name: str, spec: FileSpec, fp: FilePlan | None, tables: dict[str, Any], base: Path,
                lines: LineMap, path: tuple[Any, ...]) -> FilePlan:  # fmt: skip
    d = _definition(spec, base, lines, path)
    if fp is None:
        if d is None:
            raise lines.error(path, f"file {name!r} is not derived from the adapter: give `definition`")
        fp = FilePlan(name, d, [])
    elif d is not None:
        fp.definition = d
    elif spec.encoding:
        fp.definition = fp.definition.model_copy(update={"encoding": spec.encoding})
    for i, rs in enumerate(spec.records):
        rpath = (*path, "records", i)
        try:
            layout = default_layouts(rs.layout)
        except (KeyError, LookupError) as e:
            raise lines.error((*rpath, "layout"), str(e.args[0]) if e.args else str(e)) from None
        rp = next((r for r in fp.records if r.layout.id == rs.layout), None)
        if rp is None:
            rp = RecordPlan(layout, rs.record_type, {})
            fp.records.append(rp)
        elif rs.record_type is not None:
            rp.record_type = rs.record_type
        fields = _field_names(fp, rp, lines, rpath)
        for fname, im in rs.fields.items():
            if fname not in fields:
                raise lines.error(
                    (*rpath, "fields", fname), f"unknown field {fname!r}; fields: {', '.join(fields)}"
                )
            rp.fields[fname] = _compile_item(
                fname, im, layout.item_ids, tables, lines, (*rpath, "fields", fname)
            )
            rp.no_source.pop(fname, None)
            rp.lossy.pop(fname, None)
            if any(isinstance(st, LargeKana) for br in rp.fields[fname].branches for st in br.steps):
                rp.lossy[fname] = "small kana are written large (ｷﾖｳｺ), as the vendor does"
    if spec.header is not None:
        values = dict(fp.header[1]) if fp.header else {}
        ids = sorted({i for r in fp.records for i in r.layout.item_ids})
        for fname, im in spec.header.values.items():
            values[fname] = _compile_item(fname, im, ids, tables, lines, (*path, "header", "values", fname))
        fp.header = (spec.header.type, values)
    if spec.trailer is not None:
        fp.trailer = spec.trailer.type
    if spec.interleave:
        known = {r.layout.id: r.layout for r in fp.records}
        for lid, key in spec.interleave.items():
            if lid not in known or key not in known[lid].item_ids:
                raise lines.error(
                    (*path, "interleave", lid),
                    f"interleave: {lid}.{key} is not an item of this file's layouts",
                )
        fp.interleave = dict(spec.interleave)
    _check_types(fp, lines, path)
    return fp


def _field_names(fp: FilePlan, rp: RecordPlan, lines: LineMap, path: tuple[Any, ...]) -> list[str]:
    d = fp.definition
    if isinstance(d, CsvDefinition):
        return list(d.columns or [])
    try:
        rt = d.record_type(rp.record_type) if rp.record_type else d.data_types[0]
    except KeyError as e:
        raise lines.error((*path, "record_type"), str(e.args[0])) from None
    return [f.name for f in rt.fields]


def _check_types(fp: FilePlan, lines: LineMap, path: tuple[Any, ...]) -> None:
    d = fp.definition
    if isinstance(d, CsvDefinition):
        return
    for rt_name in [fp.header[0] if fp.header else None, fp.trailer]:
        if rt_name is not None:
            try:
                d.record_type(rt_name)
            except KeyError as e:
                raise lines.error(path, str(e.args[0])) from None


def _compile_item(fname: str, im: ItemMapping, items: list[str], tables: dict[str, Any], lines: LineMap,
                  path: tuple[Any, ...]) -> CompiledItem:  # fmt: skip
    branches = im.cases if im.cases is not None else [im]
    out = []
    for bi, m in enumerate(branches):
        bpath = (*path, "cases", bi) if im.cases is not None else path
        for inp in m.inputs:
            if inp not in items:
                raise lines.error((*bpath, "from"), f"unknown item {inp!r} (not in this file's layouts)")
        if m.when is not None:
            for f in m.when.fields():
                if f not in items:
                    raise lines.error((*bpath, "when"), f"unknown item {f!r} in `when`")
        steps = [compile_step(s, (*bpath, "steps", i), tables, lines) for i, s in enumerate(m.steps)]
        out.append(CompiledMapping(m.inputs, m.const, steps, m.when))
    return CompiledItem(fname, out, im.otherwise)
