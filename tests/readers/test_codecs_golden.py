"""EBCDIC against glibc iconv (golden bytes), numeric vectors from legacy-exports.md §1.4, JEF/KEIS."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import numeric
from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import FieldDef, FieldType
from chukan_layout.readers.kiko import KikoCodec
from chukan_layout.readers.render import encode_field

from .strategies import roundtrip_chars

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "read"
ICONV = shutil.which("iconv")


def _iconv(text: str, page: str) -> bytes:
    return subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", page], input=text.encode(), capture_output=True, check=True
    ).stdout


@pytest.mark.parametrize("codec", ["ibm930", "ibm939"])
def test_committed_golden_files(codec: str) -> None:
    raw = (FIXTURES / f"{codec}_golden.bin").read_bytes()
    text = (FIXTURES / f"{codec}_golden.txt").read_text(encoding="utf-8")
    c = get_codec(codec)
    assert c.decode_bytes(raw, FieldType.MIXED) == text
    assert c.encode(text, FieldType.MIXED) == raw


def test_reference_example_bytes() -> None:
    # legacy-exports.md §1.3: ﾔﾏﾀﾞ 山田　太郎 in IBM930; 髙 → 0e 67 6b 0f
    c = get_codec("ibm930")
    assert (
        c.encode("ﾔﾏﾀﾞ 山田　太郎", FieldType.MIXED).hex(" ")
        == "a9 a4 91 be 40 0e 45 65 45 63 40 40 45 ab 45 6e 0f"
    )
    assert c.encode("髙", FieldType.MIXED) == bytes.fromhex("0e676b0f")


@pytest.mark.skipif(ICONV is None, reason="glibc iconv not on PATH (committed golden files still tested)")
@pytest.mark.parametrize("codec", ["ibm930", "ibm939"])
@settings(max_examples=25)
@given(data=st.data())
def test_iconv_golden_random(codec: str, data: st.DataObject) -> None:
    text = data.draw(st.text(st.sampled_from(roundtrip_chars(codec, FieldType.MIXED)), max_size=20))
    golden = _iconv(text, codec.upper())
    c = get_codec(codec)
    assert c.encode(text, FieldType.MIXED) == golden
    assert c.decode_bytes(golden, FieldType.MIXED) == text


def test_dbcs_only_field_and_truncation() -> None:
    c = get_codec("ibm930")
    f = FieldDef(name="kanji", start=1, length=6, type="N")
    assert encode_field(f, "山田", "ibm930") == bytes.fromhex("456545634040")
    m = FieldDef(name="mixed", start=1, length=9, type="M")
    cut = encode_field(m, "ｱ山田太郎", "ibm930", overflow="truncate")
    assert cut == bytes.fromhex("810e4565456345ab0f")  # whole pairs only, the SO run closed by SI
    assert c.decode_bytes(cut, FieldType.MIXED) == "ｱ山田太"
    ten = FieldDef(name="mixed", start=1, length=10, type="M")
    assert encode_field(ten, "ｱ山田太郎", "ibm930", overflow="truncate") == cut + b"\x40"
    with pytest.raises(ValueError, match="field mixed"):
        encode_field(m, "ｱ山田太郎", "ibm930")


def test_cp932_truncation_never_splits() -> None:
    f = FieldDef(name="shimei", start=1, length=5)
    assert encode_field(f, "髙橋太郎", overflow="truncate") == "髙橋".encode("cp932") + b" "


@pytest.mark.parametrize(
    ("raw", "ftype", "scale", "ebcdic", "want"),
    [
        ("f1f2d3", "S", 0, True, "-123"),  # EBCDIC zoned −123
        ("f1f2c3", "S", 0, True, "123"),
        ("f1f2f3", "9", 0, True, "123"),
        ("313273", "S", 0, False, "-123"),  # opensource COBOL ASCII −3 = 0x73
        ("31327d", "S", 0, False, "-120"),  # overpunch }
        ("31324c", "S", 1, False, "-12.3"),  # overpunch L = −3
        ("31327b", "S", 0, False, "120"),  # overpunch {
        ("123c", "P", 0, True, "123"),
        ("123d", "P", 0, True, "-123"),
        ("123f", "P", 0, True, "123"),
        ("123b", "P", 2, True, "-1.23"),
        ("00012c", "P", 2, False, "0.12"),
        ("ffff", "B", 0, False, "-1"),
        ("8000", "B", 1, False, "-3276.8"),
    ],
)
def test_numeric_vectors(raw: str, ftype: str, scale: int, ebcdic: bool, want: str) -> None:
    cells = np.frombuffer(bytes.fromhex(raw), np.uint8).reshape(1, -1)
    if ftype in "9S":
        got, bad = numeric.decode_zoned(cells, scale, ftype == "S", ebcdic)
    elif ftype == "P":
        got, bad = numeric.decode_packed(cells, scale, ebcdic)
    else:
        got, bad = numeric.decode_binary(cells, scale, True)
    assert not bad[0]
    assert got[0].as_py() == want


def test_blank_numeric_is_blank_and_renders_back() -> None:
    f = FieldDef(name="kingaku", start=1, length=4, type="P", scale=2)
    raw = encode_field(f, "", "ibm930")
    assert raw == b"\x40" * 4
    got, bad = numeric.decode_packed(np.frombuffer(raw, np.uint8).reshape(1, -1), 2, True)
    assert got[0].as_py() == "" and not bad[0]


def test_jef_keis_split_and_vendor_table() -> None:
    jef = KikoCodec("jef_test", "jef", vendor={0x4141: "\ue000"})
    raw = jef.encode("ABC石\ue000", FieldType.MIXED)
    assert raw == bytes.fromhex("c1c2c328c0d0414129")
    assert jef.decode_value(raw, FieldType.MIXED) == "ABC石\ue000"
    keis = get_codec("keis")
    assert keis.encode("ｱ石", FieldType.MIXED) == bytes.fromhex("810a42c0d00a41")
    with pytest.raises(ValueError, match="vendor table"):
        get_codec("jef").decode_value(bytes.fromhex("2841412 9".replace(" ", "")), FieldType.MIXED)
