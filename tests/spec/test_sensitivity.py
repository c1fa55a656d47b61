"""Every item of every layout declares its sensitivity, and masking covers it (issue 14, point 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chukan_layout.findings import FindingSet, Sensitivity, mask_value
from chukan_layout.spec.registry import load_layout
from chukan_layout.validation import compile as _compile  # noqa: F401  (registers item.* codes)

SPECS = Path(__file__).resolve().parents[2] / "layout_specs"
FILES = sorted(SPECS.glob("*.yaml"))


def test_every_layout_is_walked() -> None:
    assert len(FILES) >= 24


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_item_declares_a_sensitivity(path: Path) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    missing = [it["name"] for it in items if "sensitivity" not in it]
    assert not missing, f"{path.name}: items without sensitivity: {missing}"
    assert all(Sensitivity(it["sensitivity"]) for it in items)


@pytest.mark.parametrize(
    ("layout", "item", "value"),
    [
        ("fuyo.teate", "shosho_no", "1234567890"),  # 証書番号: a certificate serial
        ("kokuho.hihokensha", "hihokenshasho_kigo", "ｱｲｳ123"),
        ("keiji.sharyo", "hyoshiki_bango", "ｶ1234"),
        ("juminzei.kazei", "tsuchisho_no", "00123456"),
    ],
)
def test_identifying_items_are_masked_in_findings(layout: str, item: str, value: str) -> None:
    it = next(i for i in load_layout(layout).spec.items if i.id == item)
    assert it.sensitivity is not Sensitivity.NONE
    fs = FindingSet()
    fs.add("item.length", file="F.csv", item=item, records=[3], values=[value], sensitivity=it.sensitivity)
    (sample,) = fs.samples[("item.length", "F.csv", item)]
    assert sample.value == mask_value(value, it.sensitivity) and sample.value != value
