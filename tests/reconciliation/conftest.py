"""A small synthetic town with its migrated re-export (defects + manifest) and a vendor-A export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chukan_layout.synth.generate import GenerateResult, generate


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    out = tmp_path_factory.mktemp("town")
    # a high 外字 share so that the IVS defects (lost / recorded) have names to land on
    return generate(out, vendors="a,migrated", residents=700, faults=0.03, gaiji_share=0.4, seed=11)


@pytest.fixture(scope="session")
def defects(town: GenerateResult) -> list[dict[str, str]]:
    assert town.migrated_manifest is not None
    with open(town.migrated_manifest, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def reconciled(town: GenerateResult, tmp_path_factory: pytest.TempPathFactory) -> object:
    import chukan_layout as cl

    out = tmp_path_factory.mktemp("reconciled")
    # unmask: the manifest holds raw keys, and some record keys are personal data (戸籍: 本籍 + 筆頭者)
    return cl.reconcile(town.out_dir / "golden", town.out_dir / "migrated", out, unmask=True,
                        gaiji_evidence=town.out_dir / "migrated" / "gaiji.csv", workers=2)  # fmt: skip


def golden(town: GenerateResult) -> Path:
    return town.out_dir / "golden"
