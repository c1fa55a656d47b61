"""The 外字 stage: policies, sidecar, findings, summary, nothing lost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.errors import GaijiError
from chukan_layout.findings import FindingSet, Severity
from chukan_layout.gaiji.policy import Policy, parse_policy_options
from chukan_layout.gaiji.stage import SIDECAR_SCHEMA, GaijiStage, error_records
from chukan_layout.gaiji.table import load_table, table_from_entries
from chukan_layout.gaiji.targets import is_pua
from chukan_layout.spec.model import Layout

from .conftest import M, make_batch


def _stage(layout: Layout, vendor_tsv: Path, **kw) -> GaijiStage:  # type: ignore[no-untyped-def]
    return GaijiStage(layout, [load_table(vendor_tsv)], source_system="vendor_t", **kw)


def test_map_policy_maps_flags_and_keeps_unmapped(layout: Layout, vendor_tsv: Path, mj_index) -> None:  # type: ignore[no-untyped-def]
    st_ = _stage(layout, vendor_tsv, mj_index=mj_index)
    fs = FindingSet(max_samples=None)
    rows = [
        {"atena_no": "1", "shimei": "\ue000橋　一郎", "biko": "特記なし"},
        {"atena_no": "2", "shimei": "\ue001西　花子\ue005", "jusho": "東京都\ue002町"},
        {"atena_no": "3", "shimei": "山田　太郎", "jusho": "大阪市\ue003"},
        {"atena_no": "4", "shimei": "\ue004田", "shimei_jis": "\ue004田"},
    ]
    out, side = st_.apply(make_batch(rows, start=10), fs, file="JUMIN.csv")
    assert out.schema == make_batch(rows).schema
    got = out.to_pydict()
    assert got["shimei"] == ["髙橋　一郎", "葛\U000e0104西　花子\ue005", "山田　太郎", "𠮷田"]
    assert got["jusho"] == ["", "東京都高町", "大阪市\ue003", ""]  # degraded entry applied + flagged
    assert got["shimei_jis"][3] == "𠮷田"  # mapped, but JIS X 0213 cannot store 𠮷 → flagged
    assert side.schema == SIDECAR_SCHEMA
    assert side.to_pylist() == [
        {"file": "JUMIN.csv", "record": 10, "item": "shimei", "position": 1, "source_code": "U+E000",
         "result": "U+9AD9", "status": "exact"},
        {"file": "JUMIN.csv", "record": 11, "item": "shimei", "position": 1, "source_code": "U+E001",
         "result": "U+845B U+E0104", "status": "identified"},
        {"file": "JUMIN.csv", "record": 11, "item": "shimei", "position": 6, "source_code": "U+E005",
         "result": "U+E005", "status": "unmapped"},
        {"file": "JUMIN.csv", "record": 13, "item": "shimei", "position": 1, "source_code": "U+E004",
         "result": "U+20BB7", "status": "exact"},
        {"file": "JUMIN.csv", "record": 13, "item": "shimei_jis", "position": 1, "source_code": "U+E004",
         "result": "U+20BB7", "status": "exact"},
        {"file": "JUMIN.csv", "record": 11, "item": "jusho", "position": 4, "source_code": "U+E002",
         "result": "U+9AD8", "status": "degraded"},
        {"file": "JUMIN.csv", "record": 12, "item": "jusho", "position": 4, "source_code": "U+E003",
         "result": "U+E003", "status": "unmapped"},
    ]  # fmt: skip
    assert fs.counts == {
        ("gaiji.unmapped", "JUMIN.csv", "shimei"): 1,
        ("gaiji.unmapped", "JUMIN.csv", "jusho"): 1,
        ("gaiji.degraded", "JUMIN.csv", "jusho"): 1,
        ("gaiji.not_in_target", "JUMIN.csv", "shimei_jis"): 1,
    }
    assert fs.records_of("gaiji.unmapped") == {("JUMIN.csv", 11, "shimei", "gaiji.unmapped"),
                                               ("JUMIN.csv", 12, "jusho", "gaiji.unmapped")}  # fmt: skip
    sample = fs.samples[("gaiji.unmapped", "JUMIN.csv", "shimei")][0]
    assert sample.detail == "U+E005" and sample.value == "\ue001＊＊＊＊＊"  # masked: a name
    assert error_records(side, fs).tolist() == [11, 12]
    summary = st_.summary()
    assert summary["by_status"] == {"exact": 3, "identified": 1, "degraded": 1, "unmapped": 2, "replaced": 0,
                                    "not_in_target": 0}  # fmt: skip
    assert summary["top_unmapped"] == [{"code": "U+E003", "char": "\ue003", "count": 1, "items": ["jusho"]},
                                       {"code": "U+E005", "char": "\ue005", "count": 1, "items": ["shimei"]}]  # fmt: skip
    assert summary["not_storable"] == [{"charset": "jis_x0213", "code": "U+20BB7", "char": "𠮷", "count": 1,
                                        "items": ["shimei_jis"]}]  # fmt: skip
    assert summary["records"] == 4 and summary["occurrences"] == 7


def test_error_policy_ignores_tables(layout: Layout, vendor_tsv: Path) -> None:
    st_ = _stage(layout, vendor_tsv, policies={"shimei": "error"})
    fs = FindingSet()
    out, side = st_.apply(make_batch([{"shimei": "\ue000橋", "biko": "\ue000"}]), fs, file="f")
    assert out.to_pylist()[0]["shimei"] == "\ue000橋"  # value kept
    assert out.to_pylist()[0]["biko"] == "髙"  # default policy map elsewhere
    assert side.column("status").to_pylist() == ["unmapped", "exact"]
    assert fs.severity("gaiji.unmapped") is Severity.ERROR and fs.has_errors()
    assert error_records(side, fs).tolist() == [1]
    fs.severity_overrides["gaiji.unmapped"] = Severity.WARNING
    assert error_records(side, fs).size == 0


def test_degrade_policy_fallback_and_ivs_drop(layout: Layout, vendor_tsv: Path, mj_index) -> None:  # type: ignore[no-untyped-def]
    st_ = _stage(layout, vendor_tsv, default_policy="degrade:＿", mj_index=mj_index)
    fs = FindingSet(max_samples=None)
    out, side = st_.apply(make_batch([{"shimei": "\ue009子", "shimei_jis": "\ue001西", "jusho": "\ue000"}]), fs,
                          file="f")  # fmt: skip
    row = out.to_pylist()[0]
    assert row["shimei"] == "＿子"  # no entry → fallback, flagged
    assert row["shimei_jis"] == "葛西"  # IVS target not storable in JIS X 0213 → base character
    assert row["jusho"] == "髙"  # exact, storable in cp932
    assert side.column("status").to_pylist() == ["degraded", "degraded", "exact"]
    assert (
        fs.counts[("gaiji.degraded", "f", "shimei")] == 1
        and fs.counts[("gaiji.degraded", "f", "shimei_jis")] == 1
    )
    assert not fs.has_errors()


def test_replace_policy(layout: Layout, vendor_tsv: Path) -> None:
    st_ = _stage(layout, vendor_tsv, policies={"jusho": Policy.parse("replace")})
    fs = FindingSet()
    out, side = st_.apply(make_batch([{"jusho": "\ue000町〜𠮷\ufa10"}]), fs, file="f")
    assert out.to_pylist()[0]["jusho"] == "〓町〓〓\ufa10"  # 塚 U+FA10 is storable in cp932 anyway
    assert side.column("status").to_pylist() == ["replaced"] * 3
    assert side.column("source_code").to_pylist() == ["U+E000", "U+301C", "U+20BB7"]
    assert fs.counts == {("gaiji.replaced", "f", "jusho"): 3}


def test_later_tables_override_and_unresolved_vendor_codes(
    layout: Layout, vendor_tsv: Path, tmp_path: Path
) -> None:
    review = tmp_path / "review.tsv"
    review.write_text("source_system\tsource_code\ttarget\tmj_name\tstatus\tbasis\tnote\n"
                      "vendor_t\tU+E003\tU+6803\t\tidentified\tmanual\t\n"
                      "vendor_t\tX'6941'\tU+5D0E\t\tidentified\tmanual\t\n", encoding="utf-8")  # fmt: skip
    st_ = GaijiStage(layout, [load_table(vendor_tsv), load_table(review)], source_system="vendor_t")
    out, _ = st_.apply(make_batch([{"biko": "\ue003"}]), FindingSet(), file="f")
    assert out.to_pylist()[0]["biko"] == "栃"
    assert [e.source_code for e in st_.unresolved] == ["X'6941'"]
    resolved = GaijiStage(
        layout, [load_table(review)], source_system="vendor_t", vendor_codes={"X'6941'": "\ue100"}
    )
    out, _ = resolved.apply(make_batch([{"biko": "\ue100"}]), FindingSet(), file="f")
    assert out.to_pylist()[0]["biko"] == "崎"


def test_other_systems_tables_are_ignored(layout: Layout, vendor_tsv: Path) -> None:
    st_ = GaijiStage(layout, [load_table(vendor_tsv)], source_system="vendor_b")
    out, side = st_.apply(make_batch([{"shimei": "\ue000"}]), FindingSet(), file="f")
    assert out.to_pylist()[0]["shimei"] == "\ue000" and side.column("status").to_pylist() == ["unmapped"]


def test_clean_batch_is_untouched(layout: Layout, vendor_tsv: Path) -> None:
    batch = make_batch(
        [{"shimei": "渡邉　美咲", "shimei_jis": "斎藤", "jusho": "千代田区１－１", "biko": "ﾊﾟ"}] * 5
    )
    fs = FindingSet()
    out, side = _stage(layout, vendor_tsv).apply(batch, fs, file="f")
    assert out.equals(batch) and side.num_rows == 0 and not fs.counts


def test_policy_errors(layout: Layout, vendor_tsv: Path) -> None:
    with pytest.raises(GaijiError, match=r"policy for unknown item\(s\) namae"):
        _stage(layout, vendor_tsv, policies={"namae": "map"})
    with pytest.raises(GaijiError, match="unknown 外字 policy 'fold'; valid: error, map, degrade, replace"):
        Policy.parse("fold")
    with pytest.raises(GaijiError, match="only degrade takes a fallback"):
        Policy.parse("map:＿")
    assert parse_policy_options(["shimei=degrade:＿", "biko=replace"]) == {
        "shimei": Policy.parse("degrade:＿"), "biko": Policy.parse("replace")}  # fmt: skip
    assert str(Policy.parse("degrade:＿")) == "degrade:＿" and str(Policy.parse("map")) == "map"
    with pytest.raises(GaijiError, match="ITEM=POLICY"):
        parse_policy_options(["shimei"])


def _three_name_layout() -> Layout:
    items = [dict(id=f"n{i}", name=f"氏名{i}", type="text", charset="mj", provenance=M) for i in range(3)]
    return Layout(id="t.three", gyomu="t", gyomu_id="t", file_name="t", title={"ja": "t", "en": "t"},
                  spec_version="t", record_key=["n0"], provenance=M, items=items)  # fmt: skip


PIECES = [
    "山",
    "田",
    "　",
    "\ue000",
    "\ue001",
    "\ue005",
    "\U000f0001",
    "髙",
    "〜",
    "\ufa10",
    "葛\U000e0104",
    "a",
]


@settings(max_examples=40)
@given(st.lists(st.tuples(*[st.lists(st.sampled_from(PIECES), max_size=6).map("".join)] * 3), min_size=1,
                max_size=30))  # fmt: skip
def test_nothing_lost_every_pua_occurrence_is_in_the_sidecar(rows: list[tuple[str, str, str]]) -> None:
    """Grouped detection splits hits back to the right item/record; every PUA lands in gaiji.csv."""
    from .conftest import VENDOR_TSV

    table = table_from_entries(_entries(VENDOR_TSV))
    st_ = GaijiStage(_three_name_layout(), [table], source_system="vendor_t")
    data = {f"n{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(3)}
    data["_record"] = pa.array(np.arange(1, len(rows) + 1) * 7, pa.int64())
    fs = FindingSet(max_samples=None)
    out, side = st_.apply(pa.record_batch(data), fs, file="f")
    expected = sorted((7 * (r + 1), f"n{i}", pos + 1) for r, row in enumerate(rows) for i in range(3)
                      for pos, c in enumerate(row[i]) if is_pua(ord(c)))  # fmt: skip
    got = sorted(zip(side.column("record").to_pylist(), side.column("item").to_pylist(),
                     side.column("position").to_pylist(), strict=True))  # fmt: skip
    assert got == expected
    unmapped = side.filter(pa.compute.equal(side.column("status"), "unmapped")).num_rows
    assert sum(n for (c, _, _), n in fs.counts.items() if c == "gaiji.unmapped") == unmapped
    for i in range(3):  # mapped values hold no mapped PUA any more; the rest is unchanged
        for before, after in zip(data[f"n{i}"].to_pylist(), out.column(f"n{i}").to_pylist(), strict=True):
            assert after == before.replace("\ue000", "髙").replace("\ue001", "葛\U000e0104")


def _entries(tsv: str):  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "v.tsv"
        p.write_text(tsv, encoding="utf-8")
        return list(load_table(p))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[st.lists(st.sampled_from(PIECES), max_size=4).map("".join)] * 3), min_size=1,
                max_size=20))  # fmt: skip
def test_remembered_values_give_what_a_fresh_stage_gives(rows: list[tuple[str, str, str]]) -> None:
    """A value seen before (same item) is mapped from the stage's memory: the batch, sidecar,
    findings and counters equal those of a stage that meets every value for the first time."""
    from .conftest import VENDOR_TSV

    table = table_from_entries(_entries(VENDOR_TSV))
    layout = _three_name_layout()
    data = {f"n{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(3)}
    data["_record"] = pa.array(np.arange(1, len(rows) + 1), pa.int64())
    batch = pa.record_batch(data)
    warm = GaijiStage(layout, [table], source_system="vendor_t", policies={"n2": "degrade"})
    warm.apply(batch, FindingSet(max_samples=None), file="f")  # fills the memory
    results = []
    for st_ in (warm, GaijiStage(layout, [table], source_system="vendor_t", policies={"n2": "degrade"})):
        st_._summary = type(st_._summary)()
        fs = FindingSet(max_samples=None)
        out, side = st_.apply(batch, fs, file="f")
        results.append((out.to_pydict(), side.to_pylist(), fs.counts, st_.summary()))
    assert results[0] == results[1]
