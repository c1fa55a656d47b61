"""convert hands out CSV byte ranges while the split scan still runs (pipeline._convert_plan): the
partitions of plan.plan, in its order; a late byte the scan cannot prove voids the ranges already
handed out, the file is converted whole and the outputs are those of one partition."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from chukan_layout import pipeline
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.pipeline import _convert_merge
from chukan_layout.pipeline._convert_plan import ConvertPlan
from chukan_layout.pipeline.plan import plan
from chukan_layout.synth.generate import GenerateResult, generate

drop = _convert_merge.drop


@pytest.fixture(scope="module")
def vendor_b(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("b"), vendors="b", residents=200, faults=0.03, seed=11)


def _files(gen: GenerateResult) -> tuple[list[Path], Path]:
    table = gen.gaiji_tables["vendor_b"]
    return sorted(
        p for p in gen.vendor_files["vendor_b"] if p != table and p.name in ("jumin.csv", "setai.csv")
    ), table


def test_the_partitions_of_plan_in_its_order(vendor_b: GenerateResult) -> None:
    ad = load_adapter("vendor_b")
    files, _ = _files(vendor_b)
    assigned = ad.assign(files)
    triples = [(s.id, p, s.definition) for s in ad.data_sources() for p in assigned[s.id]]
    cols = {p.name: ["c"] for p in files}
    lazy = ConvertPlan(triples, partition_bytes=1 << 13, columns_of=lambda s, p: cols[p.name])
    got = list(lazy)
    notes: dict[str, str] = {}
    want = plan(triples, partition_bytes=1 << 13, columns_of=lambda s, p: cols[p.name], notes=notes)
    assert len(got) > 4 and [dataclasses.replace(p, clean=False) for p in got] == want
    assert lazy.notes == notes
    assert all(lazy.settled(str(p)) and not lazy.is_void(q.index) for p in files for q in got)
    assert any(p.clean for p in got)  # generated files hold no NUL and no empty line


def test_a_late_unprovable_quote_voids_the_ranges_handed_out(vendor_b: GenerateResult, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(ConvertPlan, "scan_block", 1 << 12)  # cuts proven before the bad quote is read
    dropped: list[int] = []
    monkeypatch.setattr(_convert_merge, "drop", lambda res: dropped.append(res.index) or drop(res))
    files, table = _files(vendor_b)
    jumin = next(p for p in files if p.name == "jumin.csv")
    data = jumin.read_bytes()
    k = data.index(b'","', int(len(data) * 0.9))
    (tmp_path / "in").mkdir()
    bad = tmp_path / "in" / "jumin.csv"
    bad.write_bytes(data[:k] + b'",x"' + data[k + 3 :])  # a quote after text, late in the file
    inputs = [bad, *(p for p in files if p != jumin)]
    opts = pipeline.ConvertOptions(gaiji_tables=(str(table),))
    whole = pipeline.convert("vendor_b", inputs, tmp_path / "whole", opts.replace(workers=1))
    split = pipeline.convert(
        "vendor_b", inputs, tmp_path / "split", opts.replace(workers=2, partition_bytes=1 << 13)
    )
    note = split.report.options.extra["partitions"]
    assert "jumin.csv: one partition: a quote not at a field boundary" in note
    assert "setai.csv: " in note and "byte ranges" in note  # the next file is still split
    for name in [Path(o.path).name for o in whole.outputs.values()] + ["rejects.csv", "gaiji.csv"]:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "split" / name).read_bytes(), name
    assert (
        whole.report.findings == split.report.findings and whole.report.accounting == split.report.accounting
    )
    assert dropped  # ranges were handed out (and worked on) before the scan gave up
    assert not list((tmp_path / "split").glob(".chukan-parts-*"))  # void parts dropped with the rest
