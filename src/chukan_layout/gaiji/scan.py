"""Inventory scans: of what a convert's 外字 stage met (:func:`inventory_of`; the convert itself is
driven by ``pipeline.gaiji_scan``), or over standard-layout CSV files (header of 項目名称 or item
ids) of ``--layout``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import GaijiError
from ..findings import FindingSet
from ..spec.model import Layout
from .convert_stage import GaijiConvertStage
from .inventory import Inventory
from .mj_index import MJIndex
from .stage import GaijiStage, VendorCodes
from .table import MappingTable


def inventory_of(stage: GaijiConvertStage, mj_index: MJIndex | None = None) -> Inventory:
    """The inventory of what ``stage`` met during a convert (``pipeline.gaiji_scan``)."""
    inv = Inventory(stage.source_system, _lookup(stage), mj_index)
    for side in stage.sidecars:
        inv.add_sidecar(side)
    inv.records_scanned = stage.counters.records
    return inv


def _lookup(stage: GaijiConvertStage) -> dict:  # type: ignore[type-arg]
    if stage.stages:
        return next(iter(stage.stages.values())).lookup
    probe = GaijiStage(_EMPTY_LAYOUT, stage.tables, source_system=stage.source_system,
                       vendor_codes=stage.vendor_codes)  # fmt: skip
    return probe.lookup


def read_standard_csv(path: str | Path, layout: Layout, *, encoding: str = "utf-8",
                      batch_size: int = 65536) -> Iterator[pa.RecordBatch]:  # fmt: skip
    """Batches of a standard-layout CSV: item-id columns (strings), ``_record`` and ``_source``."""
    p = Path(path)
    by_name = {it.name: it.id for it in layout.items} | {it.id: it.id for it in layout.items}
    try:
        with p.open(encoding=encoding, newline="") as f:  # the header first: every column is text
            header = next(csv.reader(f), [])
        header[:1] = [h.lstrip("\ufeff") for h in header[:1]]
        ro = pacsv.ReadOptions(encoding=encoding, block_size=1 << 22, column_names=header, skip_rows=1)
        co = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False,
                                  quoted_strings_can_be_null=False)  # fmt: skip
        reader = pacsv.open_csv(p, read_options=ro, convert_options=co)
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        raise GaijiError(f"{p}: not a readable standard-layout CSV ({e})") from None
    unknown = [h for h in header if h not in by_name]
    if unknown:
        raise GaijiError(f"{p}: columns not in layout {layout.id}: {', '.join(unknown[:5])}")
    ids = [by_name[h] for h in header]
    n = 0
    for b in reader:
        cols = [c if c.type == pa.string() else c.cast(pa.string()) for c in b.columns]
        recs = pa.array(range(n + 1, n + 1 + b.num_rows), pa.int64())
        n += b.num_rows
        yield pa.record_batch([*cols, recs, pa.array([p.name] * b.num_rows, pa.string())],
                              names=[*ids, "_record", "_source"])  # fmt: skip


def scan_standard(
    inputs: Sequence[str | Path], layout: Layout, tables: list[MappingTable], *, source_system: str,
    mj_index: MJIndex | None = None, encoding: str = "utf-8", vendor_codes: VendorCodes | None = None,
) -> tuple[Inventory, FindingSet]:  # fmt: skip
    """Inventory of standard-layout CSV files of one layout."""
    fs = FindingSet()
    stage = GaijiStage(
        layout, tables, source_system=source_system, mj_index=mj_index, vendor_codes=vendor_codes
    )
    inv = Inventory(source_system, stage.lookup, mj_index)
    for path in inputs:
        for batch in read_standard_csv(path, layout, encoding=encoding):
            _, side = stage.apply(batch, fs, file=Path(path).name)
            inv.add_sidecar(side)
    inv.records_scanned = stage.counters.records
    return inv, fs


_EMPTY_LAYOUT = Layout(
    id="gaiji.probe",
    gyomu="-",
    gyomu_id="gaiji",
    file_name="-",
    title={"ja": "-", "en": "-"},  # type: ignore[arg-type]
    spec_version="-",
    record_key=["x"],
    provenance={"status": "modelled"},  # type: ignore[arg-type]
    items=[{"id": "x", "name": "-", "type": "text", "provenance": {"status": "modelled"}}],  # type: ignore[list-item]
)
