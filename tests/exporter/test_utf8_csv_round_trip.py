"""The round trip for a UTF-8 CSV import format: vendor file → convert → export with the profile
derived from the same adapter → the same bytes. The vendor file is the town's 世帯 records with
vendor column names, a compact 世帯成立日 (YYYYMMDD) and names UTF-8 carries but cp932 does not
(髙/﨑, 〜 and ～, 葛 with its IVS, 𠮷): all come back as they were, nothing in a sidecar."""

from __future__ import annotations

import csv
from pathlib import Path

import chukan_layout as cl
from chukan_layout.readers.definition import CsvDefinition
from chukan_layout.readers.render import render_csv
from chukan_layout.spec.registry import load_layout

NAMES = ["髙橋　一郎", "山﨑　花子", "葛\U000e0100西　〜～", "\U00020bb7田　太郎"]


def _adapter(items: dict[str, str]) -> str:
    cols = [f"V_{i}" for i in items]
    return (
        "adapter: utf8_setai\nsources:\n  setai:\n    files: [setai_utf8.csv]\n"
        f"    definition: {{kind: csv, encoding: utf-8, header: true, columns: [{', '.join(cols)}]}}\n"
        "targets:\n  - layout: juki.setai\n    source: setai\n    items:\n"
        + "".join(
            f"      {item}: {{from: V_{item}, steps: [{{date: YYYYMMDD}}]}}\n"
            if item == "setai_seiritsu_ymd"
            else f"      {item}: V_{item}\n"
            for item in items
        )
    )


def test_utf8_csv_comes_back_byte_identical(town: Path, tmp_path: Path) -> None:
    layout = load_layout("juki.setai").spec
    by_name = {it.name: it.id for it in layout.items}
    with open(town / "golden" / "juki_setai.csv", encoding="utf-8", newline="") as f:
        head, *rows = [r for _, r in zip(range(9), csv.reader(f), strict=False)]
    items = {by_name[n]: n for n in head}
    vendor = {f"V_{by_name[n]}": [r[i] for r in rows] for i, n in enumerate(head)}
    vendor["V_setai_seiritsu_ymd"] = [v.replace("-", "") for v in vendor["V_setai_seiritsu_ymd"]]
    vendor["V_setainushi_shimei"][: len(NAMES)] = NAMES
    (tmp_path / "utf8_setai.yaml").write_text(_adapter(items), encoding="utf-8")
    (tmp_path / "utf8_export.yaml").write_text(
        "export: utf8_setai\nadapter: utf8_setai.yaml\n", encoding="utf-8"
    )
    original = render_csv(CsvDefinition(encoding="utf-8", header=True, columns=list(vendor)), vendor)
    (tmp_path / "setai_utf8.csv").write_bytes(original)

    conv = cl.convert(
        tmp_path / "utf8_setai.yaml", [tmp_path / "setai_utf8.csv"], tmp_path / "std", workers=1
    )
    assert [(a.written, a.rejected) for a in conv.report.accounting] == [(len(rows), 0)], [
        (f.code, f.count) for f in conv.report.findings
    ]
    res = cl.export(tmp_path / "utf8_export.yaml", [tmp_path / "std" / "juki_setai.csv"], tmp_path / "out")
    assert res.exit_code == 0, [(f.code, f.count) for f in res.report.findings]
    assert (tmp_path / "out" / "setai_utf8.csv").read_bytes() == original
    assert (
        not (tmp_path / "out" / "unencodable.csv").exists()
        or len((tmp_path / "out" / "unencodable.csv").read_text(encoding="utf-8").splitlines()) <= 1
    )
