"""Golden conversions: generated vendor A/B/C exports → the shipped adapters → the golden files.

The synthetic generator writes, from one municipality, the golden standard files and each
vendor's export (plus a manifest of injected faults). Converting an export with the shipped
adapter (and the 外字 stage with the vendor's 外字対応表) must give the golden files byte for
byte; with faults, every row that differs or is missing is a manifest row, and every fault of
the read/adapt stages is reported (reject or finding).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest

from chukan_layout import pipeline
from chukan_layout.findings import FindingSet
from chukan_layout.gaiji.stage import GaijiStage
from chukan_layout.gaiji.table import load_table
from chukan_layout.synth.generate import GenerateResult, generate

VENDORS = ("vendor_a", "vendor_b", "vendor_c")


def _gaiji_stage(vendor: str, table: Path):
    tables = [load_table(table)]
    stages: dict[str, GaijiStage] = {}

    def stage(layout, batch: pa.RecordBatch, fs: FindingSet) -> pa.RecordBatch:
        if layout.id not in stages:
            stages[layout.id] = GaijiStage(layout, tables, source_system=vendor)
        return stages[layout.id].apply(batch, fs, file=str(batch.column("_source")[0]))[0]

    return stage


def _convert(gen: GenerateResult, vendor: str, out: Path) -> pipeline.ConvertResult:
    files = [p for p in gen.vendor_files[vendor] if p != gen.gaiji_tables[vendor]]
    return pipeline.convert(vendor, files, out, stages=[_gaiji_stage(vendor, gen.gaiji_tables[vendor])],
                            findings=FindingSet(max_samples=None), validate=False)  # fmt: skip


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("clean"), vendors="a,b,c", residents=150, faults=0.0, seed=7)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("faulty"), vendors="a,b,c", residents=150, faults=0.04, seed=11)


@pytest.mark.parametrize("vendor", VENDORS)
def test_clean_export_reproduces_golden_files(clean: GenerateResult, vendor: str, tmp_path: Path) -> None:
    res = _convert(clean, vendor, tmp_path)
    assert res.rejects == 0 and all(f.balanced for f in res.files)
    assert {"juki.jumin", "juki.setai", "juminzei.kazei", "kokuho.setai", "kokuho.hihokensha"} <= set(
        res.outputs
    )
    small = {
        (m.golden_file, m.golden_record)
        for m in clean.manifest
        if m.vendor == vendor and m.kind == "small_kana"
    }
    flagged = {(f, r) for (f, r, _, _) in res.findings.records_of("adapt.small_kana")}
    for lid, o in res.outputs.items():
        golden = clean.golden[lid]
        if not any(g == golden.name for g, _ in small):
            assert Path(o.path).read_bytes() == golden.read_bytes(), lid
            continue
        # vendor A stores small kana large (ｷﾖｳｺ): lossy by design, listed in the manifest and flagged
        g, c = _rows(golden), _rows(Path(o.path))
        assert len(g) == len(c)
        differing = {i for i, (a, b) in enumerate(zip(g, c, strict=True)) if a != b}
        assert differing <= {r for f, r in small if f == golden.name}, lid
    if vendor == "vendor_a":
        assert small, "vendor A's profile writes some small kana large"
        assert not flagged  # the small-kana check is off by default (precision 21–28 %, docs/adapters.md)
    else:
        assert not small


@pytest.mark.parametrize("vendor", VENDORS)
def test_faulty_export_differs_only_at_manifest_rows(
    faulty: GenerateResult, vendor: str, tmp_path: Path
) -> None:
    res = _convert(faulty, vendor, tmp_path)
    assert all(f.balanced for f in res.files)
    manifest = [m for m in faulty.manifest if m.vendor == vendor]
    assert manifest, "the generator injected faults"
    rej = list(csv.DictReader(io.StringIO(Path(res.rejects_path).read_text("utf-8")))) if res.rejects else []
    rejected = {(r["source"], int(r["record"])) for r in rej}
    for m in manifest:  # every read-stage fault is a reject; every adapt-stage fault a finding
        if m.expected.startswith("read.") and not (
            m.kind == "truncated_last_record" and m.file.endswith(".csv")
        ):
            # (a CSV record cut short at the end of the file still parses; the reader does not reject it —
            #  its row then differs from the golden row, which the row check below allows: reported to the lead)
            assert (m.file, m.record) in rejected, m
        if m.kind == "small_kana":  # listed, not flagged: the check is off by default (docs/adapters.md)
            continue
        if m.expected.startswith("adapt.") and (m.file, m.record) not in rejected:
            assert (m.file, m.record) in {(f, r) for f, r, _, _ in res.findings.records_of(m.expected)}, m
    known = {(m.golden_file, m.golden_record) for m in manifest}
    gone = {(m.golden_file, m.golden_record) for m in manifest
            if m.expected.startswith("read.") and (m.file, m.record) in rejected}  # fmt: skip
    for lid, o in res.outputs.items():
        name = faulty.golden[lid].name
        g = _rows(faulty.golden[lid])
        expect = [row for i, row in enumerate(g) if (name, i) not in gone]
        c = _rows(Path(o.path))
        assert len(c) == len(expect), lid
        kept = [i for i in range(len(g)) if (name, i) not in gone]
        for i, a, b in zip(kept, expect, c, strict=True):
            if a != b:
                assert (name, i) in known, (lid, i, [(x, y) for x, y in zip(a, b, strict=True) if x != y])
