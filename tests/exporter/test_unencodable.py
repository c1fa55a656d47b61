"""A character the target cannot carry is never written as ``?``: rejected (default) or replaced.

Every occurrence is a row of ``unencodable.csv`` (file, record, field, item, position, code point,
action) and counted in the report; a rejected record is in ``rejects.csv`` and the accounting.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import chukan_layout as cl

from .conftest import standard_files

HOKKE = "\U00029e3d"  # 𩸽: outside cp932 and not in the vendor's 外字 table
KATSURAGI_IVS = "葛\U000e0103"  # 葛 + an IVS the table does not list: the selector has no cp932 code


def _patched_setai(src: Path, dest: Path) -> tuple[Path, list[str]]:
    """juki_setai.csv with 世帯主氏名 of data rows 2 and 3 carrying characters cp932 lacks."""
    with open(src / "juki_setai.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    name_col = rows[0].index(cl.load_layout("juki.setai").spec.item("setainushi_shimei").name)
    rows[2][name_col] = HOKKE + "田　太郎"
    rows[3][name_col] = KATSURAGI_IVS + "西　花子"
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / "juki_setai.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return out, rows[0]


def _table(town: Path) -> str:
    """The synthetic vendor A 外字 table (the town's other 外字 go back to their codes)."""
    return str(next((town / "vendor_a").glob("*.tsv")))


def _sidecar(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_default_policy_rejects_the_record_naming_item_and_code_point(
    town: Path, converted: dict[str, Path], tmp_path: Path
) -> None:
    std, _ = _patched_setai(converted["a"], tmp_path / "std")
    res = cl.export("vendor_a", [std], tmp_path / "out", gaiji_tables=[_table(town)])
    rows = _sidecar(tmp_path / "out" / "unencodable.csv")
    assert {(r["record"], r["item"], r["code_point"], r["action"]) for r in rows} == {
        ("2", "setainushi_shimei", "U+29E3D", "rejected"),
        ("3", "setainushi_shimei", "U+E0103", "rejected"),
    }
    (acc,) = res.report.accounting
    assert (acc.records_read, acc.rejected) == (acc.written + 2, 2)
    rejects = _sidecar(tmp_path / "out" / "rejects.csv")
    assert sorted(r["record"] for r in rejects) == ["2", "3"]
    assert {f.code: f.count for f in res.report.findings if f.code.startswith("export.unenc")} == {
        "export.unencodable": 2
    }
    assert b"?" not in (tmp_path / "out" / "SETAI.DAT").read_bytes()
    assert res.exit_code == 1  # error findings fail the default verdict


def test_replace_policy_writes_the_declared_substitute(
    town: Path, converted: dict[str, Path], tmp_path: Path
) -> None:
    std, _ = _patched_setai(converted["a"], tmp_path / "std")
    res = cl.export(
        "vendor_a",
        [std],
        tmp_path / "out",
        gaiji_tables=[_table(town)],
        unencodable="replace",
        substitute="〓",
    )
    rows = _sidecar(tmp_path / "out" / "unencodable.csv")
    assert [(r["record"], r["position"], r["code_point"], r["action"], r["detail"]) for r in rows] == [
        ("2", "1", "U+29E3D", "replaced", "〓"),
        ("3", "2", "U+E0103", "replaced", "〓"),
    ]
    (acc,) = res.report.accounting
    assert acc.rejected == 0 and acc.written == acc.records_read
    data = (tmp_path / "out" / "SETAI.DAT").read_bytes()
    assert "〓田".encode("cp932") in data and "葛〓西".encode("cp932") in data
    assert any(f.code == "export.unencodable_replaced" and f.count == 2 for f in res.report.findings)


def test_a_utf8_target_needs_no_substitute(converted: dict[str, Path], tmp_path: Path) -> None:
    std, _header = _patched_setai(converted["a"], tmp_path / "std")
    profile = tmp_path / "utf8.yaml"
    cols = ["世帯番号", "世帯主氏名"]
    profile.write_text(
        "export: setai_utf8\nfiles:\n  setai.csv:\n"
        "    definition: {kind: csv, encoding: utf-8, header: true, columns: [" + ", ".join(cols) + "]}\n"
        "    records:\n    - layout: juki.setai\n"
        "      fields: {世帯番号: setai_no, 世帯主氏名: setainushi_shimei}\n",
        encoding="utf-8",
    )
    res = cl.export(profile, [std], tmp_path / "out")
    text = (tmp_path / "out" / "setai.csv").read_text(encoding="utf-8")
    assert HOKKE in text and KATSURAGI_IVS in text
    assert res.exit_code == 0 and not _sidecar(tmp_path / "out" / "unencodable.csv")


def test_replace_needs_a_substitute() -> None:
    from chukan_layout.errors import ExportError

    with pytest.raises(ExportError, match="substitute"):
        cl.export("vendor_a", [], "nowhere", unencodable="replace")


def test_inputs_are_checked(converted: dict[str, Path], tmp_path: Path) -> None:
    from chukan_layout.errors import ExportError

    with pytest.raises(ExportError, match="does not export"):
        cl.export("vendor_c", [p for p in standard_files(converted["b"]) if "keiji" in p.name], tmp_path)


def test_cli_export_skips_convert_sidecars_and_reports(
    town: Path, converted: dict[str, Path], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from chukan_layout.cli import main

    inputs = [str(p) for p in sorted(converted["c"].glob("*.csv"))]  # findings.csv / gaiji.csv included
    table = str(next((town / "vendor_c").glob("*.tsv")))
    out = CliRunner().invoke(
        main, ["export", "-p", "vendor_c", *inputs, "--gaiji-table", table, "-o", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    assert "JUMIN.EBC" in out.output and (tmp_path / "report.html").is_file()
    run = json.loads(
        (tmp_path / "run.json").read_text(encoding="utf-8")
    )  # published in one step, manifest last
    assert run["command"] == "export" and {"JUMIN.EBC", "unencodable.csv", "report.json"} <= set(run["files"])
    assert (tmp_path / "JUMIN.EBC").read_bytes() == (town / "vendor_c" / "JUMIN.EBC").read_bytes()
    bad = CliRunner().invoke(
        main, ["export", "-p", "vendor_c", *inputs, "--unencodable", "replace", "-o", str(tmp_path / "x")]
    )
    assert bad.exit_code == 2 and "substitute" in bad.output
