"""Fixtures for the 外字 tests: a small layout, a vendor table, the real MJ index (if present)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from chukan_layout.gaiji.mj_index import MJIndex
from chukan_layout.spec.model import Layout

M = {"status": "modelled"}


def make_layout() -> Layout:
    """氏名 (mj), 氏名JIS (jis_x0213), 住所 (cp932), 備考 (any), 宛名番号 (digits)."""
    return Layout(
        id="test.gaiji", gyomu="テスト", gyomu_id="test", file_name="テスト", title={"ja": "テスト", "en": "test"},
        spec_version="test", record_key=["atena_no"], provenance=M,
        items=[
            dict(id="atena_no", name="宛名番号", type="digits", provenance=M),
            dict(id="shimei", name="氏名", type="text", charset="mj", sensitivity="name", provenance=M),
            dict(id="shimei_jis", name="氏名（JIS）", type="text", charset="jis_x0213", sensitivity="name",
                 provenance=M),
            dict(id="jusho", name="住所", type="text", charset="cp932", sensitivity="address", provenance=M),
            dict(id="biko", name="備考", type="text", provenance=M),
        ],
    )  # fmt: skip


def make_batch(rows: list[dict[str, str]], start: int = 1) -> pa.RecordBatch:
    cols = ["atena_no", "shimei", "shimei_jis", "jusho", "biko"]
    data = {c: pa.array([r.get(c, "") for r in rows], pa.string()) for c in cols}
    data["_record"] = pa.array(range(start, start + len(rows)), pa.int64())
    data["_source"] = pa.array(["JUMIN.csv"] * len(rows), pa.string())
    return pa.record_batch(data)


VENDOR_TSV = """\
# 外字対応表 of the test vendor
source_system\tsource_code\ttarget\tmj_name\tstatus\tbasis\tnote
vendor_t\tU+E000\tU+9AD9\tMJ028902\texact\tglyph_match\t髙
vendor_t\tU+E001\tU+845B U+E0104\tMJ022340\tidentified\tkoseki\t葛 (Moji_Joho IVS)
vendor_t\tU+E002\tU+9AD8\t\tdegraded\tmanual\t髙の代替
vendor_t\tU+E003\t\t\tunmapped\t\tnot identified yet
vendor_t\tU+E004\tU+20BB7\t\texact\tglyph_match\t𠮷
"""


@pytest.fixture
def layout() -> Layout:
    return make_layout()


@pytest.fixture
def vendor_tsv(tmp_path: Path) -> Path:
    p = tmp_path / "vendor_t.tsv"
    p.write_text(VENDOR_TSV, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def mj_index(mj_list_path: Path, ivd_path: Path) -> MJIndex:
    """The real MJ index, built once per session from ../shared/gaiji-data (skips if absent)."""
    return MJIndex.build(mj_list_path, ivd=ivd_path)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Codec-derived charset caches go to a temporary folder, not the user's cache dir."""
    import os

    old = os.environ.get("CHUKAN_CACHE_DIR")
    os.environ["CHUKAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("chukan-cache"))
    yield
    if old is None:
        os.environ.pop("CHUKAN_CACHE_DIR", None)
    else:
        os.environ["CHUKAN_CACHE_DIR"] = old
