"""Check a parsed adapter file against its record definitions and layouts: :func:`compile_adapter`.

Every mistake is a :class:`~chukan_layout.errors.DefinitionError` naming ``file:line``."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._compiled import Adapter, CompiledItem, CompiledMapping, CompiledTarget, LayoutProvider, SourceSpec
from ._definitions import load_definition
from ._steps import compile_step
from .crosswalk_items import expand_crosswalks
from .format import AdapterFile, Condition, ItemMapping, Mapping_, Target
from .yaml_lines import LineMap


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
            compile_step(s, (*path, "steps", i), self.model.tables, self.lines) for i, s in enumerate(m.steps)
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
        d = load_definition(s, sid, base, lines, parsed)
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
