"""``gaiji scan --adapter``: read, adapt and map an export exactly as ``convert`` would.

The conversion goes into a throw-away folder, so the inventory shows what a conversion will meet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..adapt.loader import load_adapter
from ..findings import FindingSet
from ..gaiji.convert_stage import GaijiConvertStage
from ..gaiji.inventory import Inventory
from ..gaiji.mj_index import MJIndex
from ..gaiji.scan import inventory_of
from ..gaiji.stage import VendorCodes
from ..gaiji.table import MappingTable
from .conversion import convert
from .options import ConvertOptions


def scan_with_adapter(
    inputs: Sequence[str | Path],
    adapter: str | Path,
    tables: list[MappingTable],
    *,
    source_system: str | None = None,
    mj_index: MJIndex | None = None,
    limit: int | None = None,
    vendor_codes: VendorCodes | None = None,
    layouts_dir: Sequence[str | Path] = (),
) -> tuple[Inventory, FindingSet]:
    """Inventory of an export read through ``adapter`` (shipped name or YAML path).

    ``layouts_dir``: extra folders of layouts the adapter's targets may name (as ``--layouts``)."""
    opts = ConvertOptions(
        limit=limit,
        validate=False,
        gaiji=False,
        write_summary=False,
        layouts_dir=tuple(Path(d) for d in layouts_dir),
    )
    with opts.extra_layouts():
        return _scan(inputs, load_adapter(adapter), tables, opts, source_system, mj_index, vendor_codes)


def _scan(inputs: Sequence[str | Path], ad: Any, tables: list[MappingTable], opts: ConvertOptions,
          source_system: str | None, mj_index: MJIndex | None, vendor_codes: VendorCodes | None,
          ) -> tuple[Inventory, FindingSet]:  # fmt: skip
    fs = FindingSet()
    stage = GaijiConvertStage(
        tables, source_system=source_system or ad.name, mj_index=mj_index, vendor_codes=vendor_codes
    )
    with tempfile.TemporaryDirectory(prefix="chukan-gaiji-scan-") as tmp:
        convert(ad, list(inputs), tmp, opts, stages=[stage], findings=fs)
    return inventory_of(stage, mj_index), fs
