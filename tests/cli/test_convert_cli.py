"""``chukan-layout convert`` end to end on a small fixture (adapter given by path)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chukan_layout.cli import main

ADAPTERS = Path(__file__).resolve().parent.parent / "adapt" / "fixtures"


def _export(tmp: Path) -> Path:
    from chukan_layout.adapt.loader import load_adapter
    from chukan_layout.readers.render import render_fixed

    ad = load_adapter(ADAPTERS / "vendor_x.yaml")
    d = ad.sources["jumin"].definition
    cols = {
        "ATENA": ["000000123", "000000124"],
        "NAME": ["山田　太郎", "髙橋　花子"],
        "KANA": ["ﾔﾏﾀﾞ ﾀﾛｳ", "ﾀｶﾊｼ ﾊﾅｺ"],
        "BIRTH": ["3600214", "3100000"],
        "SEX": ["1", "2"],
        "ZOKU": ["01", "99"],
    }
    p = tmp / "JUMIN.DAT"
    p.write_bytes(render_fixed(d, "jumin", cols))
    return p


def test_convert_writes_outputs_summary_and_exit_code(tmp_path: Path) -> None:
    src = _export(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main, ["convert", "--adapter", str(ADAPTERS / "vendor_x.yaml"), str(src), "-o", str(out)]
    )
    assert r.exit_code == 1, r.output  # 続柄 99 is unmapped: an error finding
    assert "JUMIN.DAT" in r.output and "adapt.unmapped_code" in r.output
    assert (out / "juki_jumin.csv").read_bytes().startswith('"市区町村コード","宛名番号"'.encode())
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["files"][0]["records_in"] == 2 and summary["files"][0]["balanced"]


def test_convert_json_limit_and_cp932(tmp_path: Path) -> None:
    src = _export(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["convert", "-a", str(ADAPTERS / "vendor_x.yaml"), str(src), "-o", str(out),
                                  "--limit", "1", "--json", "--encoding", "cp932", "--no-validate"])  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["totals"] == {"records_in": 1, "records_out": 1, "rejected": 0, "control": 0, "written": 1}
    text = (out / "juki_jumin.csv").read_bytes().decode("cp932")
    assert "ヤマダ　タロウ" in text


def test_unknown_adapter_lists_known_ones(tmp_path: Path) -> None:
    src = _export(tmp_path)
    r = CliRunner().invoke(main, ["convert", "-a", "vendor_zz", str(src), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "unknown adapter 'vendor_zz'; known:" in r.output and "vendor_a" in r.output
