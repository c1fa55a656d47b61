"""generate(): determinism, 外字 tables, standard-side faults, the CLI (the builders, vendor files and
fault values have their own test files: test_golden*.py, test_vendors.py, test_faults.py …)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.generate import generate

from .conftest import SEED, N, files_of, golden_rows


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", residents=300, faults=0.05, seed=4, gaiji_share=0.1)
    b = generate(tmp_path / "b", residents=300, faults=0.05, seed=4, gaiji_share=0.1)
    fa, fb = files_of(a.out_dir), files_of(b.out_dir)
    assert fa.keys() == fb.keys() and len(fa) > 30
    assert all(fa[k] == fb[k] for k in fa)
    c = generate(tmp_path / "c", residents=300, faults=0.05, seed=5, vendors="standard")
    assert files_of(c.out_dir)["golden/juki_jumin.csv"] != fa["golden/juki_jumin.csv"]


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


def test_standard_faults_are_found_by_the_record_checker(faulty) -> None:
    per_layout = defaultdict(list)
    for m in faulty.faults():
        if m.vendor == "standard" and m.expected.startswith("item."):
            per_layout[m.layout].append(m)
    assert per_layout
    for lid, ms in per_layout.items():
        rows = golden_rows(faulty.standard[lid], lid)
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
