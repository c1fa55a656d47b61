"""gaiji CLI (index / lookup / scan / review), inventory CSV + HTML, review sheet rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.errors import GaijiError
from chukan_layout.gaiji.review import load_review_csv
from chukan_layout.gaiji.table import load_table
from chukan_layout.resources import gaiji_tables_dir

STD_HEADER = "宛名番号,氏名,氏名（JIS）,住所,備考\r\n"


@pytest.fixture
def std_csv(tmp_path: Path) -> Path:
    p = tmp_path / "住民.csv"
    p.write_text(STD_HEADER + '"000012","\ue000橋　一郎","斎藤","東京都=1","\ue009"\r\n'
                 '"000013","\ue001西　花子","髙木","千代田区","\ue000"\r\n', encoding="utf-8")  # fmt: skip
    return p


def test_scan_standard_csv_writes_csv_and_html(
    tmp_path: Path, std_csv: Path, vendor_tsv: Path, layout
) -> None:  # type: ignore[no-untyped-def]
    from chukan_layout.gaiji.scan import scan_standard

    inv, fs = scan_standard([std_csv], layout, [load_table(vendor_tsv)], source_system="vendor_t")
    rows = {r["source_code"]: r for r in inv.records()}
    assert rows["U+E000"]["count"] == "2" and rows["U+E000"]["items"] == "biko shimei"
    assert rows["U+E000"]["sample_records"] == "住民.csv:1 住民.csv:2" and rows["U+E000"]["status"] == "exact"
    assert rows["U+E001"]["target"] == "U+845B U+E0104" and rows["U+E001"]["mj_name"] == "MJ022340"
    assert rows["U+E009"]["status"] == "unmapped" and rows["U+E009"]["target"] == ""
    assert rows["U+9AD9"]["status"] == "not_in_target"  # 髙 in a JIS X 0213 item
    assert inv.records_scanned == 2 and fs.counts[("gaiji.unmapped", "住民.csv", "biko")] == 1
    html = inv.write_html(tmp_path / "inv.html").read_text(encoding="utf-8")
    assert "IPAmj明朝" in html and "fonts-ipamj-mincho" in html and "葛\U000e0104" in html
    assert "http" not in html.replace("http-equiv", "") and "<script" not in html  # self-contained
    assert "一郎" not in html  # record numbers only, never names


def test_cli_scan_review_round_trip(tmp_path: Path, std_csv: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHUKAN_CACHE_DIR", str(tmp_path / "nocache"))
    runner = CliRunner()
    r = runner.invoke(
        main, ["gaiji", "scan", "--layout", "juki.jumin", str(std_csv), "-o", str(tmp_path / "x")]
    )
    assert r.exit_code != 0  # 住民.csv of the test layout is not juki.jumin
    # standard CSV of the real juki.jumin layout: take two item names from it
    from chukan_layout.spec.registry import load_layout

    spec = load_layout("juki.jumin").spec
    shimei = spec.item("shimei").name
    src = tmp_path / "jumin.csv"
    src.write_text(f"{shimei}\r\n\ue000橋　一郎\r\n\ue001西　花子\r\n\ue000\r\n", encoding="utf-8")
    out = tmp_path / "inv"
    r = runner.invoke(main, ["gaiji", "scan", "--layout", "juki.jumin", "--source-system", "vendor_t", str(src),
                             "-o", str(out), "--fail-on-unmapped"])  # fmt: skip
    assert r.exit_code == 1, r.output
    assert "2 distinct code(s), 3 occurrence(s)" in r.output and "no MJ index cached" in r.output
    sheet = out / "gaiji-inventory.csv"
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # filled in by hand: a literal character and a code-point notation
        row.update({"U+E000": {"target": "髙", "status": "exact", "mj_name": "MJ028902"},
                    "U+E001": {"target": "U+845B U+E0104", "status": "identified"}}[row["source_code"]])  # fmt: skip
    with open(sheet, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    table_path = tmp_path / "reviewed.tsv"
    r = runner.invoke(main, ["gaiji", "review", str(sheet), "-o", str(table_path)])
    assert r.exit_code == 0, r.output
    t = load_table(table_path)
    assert t.get("vendor_t", "U+E000").target == "髙"  # type: ignore[union-attr]
    r = runner.invoke(main, ["gaiji", "scan", "--layout", "juki.jumin", "--source-system", "vendor_t", str(src),
                             "-o", str(tmp_path / "inv2"), "--tables", str(table_path), "--fail-on-unmapped"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert '"exact": 2' in r.output and '"identified": 1' in r.output
    # the sheet itself is accepted by --tables as well
    r = runner.invoke(main, ["gaiji", "scan", "--layout", "juki.jumin", "--source-system", "vendor_t", str(src),
                             "-o", str(tmp_path / "inv3"), "--tables", str(sheet), "--fail-on-unmapped"])  # fmt: skip
    assert r.exit_code == 0, r.output


def test_cli_index_and_lookup(tmp_path: Path, mj_list_path: Path, ivd_path: Path, repo_root: Path) -> None:
    runner = CliRunner()
    cache = tmp_path / "cache"
    r = runner.invoke(main, ["gaiji", "index", "--mj-list", str(mj_list_path), "--ivd", str(ivd_path),
                             "--cache-dir", str(cache)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "58862 MJ characters, 39501 IVD sequences" in r.output and "CC BY-SA 2.1 JP" in r.output
    assert (cache / "mj-index.json").is_file()
    assert not list(repo_root.glob("**/mj-index.json"))  # never in the repository
    r = runner.invoke(main, ["gaiji", "lookup", "MJ022340", "--cache-dir", str(cache)])
    assert r.exit_code == 0 and "U+845B U+E0104" in r.output and "Moji_Joho:MJ022340" in r.output
    r = runner.invoke(main, ["gaiji", "lookup", "髙", "--cache-dir", str(cache)])
    assert "MJ028902" in r.output and "JIS X 0213: no" in r.output and "cp932: yes" in r.output
    r = runner.invoke(main, ["gaiji", "lookup", "髙", "--cache-dir", str(tmp_path / "empty")])
    assert r.exit_code == 2 and "gaiji index" in r.output


def test_cli_scan_needs_adapter_or_layout(tmp_path: Path, std_csv: Path) -> None:
    r = CliRunner().invoke(main, ["gaiji", "scan", str(std_csv), "-o", str(tmp_path)])
    assert r.exit_code == 2 and "--adapter" in r.output


def test_review_sheet_rules(tmp_path: Path) -> None:
    head = "source_system,source_code,char,count,status,target,mj_name,basis,note\n"
    p = tmp_path / "s.csv"
    p.write_text(head + "v,U+E000,,3,unmapped,,,,\nv,U+9AD9,髙,2,not_in_target,,,,\nv,U+E001,,1,identified,葛\U000e0104,,,\n",
                 encoding="utf-8")  # fmt: skip
    t = load_review_csv(p)
    assert [e.source_code for e in t] == ["U+E001"] and t.get("v", "U+E001").line == 4  # type: ignore[union-attr]
    p.write_text(head + "v,U+E000,,3,,U+9AD9,,,\n", encoding="utf-8")
    with pytest.raises(GaijiError, match=r"s\.csv:2: a target needs a status"):
        load_review_csv(p)
    p.write_text(head + "v,U+E000,,3,maybe,U+9AD9,,,\n", encoding="utf-8")
    with pytest.raises(GaijiError, match=r"s\.csv:2: status 'maybe' with a target"):
        load_review_csv(p)
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(GaijiError, match="lacks column 'source_code'"):
        load_review_csv(p)


def test_shipped_example_table_is_valid(mj_index) -> None:  # type: ignore[no-untyped-def]
    t = load_table(gaiji_tables_dir() / "example.tsv", mj_index)
    assert t.systems == {"example"} and len(t) == 9
    for e in t:  # every MJ name given points at exactly this glyph
        if e.mj_name:
            assert e.target in mj_index.sequences(e.mj_name), e
