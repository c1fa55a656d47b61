"""A reversible adapter, read backwards: the export plan derived from an adapter.

Each adapter item ``item ← FIELD [steps]`` becomes ``FIELD ← item [inverse steps, reversed]``.
The inverse of each forward step (``INVERSES``):

==================  =======================================================
``wareki``          ``to_wareki`` with the same era table (+ the layout's 元号コード item, when the
                    layout names one with ``era_of``: it keeps 平成元年 不詳 as 平成)
``date``            ``date_format`` with the same format
``kana``            ``kana`` the other way; ``alnum`` the other way (same options)
``small_kana_flag`` ``large_kana`` (the vendor writes small kana large: lossy, listed)
``number``          nothing: numeric fields are zero-filled by their encoding (zoned/packed)
``map``             ``map`` with the inverted table (only if no two codes share a value)
``trim``            nothing: fixed-width fields are padded again by the renderer
==================  =======================================================

Anything else (joins, ``cases``, ``when``, lookups, splits …) is *not reversible*: the field gets
no source, the plan says why, and the export report lists it — a profile can give it explicitly.
``header.FIELD`` becomes a header value taken from the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..adapt.loader import Adapter, CompiledItem, CompiledMapping, CompiledTarget
from ..adapt.transforms.base import Transform
from ..adapt.transforms.coding import CodeMap
from ..adapt.transforms.dates import Seireki, Wareki
from ..adapt.transforms.people import SmallKanaFlag
from ..adapt.transforms.reverse import DateFormat, LargeKana, ToWareki, invert_table
from ..adapt.transforms.text import Number, Trim
from ..adapt.transforms.width import AsciiWidth, KanaWidth
from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordRole
from ..spec.model import Layout

Definition = FixedWidthDefinition | CsvDefinition


@dataclass
class RecordPlan:
    """The records of one layout in one output file: per vendor field, how it is computed."""

    layout: Layout
    record_type: str | None
    fields: dict[str, CompiledItem]  # vendor field → mapping over standard items
    no_source: dict[str, str] = field(default_factory=dict)  # vendor field → why it is written blank
    lossy: dict[str, str] = field(default_factory=dict)  # vendor field → what its inverse cannot restore


@dataclass
class FilePlan:
    """One output file."""

    name: str
    definition: Definition
    records: list[RecordPlan]
    header: tuple[str, dict[str, CompiledItem]] | None = None  # record type, field → mapping
    trailer: str | None = None  # record type (count/totals from its `control`)
    interleave: dict[str, str] = field(default_factory=dict)  # layout id → key item


def _codes_of(layout: Layout, item_id: str) -> dict[str, str]:
    from ..spec.registry import load_layout

    it = layout.item(item_id)
    if not it.codes:
        return {}
    table = load_layout(layout.id).codes.get(it.codes)
    return {v.code: v.name for v in table.values} if table else {}


def invert_steps(
    steps: list[Transform], layout: Layout, item: str
) -> tuple[list[Transform], list[str], str | None]:
    """(inverse steps in application order, extra input items, lossy note) or raise ValueError(why)."""
    out: list[Transform] = []
    extra: list[str] = []
    lossy: str | None = None
    for st in reversed(steps):
        a: Any = st.args
        if isinstance(st, Wareki):
            era_item = next((it.id for it in layout.items if it.era_of == item), None)
            codes = _codes_of(layout, era_item) if era_item else {}
            if era_item and codes:
                extra = [era_item]
            out.append(ToWareki(ToWareki.Args(eras=dict(a.eras), format=a.format, era_codes=codes)))
        elif isinstance(st, Seireki):
            out.append(DateFormat(DateFormat.Args(format=a.format)))
        elif isinstance(st, KanaWidth):
            out.append(KanaWidth(KanaWidth.Args(to="hankaku" if a.to == "zenkaku" else "zenkaku")))
        elif isinstance(st, AsciiWidth):
            to = "ascii" if a.to == "zenkaku" else "zenkaku"
            out.append(AsciiWidth(a.model_copy(update={"to": to})))
        elif isinstance(st, SmallKanaFlag):
            out.append(LargeKana(LargeKana.Args(level=a.level, pattern=a.pattern)))
            lossy = "small kana are written large (ｷﾖｳｺ), as the vendor does"
        elif isinstance(st, (Number, Trim)):
            continue
        elif isinstance(st, CodeMap):
            inv = invert_table(dict(a.table))
            if inv is None:
                raise ValueError("its code map sends two codes to one value (not invertible)")
            out.append(CodeMap(CodeMap.Args(table=inv)))
        else:
            raise ValueError(f"step {type(st).name!r} has no inverse")
    return out, extra, lossy


def _reverse_item(ci: CompiledItem, layout: Layout) -> tuple[str, CompiledItem, str | None]:
    """(vendor field, export mapping, lossy note) for one adapter item, or ValueError(why not)."""
    if len(ci.branches) != 1 or ci.branches[0].when is not None:
        raise ValueError("it has `cases`/`when` (not reversible)")
    m = ci.branches[0]
    if m.const is not None or len(m.inputs) != 1:
        raise ValueError("it is a constant or a combination of fields (not reversible)")
    fld = m.inputs[0]
    if "." in fld and not fld.startswith("header."):
        raise ValueError("it comes from a lookup file (not reversible)")
    steps, extra, lossy = invert_steps(m.steps, layout, ci.item)
    mapping = CompiledMapping([ci.item, *extra], None, steps, None)
    return fld, CompiledItem(fld, [mapping]), lossy


def _record_plan(t: CompiledTarget, header: dict[str, CompiledItem]) -> RecordPlan:
    rp = RecordPlan(t.layout, t.record_type, {})
    for ci in t.items:
        try:
            fld, item, lossy = _reverse_item(ci, t.layout)
        except ValueError as e:
            rp.no_source[f"({ci.item})"] = f"item {ci.item}: {e}"
            continue
        if fld.startswith("header."):
            header.setdefault(fld.removeprefix("header."), item)
            continue
        rp.fields[fld] = item
        if lossy:
            rp.lossy[fld] = lossy
    return rp


def unfed_fields(definition: Definition, rp: RecordPlan) -> list[str]:
    """Fields of the record that no mapping fills (the record-type field is filled by its match)."""
    if isinstance(definition, CsvDefinition):
        names = list(definition.columns or [])
    else:
        rt = definition.record_type(rp.record_type) if rp.record_type else definition.data_types[0]
        rtf = definition.record_type_field
        names = [f.name for f in rt.fields
                 if not (rtf is not None and f.start == rtf.start and f.length == rtf.length)]  # fmt: skip
    return [n for n in names if n not in rp.fields]


def derive_files(adapter: Adapter) -> dict[str, tuple[str, FilePlan]]:
    """Output file name → (source id, plan) for every data source of the adapter."""
    out: dict[str, tuple[str, FilePlan]] = {}
    for src in adapter.data_sources():
        name = next((f for f in src.files if not any(c in f for c in "*?[")), None)
        if name is None:
            name = f"{src.id}.{'csv' if isinstance(src.definition, CsvDefinition) else 'dat'}"
        header: dict[str, CompiledItem] = {}
        records = [_record_plan(t, header) for t in adapter.targets if t.source == src.id]
        d = src.definition
        fp = FilePlan(name, d, records)
        if isinstance(d, FixedWidthDefinition):
            heads = [r.name for r in d.record_types if r.role is RecordRole.HEADER]
            trails = [r.name for r in d.record_types if r.role is RecordRole.TRAILER]
            fp.header = (heads[0], header) if heads else None
            fp.trailer = trails[0] if trails else None
        out[name] = (src.id, fp)
    return out
