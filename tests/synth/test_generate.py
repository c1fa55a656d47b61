"""generate(): determinism, valid golden records, vendor round trips, manifest ground truth."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from chukan_layout.readers.api import read
from chukan_layout.readers.definition import NUMERIC_TYPES, FixedWidthDefinition
from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.generate import generate
from chukan_layout.synth.golden import BUILDERS
from chukan_layout.synth.profile import load_profile

from .conftest import SEED, N, files_of


def _golden_rows(path: Path, layout_id: str) -> list[dict[str, str]]:
    spec = load_layout(layout_id).spec
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [it.name for it in spec.items]  # header = 項目名称
    return [dict(zip(spec.item_ids, r, strict=True)) for r in rows[1:]]


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", residents=300, faults=0.05, seed=4, gaiji_share=0.1)
    b = generate(tmp_path / "b", residents=300, faults=0.05, seed=4, gaiji_share=0.1)
    fa, fb = files_of(a.out_dir), files_of(b.out_dir)
    assert fa.keys() == fb.keys() and len(fa) > 30
    assert all(fa[k] == fb[k] for k in fa)
    c = generate(tmp_path / "c", residents=300, faults=0.05, seed=5, vendors="standard")
    assert files_of(c.out_dir)["golden/juki_jumin.csv"] != fa["golden/juki_jumin.csv"]


def test_golden_records_are_valid(clean) -> None:
    res, _ = clean
    assert set(res.golden) == set(BUILDERS) and len(res.golden) >= 24
    keys: dict[str, set[tuple[str, ...]]] = {}
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows_by = {}
    for lid, path in res.golden.items():
        lay = load_layout(lid)
        rows = _golden_rows(path, lid)
        assert rows, lid
        rows_by[lid] = rows
        bad = Counter()
        for r in rows:
            for f in lay.checker.findings(r):
                bad[f] += 1
        assert not bad, (lid, bad.most_common(5))
        ks = [tuple(r[k] for k in lay.spec.record_key) for r in rows]
        assert len(set(ks)) == len(ks), f"{lid}: duplicate record keys"
        keys[lid] = set(ks)
        for it in lay.spec.items:
            values[(lid, it.id)] = {r[it.id] for r in rows}
    # every relation resolves (the files are joined by 宛名番号 / 世帯番号)
    for lid in rows_by:
        for rel in load_layout(lid).spec.relations:
            have = values[(rel.layout, rel.target_items[0])]
            missing = {r[rel.items[0]] for r in rows_by[lid] if r[rel.items[0]]} - have
            assert not missing, (lid, rel.id, list(missing)[:3])


def test_golden_covers_the_hard_cases(clean) -> None:
    res, _ = clean
    rows = _golden_rows(res.golden["juki.jumin"], "juki.jumin")
    births = {r["seinengappi"] for r in rows}
    assert {"1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01"} <= births
    assert any(r["seinengappi"].endswith("-00") and r["seinengappi_fusho_flag"] == "1" for r in rows)
    assert {r["seinengappi_gengo"] for r in rows} == {"01", "02", "03", "04", "05"}
    assert {r["ido_jiyu"] for r in rows} >= {"101", "103", "201", "203", "301"}
    assert any(r["jumin_shubetsu"] == "2" and r["zairyu_card_no"] and r["shimei_romaji"] for r in rows)
    # 外字 variants are in the golden names (the real characters, IVS included)
    text = "".join(r["shimei"] + r["jusho_machiaza"] for r in rows)
    assert any(ch in text for ch in "髙﨑邉𠮷濵栁德") or "\U000e0102" in text


def _norm(a: pa.Array, numeric: bool) -> list[str]:
    vals = pc.utf8_rtrim_whitespace(a.cast(pa.string())).to_pylist()
    if numeric:
        return [str(int(v)) if v not in ("", None) else "" for v in vals]
    return vals


@pytest.mark.parametrize("vendor", ["a", "b", "c"])
def test_vendor_files_read_back(clean, vendor: str) -> None:
    """Reading each vendor file with its record definition gives back the generated values."""
    res, cap = clean
    prof = load_profile(vendor)
    for vf in prof.files:
        d = vf.definition
        reader = read(res.out_dir / prof.vendor / vf.name, d, policy="strict")
        by_type: dict[str, list[pa.RecordBatch]] = defaultdict(list)
        for b in reader:
            rt = (b.schema.metadata or {}).get(b"record_type", b"").decode()
            by_type[rt].append(b)
        for rm in vf.records:
            expected = cap[f"{vf.name}:{rm.type or ''}"]
            got = pa.Table.from_batches(by_type[rm.type] if rm.type else next(iter(by_type.values())))
            numeric = set()
            if isinstance(d, FixedWidthDefinition):
                numeric = {f.name for f in d.record_type(rm.type or "").fields if f.type in NUMERIC_TYPES}
            for field in rm.map:
                exp = pa.concat_arrays([c[field] for c in expected])
                assert _norm(got.column(field).combine_chunks(), field in numeric) == _norm(
                    exp, field in numeric
                ), (vendor, vf.name, field)
        if isinstance(d, FixedWidthDefinition) and vf.trailer:
            assert reader.trailers, vf.name


def test_gaiji_tables(clean) -> None:
    res, _ = clean
    for vendor, path in res.gaiji_tables.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].split("\t") == [
            "source_system",
            "source_code",
            "target",
            "mj_name",
            "status",
            "basis",
            "note",
        ]
        codes = {ln.split("\t")[1] for ln in lines[1:]}
        assert codes and all(c.startswith("U+E") for c in codes)
        # every PUA code in the vendor's files is in its table (clean run)
        used: set[str] = set()
        for p in res.vendor_files[vendor]:
            if p.suffix in (".csv", ".DAT"):
                text = p.read_bytes().decode("cp932", errors="replace")
                used |= {f"U+{ord(ch):04X}" for ch in text if 0xE000 <= ord(ch) <= 0xF8FF}
        if vendor != "vendor_c":  # EBCDIC: covered by the read-back test
            assert used and used <= codes, vendor


def test_small_kana_are_listed_for_vendor_a(clean) -> None:
    res, _ = clean
    small = [m for m in res.manifest if m.kind == "small_kana"]
    assert small and all(m.vendor == "vendor_a" and m.expected == "adapt.small_kana" for m in small)
    assert not res.faults()  # a clean run has no faults


def _records(path: Path, vendor: str, vf) -> list[bytes]:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    d = vf.definition
    if vendor == "vendor_c":
        out, i = [], 0
        while i + 4 <= len(data):
            n = int.from_bytes(data[i : i + 2], "big")
            out.append(data[i : i + n])
            i += n
        return out
    if vendor == "vendor_a":
        size = d.record_types[0].record_length + 2
        return [data[i : i + size] for i in range(0, len(data), size)]
    text = data.decode("cp932", errors="surrogateescape")
    return [",".join(r).encode("utf-8", "surrogateescape") for r in csv.reader(io.StringIO(text, newline=""))]


def test_manifest_matches_what_was_written(clean, faulty) -> None:
    """The faulty export differs from the clean one exactly in the records the manifest names."""
    res, _ = clean
    kinds = Counter(m.kind for m in faulty.faults())
    for k in (
        "bad_check_digit",
        "impossible_date",
        "out_of_era",
        "unknown_code",
        "over_long",
        "undecodable_bytes",
        "truncated_last_record",
        "duplicate_key",
        "orphan_reference",
        "wrong_trailer_count",
        "wrong_trailer_total",
        "unmapped_gaiji",
        "hankaku_kana",
    ):
        assert kinds[k] > 0, k
    listed: dict[tuple[str, str], set[int]] = defaultdict(set)
    for m in faulty.faults():
        listed[(m.vendor, m.file)].add(m.record)
    for v in "abc":
        prof = load_profile(v)
        for vf in prof.files:
            a = _records(res.out_dir / prof.vendor / vf.name, prof.vendor, vf)
            b = _records(faulty.out_dir / prof.vendor / vf.name, prof.vendor, vf)
            diff = {i + 1 for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y}
            want = listed[(prof.vendor, vf.name)]
            truncated = any(m.kind == "truncated_last_record" and m.file == vf.name for m in faulty.faults())
            if truncated:
                diff.add(len(a))
            assert diff == want, (vf.name, sorted(diff - want)[:5], sorted(want - diff)[:5])
    # golden stays identical; standard differs exactly at the listed records
    for lid, path in faulty.golden.items():
        assert path.read_bytes() == res.golden[lid].read_bytes()
    for lid, path in faulty.standard.items():
        g = _golden_rows(res.golden[lid], lid)
        s = _golden_rows(path, lid)
        diff = {i + 1 for i, (x, y) in enumerate(zip(g, s, strict=True)) if x != y}
        want = {m.record for m in faulty.faults() if m.vendor == "standard" and m.layout == lid}
        assert diff == want, lid


def test_over_long_stays_over_long_after_trimming(faulty) -> None:
    """over_long appends visible characters: an adapter's trim (U+3000 / space) cannot undo the fault."""
    rows = [m for m in faulty.faults() if m.kind == "over_long"]
    assert {m.vendor for m in rows} == {"vendor_b", "standard"}
    prof = load_profile("b")
    for m in rows:
        limit = load_layout(m.layout).spec.item(m.item).length.max
        if m.vendor == "standard":
            value = _golden_rows(faulty.standard[m.layout], m.layout)[m.record - 1][m.item]
        else:
            vf = next(f for f in prof.files if f.name == m.file)
            recs = [
                r for b in read(faulty.out_dir / "vendor_b" / m.file, vf.definition) for r in b.to_pylist()
            ]
            value = next(r[m.field] for r in recs if r["_record"] == m.record)
        assert len(value.strip(" \u3000")) > limit and value.endswith("長" * 60), (m.file, m.record, value)


