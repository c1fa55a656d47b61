"""Vendor-to-standard: reconcile --old-adapter vendor_a town/vendor_a NEW == reconciling the converted output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import chukan_layout as cl
from chukan_layout.synth.generate import GenerateResult


def _view(res: Any) -> tuple[Any, ...]:
    df = res.to_pandas().drop(columns=["old_file"])  # the converted files' names are the same; paths differ
    totals = [(t.layout_id, t.total_id, t.group, t.old, t.new) for t in res.report.totals]
    counts = [
        (la.layout_id, la.old_records, la.only_old, la.only_new, la.changed) for la in res.report.layouts
    ]
    return df.to_csv(index=False), totals, counts, res.exit_code


def test_adapter_side_equals_reconciling_the_converted_output(town: GenerateResult, tmp_path: Path) -> None:
    vendor = town.out_dir / "vendor_a"
    table = town.gaiji_tables["vendor_a"]
    files = [p for p in town.vendor_files["vendor_a"] if p != table]
    conv = cl.convert("vendor_a", files, tmp_path / "converted", gaiji_tables=[table], workers=1)
    assert conv.outputs
    converted = [Path(o.path) for o in conv.outputs.values()]
    via_files = cl.reconcile(converted, town.out_dir / "golden", tmp_path / "a", workers=1)
    via_adapter = cl.reconcile(
        vendor, town.out_dir / "golden", tmp_path / "b", old_adapter="vendor_a", workers=1
    )
    assert _view(via_adapter) == _view(via_files)
    assert via_adapter.report.old.adapter == "vendor_a"
    roles = {f.role for f in via_adapter.report.old.files}
    assert roles == {
        "source",
        "gaiji_table",
    }  # the vendor files and the 外字対応表 found in the folder, hashed
    assert via_adapter.report.old.conversion["records_in"] > 0
