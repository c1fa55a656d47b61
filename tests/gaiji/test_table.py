"""外字対応表 loader: format, YAML, and every rejection naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout.errors import GaijiError
from chukan_layout.gaiji.table import (
    Status,
    format_code_points,
    load_table,
    normalize_source_code,
    parse_code_points,
    write_table,
)

HEADER = "source_system\tsource_code\ttarget\tmj_name\tstatus\tbasis\tnote\n"


def _tsv(tmp_path: Path, *rows: str, name: str = "t.tsv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def test_loads_vendor_table(vendor_tsv: Path) -> None:
    t = load_table(vendor_tsv)
    assert len(t) == 5 and t.systems == {"vendor_t"}
    e = t.get("vendor_t", "u+e001")
    assert e is not None and e.target == "葛\U000e0104" and e.status is Status.IDENTIFIED
    assert e.key == "\ue001" and e.line == 4 and e.mj_name == "MJ022340"
    assert t.get("vendor_t", "U+E003").target == ""  # type: ignore[union-attr]


def test_vendor_hex_codes_and_yaml(tmp_path: Path) -> None:
    p = tmp_path / "jef.yaml"
    p.write_text(
        "source_system: mainframe\nentries:\n"
        "  - {source_code: \"X'6941'\", target: U+5D0E, status: identified, basis: jis_inclusion}\n"
        "  - {source_code: \"x'69a2'\", status: unmapped}\n",
        encoding="utf-8",
    )
    t = load_table(p)
    assert sorted(c for _, c in t.entries) == ["X'6941'", "X'69A2'"]
    assert t.get("mainframe", "X'6941'").key is None  # type: ignore[union-attr]


def test_yaml_errors_name_the_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(
        "entries:\n  - {source_system: a, source_code: U+E000, target: U+9AD9, status: exact}\n"
        "  - {source_system: a, source_code: U+E001, target: U+ZZZZ, status: exact}\n",
        encoding="utf-8",
    )
    with pytest.raises(GaijiError, match=r"bad\.yaml:3: target: malformed code point"):
        load_table(p)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("v\tU+E000\tU+9AD9\t\texact\t\t", r"t\.tsv:3: duplicate v U\+E000 \(first at line 2\)"),
        ("v\tE001\tU+9AD9\t\texact\t\t", r"t\.tsv:3: malformed source code 'E001'"),
        ("v\tU+E001\tU+9AD9X\t\texact\t\t", r"t\.tsv:3: target: malformed code point"),
        ("v\tU+E001\tU+D800\t\texact\t\t", r"t\.tsv:3: target: invalid code point U\+D800"),
        ("v\tU+E001\tU+110000\t\texact\t\t", r"t\.tsv:3: target: invalid code point"),
        ("v\tU+E001\tU+9AD9\t\tunmapped\t\t", r"t\.tsv:3: status unmapped but a target is given \(U\+9AD9\)"),
        ("v\tU+E001\t\t\texact\t\t", r"t\.tsv:3: status exact needs a target"),
        ("v\tU+E001\tU+9AD9\t\tguessed\t\t", r"t\.tsv:3: bad status 'guessed'"),
        (
            "v\tU+E001\tU+E0100\t\texact\t\t",
            r"t\.tsv:3: not a legitimate character sequence: U\+E0100 at the start",
        ),
        (
            "v\tU+E001\tU+3042 U+E0100\t\texact\t\t",
            r"t\.tsv:3: not a legitimate character sequence: U\+E0100 after あ",
        ),
        ("v\tU+E001\tU+9AD9\tMJ12\texact\t\t", r"t\.tsv:3: malformed MJ name 'MJ12'"),
        ("v\tU+E001\tU+9AD9\t\texact\t\t\textra", r"t\.tsv:3: 8 cells but the header has 7"),
    ],
)
def test_rejections_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    p = _tsv(tmp_path, "v\tU+E000\tU+9AD9\t\texact\t\t", row)
    with pytest.raises(GaijiError, match=message):
        load_table(p)


def test_header_must_have_the_columns(tmp_path: Path) -> None:
    p = tmp_path / "h.tsv"
    p.write_text("code\ttarget\nU+E000\tU+9AD9\n", encoding="utf-8")
    with pytest.raises(
        GaijiError, match=r"h\.tsv:1: header lacks source_system, source_code, mj_name, status"
    ):
        load_table(p)


def test_index_checks_ivs_registration_and_mj_names(tmp_path: Path, mj_index) -> None:  # type: ignore[no-untyped-def]
    ok = _tsv(tmp_path, "v\tU+E000\tU+845B U+E0104\tMJ022340\texact\tkoseki\t", name="ok.tsv")
    assert load_table(ok, mj_index).get("v", "U+E000").target == "葛\U000e0104"  # type: ignore[union-attr]
    unreg = _tsv(tmp_path, "v\tU+E000\tU+845B U+E01EF\t\texact\t\t", name="unreg.tsv")
    load_table(unreg)  # structurally fine without an index
    with pytest.raises(GaijiError, match=r"unreg\.tsv:2: IVS U\+845B U\+E01EF is not registered in the IVD"):
        load_table(unreg, mj_index)
    ghost = _tsv(tmp_path, "v\tU+E000\tU+9AD9\tMJ999999\texact\t\t", name="ghost.tsv")
    load_table(ghost)
    with pytest.raises(GaijiError, match=r"ghost\.tsv:2: MJ name MJ999999 does not exist"):
        load_table(ghost, mj_index)


def test_write_round_trip(tmp_path: Path, vendor_tsv: Path) -> None:
    t = load_table(vendor_tsv)
    out = write_table(t, tmp_path / "out.tsv")
    again = load_table(out)
    assert [(e.source_code, e.target, e.status, e.mj_name, e.note) for e in again] == [
        (e.source_code, e.target, e.status, e.mj_name, e.note) for e in t
    ]


def test_code_point_helpers() -> None:
    assert parse_code_points("U+845B U+E0100") == "葛\U000e0100"
    assert format_code_points("𠮷\u3000") == "U+20BB7 U+3000"
    assert normalize_source_code(" x'f040' ") == "X'F040'"
    assert normalize_source_code("u+e000") == "U+E000"
    with pytest.raises(ValueError):
        normalize_source_code("X'F04'")
