"""Small generated municipalities shared by the synth tests (session scope: generated once)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.generate import GenerateResult, generate
from chukan_layout.synth.population import Chunk
from chukan_layout.synth.reference import pick_municipality
from chukan_layout.synth.world import World, load_layouts

N = 1200
SEED = 11


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[GenerateResult, dict]:
    """All vendors, no faults, with the rendered vendor columns captured."""
    cap: dict = {}
    out = tmp_path_factory.mktemp("clean")
    res = generate(
        out,
        vendors="all",
        residents=N,
        faults=0.0,
        seed=SEED,
        gaiji_share=0.08,
        capture=cap,
        chunk_households=256,
    )
    return res, cap


@pytest.fixture(scope="session")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    """Same municipality (same seed), faults injected."""
    out = tmp_path_factory.mktemp("faulty")
    return generate(
        out, vendors="all", residents=N, faults=0.02, seed=SEED, gaiji_share=0.08, chunk_households=256
    )


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def golden_rows(path: Path, layout_id: str) -> list[dict[str, str]]:
    """A standard-layout CSV (golden/ or standard/) as dicts by item id; checks the 項目名称 header."""
    spec = load_layout(layout_id).spec
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [it.name for it in spec.items]  # header = 項目名称
    return [dict(zip(spec.item_ids, r, strict=True)) for r in rows[1:]]


@pytest.fixture(scope="session")
def world_chunk() -> tuple[World, Chunk]:
    """A World for the 住基 layouts (seed 1, 13122 葛飾区) and its first chunk of 128 households."""
    w = World.create(
        1, pick_municipality(1, "13122"), load_layouts(["juki.jumin", "juki.setai"]), ["vendor_a"], 0.2
    )
    return w, next(w.pop.chunks(300, 128))