def test_standard_faults_are_found_by_the_record_checker(faulty) -> None:
    per_layout = defaultdict(list)
    for m in faulty.faults():
        if m.vendor == "standard" and m.expected.startswith("item."):
            per_layout[m.layout].append(m)
    assert per_layout
    for lid, ms in per_layout.items():
        rows = _golden_rows(faulty.standard[lid], lid)
        chk = load_layout(lid).checker
        for m in ms:
            found = chk.findings(rows[m.golden_record - 1])
            assert (m.item, m.expected) in found, (lid, m, found)


def test_cli_generate(tmp_path: Path) -> None:
    from chukan_layout.cli import main

    r = CliRunner().invoke(
        main,
        [
            "generate",
            "-n",
            "200",
            "--vendor",
            "b",
            "--faults",
            "0.01",
            "--seed",
            "2",
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "golden/juki_jumin.csv" in r.output and (tmp_path / "o" / "vendor_b" / "jumin.csv").exists()
    bad = CliRunner().invoke(main, ["generate", "-n", "10", "--vendor", "x", "-o", str(tmp_path / "p")])
    assert bad.exit_code == 2 and "unknown vendor" in bad.output


def test_mj_list_variants(tmp_path: Path) -> None:
    from tests.conftest import MJ_LIST

    if not MJ_LIST.exists():  # licensed data lives outside the repository
        pytest.skip(f"MJ list not found at {MJ_LIST}")
    res = generate(tmp_path, vendors="a", residents=300, seed=1, gaiji_share=0.3, mj_list=MJ_LIST)
    rows = [
        ln.split("\t") for ln in res.gaiji_tables["vendor_a"].read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert rows and all(r[3].startswith("MJ") for r in rows)
    assert any(" U+E01" in r[2] for r in rows)  # IVS sequences


_ = (N, SEED)
