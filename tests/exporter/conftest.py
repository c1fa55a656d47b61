"""A small synthetic town, converted once per vendor: the inputs of the round-trip tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import chukan_layout as cl
from chukan_layout.synth.generate import generate

N = 400
SEED = 5
NOT_STANDARD = ("findings.csv", "gaiji.csv", "rejects.csv", "unencodable.csv")


def standard_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.glob("*.csv")) if p.name not in NOT_STANDARD]


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("town")
    generate(out, vendors="all", residents=N, faults=0.0, seed=SEED, gaiji_share=0.08)
    return out


@pytest.fixture(scope="session")
def converted(town: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """vendor letter → folder of standard files converted from that vendor's export."""
    out: dict[str, Path] = {}
    for v in "abc":
        src = town / f"vendor_{v}"
        tables = [str(p) for p in src.glob("*.tsv")]
        inputs = [p for p in sorted(src.iterdir()) if p.suffix != ".tsv"]
        dest = tmp_path_factory.mktemp(f"std_{v}")
        res = cl.convert(f"vendor_{v}", inputs, dest, gaiji_tables=tables, workers=1)
        assert res.exit_code == 0
        out[v] = dest
    return out
