"""A small converted town (vendor A) whose standard files the snapshot tests keep."""

from __future__ import annotations

from pathlib import Path

import pytest

import chukan_layout as cl
from chukan_layout.synth.generate import generate


@pytest.fixture(scope="session")
def town_a(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(vendor A export folder, converted standard folder)."""
    root = tmp_path_factory.mktemp("snaptown")
    generate(root, vendors="a", residents=250, faults=0.0, seed=9, gaiji_share=0.08)
    src = root / "vendor_a"
    std = root / "standard_out"
    res = cl.convert("vendor_a", [p for p in sorted(src.iterdir()) if p.suffix != ".tsv"], std,
                     gaiji_tables=[str(p) for p in src.glob("*.tsv")], workers=1)  # fmt: skip
    assert res.exit_code == 0
    return src, std
