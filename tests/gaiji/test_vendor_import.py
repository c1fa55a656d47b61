"""``chukan-layout gaiji import``: a vendor's own 外字 list → a checked 外字対応表 (every row validated)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.errors import GaijiError
from chukan_layout.gaiji.table import load_table
from chukan_layout.gaiji.vendor_table import import_vendor_table, vendor_code


def test_codes() -> None:
    assert vendor_code("F040", "sjis") == ("U+E000", "SJIS F040")
    assert vendor_code("0xF9FC", "sjis") == ("U+E757", "SJIS F9FC")
    assert vendor_code("F0 41", "sjis")[0] == "U+E001"
    assert vendor_code("X'6941'", "ebcdic") == ("X'6941'", "EBCDIC 6941")
    for bad, kind in (("E040", "sjis"), ("F07F", "sjis"), ("4040", "ebcdic"), ("zz", "sjis")):
        with pytest.raises(ValueError):
            vendor_code(bad, kind)  # type: ignore[arg-type]


def test_sjis_tsv_round_trip_through_the_table_loader(tmp_path: Path) -> None:
    src = tmp_path / "GAIJI.txt"
    src.write_text(
        "# vendor A\nコード\t文字\tMJ\t備考\nF040\t辻\U000e0100\tMJ000001\tしんにょう\n"
        "F041\tU+9AD9\t\t髙\nF042\t朗\ufe00\n\nF043\t\t\t(image only)\n",
        encoding="utf-8",
    )
    out = tmp_path / "table.tsv"
    r = CliRunner().invoke(
        main,
        [
            "gaiji",
            "import",
            "--from",
            "sjis-tsv",
            "--source-system",
            "vendor_a",
            str(src),
            "-o",
            str(out),
            "--no-mj-index",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "4 row(s)" in r.output and "3 mapped, 1 unmapped" in r.output
    t = load_table(out)
    assert t.get("vendor_a", "U+E000").target == "辻\U000e0100"  # type: ignore[union-attr]
    assert t.get("vendor_a", "U+E002").target == "朗\ufe00"  # type: ignore[union-attr]  (an SVS)
    assert t.get("vendor_a", "U+E003").status == "unmapped"  # type: ignore[union-attr]
    assert "SJIS F040" in t.get("vendor_a", "U+E000").note  # type: ignore[union-attr]


def test_csv_in_shift_jis_with_ebcdic_codes_and_images(tmp_path: Path) -> None:
    src = tmp_path / "HOST.csv"
    src.write_bytes(
        "外字コード,対応文字,MJ文字図形名,画像\n6941,髙,,g6941.png\n6942,,,g6942.png\n".encode("cp932")
    )
    t = import_vendor_table(src, "csv", "host", codes="ebcdic")
    assert t.get("host", "X'6941'").target == "髙"  # type: ignore[union-attr]
    e = t.get("host", "X'6942'")
    assert e is not None and e.status == "unmapped" and "image g6942.png" in e.note


def test_every_bad_row_is_reported_and_nothing_written(tmp_path: Path) -> None:
    src = tmp_path / "bad.txt"
    src.write_text(
        "F040\tあ\U000e0100\nF041\t髙\nE040\t髙\nF041\t高\nzz\tx\nF044\tU+E000\nF045\t高\tMJ12\n",
        encoding="utf-8",
    )
    out = tmp_path / "t.tsv"
    r = CliRunner().invoke(main, ["gaiji", "import", "--from", "sjis-tsv", "--source-system", "a", str(src),
                                  "-o", str(out), "--no-mj-index"])  # fmt: skip
    assert r.exit_code == 2 and not out.exists()
    for frag in ("6 invalid row(s)", ":1: not a legitimate character sequence: U+E0100 after あ", ":3: E040 is not in",
                 ":4: duplicate a U+E001", ":5: malformed code", ":6:", ":7: malformed MJ name"):  # fmt: skip
        assert frag in r.output, (frag, r.output)
    with pytest.raises(GaijiError):
        import_vendor_table(src, "sjis-tsv", "a")
