"""``gaiji scan --adapter``: read, adapt and map an export exactly as ``convert`` would.

The conversion goes into a throw-away folder, so the inventory shows what a conversion will meet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..adapt.loader import load_adapter
from ..findings import FindingSet
from ..gaiji.convert_stage import GaijiConvertStage
from ..gaiji.inventory import Inventory
from ..gaiji.mj_index import MJIndex
from ..gaiji.scan import inventory_of
from ..gaiji.stage import VendorCodes
from ..gaiji.table import MappingTable
from .conversion import convert


def scan_with_adapter(
    inputs: Sequence[str | Path],
    adapter: str | Path,
    tables: list[MappingTable],
    *,
    source_system: str | None = None,
    mj_index: MJIndex | None = None,
    limit: int | None = None,
    vendor_codes: VendorCodes | None = None,
) -> tuple[Inventory, FindingSet]:
    """Inventory of an export read through ``adapter`` (shipped name or YAML path)."""
    ad = load_adapter(adapter)
    fs = FindingSet()
    stage = GaijiConvertStage(
        tables, source_system=source_system or ad.name, mj_index=mj_index, vendor_codes=vendor_codes
    )
    with tempfile.TemporaryDirectory(prefix="chukan-gaiji-scan-") as tmp:
        convert(ad, list(inputs), tmp, limit=limit, stages=[stage], findings=fs, write_summary=False)
    return inventory_of(stage, mj_index), fs
