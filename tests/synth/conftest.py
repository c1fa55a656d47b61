"""Small generated municipalities shared by the synth tests (session scope: generated once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout.synth.generate import GenerateResult, generate

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
