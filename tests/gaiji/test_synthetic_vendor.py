"""The synthetic vendor A export: its 外字対応表 maps every code; with it, names equal the golden
files (IVS included); without it, every 外字 occurrence is in gaiji.csv and the findings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chukan_layout.findings import FindingSet
from chukan_layout.gaiji.convert_stage import GaijiConvertStage
from chukan_layout.gaiji.table import load_table
from chukan_layout.gaiji.targets import is_pua
from chukan_layout.pipeline import convert
from chukan_layout.spec.registry import load_layout
from chukan_layout.synth.generate import generate
from chukan_layout.synth.golden import GAIJI_ITEMS

LAYOUTS = ["juki.jumin", "juki.setai"]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("synth")
    return generate(out, vendors="a", residents=150, seed=11, gaiji_share=0.25, layouts=LAYOUTS)


def _rows(path: str | Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _pua_cells(path: str | Path) -> int:
    return sum(sum(1 for c in cell if is_pua(ord(c))) for row in _rows(path) for cell in row)


def _inputs(export) -> list[Path]:  # type: ignore[no-untyped-def]
    return [p for p in export.vendor_files["vendor_a"] if p.suffix.upper() == ".DAT"]


def test_vendor_table_loads_against_the_real_index_and_maps_every_code(export, mj_index) -> None:  # type: ignore[no-untyped-def]
    table = load_table(export.gaiji_tables["vendor_a"], mj_index)  # IVS registered, codes well-formed
    assert len(table) > 3 and table.systems == {"vendor_a"}
    codes_in_data = set()
    for p in _inputs(export):
        codes_in_data |= {c for c in p.read_bytes().decode("cp932", errors="replace") if is_pua(ord(c))}
    assert codes_in_data, "the export holds 外字"
    assert codes_in_data <= {e.key for e in table}, "the 外字対応表 maps every code used in the export"


def test_convert_with_the_table_equals_golden(export, tmp_path: Path, mj_index) -> None:  # type: ignore[no-untyped-def]
    table = load_table(export.gaiji_tables["vendor_a"], mj_index)
    fs = FindingSet(max_samples=None)
    with GaijiConvertStage([table], source_system="vendor_a", mj_index=mj_index,
                           sidecar=tmp_path / "gaiji.csv") as g:  # fmt: skip
        res = convert("vendor_a", _inputs(export), tmp_path, stages=[g], findings=fs, validate=False)
    assert not any(code.startswith("gaiji.unmapped") for code, _, _ in fs.counts)
    mapped = 0
    for lid in LAYOUTS:
        got, gold = _rows(res.outputs[lid].path), _rows(export.golden[lid])
        assert len(got) == len(gold)
        header = gold[0]
        names = {load_layout(lid).spec.item(i).name for i in GAIJI_ITEMS[lid]}  # the items that carry 外字
        name_cols = [i for i, h in enumerate(header) if h in names]
        assert len(name_cols) == len(GAIJI_ITEMS[lid])
        for a, b in zip(got[1:], gold[1:], strict=True):
            for i in name_cols:  # 外字 items: identical to golden, IVS sequences included
                assert a[i] == b[i], (header[i], a[i], b[i])
        mapped += sum(1 for row in gold[1:] for i in name_cols for c in row[i] if ord(c) >= 0xE0100)
    assert mapped > 0, "IVS sequences reached the output"
    side = _rows(tmp_path / "gaiji.csv")
    assert side[0] == ["file", "record", "item", "position", "source_code", "result", "status"]
    assert {r[6] for r in side[1:]} <= {"exact", "identified", "not_in_target"}
    assert sum(1 for r in side[1:] if r[6] == "exact") > 0
    assert g.summary()["by_status"]["unmapped"] == 0


def test_without_the_table_every_occurrence_is_accounted_for(export, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fs = FindingSet(max_samples=None)
    with GaijiConvertStage([], source_system="vendor_a", sidecar=tmp_path / "gaiji.csv") as g:
        res = convert("vendor_a", _inputs(export), tmp_path, stages=[g], findings=fs, validate=False)
    in_output = sum(_pua_cells(o.path) for o in res.outputs.values())
    assert in_output > 0  # none silently replaced: the original codes are still there …
    side = [r for r in _rows(tmp_path / "gaiji.csv")[1:] if r[6] == "unmapped"]
    assert len(side) == in_output  # … and every one of them is in gaiji.csv
    assert all(r[4] == r[5] and is_pua(int(r[4][2:], 16)) for r in side)
    assert sum(n for (code, _, _), n in fs.counts.items() if code == "gaiji.unmapped") == in_output
    recorded = {(r[0], int(r[1]), r[2]) for r in side}
    assert {(f, rec, item) for f, rec, item, _ in fs.records_of("gaiji.unmapped")} == recorded
    assert fs.has_errors() and g.summary()["by_status"]["unmapped"] == in_output


def test_scan_and_review_round_trip(export, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from chukan_layout.gaiji.review import load_review_csv
    from chukan_layout.pipeline.gaiji_scan import scan_with_adapter

    inv, _ = scan_with_adapter(_inputs(export), "vendor_a", [])
    sheet = inv.write_csv(tmp_path / "inv.csv")
    rows = _rows_sig(sheet)
    assert rows and all(r["status"] == "unmapped" and r["count"] != "0" for r in rows)
    # the engineer fills in the sheet from the vendor's 対応表 (here: the synthetic one)
    truth = {e.source_code: e for e in load_table(export.gaiji_tables["vendor_a"])}
    for r in rows:
        r["target"] = " ".join(f"U+{ord(c):04X}" for c in truth[r["source_code"]].target)
        r["status"] = "identified"
        r["basis"] = "manual"
    _write_sig(sheet, rows)
    reviewed = load_review_csv(sheet)
    assert len(reviewed) == len(rows)
    inv2, _ = scan_with_adapter(_inputs(export), "vendor_a", [reviewed])
    assert {r["status"] for r in inv2.records()} == {"identified"}
    assert sum(int(r["count"]) for r in inv2.records()) == sum(int(r["count"]) for r in rows)


def _rows_sig(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _write_sig(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
