"""Inventory scans: of what a convert's 外字 stage met (:func:`inventory_of`; the convert itself is
driven by ``pipeline.gaiji_scan``), or over standard-layout CSV files (header of 項目名称 or item
ids) of ``--layout``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..findings import FindingSet
from ..readers.standard_csv import read_standard_csv
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
