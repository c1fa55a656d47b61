"""`chukan-layout inspect` on a cp932 fixed-width file, a CP932 CSV, a UTF-8-BOM CSV and an IBM930 file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.readers import render_csv, render_fixed
from chukan_layout.readers.definition import CsvDefinition, FieldDef, FixedWidthDefinition, RecordType

FW = FixedWidthDefinition(
    framing="crlf",
    record_types=[
        RecordType(
            name="jumin",
            fields=[
                FieldDef(name="kubun", start=1, length=1),
                FieldDef(name="shimei", start=2, length=20),
                FieldDef(name="kana", start=22, length=16),
                FieldDef(name="seinengappi", start=38, length=8, type="9"),
            ],
        )
    ],
)


def _files(tmp: Path) -> dict[str, Path]:
    n = 40
    cols = {
        "kubun": ["2"] * n,
        "shimei": ["髙橋　﨑子"] * n,
        "kana": ["ﾀｶﾊｼ ｻｷｺ"] * n,
        "seinengappi": ["19850412"] * n,
    }
    out = {
        "fw": tmp / "JUMIN.DAT",
        "csv": tmp / "kojin.csv",
        "bom": tmp / "bom.csv",
        "ebcdic": tmp / "HOST.DAT",
    }
    out["fw"].write_bytes(render_fixed(FW, "jumin", cols))
    csv_cols = {
        "番号": [str(i) for i in range(n)],
        "氏名": ["髙橋\ue000"] * n,
        "住所": ["東京都,千代田区"] * n,
    }
    out["csv"].write_bytes(render_csv(CsvDefinition(encoding="cp932"), csv_cols))
    out["bom"].write_bytes(render_csv(CsvDefinition(encoding="utf-8-sig"), csv_cols))
    out["ebcdic"].write_bytes(
        render_fixed(
            FW.model_copy(update={"encoding": "ibm930", "framing": "fixed"}),
            "jumin",
            {**cols, "shimei": ["山田　太郎"] * n},
        )
    )
    return out


def _inspect(*args: str) -> dict:
    r = CliRunner().invoke(main, ["inspect", "--json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_verdicts(tmp_path: Path) -> None:
    f = _files(tmp_path)
    fw = _inspect(str(f["fw"]))
    assert (
        fw["encoding"] == "cp932"
        and fw["framing"]["kind"] == "crlf"
        and fw["framing"]["fixed_length_guess"] == 45
    )
    assert fw["record_type_histogram"] == {"32": 40}
    csv = _inspect(str(f["csv"]))
    assert csv["encoding"] == "cp932" and csv["csv"]["delimiter"] == "," and csv["csv"]["fields"] == 3
    assert csv["detection"]["counts"]["gaiji_user_area"] == 40
    bom = _inspect(str(f["bom"]))
    assert bom["encoding"] == "utf-8-sig" and bom["bom"] == "ef bb bf" and bom["csv"]["header"] is True
    host = _inspect(str(f["ebcdic"]))
    assert host["encoding"] == "ibm930" and host["framing"]["kind"] == "fixed"
    assert host["framing"]["length_candidates"][0]["length"] == 45
    assert "山田" in host["first_records"][0]["text"]


def test_text_output_and_definition(tmp_path: Path) -> None:
    f = _files(tmp_path)
    spec = tmp_path / "vendor.yaml"
    spec.write_text(yaml.safe_dump(json.loads(FW.model_dump_json())), encoding="utf-8")
    r = CliRunner().invoke(main, ["inspect", "--definition", str(spec), "--records", "2", str(f["fw"])])
    assert r.exit_code == 0, r.output
    assert "encoding: cp932 (detected)" in r.output and "fixed-width record length guess: 45" in r.output
    assert '"seinengappi": "19850412"' in r.output and "hex: 32" in r.output


@pytest.mark.parametrize("enc", ["ibm939"])
def test_explicit_encoding(tmp_path: Path, enc: str) -> None:
    f = _files(tmp_path)
    rep = _inspect("--encoding", enc, str(f["ebcdic"]))
    assert rep["encoding"] == enc and rep["encoding_source"] == "explicit"


def test_bad_definition_is_a_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("kind: fixed_width\nrecord_types: []\n", encoding="utf-8")
    f = _files(tmp_path)
    r = CliRunner().invoke(main, ["inspect", "--definition", str(spec), str(f["fw"])])
    assert r.exit_code == 2 and "bad.yaml" in r.output
