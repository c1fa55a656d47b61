"""Shared test configuration: Hypothesis profiles and paths to shared reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

REPO = Path(__file__).resolve().parent.parent
# Licensed MJ list / IVD: read from the shared folder next to the checkout, never committed.
GAIJI_DATA = Path(os.environ.get("CHUKAN_GAIJI_DATA", REPO.parent / "shared" / "gaiji-data"))
MJ_LIST = GAIJI_DATA / "mji-list.00602.tsv"
IVD_FILE = GAIJI_DATA / "IVD_Sequences-2025-07-14.txt"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def mj_list_path() -> Path:
    if not MJ_LIST.is_file():
        pytest.skip(f"MJ list not found at {MJ_LIST} (set CHUKAN_GAIJI_DATA to the gaiji-data folder)")
    return MJ_LIST


@pytest.fixture(scope="session")
def ivd_path() -> Path:
    if not IVD_FILE.is_file():
        pytest.skip(f"IVD file not found at {IVD_FILE} (set CHUKAN_GAIJI_DATA to the gaiji-data folder)")
    return IVD_FILE


@pytest.fixture
def assorted_files(tmp_path: Path) -> list[Path]:
    """Four files to hash or copy: empty, UTF-8 text with 髙/﨑 and CRLF, 3 MiB of random
    bytes, one byte."""
    out = []
    for k, data in enumerate([b"", "髙橋,﨑\r\n".encode() * 5000, os.urandom(3 << 20), b"x"]):
        p = tmp_path / f"p{k}.csv"
        p.write_bytes(data)
        out.append(p)
    return out
